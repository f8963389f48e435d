//! safetensors checkpoints against PyTorch (fixtures from scripts/gen_serialize_fixtures.py):
//! round trips of every dtype and layout, files written by `safetensors.torch.save_file`
//! loaded bit for bit into the matching models, PyTorch's load_state_dict messages, the
//! errors for unreadable, truncated and corrupt files, and atomic replacement.

mod common;

use common::load_fixture;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use torchlight::nn::{self, Module, StateDict};
use torchlight::{serialize, DType, Error, Tensor};

fn fixture() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| load_fixture("serialize.json"))
}

fn fixture_path(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serialize").join(file)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

/// A directory of its own under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("torchlight-serialize-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The names in the directory, sorted.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(&self.0).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where a test leaves a file for `gen_serialize_fixtures.py --check` (under target/).
fn check_path(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serialize");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The temporary file a save to `path` goes through, as `save_file` documents it.
fn temp_of(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap().to_str().unwrap();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// The little-endian bytes of a tensor's elements in logical order: the layout torch holds
/// and the fixture's `hex` records.
fn bytes_of(t: &Tensor) -> Vec<u8> {
    match t.dtype() {
        DType::Bool => t.to_vec::<bool>().into_iter().map(u8::from).collect(),
        DType::I64 => t.to_vec::<i64>().iter().flat_map(|x| x.to_le_bytes()).collect(),
        DType::F32 => t.to_vec::<f32>().iter().flat_map(|x| x.to_le_bytes()).collect(),
        DType::F64 => t.to_vec::<f64>().iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

/// A tensor with the fixture entry's shape and dtype whose elements are its `hex` bytes.
fn tensor_from_hex(v: &Value) -> Tensor {
    let shape: Vec<usize> = v["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
    let b = hex_bytes(v["hex"].as_str().unwrap());
    let words = |n: usize| b.chunks_exact(n).map(|c| c.to_vec()).collect::<Vec<_>>();
    match common::dtype_of(v["dtype"].as_str().unwrap()) {
        DType::Bool => Tensor::from_vec(b.iter().map(|&x| x == 1).collect(), &shape),
        DType::I64 => {
            Tensor::from_vec(words(8).iter().map(|c| i64::from_le_bytes(c[..].try_into().unwrap())).collect(), &shape)
        }
        DType::F32 => {
            Tensor::from_vec(words(4).iter().map(|c| f32::from_le_bytes(c[..].try_into().unwrap())).collect(), &shape)
        }
        DType::F64 => {
            Tensor::from_vec(words(8).iter().map(|c| f64::from_le_bytes(c[..].try_into().unwrap())).collect(), &shape)
        }
    }
}

/// Asserts `t` has the fixture entry's shape, dtype and exact bytes.
#[track_caller]
fn assert_bits(t: &Tensor, expected: &Value, what: &str) {
    let shape: Vec<usize> =
        expected["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
    assert_eq!(t.shape(), shape.as_slice(), "{what}: shape");
    assert_eq!(t.dtype(), common::dtype_of(expected["dtype"].as_str().unwrap()), "{what}: dtype");
    assert_eq!(bytes_of(t), hex_bytes(expected["hex"].as_str().unwrap()), "{what}: bytes");
}

/// Asserts two state dicts hold the same names with equal shapes, dtypes and bits.
#[track_caller]
fn assert_same(got: &StateDict, want: &StateDict) {
    let mut a: Vec<&str> = got.keys().collect();
    let mut b: Vec<&str> = want.keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "keys");
    for (k, w) in want.iter() {
        let g = &got[k];
        assert_eq!((g.shape(), g.dtype()), (w.shape(), w.dtype()), "{k}: shape and dtype");
        assert_eq!(bytes_of(g), bytes_of(w), "{k}: bits");
    }
}

fn mlp(hidden: usize) -> nn::Sequential {
    nn::Sequential::new().add(nn::Linear::new(3, hidden)).add(nn::ReLU::new()).add(nn::Linear::new(hidden, 2))
}

#[derive(Module)]
#[module(no_forward)]
struct NormEmbed {
    emb: nn::Embedding,
    norm: nn::LayerNorm,
    head: nn::Linear,
}

/// Tensors of every dtype in contiguous, transposed, narrowed, expanded, 0-dim and empty
/// forms. Values are arange-based, so any misplaced element shows.
fn every_layout() -> StateDict {
    let f32s = Tensor::from_vec((0..6).map(|i| i as f32 * 0.5 - 1.25).collect(), &[2, 3]);
    let f64s = Tensor::from_vec((0..12).map(|i| (i as f64).sqrt() - 1.5).collect(), &[3, 4]);
    let i64s = Tensor::from_vec((0..6).map(|i| (i - 3) * (1i64 << 40)).collect(), &[2, 3]);
    let bools = Tensor::from_vec((0..6).map(|i| i % 3 == 1).collect(), &[2, 3]);
    let mut sd = StateDict::new();
    sd.insert("f32", f32s.clone());
    sd.insert("f32_transposed", f32s.t());
    sd.insert("f64_narrowed", f64s.narrow(1, 1, 2));
    sd.insert("f64_stepped", f64s.slice(0, Some(0), None, 2).t());
    sd.insert("i64_expanded", i64s.select(0, 1).expand(&[4, 3]));
    sd.insert("i64_transposed", i64s.t());
    sd.insert("bool_transposed", bools.t());
    sd.insert("f32_scalar", Tensor::scalar(-0.0f32));
    sd.insert("f64_scalar", Tensor::scalar(f64::MIN_POSITIVE));
    sd.insert("i64_scalar", Tensor::scalar(i64::MIN));
    sd.insert("bool_scalar", Tensor::scalar(true));
    for d in [DType::Bool, DType::I64, DType::F32, DType::F64] {
        sd.insert(format!("empty_{d}"), Tensor::zeros_dtype(&[0, 3], d));
        sd.insert(format!("empty_middle_{d}"), Tensor::zeros_dtype(&[2, 0, 4], d));
    }
    sd.insert(
        "f32_special",
        Tensor::from_slice(&[f32::NAN, f32::INFINITY, f32::NEG_INFINITY, f32::MIN_POSITIVE / 2.0]),
    );
    assert!(!sd["f32_transposed"].is_contiguous() && !sd["i64_expanded"].is_contiguous());
    assert!(!sd["f64_narrowed"].is_contiguous() && !sd["f64_stepped"].is_contiguous());
    sd
}

#[test]
fn bytes_round_trip_every_dtype_and_layout() {
    let sd = every_layout();
    let back = serialize::load(&serialize::save(&sd, None).unwrap()).unwrap();
    assert_same(&back, &sd);
    for (k, t) in back.iter() {
        assert!(t.is_contiguous() && !t.requires_grad(), "{k}: a fresh contiguous tensor");
    }
}

#[test]
fn file_round_trip_every_dtype_and_layout_with_metadata() {
    let dir = TempDir::new("file_round_trip");
    let path = dir.join("all.safetensors");
    let sd = every_layout();
    let meta = HashMap::from([("format".to_string(), "pt".to_string()), ("step".to_string(), "12".to_string())]);
    torchlight::save_file(&sd, &path, Some(meta.clone())).unwrap();
    assert_same(&torchlight::load_file(&path).unwrap(), &sd);
    assert_eq!(serialize::read_metadata(&path).unwrap(), Some(meta));
    assert_eq!(dir.names(), ["all.safetensors"], "no temporary file is left behind");
}

#[test]
fn empty_state_dict_round_trips() {
    let bytes = serialize::save(&StateDict::new(), None).unwrap();
    assert!(serialize::load(&bytes).unwrap().is_empty());
}

#[test]
fn tensors_that_share_storage_are_each_saved_under_their_name() {
    let _g = common::global_rng();
    let lin = std::sync::Arc::new(nn::Linear::new(2, 2));
    let tied = nn::Sequential::new().add(lin.clone()).add(lin);
    let sd = tied.state_dict();
    assert_eq!(sd.len(), 4);
    assert_same(&serialize::load(&serialize::save(&sd, None).unwrap()).unwrap(), &sd);
}

#[test]
fn torch_files_load_with_torch_names_order_bits_and_metadata() {
    for name in ["mlp", "norm_embed", "dtypes", "f64_into_f32"] {
        let f = &fixture()[name];
        let path = fixture_path(f["file"].as_str().unwrap());
        let sd = torchlight::load_file(&path).unwrap();
        assert_eq!(sd.keys().collect::<Vec<_>>(), strings(&f["load_file_keys"]), "{name}: load_file order");
        for (k, t) in sd.iter() {
            assert_bits(t, &f["tensors"][k], &format!("{name}.{k}"));
        }
        let meta: Option<HashMap<String, String>> = serde_json::from_value(f["metadata"].clone()).unwrap();
        assert_eq!(serialize::read_metadata(&path).unwrap(), meta, "{name}: metadata");
    }
}

#[test]
fn torch_mlp_loads_into_torchlight_sequential() {
    let _g = common::global_rng();
    let f = &fixture()["mlp"];
    torchlight::manual_seed(5);
    let model = mlp(4);
    let keys = model.load_file(fixture_path("mlp.safetensors"), true).unwrap();
    assert!(keys.missing_keys.is_empty() && keys.unexpected_keys.is_empty());
    let sd = model.state_dict();
    assert_eq!(sd.keys().collect::<Vec<_>>(), strings(&f["state_dict_keys"]));
    for (k, t) in sd.iter() {
        assert_bits(t, &f["tensors"][k], k);
    }
}

#[test]
fn torch_norm_embed_loads_into_derived_module() {
    let _g = common::global_rng();
    let f = &fixture()["norm_embed"];
    torchlight::manual_seed(5);
    let model =
        NormEmbed { emb: nn::Embedding::new(5, 3), norm: nn::LayerNorm::new(&[3]), head: nn::Linear::new(3, 2) };
    model.load_file(fixture_path("norm_embed.safetensors"), true).unwrap();
    let sd = model.state_dict();
    assert_eq!(sd.keys().collect::<Vec<_>>(), strings(&f["state_dict_keys"]));
    for (k, t) in sd.iter() {
        assert_bits(t, &f["tensors"][k], k);
    }
}

/// The model torch's fixture was written from, rebuilt under the same seed, saves to the very
/// same bytes; the file is left for `gen_serialize_fixtures.py --check PATH --against mlp`.
#[test]
fn seeded_torchlight_mlp_saves_the_bytes_torch_wrote() {
    let _g = common::global_rng();
    torchlight::manual_seed(0);
    let model = mlp(4);
    let path = check_path("mlp_seed0_torchlight.safetensors");
    model.save_file(&path).unwrap();
    let torch_bytes = std::fs::read(fixture_path("mlp.safetensors")).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), torch_bytes);
    torchlight::manual_seed(9);
    let other = mlp(4);
    other.load_file(&path, true).unwrap();
    assert_same(&other.state_dict(), &model.state_dict());
}

/// The fixture's dtypes tensors, rebuilt from torch's bytes and written by torchlight, read
/// back equal; the file is left for `gen_serialize_fixtures.py --check PATH --against dtypes`.
/// (The header's metadata map has no fixed order, so the bytes are not compared.)
#[test]
fn dtypes_written_by_torchlight_read_back_equal() {
    let f = &fixture()["dtypes"];
    let sd: StateDict =
        strings(&f["load_file_keys"]).into_iter().map(|k| (k.clone(), tensor_from_hex(&f["tensors"][&k]))).collect();
    let meta: HashMap<String, String> = serde_json::from_value(f["metadata"].clone()).unwrap();
    let path = check_path("dtypes_torchlight.safetensors");
    torchlight::save_file(&sd, &path, Some(meta.clone())).unwrap();
    let back = torchlight::load_file(&path).unwrap();
    assert_eq!(back.keys().collect::<Vec<_>>(), strings(&f["load_file_keys"]), "data order is torch's");
    assert_same(&back, &sd);
    assert_eq!(serialize::read_metadata(&path).unwrap(), Some(meta));
}

/// torch's load_state_dict copies with conversion (`param.copy_(input_param)`): a float64
/// checkpoint loads into float32 parameters, rounded, and the parameters stay float32.
#[test]
fn float64_file_loads_into_float32_linear_as_torch_converts() {
    let _g = common::global_rng();
    let f = &fixture()["f64_into_f32"];
    let lin = nn::Linear::new(3, 2);
    lin.load_file(fixture_path(f["file"].as_str().unwrap()), true).unwrap();
    assert_bits(&lin.weight, &f["after_load"]["weight"], "weight");
    assert_bits(lin.bias.as_ref().unwrap(), &f["after_load"]["bias"], "bias");
}

#[test]
fn unsupported_dtype_is_an_error_naming_key_and_dtype() {
    for (name, u) in fixture()["unsupported"].as_object().unwrap() {
        let path = fixture_path(u["file"].as_str().unwrap());
        let err = torchlight::load_file(&path).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, Error::NotImplemented(_)), "{name}: {err:?}");
        let key = format!("\"{}\"", u["key"].as_str().unwrap());
        let dtype = format!("dtype {}", u["dtype"].as_str().unwrap());
        assert!(msg.contains(&key) && msg.contains(&dtype) && msg.contains(&path.display().to_string()), "{msg}");
    }
}

#[test]
fn wrong_shape_gives_torchs_message() {
    let _g = common::global_rng();
    let err = mlp(5).load_file(fixture_path("mlp.safetensors"), true).unwrap_err();
    assert!(matches!(err, Error::Runtime(_)));
    assert_eq!(err.to_string(), fixture()["load_errors"]["wrong_shape"].as_str().unwrap());
}

#[test]
fn missing_key_gives_torchs_message_and_keys() {
    let _g = common::global_rng();
    let deeper = || mlp(4).add(nn::ReLU::new()).add(nn::Linear::new(2, 1));
    let e = &fixture()["load_errors"];
    let err = deeper().load_file(fixture_path("mlp.safetensors"), true).unwrap_err();
    assert_eq!(err.to_string(), e["missing"].as_str().unwrap());
    let keys = deeper().load_file(fixture_path("mlp.safetensors"), false).unwrap();
    assert_eq!(keys.missing_keys, strings(&e["missing_non_strict"]["missing_keys"]));
    assert_eq!(keys.unexpected_keys, strings(&e["missing_non_strict"]["unexpected_keys"]));
}

#[test]
fn unexpected_key_gives_torchs_message_and_keys() {
    let _g = common::global_rng();
    let shallow = || nn::Sequential::new().add(nn::Linear::new(3, 4));
    let e = &fixture()["load_errors"];
    let err = shallow().load_file(fixture_path("mlp.safetensors"), true).unwrap_err();
    assert_eq!(err.to_string(), e["unexpected"].as_str().unwrap());
    let keys = shallow().load_file(fixture_path("mlp.safetensors"), false).unwrap();
    assert_eq!(keys.missing_keys, strings(&e["unexpected_non_strict"]["missing_keys"]));
    assert_eq!(keys.unexpected_keys, strings(&e["unexpected_non_strict"]["unexpected_keys"]));
}

#[test]
fn nonexistent_path_is_an_io_error_naming_it() {
    let dir = TempDir::new("nonexistent");
    let path = dir.join("absent.safetensors");
    for err in [torchlight::load_file(&path).unwrap_err(), serialize::read_metadata(&path).unwrap_err()] {
        match &err {
            Error::Io { context, source } => {
                assert!(context.contains(&path.display().to_string()), "{context}");
                assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
            }
            other => panic!("expected Io, got {other:?}"),
        }
    }
}

/// Asserts that loading `bytes` from a file fails with `Error::Format` naming the file and
/// containing `what`, and that `load` and `read_metadata` agree where they read the same part.
#[track_caller]
fn assert_format_error(dir: &TempDir, bytes: &[u8], what: &str, header_only: bool) {
    let path = dir.join("bad.safetensors");
    std::fs::write(&path, bytes).unwrap();
    let mut errors = vec![torchlight::load_file(&path).unwrap_err()];
    if header_only {
        errors.push(serialize::read_metadata(&path).unwrap_err());
    }
    for err in errors {
        let msg = err.to_string();
        assert!(matches!(err, Error::Format(_)), "{msg}");
        assert!(msg.contains(&format!("'{}' is not a valid safetensors file", path.display())), "{msg}");
        assert!(msg.contains(what), "expected {what:?} in {msg:?}");
    }
    let msg = serialize::load(bytes).unwrap_err().to_string();
    assert!(msg.starts_with("the data is not a valid safetensors file") && msg.contains(what), "{msg}");
}

fn mlp_bytes() -> (Vec<u8>, usize) {
    let bytes = std::fs::read(fixture_path("mlp.safetensors")).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    (bytes, n)
}

#[test]
fn truncated_file_is_a_format_error_saying_so() {
    let dir = TempDir::new("truncated");
    let (bytes, n) = mlp_bytes();
    // Cut inside the size field, inside the header, and inside the tensor data.
    assert_format_error(&dir, &bytes[..0], "truncated: 0 bytes", true);
    assert_format_error(&dir, &bytes[..5], "truncated: 5 bytes", true);
    let cut = 8 + n / 2;
    assert_format_error(
        &dir,
        &bytes[..cut],
        &format!("header size is {n} bytes, but only {} bytes follow", n / 2),
        true,
    );
    let data = bytes.len() - 8 - n;
    assert_format_error(
        &dir,
        &bytes[..bytes.len() - 1],
        &format!("truncated: the header describes {data} bytes of tensor data, but only {} follow", data - 1),
        true,
    );
}

#[test]
fn corrupt_header_is_a_format_error_saying_what_is_wrong() {
    let dir = TempDir::new("corrupt");
    let (bytes, n) = mlp_bytes();
    let with_header = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = bytes.clone();
        f(&mut b);
        b
    };
    assert_format_error(&dir, &with_header(&|b| b[8] = b'#'), "the header is not valid JSON", true);
    assert_format_error(&dir, &with_header(&|b| b[9] = 0xff), "the header is not UTF-8", true);
    assert_format_error(
        &dir,
        &with_header(&|b| b[..8].copy_from_slice(&u64::MAX.to_le_bytes())),
        "exceeds the limit",
        true,
    );
    // A dtype whose size does not fit the tensor's data offsets: the first entry is
    // "0.bias", shape [4], offsets [0, 16]; as F64 it needs 4 * 8 = 32 bytes.
    let header = std::str::from_utf8(&bytes[8..8 + n]).unwrap();
    assert!(header.starts_with("{\"0.bias\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}"));
    let mut wrong = bytes[..8].to_vec();
    wrong.extend(header.replacen("\"F32\"", "\"F64\"", 1).into_bytes());
    wrong.extend(&bytes[8 + n..]);
    assert_format_error(
        &dir,
        &wrong,
        "tensor \"0.bias\" of dtype F64 and shape [4] takes 32 bytes, but its data offsets [0, 16] span 16",
        true,
    );
    // A gap between two tensors' data.
    let mut gap = bytes[..8].to_vec();
    gap.extend(header.replacen("[16,64]", "[20,64]", 1).into_bytes());
    gap.extend(&bytes[8 + n..]);
    assert_format_error(
        &dir,
        &gap,
        "tensor \"0.weight\" starts at byte 20 of the data, where the data before it ends at 16",
        true,
    );
    // Valid JSON that is no header.
    let mut list = bytes[..8].to_vec();
    list.extend(format!("[{}]", " ".repeat(n - 2)).into_bytes());
    list.extend(&bytes[8 + n..]);
    assert_format_error(&dir, &list, "the header is not a JSON object", true);
    // Bytes after the data the header describes.
    let mut trailing = bytes.clone();
    trailing.extend([0u8; 3]);
    assert_format_error(&dir, &trailing, "3 bytes follow the", true);
}

#[test]
fn bool_byte_other_than_0_or_1_is_a_format_error() {
    let dir = TempDir::new("bad_bool");
    let mut sd = StateDict::new();
    sd.insert("mask", Tensor::from_slice(&[true, false, true]));
    let mut bytes = serialize::save(&sd, None).unwrap();
    let last = bytes.len() - 1;
    bytes[last] = 2;
    assert_format_error(&dir, &bytes, "element 2 of the BOOL tensor \"mask\" is the byte 2", false);
}

fn small(v: f32) -> StateDict {
    [("w".to_string(), Tensor::from_slice(&[v, v + 1.0]))].into_iter().collect()
}

#[test]
fn failed_save_leaves_the_previous_file_byte_identical() {
    let dir = TempDir::new("atomic_blocked");
    let path = dir.join("ckpt.safetensors");
    torchlight::save_file(&small(1.0), &path, None).unwrap();
    let before = std::fs::read(&path).unwrap();
    // A directory where the temporary file must go: creating it fails.
    let tmp = temp_of(&path);
    std::fs::create_dir(&tmp).unwrap();
    let err = torchlight::save_file(&small(2.0), &path, None).unwrap_err();
    match &err {
        Error::Io { context, .. } => assert!(context.contains(&tmp.display().to_string()), "{context}"),
        other => panic!("expected Io, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(tmp.is_dir(), "a directory that was not ours is left in place");
    std::fs::remove_dir(&tmp).unwrap();
    torchlight::save_file(&small(2.0), &path, None).unwrap();
    assert_eq!(torchlight::load_file(&path).unwrap()["w"].to_vec::<f32>(), [2.0, 3.0]);
    assert_eq!(dir.names(), ["ckpt.safetensors"]);
}

#[test]
fn unserializable_state_dict_leaves_the_previous_file_byte_identical() {
    let dir = TempDir::new("atomic_unserializable");
    let path = dir.join("ckpt.safetensors");
    torchlight::save_file(&small(1.0), &path, None).unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut bad = small(2.0);
    bad.insert("__metadata__", Tensor::zeros(&[1]));
    assert!(matches!(torchlight::save_file(&bad, &path, None), Err(Error::Value(_))));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(dir.names(), ["ckpt.safetensors"]);
}

#[test]
fn failed_rename_removes_the_temporary_file() {
    let dir = TempDir::new("atomic_rename");
    // A non-empty directory at the target: the rename over it fails after the write.
    let path = dir.join("ckpt.safetensors");
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("keep"), b"x").unwrap();
    let err = torchlight::save_file(&small(1.0), &path, None).unwrap_err();
    assert!(matches!(&err, Error::Io { context, .. } if context.contains("renaming")), "{err:?}");
    assert_eq!(dir.names(), ["ckpt.safetensors"], "the temporary file is removed");
    assert_eq!(std::fs::read(path.join("keep")).unwrap(), b"x");
}

#[test]
fn leftover_temporary_file_is_replaced() {
    let dir = TempDir::new("atomic_leftover");
    let path = dir.join("ckpt.safetensors");
    std::fs::write(temp_of(&path), b"half a checkpoint from a crashed save").unwrap();
    torchlight::save_file(&small(4.0), &path, None).unwrap();
    assert_eq!(torchlight::load_file(&path).unwrap()["w"].to_vec::<f32>(), [4.0, 5.0]);
    assert_eq!(dir.names(), ["ckpt.safetensors"]);
}

#[test]
fn empty_state_dicts_round_trip_with_or_without_metadata() {
    let empty = StateDict::new();
    for meta in [None, Some(HashMap::new()), Some(HashMap::from([("epoch".to_string(), "3".to_string())]))] {
        let bytes = serialize::save(&empty, meta.clone()).expect("save");
        let back = serialize::load(&bytes).unwrap_or_else(|e| panic!("metadata {meta:?}: {e}"));
        assert_eq!(back.len(), 0, "metadata {meta:?}");
    }
}
