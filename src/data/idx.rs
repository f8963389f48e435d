//! Reader for IDX files, the format of the MNIST data sets.
//!
//! An IDX file is two zero bytes, a type byte, a dimension count `d`, `d` big-endian `u32`
//! sizes, then the elements in row-major order, big-endian. Type bytes: `0x08` u8, `0x09` i8,
//! `0x0B` i16, `0x0C` i32, `0x0D` f32, `0x0E` f64. A gzip-compressed file (MNIST's `.gz`
//! downloads) is recognised by its magic bytes and decompressed first.
//!
//! torchlight has no `uint8` dtype: [`read`] gives integer files as int64, which keeps every
//! value exact and makes MNIST's label files ready for `cross_entropy` targets; float files
//! keep their width. [`read_as`] converts while reading, so an image file becomes float32
//! directly (`read_as(path, DType::F32)?.div(255.0)`) without an int64 copy in between.
//!
//! ```
//! use torchlight::{data::idx, DType};
//! let path = std::env::temp_dir().join("torchlight-doc-labels-idx1-ubyte");
//! std::fs::write(&path, [0, 0, 0x08, 1, 0, 0, 0, 3, 7, 2, 1]).unwrap();
//! let labels = idx::read(&path).unwrap();
//! assert_eq!((labels.dtype(), labels.to_vec::<i64>()), (DType::I64, vec![7, 2, 1]));
//! assert_eq!(idx::read_as(&path, DType::F32).unwrap().to_vec::<f32>(), vec![7.0, 2.0, 1.0]);
//! std::fs::write(&path, [0, 0, 0x08, 1, 0, 0, 0, 3, 7]).unwrap();
//! assert!(idx::read(&path).unwrap_err().to_string().contains("truncated IDX data"));
//! ```

use std::io::Read;
use std::path::Path;

use crate::{DType, Element, Error, Result, Tensor};

/// The element types an IDX file can hold.
#[derive(Clone, Copy, Debug)]
enum IdxType {
    U8,
    I8,
    I16,
    I32,
    F32,
    F64,
}

impl IdxType {
    fn from_byte(b: u8) -> Option<IdxType> {
        Some(match b {
            0x08 => IdxType::U8,
            0x09 => IdxType::I8,
            0x0B => IdxType::I16,
            0x0C => IdxType::I32,
            0x0D => IdxType::F32,
            0x0E => IdxType::F64,
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            IdxType::U8 | IdxType::I8 => 1,
            IdxType::I16 => 2,
            IdxType::I32 | IdxType::F32 => 4,
            IdxType::F64 => 8,
        }
    }

    fn name(self) -> &'static str {
        match self {
            IdxType::U8 => "u8",
            IdxType::I8 => "i8",
            IdxType::I16 => "i16",
            IdxType::I32 => "i32",
            IdxType::F32 => "f32",
            IdxType::F64 => "f64",
        }
    }

    /// The dtype [`read`] returns: int64 for every integer type.
    fn natural_dtype(self) -> DType {
        match self {
            IdxType::F32 => DType::F32,
            IdxType::F64 => DType::F64,
            _ => DType::I64,
        }
    }
}

/// Reads an IDX file (optionally gzip-compressed) into a tensor of its shape: integer types
/// as int64, `f32` as float32, `f64` as float64.
///
/// Returns [`Error::Io`] when the file cannot be read, and [`Error::Format`] naming the file,
/// the byte offset and the problem for a wrong magic number, an unknown type byte, a
/// truncated header or data, or bytes left over after the data.
///
/// ```
/// let path = std::env::temp_dir().join("torchlight-doc-images-idx3-ubyte");
/// std::fs::write(&path, [0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 64, 128, 255]).unwrap();
/// let images = torchlight::data::idx::read(&path).unwrap();
/// assert_eq!(images.shape(), &[1, 2, 2]);
/// assert_eq!(images.to_vec::<i64>(), vec![0, 64, 128, 255]);
/// ```
pub fn read(path: impl AsRef<Path>) -> Result<Tensor> {
    read_impl(path.as_ref(), None)
}

