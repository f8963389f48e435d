//! Reading and checking a safetensors header: the 8-byte little-endian header size, the JSON
//! header itself, and that the tensor data after it has exactly the length the header gives.
//!
//! The checks are made here rather than left to `SafeTensors::deserialize` so that an error
//! says what is wrong (by how much a file is truncated, which tensor's entry is bad), and so
//! that [`read_metadata`](super::read_metadata) can check a file from its header and length
//! without reading the tensor data.

use crate::Error;
use safetensors::tensor::{Metadata, TensorInfo};
use std::fmt;
use std::path::Path;

/// Bytes of the header size that starts every file.
pub(crate) const SIZE_LEN: usize = 8;

/// The largest header the safetensors crate accepts; a larger size means a corrupt file, and
/// checking it first keeps a corrupt size from allocating gigabytes.
const MAX_HEADER_LEN: u64 = 100_000_000;

/// Where the bytes being read came from, for messages.
#[derive(Clone, Copy)]
pub(crate) enum Origin<'a> {
    /// A file at this path.
    File(&'a Path),
    /// A byte slice in memory.
    Bytes,
}

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(path) => write!(f, "'{}'", path.display()),
            Origin::Bytes => f.write_str("the data"),
        }
    }
}

impl Origin<'_> {
    /// The `Error::Format` for a malformed file, saying what is wrong.
    pub(crate) fn invalid(self, what: impl fmt::Display) -> Error {
        Error::Format(format!("{self} is not a valid safetensors file: {what}"))
    }
}

/// The header's length in bytes, read from `prefix` (the first bytes of the file) and checked
/// against the file's `total` length.
pub(crate) fn header_len(prefix: &[u8], total: u64, origin: Origin) -> Result<usize, Error> {
    let Some(size) = prefix.get(..SIZE_LEN) else {
        return Err(
            origin.invalid(format!("truncated: {total} bytes, fewer than the {SIZE_LEN} that give the header size"))
        );
    };
    let mut le = [0u8; SIZE_LEN];
    le.copy_from_slice(size);
    let n = u64::from_le_bytes(le);
    if n > MAX_HEADER_LEN {
        return Err(origin.invalid(format!("the header size {n} exceeds the limit of {MAX_HEADER_LEN} bytes")));
    }
    let after = total - SIZE_LEN as u64;
    if n > after {
        return Err(origin.invalid(format!("truncated: the header size is {n} bytes, but only {after} bytes follow")));
    }
    // n <= MAX_HEADER_LEN, so it fits a usize on every supported target.
    Ok(n as usize)
}

/// Parses the JSON `header` and checks that each tensor's byte range fits its dtype and shape,
/// that the ranges are packed in order, and that the `data_len` bytes after the header are
/// exactly the tensor data it describes.
pub(crate) fn parse(header: &[u8], data_len: u64, origin: Origin) -> Result<Metadata, Error> {
    let text = std::str::from_utf8(header).map_err(|e| origin.invalid(format!("the header is not UTF-8: {e}")))?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| origin.invalid(format!("the header is not valid JSON: {e}")))?;
    let serde_json::Value::Object(entries) = value else {
        return Err(origin.invalid("the header is not a JSON object"));
    };
    let mut metadata = None;
    let mut tensors = Vec::with_capacity(entries.len());
    for (name, v) in entries {
        if name == "__metadata__" {
            let map = serde_json::from_value(v)
                .map_err(|e| origin.invalid(format!("the header's __metadata__ is not a map of strings: {e}")))?;
            metadata = Some(map);
        } else {
            let info: TensorInfo = serde_json::from_value(v)
                .map_err(|e| origin.invalid(format!("the header's entry for tensor \"{name}\" is invalid: {e}")))?;
            tensors.push((name, info));
        }
    }
    tensors.sort_by_key(|(_, info)| info.data_offsets);
    let mut end = 0;
    for (name, info) in &tensors {
        check_range(name, info, end).map_err(|what| origin.invalid(what))?;
        end = info.data_offsets.1;
    }
    let expected = end as u64;
    if expected > data_len {
        return Err(origin.invalid(format!(
            "truncated: the header describes {expected} bytes of tensor data, but only {data_len} follow"
        )));
    }
    if expected < data_len {
        return Err(origin.invalid(format!(
            "{} bytes follow the {expected} bytes of tensor data the header describes",
            data_len - expected
        )));
    }
    // The crate checks the same again; the checks above are there to name the tensor at fault.
    Metadata::new(metadata, tensors).map_err(|e| origin.invalid(format!("the header is invalid: {e}")))
}

/// Checks that a tensor's data starts where the previous one's ended (`start`) and spans
/// exactly the bytes its dtype and shape need; the message says what is wrong.
fn check_range(name: &str, info: &TensorInfo, start: usize) -> Result<(), String> {
    let (s, e) = info.data_offsets;
    let (dtype, shape) = (info.dtype, &info.shape);
    if s != start {
        return Err(format!(
            "tensor \"{name}\" starts at byte {s} of the data, where the data before it ends at {start}"
        ));
    }
    let Some(bits) = shape.iter().try_fold(dtype.bitsize(), |acc, &d| acc.checked_mul(d)) else {
        return Err(format!("tensor \"{name}\" of dtype {dtype} has shape {shape:?}, too large to address"));
    };
    if bits % 8 != 0 {
        return Err(format!("tensor \"{name}\" of dtype {dtype} and shape {shape:?} has no whole size in bytes"));
    }
    if e < s || e - s != bits / 8 {
        return Err(format!(
            "tensor \"{name}\" of dtype {dtype} and shape {shape:?} takes {} bytes, but its data offsets [{s}, {e}] \
             span {}",
            bits / 8,
            e.saturating_sub(s)
        ));
    }
    Ok(())
}
