//! State dicts to and from safetensors files (`safetensors.torch.save_file` / `load_file`),
//! and a file's metadata.

use super::atomic;
use super::decode::decode;
use super::encode::save;
use super::header::{self, Origin, SIZE_LEN};
use crate::nn::StateDict;
use crate::{Error, Result};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Writes a state dict to a safetensors file, with optional text `metadata` in its header
/// (`safetensors.torch.save_file(tensors, filename, metadata=None)`).
///
/// The file is replaced atomically: the bytes go to `.<name>.tmp-<pid>` in the same
/// directory, which is synced and renamed over `path`. If any step fails the temporary file
/// is removed and a previous file at `path` is left as it was. Tensors are stored as
/// [`save`](super::save) lays them out; the file loads in PyTorch with
/// `safetensors.torch.load_file`.
///
/// ```
/// use std::collections::HashMap;
/// use torchlight::nn::{self, Module};
/// let path = std::env::temp_dir().join(format!("save-file-doc-{}.safetensors", std::process::id()));
/// let meta = HashMap::from([("epoch".to_string(), "3".to_string())]);
/// torchlight::save_file(&nn::Linear::new(3, 2).state_dict(), &path, Some(meta.clone())).unwrap();
/// assert_eq!(torchlight::serialize::read_metadata(&path).unwrap(), Some(meta));
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn save_file(tensors: &StateDict, path: impl AsRef<Path>, metadata: Option<HashMap<String, String>>) -> Result<()> {
    let bytes = save(tensors, metadata)?;
    atomic::write(path.as_ref(), &bytes)
}

/// Reads a safetensors file into a state dict, in the order of the tensors' data in the file
/// (`safetensors.torch.load_file(filename)`).
///
/// A file that cannot be read is an `Error::Io` whose context names the path; a truncated or
/// corrupt one an `Error::Format` naming the path and what is wrong; a tensor of a dtype
/// torchlight lacks (F16, BF16, ...) an `Error::NotImplemented` naming the tensor and dtype.
///
/// ```
/// use torchlight::nn::{self, Module};
/// let path = std::env::temp_dir().join(format!("load-file-doc-{}.safetensors", std::process::id()));
/// let lin = nn::Linear::new(3, 2);
/// torchlight::save_file(&lin.state_dict(), &path, None).unwrap();
/// let sd = torchlight::load_file(&path).unwrap();
/// assert!(sd["weight"].equal(&lin.weight));
/// std::fs::remove_file(&path).unwrap();
/// assert!(matches!(torchlight::load_file(&path), Err(torchlight::Error::Io { .. })));
/// ```
pub fn load_file(path: impl AsRef<Path>) -> Result<StateDict> {
    let path = path.as_ref();
    let data = std::fs::read(path).map_err(|source| read_error(path, source))?;
    decode(&data, Origin::File(path))
}

/// The text metadata in a safetensors file's header (`safe_open(filename).metadata()`), or
/// `None` when it has none. Only the header is read, and it is checked as [`load_file`]
/// checks it, together with the file's length.
///
/// ```
/// use torchlight::nn::{self, Module};
/// let path = std::env::temp_dir().join(format!("read-metadata-doc-{}.safetensors", std::process::id()));
/// torchlight::save_file(&nn::Linear::new(2, 2).state_dict(), &path, None).unwrap();
/// assert_eq!(torchlight::serialize::read_metadata(&path).unwrap(), None);
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn read_metadata(path: impl AsRef<Path>) -> Result<Option<HashMap<String, String>>> {
    let path = path.as_ref();
    let origin = Origin::File(path);
    let mut file = std::fs::File::open(path).map_err(|source| read_error(path, source))?;
    let total = file.metadata().map_err(|source| read_error(path, source))?.len();
    let mut size = Vec::with_capacity(SIZE_LEN);
    (&mut file).take(SIZE_LEN as u64).read_to_end(&mut size).map_err(|source| read_error(path, source))?;
    let n = header::header_len(&size, total, origin)?;
    let mut text = vec![0u8; n];
    file.read_exact(&mut text).map_err(|source| read_error(path, source))?;
    let metadata = header::parse(&text, total - (SIZE_LEN + n) as u64, origin)?;
    Ok(metadata.metadata().clone())
}

fn read_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io { context: format!("could not read '{}'", path.display()), source }
}
