//! `torchlight::data` against PyTorch: DataLoader batch orders (sequential, shuffled with the
//! global generator after `manual_seed`, shuffled with an explicit generator, drop_last,
//! several epochs, an epoch cut short) and the generator states they leave, `random_split`
//! index lists, error messages, collation, worker threads, and the IDX and CSV readers on
//! files written by numpy. Fixtures come from `scripts/gen_data_fixtures.py`.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

use serde_json::Value;
use torchlight::data::csv::{self, CsvOptions};
use torchlight::data::{
    idx, random_split, try_random_split, Collate, DataLoader, DataLoaderOptions, Dataset, TensorDataset,
};
use torchlight::random::default_generator;
use torchlight::{manual_seed, DType, Error, Generator, Tensor};

fn fixture() -> &'static Value {
    static F: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    F.get_or_init(|| common::load_fixture("data.json"))
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect()
}

/// `torch.randint(0, 1000, (4,), generator=g)`.
fn draws(g: &Generator) -> Vec<i64> {
    let t = Tensor::zeros_dtype(&[4], DType::I64);
    t.try_random_with(0, 1000, g).unwrap();
    t.to_vec()
}

fn error_message(name: &str) -> &'static str {
    fixture()["errors"][name].as_str().unwrap()
}

fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p.downcast::<&str>().map(|s| s.to_string()).unwrap_or_default(),
    }
}

/// Runs every loader case with the given worker settings and compares batches and the draws
/// that follow with torch's.
fn check_loader_cases(num_workers: usize, prefetch_factor: usize) {
    let _rng = common::global_rng();
    for case in fixture()["loaders"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let n = case["n"].as_u64().unwrap() as usize;
        manual_seed(case["seed"].as_u64().unwrap());
        let generator = case.get("generator_seed").map(|s| Generator::with_seed(s.as_u64().unwrap()));
        let data = TensorDataset::new(Tensor::from_vec((0..n as i64).collect(), &[n]));
        let mut loader = DataLoader::new(data)
            .batch_size(case["batch_size"].as_u64().unwrap() as usize)
            .shuffle(case["shuffle"].as_bool().unwrap())
            .drop_last(case["drop_last"].as_bool().unwrap())
            .num_workers(num_workers)
            .prefetch_factor(prefetch_factor);
        if let Some(g) = &generator {
            loader = loader.generator(g);
        }
        assert_eq!(loader.len() as u64, case["len"].as_u64().unwrap(), "{name}: len");
        let break_after = case.get("break_after").map(|b| b.as_u64().unwrap() as usize);
        for (epoch, want) in case["epochs"].as_array().unwrap().iter().enumerate() {
            let mut got = Vec::new();
            for (i, batch) in loader.iter().enumerate() {
                if epoch == 0 && break_after == Some(i) {
                    break;
                }
                got.push(batch.to_vec::<i64>());
            }
            let want: Vec<Vec<i64>> = want.as_array().unwrap().iter().map(ints).collect();
            assert_eq!(got, want, "{name}: epoch {epoch} (num_workers {num_workers})");
        }
        if let Some(g) = &generator {
            assert_eq!(draws(g), ints(&case["generator_after"]), "{name}: generator state after the epochs");
        }
        assert_eq!(draws(&default_generator()), ints(&case["global_after"]), "{name}: global state after");
    }
}

#[test]
fn loader_batch_orders_and_generator_states_match_torch() {
    check_loader_cases(0, 2);
}

#[test]
fn worker_threads_give_the_same_batches_and_draws() {
    check_loader_cases(2, 2);
    check_loader_cases(3, 1);
}

#[test]
fn random_split_matches_torch() {
    let _rng = common::global_rng();
    for case in fixture()["splits"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let n = case["n"].as_u64().unwrap() as usize;
        manual_seed(case["seed"].as_u64().unwrap());
        let generator = match case.get("generator_seed") {
            Some(s) => Generator::with_seed(s.as_u64().unwrap()),
            None => default_generator(),
        };
        let data = TensorDataset::new(Tensor::from_vec((0..n as i64).collect(), &[n]));
        let lengths = case["lengths"].as_array().unwrap();
        let parts = if lengths.iter().all(Value::is_u64) {
            random_split(data, usizes(&case["lengths"]), &generator)
        } else {
            random_split(data, lengths.iter().map(|l| l.as_f64().unwrap()).collect::<Vec<_>>(), &generator)
        };
        let want: Vec<Vec<usize>> = case["splits"].as_array().unwrap().iter().map(usizes).collect();
        let got: Vec<Vec<usize>> = parts.iter().map(|p| p.indices().to_vec()).collect();
        assert_eq!(got, want, "{name}");
        for p in &parts {
            for (i, &j) in p.indices().iter().enumerate() {
                assert_eq!(p.get(i).item() as usize, j, "{name}: subset item {i}");
            }
        }
        assert_eq!(draws(&default_generator()), ints(&case["global_after"]), "{name}: global state after");
    }
}