/// Reads an IDX file like [`read`], converting the elements to `dtype` as they are decoded
/// (as `tensor.to(dtype)` would: float to int64 truncates toward zero).
///
/// ```
/// use torchlight::{data::idx, DType};
/// let path = std::env::temp_dir().join("torchlight-doc-read-as-idx1");
/// std::fs::write(&path, [0, 0, 0x09, 1, 0, 0, 0, 2, 0xff, 3]).unwrap(); // i8: -1, 3
/// assert_eq!(idx::read_as(&path, DType::F64).unwrap().to_vec::<f64>(), vec![-1.0, 3.0]);
/// ```
pub fn read_as(path: impl AsRef<Path>, dtype: DType) -> Result<Tensor> {
    read_impl(path.as_ref(), Some(dtype))
}

fn read_impl(path: &Path, dtype: Option<DType>) -> Result<Tensor> {
    let io_err = |source| Error::Io { context: format!("reading IDX file {}", path.display()), source };
    let raw = std::fs::read(path).map_err(io_err)?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| Error::Format(format!("{}: the gzip stream cannot be decompressed: {e}", path.display())))?;
        out
    } else {
        raw
    };
    decode(&bytes, dtype, &path.display().to_string())
}

/// Parses the IDX bytes of the file called `name` (used in error messages).
fn decode(bytes: &[u8], dtype: Option<DType>, name: &str) -> Result<Tensor> {
    let fail = |msg: String| Err(Error::Format(format!("{name}: {msg}")));
    if bytes.len() < 4 {
        return fail(format!("truncated IDX header: the 4-byte magic number is cut off after {} bytes", bytes.len()));
    }
    if bytes[0] != 0 || bytes[1] != 0 {
        return fail(format!(
            "not an IDX file: the magic number at offset 0 is 0x{:02x}{:02x}{:02x}{:02x}, but must start with two zero bytes",
            bytes[0], bytes[1], bytes[2], bytes[3]
        ));
    }
    let Some(ty) = IdxType::from_byte(bytes[2]) else {
        return fail(format!(
            "unknown IDX element type 0x{:02x} at offset 2 (expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e)",
            bytes[2]
        ));
    };
    let ndim = bytes[3] as usize;
    let data_start = 4 + 4 * ndim;
    if bytes.len() < data_start {
        return fail(format!(
            "truncated IDX header: {ndim} dimension sizes end at offset {data_start}, but the data has {} bytes",
            bytes.len()
        ));
    }
    let shape: Vec<usize> =
        bytes[4..data_start].chunks_exact(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize).collect();
    let Some(need) = shape.iter().try_fold(ty.size(), |acc, &d| acc.checked_mul(d)) else {
        return fail(format!("IDX dimensions {shape:?} of {} hold more bytes than can be addressed", ty.name()));
    };
    let have = bytes.len() - data_start;
    if have < need {
        return fail(format!(
            "truncated IDX data: dimensions {shape:?} of {} need {need} bytes after the header at offset {data_start}, found {have}",
            ty.name()
        ));
    }
    if have > need {
        return fail(format!("{} unexpected bytes after the IDX data, from offset {}", have - need, data_start + need));
    }
    let data = &bytes[data_start..];
    Ok(match dtype.unwrap_or(ty.natural_dtype()) {
        DType::Bool => Tensor::from_vec(convert::<bool>(data, ty), &shape),
        DType::I64 => Tensor::from_vec(convert::<i64>(data, ty), &shape),
        DType::F32 => Tensor::from_vec(convert::<f32>(data, ty), &shape),
        DType::F64 => Tensor::from_vec(convert::<f64>(data, ty), &shape),
    })
}

/// Decodes big-endian elements of type `ty` straight into `T`: integers through `i64`,
/// floats through `f64` (both exact), so each element is rounded at most once.
fn convert<T: Element>(data: &[u8], ty: IdxType) -> Vec<T> {
    match ty {
        IdxType::U8 => data.iter().map(|&b| T::from_i64(i64::from(b))).collect(),
        IdxType::I8 => data.iter().map(|&b| T::from_i64(i64::from(b as i8))).collect(),
        IdxType::I16 => {
            data.chunks_exact(2).map(|c| T::from_i64(i64::from(i16::from_be_bytes([c[0], c[1]])))).collect()
        }
        IdxType::I32 => {
            data.chunks_exact(4).map(|c| T::from_i64(i64::from(i32::from_be_bytes([c[0], c[1], c[2], c[3]])))).collect()
        }
        IdxType::F32 => {
            data.chunks_exact(4).map(|c| T::from_f64(f64::from(f32::from_be_bytes([c[0], c[1], c[2], c[3]])))).collect()
        }
        IdxType::F64 => data
            .chunks_exact(8)
            .map(|c| T::from_f64(f64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])))
            .collect(),
    }
}
