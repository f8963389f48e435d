//! The mapping between torchlight's dtypes and the safetensors dtype names (`F32`, `I64`, ...),
//! the same names `safetensors.torch` writes for `torch.float32`, `torch.int64`, ...

use crate::DType;
use safetensors::Dtype;

/// The safetensors dtype a tensor of `dtype` is stored as.
pub(crate) fn to_safetensors(dtype: DType) -> Dtype {
    match dtype {
        DType::Bool => Dtype::BOOL,
        DType::I64 => Dtype::I64,
        DType::F32 => Dtype::F32,
        DType::F64 => Dtype::F64,
    }
}

/// The torchlight dtype of a stored safetensors dtype, or `None` for the dtypes torchlight
/// lacks (F16, BF16, I32, U8, ...).
pub(crate) fn from_safetensors(dtype: Dtype) -> Option<DType> {
    match dtype {
        Dtype::BOOL => Some(DType::Bool),
        Dtype::I64 => Some(DType::I64),
        Dtype::F32 => Some(DType::F32),
        Dtype::F64 => Some(DType::F64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dtype_maps_back_to_itself() {
        for d in [DType::Bool, DType::I64, DType::F32, DType::F64] {
            assert_eq!(from_safetensors(to_safetensors(d)), Some(d));
            // The stored element width must be the in-memory one: the bytes are copied as is.
            assert_eq!(to_safetensors(d).bitsize(), 8 * d.size_in_bytes());
        }
        assert_eq!(from_safetensors(Dtype::F16), None);
    }
}