#[test]
fn errors_carry_torchs_messages() {
    let err = TensorDataset::try_new((Tensor::zeros(&[3]), Tensor::zeros(&[4]))).unwrap_err();
    assert_eq!(err.to_string(), error_message("tensor_dataset_size_mismatch"));
    let msg = panic_message(|| {
        TensorDataset::new(vec![Tensor::zeros(&[3]), Tensor::zeros(&[4])]);
    });
    assert_eq!(msg, error_message("tensor_dataset_size_mismatch"));

    let three = || TensorDataset::new(Tensor::zeros(&[3]));
    let msg = panic_message(|| {
        DataLoader::new(three()).batch_size(0);
    });
    assert_eq!(msg, error_message("batch_size_zero"));
    let empty = DataLoader::try_new(
        TensorDataset::new(Tensor::zeros(&[0])),
        DataLoaderOptions { shuffle: true, ..Default::default() },
    );
    assert_eq!(empty.err().unwrap().to_string(), error_message("shuffle_empty"));

    let err = try_random_split(three(), [3, 3], &Generator::new()).unwrap_err();
    assert_eq!(err.to_string(), error_message("split_sum"));
    let err = try_random_split(three(), [1.5, -0.5], &Generator::new()).unwrap_err();
    assert_eq!(err.to_string(), error_message("split_fraction_range"));

    let err = Tensor::collate(vec![Tensor::zeros(&[2]), Tensor::zeros(&[3])]).unwrap_err();
    assert_eq!(err.to_string(), error_message("stack_mismatch"));
    let err = Vec::<Tensor>::collate(vec![vec![Tensor::zeros(&[2])], vec![Tensor::zeros(&[2]), Tensor::zeros(&[2])]])
        .unwrap_err();
    assert_eq!(err.to_string(), error_message("list_length_mismatch"));
}

#[test]
fn pairs_collate_into_stacked_rows() {
    let _rng = common::global_rng();
    manual_seed(3);
    let x = Tensor::arange(0.0, 20.0, 1.0).reshape(&[10, 2]);
    let y = Tensor::arange(0i64, 10i64, 1i64);
    let loader = DataLoader::new(TensorDataset::new((x.clone(), y))).batch_size(4).shuffle(true);
    let mut seen = Vec::new();
    for (xb, yb) in &loader {
        assert_eq!(xb.dtype(), DType::F32);
        assert_eq!(yb.dtype(), DType::I64);
        assert_eq!(xb.shape(), &[yb.shape()[0], 2]);
        assert_eq!(xb.to_vec::<f32>(), x.index_select(0, &yb).to_vec::<f32>());
        seen.extend(yb.to_vec::<i64>());
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..10).collect::<Vec<i64>>());
}

/// Items mixing a list of tensors with Python-style numbers.
struct Mixed;

impl Dataset for Mixed {
    type Item = (Vec<Tensor>, i64, f64, f32);
    fn len(&self) -> usize {
        5
    }
    fn get(&self, i: usize) -> Self::Item {
        let v = i as f32;
        (vec![Tensor::from_slice(&[v, v]), Tensor::from_slice(&[-v])], i as i64, i as f64 / 2.0, v)
    }
}

#[test]
fn lists_and_numbers_collate_like_default_collate() {
    let _rng = common::global_rng();
    let loader = DataLoader::new(Mixed).batch_size(2);
    let batches: Vec<_> = loader.iter().collect();
    assert_eq!(batches.len(), 3);
    let (list, ints, doubles, floats) = &batches[1];
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].shape(), &[2, 2]);
    assert_eq!(list[1].to_vec::<f32>(), vec![-2.0, -3.0]);
    assert_eq!((ints.dtype(), ints.to_vec::<i64>()), (DType::I64, vec![2, 3]));
    assert_eq!((doubles.dtype(), doubles.to_vec::<f64>()), (DType::F64, vec![1.0, 1.5]));
    assert_eq!(floats.dtype(), DType::F32);
    assert_eq!(batches[2].1.shape(), &[1]);
}

/// Records which threads fetched items, and panics on item `panic_at`.
struct Recording {
    threads: Mutex<Vec<ThreadId>>,
    panic_at: Option<usize>,
}

