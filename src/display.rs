//! `impl Display for Tensor`: `println!("{t}")` prints what `print(t)` prints in PyTorch.

use crate::format::{format_tensor, FormatOptions, FormatValues, TensorSuffix};
use crate::{Tensor, TensorData};
use std::fmt;

impl fmt::Display for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut suffix = TensorSuffix::new(dtype_name(self.dtype()));
        suffix.default_dtype_name = dtype_name(crate::get_default_dtype());
        suffix.requires_grad = self.requires_grad();
        suffix.grad_fn = self.grad_fn().map(|n| n.name().to_string());
        let data = self.data();
        let values = match &data {
            TensorData::Bool(v) => FormatValues::Bool(v),
            TensorData::I64(v) => FormatValues::I64(v),
            TensorData::F32(v) => FormatValues::F32(v),
            TensorData::F64(v) => FormatValues::F64(v),
        };
        f.write_str(&format_tensor(self.shape(), values, &suffix, &FormatOptions::default()))
    }
}

fn dtype_name(d: crate::DType) -> &'static str {
    match d {
        crate::DType::Bool => "torch.bool",
        crate::DType::I64 => "torch.int64",
        crate::DType::F32 => "torch.float32",
        crate::DType::F64 => "torch.float64",
    }
}
