//! `masked_fill`: replace the elements where a bool mask is true.

use super::binary_kernel::binary_map;
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::broadcast_shapes;
use crate::{dispatch, DType, Error, Result, Scalar, Tensor};

impl Tensor {
    /// A copy with `value` wherever `mask` (bool, broadcastable) is true
    /// (`tensor.masked_fill(mask, value)`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let t = Tensor::from_slice(&[1.0f32, 2.0, 3.0]);
    /// let m = Tensor::from_slice(&[true, false, true]);
    /// assert_eq!(t.masked_fill(&m, 0.0).to_vec::<f32>(), vec![0.0, 2.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn masked_fill(&self, mask: &Tensor, value: impl Into<Scalar>) -> Tensor {
        unwrap(self.try_masked_fill(mask, value))
    }

    /// Fallible twin of [`Tensor::masked_fill`].
    ///
    /// ```
    /// let t = torchlight::Tensor::ones(&[2]);
    /// assert!(t.try_masked_fill(&torchlight::Tensor::ones(&[2]), 0.0).is_err());
    /// ```
    pub fn try_masked_fill(&self, mask: &Tensor, value: impl Into<Scalar>) -> Result<Tensor> {
        if mask.dtype() != DType::Bool {
            return Err(Error::Runtime(format!(
                "masked_fill_ only supports boolean masks, but got mask with dtype {}",
                mask.dtype()
            )));
        }
        let shape = broadcast_shapes(self.shape(), mask.shape())?;
        if shape.as_slice() != self.shape() {
            return Err(Error::Runtime(format!(
                "output with shape {:?} doesn't match the broadcast shape {:?}",
                self.shape(),
                shape.as_slice()
            )));
        }
        let value = value.into();
        let m = mask.to_dtype(self.dtype());
        let out = dispatch!(self.dtype(), T => {
            let v: T = value.to_elem();
            let zero: T = Scalar::Int(0).to_elem();
            binary_map::<T, T>(self, &m, &shape, move |x, k| if k != zero { v } else { x })
        });
        if needs_grad(&[self]) {
            record_unary("MaskedFillBackward0", &[self], &out, [SavedTensor::input(mask)], |ctx| {
                Ok(vec![Some(ctx.grad().masked_fill(&ctx.saved[0], 0.0))])
            });
        }
        Ok(out)
    }
}