impl Dataset for Recording {
    type Item = Tensor;
    fn len(&self) -> usize {
        12
    }
    fn get(&self, i: usize) -> Tensor {
        assert!(self.panic_at != Some(i), "Recording: item {i} is broken");
        self.threads.lock().unwrap().push(std::thread::current().id());
        Tensor::from_slice(&[i as i64])
    }
}

#[test]
fn workers_fetch_off_the_calling_thread() {
    let _rng = common::global_rng();
    let rec = Arc::new(Recording { threads: Mutex::new(Vec::new()), panic_at: None });
    let loader = DataLoader::new(Arc::clone(&rec)).batch_size(3).num_workers(2);
    let got: Vec<Vec<i64>> = loader.iter().map(|b| b.to_vec::<i64>()).collect();
    assert_eq!(got.concat(), (0..12).collect::<Vec<i64>>());
    let threads = rec.threads.lock().unwrap().clone();
    assert_eq!(threads.len(), 12);
    assert!(!threads.contains(&std::thread::current().id()));

    let inline = Arc::new(Recording { threads: Mutex::new(Vec::new()), panic_at: None });
    DataLoader::new(Arc::clone(&inline)).batch_size(5).iter().for_each(drop);
    assert!(inline.threads.lock().unwrap().iter().all(|&t| t == std::thread::current().id()));
}

#[test]
fn a_panic_in_a_worker_reaches_the_caller_and_an_early_drop_stops_the_workers() {
    let _rng = common::global_rng();
    let broken = Arc::new(Recording { threads: Mutex::new(Vec::new()), panic_at: Some(7) });
    let loader = DataLoader::new(broken).batch_size(2).num_workers(2);
    let msg = panic_message(|| loader.iter().for_each(drop));
    assert_eq!(msg, "Recording: item 7 is broken");

    // Workers blocked on full channels must wake and exit when the iterator goes away.
    let rec = Arc::new(Recording { threads: Mutex::new(Vec::new()), panic_at: None });
    let loader = DataLoader::new(Arc::clone(&rec)).num_workers(3).prefetch_factor(1);
    let mut it = loader.iter();
    assert_eq!(it.next().unwrap().to_vec::<i64>(), vec![0]);
    drop(it);
    assert!(rec.threads.lock().unwrap().len() < 12);
}

#[test]
fn iterator_reports_its_length_and_collation_errors() {
    let _rng = common::global_rng();
    let loader = DataLoader::new(TensorDataset::new(Tensor::zeros(&[7, 2]))).batch_size(3).drop_last(true);
    let mut it = loader.iter();
    assert_eq!(it.len(), 2);
    assert!(it.try_next().unwrap().is_ok());
    assert_eq!(it.len(), 1);
    assert_eq!(it.by_ref().count(), 1);
    assert!(it.try_next().is_none());
    assert!(it.next().is_none());
}

// ---------------------------------------------------------------------------------------------
// Readers

fn fixture_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data").join(name)
}

/// A file in the temp dir holding `bytes`, named for this process and test.
fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("torchlight-data-test-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn format_message(r: torchlight::Result<Tensor>) -> String {
    match r {
        Err(Error::Format(m)) => m,
        other => panic!("expected a Format error, got {other:?}"),
    }
}

