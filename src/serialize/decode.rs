//! Bytes to a [`StateDict`]: each tensor of a safetensors buffer copied into a new contiguous
//! tensor of its dtype (`safetensors.torch.load`).

use super::dtype::from_safetensors;
use super::header::{self, Origin, SIZE_LEN};
use crate::nn::StateDict;
use crate::{DType, Error, Result, Tensor};
use safetensors::Dtype;

/// The tensors of a safetensors buffer, in the order of their data in it, as
/// `safetensors.torch.load(data)` returns them.
///
/// A malformed buffer is an `Error::Format`; a tensor of a dtype torchlight lacks (F16, BF16,
/// ...) is an `Error::NotImplemented` naming it.
///
/// ```
/// use torchlight::{nn::StateDict, Tensor};
/// let mut sd = StateDict::new();
/// sd.insert("w", Tensor::from_slice(&[1.0f32, 2.0]));
/// let bytes = torchlight::serialize::save(&sd, None).unwrap();
/// assert!(torchlight::serialize::load(&bytes).unwrap()["w"].equal(&sd["w"]));
/// assert!(torchlight::serialize::load(&bytes[..bytes.len() - 1]).is_err());
/// ```
pub fn load(data: &[u8]) -> Result<StateDict> {
    decode(data, Origin::Bytes)
}

/// [`load`] with messages naming where `data` came from.
pub(crate) fn decode(data: &[u8], origin: Origin) -> Result<StateDict> {
    let n = header::header_len(data, data.len() as u64, origin)?;
    let start = SIZE_LEN + n;
    let metadata = header::parse(&data[SIZE_LEN..start], (data.len() - start) as u64, origin)?;
    let body = &data[start..];
    let mut sd = StateDict::new();
    // Data order, as Python's load_file returns them; the header itself is an unordered map.
    for name in metadata.offset_keys() {
        let Some(info) = metadata.info(&name) else { continue };
        let (s, e) = info.data_offsets;
        let bytes = body.get(s..e).ok_or_else(|| origin.invalid(format!("tensor \"{name}\" lies outside the data")))?;
        let tensor = to_tensor(&name, info.dtype, &info.shape, bytes, origin)?;
        sd.insert(name, tensor);
    }
    Ok(sd)
}

/// One stored tensor as a torchlight tensor. `bytes` has the length of `shape` and `dtype`
/// (the header checks made sure of it).
fn to_tensor(name: &str, dtype: Dtype, shape: &[usize], bytes: &[u8], origin: Origin) -> Result<Tensor> {
    let Some(dt) = from_safetensors(dtype) else {
        return Err(Error::NotImplemented(format!(
            "tensor \"{name}\" in {origin} has dtype {dtype}, which torchlight cannot load \
             (it supports BOOL, I64, F32 and F64)"
        )));
    };
    // Strides are products of sizes with 0 counted as 1: an empty tensor with huge other
    // dims passes the header's size check but could not be indexed.
    if shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d.max(1))).is_none() {
        return Err(origin.invalid(format!("tensor \"{name}\" has shape {shape:?}, too large to index")));
    }
    let t = match dt {
        DType::Bool => Tensor::try_from_vec(bools(name, bytes, origin)?, shape),
        DType::I64 => Tensor::try_from_vec(le(bytes, i64::from_le_bytes), shape),
        DType::F32 => Tensor::try_from_vec(le(bytes, f32::from_le_bytes), shape),
        DType::F64 => Tensor::try_from_vec(le(bytes, f64::from_le_bytes), shape),
    };
    t.map_err(|e| origin.invalid(format!("tensor \"{name}\": {e}")))
}

/// Little-endian elements of `N` bytes each (the format's byte order, whatever the host's).
fn le<const N: usize, T>(bytes: &[u8], from: fn([u8; N]) -> T) -> Vec<T> {
    bytes
        .chunks_exact(N)
        .map(|c| {
            let mut a = [0u8; N];
            a.copy_from_slice(c);
            from(a)
        })
        .collect()
}

/// Bool elements, one byte each; a byte other than 0 or 1 is no bool and means corruption.
fn bools(name: &str, bytes: &[u8], origin: Origin) -> Result<Vec<bool>> {
    bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| match b {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(origin.invalid(format!("element {i} of the BOOL tensor \"{name}\" is the byte {b}, not 0 or 1"))),
        })
        .collect()
}
