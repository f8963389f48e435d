//! A [`StateDict`] to bytes (`safetensors.torch.save`): each tensor's elements in logical
//! order, little-endian, in the tensor's own dtype.

use super::dtype::to_safetensors;
use crate::nn::StateDict;
use crate::{Error, Result, Tensor, TensorData};
use safetensors::{Dtype, View};
use std::borrow::Cow;
use std::collections::HashMap;

/// The state dict in the safetensors format, with optional text `metadata` in the header
/// (`safetensors.torch.save(tensors, metadata=None)`).
///
/// As in the Python library, tensors are laid out by dtype and then by name, so the order of
/// the state dict is not kept. Non-contiguous tensors are written in logical order. The name
/// `__metadata__` is reserved by the format and is an `Error::Value`.
///
/// ```
/// use std::collections::HashMap;
/// use torchlight::{nn::StateDict, Tensor};
/// let mut sd = StateDict::new();
/// sd.insert("step", Tensor::scalar(10i64));
/// let meta = HashMap::from([("format".to_string(), "pt".to_string())]);
/// let bytes = torchlight::serialize::save(&sd, Some(meta)).unwrap();
/// assert_eq!(torchlight::serialize::load(&bytes).unwrap()["step"].item(), 10.0);
/// ```
pub fn save(tensors: &StateDict, metadata: Option<HashMap<String, String>>) -> Result<Vec<u8>> {
    if tensors.contains_key("__metadata__") {
        return Err(Error::Value(
            "the name \"__metadata__\" is reserved for the safetensors header's metadata and cannot name a tensor"
                .into(),
        ));
    }
    // An empty metadata map is written as none: the safetensors crate writes an unreadable
    // header for an empty state dict with `Some` empty metadata.
    let metadata = metadata.filter(|m| !m.is_empty());
    safetensors::serialize(tensors.iter().map(|(k, t)| (k, Stored(t))), metadata)
        .map_err(|e| Error::Runtime(format!("could not serialize the state dict: {e}")))
}

/// A tensor as the safetensors crate sees it. The bytes are made when the crate asks for
/// them, one tensor at a time, so that only the output buffer holds a copy of everything.
struct Stored<'a>(&'a Tensor);

impl View for Stored<'_> {
    fn dtype(&self) -> Dtype {
        to_safetensors(self.0.dtype())
    }

    fn shape(&self) -> &[usize] {
        self.0.shape()
    }

    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Owned(le_bytes(self.0))
    }

    fn data_len(&self) -> usize {
        self.0.numel() * self.0.dtype().size_in_bytes()
    }
}

/// The elements in logical order as little-endian bytes (bool as one byte, 0 or 1).
fn le_bytes(t: &Tensor) -> Vec<u8> {
    match t.data() {
        TensorData::Bool(v) => v.into_iter().map(u8::from).collect(),
        TensorData::I64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        TensorData::F32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        TensorData::F64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}