#[test]
fn idx_files_written_by_numpy_read_back_exactly() {
    for (name, want) in fixture()["idx"].as_object().unwrap() {
        let t = idx::read(fixture_file(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        common::assert_close(&t, want, 0.0, 0.0, name);
        let as_f64 = idx::read_as(fixture_file(name), DType::F64).unwrap();
        assert_eq!(as_f64.to_vec::<f64>(), t.to_vec::<f64>(), "{name}: read_as F64");
    }
    let images = idx::read_as(fixture_file("images-idx3-ubyte.gz"), DType::F32).unwrap();
    assert_eq!(images.dtype(), DType::F32);
    assert_eq!(images.to_vec::<f32>(), idx::read(fixture_file("images-idx3-ubyte")).unwrap().to_vec::<f32>());
}

#[test]
fn bad_idx_files_are_errors_naming_the_problem() {
    let good = std::fs::read(fixture_file("images-idx3-ubyte")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], "truncated IDX header"),
        ("short-magic", vec![0, 0, 8], "truncated IDX header"),
        (
            "magic",
            [&[0x12, 0x34][..], &good[2..]].concat(),
            "not an IDX file: the magic number at offset 0 is 0x12340803",
        ),
        ("type", [&good[..2], &[0x0a][..], &good[3..]].concat(), "unknown IDX element type 0x0a at offset 2"),
        ("header", good[..10].to_vec(), "3 dimension sizes end at offset 16, but the data has 10 bytes"),
        ("data", good[..good.len() - 1].to_vec(), "need 60 bytes after the header at offset 16, found 59"),
        ("trailing", [&good[..], &[0, 0][..]].concat(), "2 unexpected bytes after the IDX data, from offset 76"),
        ("huge", vec![0, 0, 0x0e, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255], "more bytes than"),
    ];
    for (name, bytes, want) in cases {
        let path = temp_file(&format!("{name}.idx"), &bytes);
        let msg = format_message(idx::read(&path));
        assert!(msg.starts_with(&path.display().to_string()), "{name}: {msg}");
        assert!(msg.contains(want), "{name}: {msg}");
        std::fs::remove_file(path).unwrap();
    }

    let gz = std::fs::read(fixture_file("images-idx3-ubyte.gz")).unwrap();
    let path = temp_file("cut.gz", &gz[..gz.len() / 2]);
    assert!(format_message(idx::read(&path)).contains("the gzip stream cannot be decompressed"));
    std::fs::remove_file(path).unwrap();

    let missing = std::env::temp_dir().join("torchlight-data-test-no-such-file-idx3-ubyte");
    match idx::read(&missing) {
        Err(Error::Io { context, source }) => {
            assert!(context.contains(&missing.display().to_string()));
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected an Io error, got {other:?}"),
    }
}

#[test]
fn csv_written_by_python_reads_as_numpy_loadtxt() {
    let c = &fixture()["csv"];
    let delimiter = c["delimiter"].as_str().unwrap().chars().next().unwrap();
    let path = fixture_file(c["file"].as_str().unwrap());
    for (dtype, key) in [(DType::F64, "float64"), (DType::F32, "float32")] {
        let t = csv::read(&path, &CsvOptions { delimiter, header: true, dtype }).unwrap();
        common::assert_close(&t, &c[key], 0.0, 0.0, key);
    }
}

#[test]
fn csv_accepts_quotes_blank_lines_and_integers() {
    let opts = CsvOptions { dtype: DType::I64, ..Default::default() };
    let t = csv::parse("\"1\", 2\n\n  3 ,\"-4\"\n\n", &opts).unwrap();
    assert_eq!((t.shape().to_vec(), t.to_vec::<i64>()), (vec![2, 2], vec![1, 2, 3, -4]));
    let t = csv::parse("a\tb\n1.5\t2\n", &CsvOptions { delimiter: '\t', header: true, dtype: DType::F64 }).unwrap();
    assert_eq!(t.to_vec::<f64>(), vec![1.5, 2.0]);
}

#[test]
fn bad_csv_files_are_errors_naming_the_line() {
    let header = CsvOptions { header: true, ..Default::default() };
    let plain = CsvOptions::default();
    let ints = CsvOptions { dtype: DType::I64, ..Default::default() };
    let cases: Vec<(&str, &[u8], &CsvOptions, &str)> = vec![
        ("cell", b"a,b\n1,2\n3,four\n", &header, "line 3, column 2: cannot parse \"four\" as a number"),
        ("ragged", b"a,b\n1,2\n3,4\n5\n", &header, "line 4: expected 2 fields (as on line 2), found 1"),
        ("wide", b"1,2\n3,4,5\n", &plain, "line 2: expected 2 fields (as on line 1), found 3"),
        ("empty-cell", b"1,,2\n", &plain, "line 1, column 2: empty cell"),
        ("no-rows", b"a,b\n\n", &header, "no data rows"),
        ("utf8", b"1,2\n3,\xff\n", &plain, "line 2: not valid UTF-8 at byte offset 6"),
        ("int", b"1.5\n", &ints, "line 1, column 1: cannot parse \"1.5\" as a number"),
    ];
    for (name, bytes, opts, want) in cases {
        let path = temp_file(&format!("{name}.csv"), bytes);
        let msg = format_message(csv::read(&path, opts));
        assert_eq!(msg, format!("{}: {want}", path.display()), "{name}");
        std::fs::remove_file(path).unwrap();
    }
    let err = csv::parse("1\n", &CsvOptions { dtype: DType::Bool, ..Default::default() }).unwrap_err();
    assert!(matches!(err, Error::Value(_)));
    let missing = std::env::temp_dir().join("torchlight-data-test-no-such-file.csv");
    assert!(matches!(csv::read(&missing, &CsvOptions::default()), Err(Error::Io { .. })));
}
