//! `erf`, and the crate-internal float maps that composite ops (activations, losses) use to
//! compute a whole formula in one pass instead of one tensor per intermediate.

use super::binary_kernel::{binary_map, unary_map};
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::tensor::layout::broadcast_shapes;
use crate::{DType, Result, Tensor};

impl Tensor {
    /// Applies `f32_fn` or `f64_fn` (the same formula at each precision) to every element of
    /// this float tensor, into a new contiguous tensor. Records no gradient.
    pub(crate) fn map_float(&self, f32_fn: impl Fn(f32) -> f32 + Sync, f64_fn: impl Fn(f64) -> f64 + Sync) -> Tensor {
        match self.dtype() {
            DType::F32 => unary_map::<f32, f32>(self, f32_fn),
            DType::F64 => unary_map::<f64, f64>(self, f64_fn),
            other => unreachable!("map_float on {other}"),
        }
    }

    /// Like [`Tensor::map_float`] for two operands, broadcast together and promoted to a
    /// common float dtype. Records no gradient.
    pub(crate) fn zip_float(
        &self,
        other: &Tensor,
        f32_fn: impl Fn(f32, f32) -> f32 + Sync,
        f64_fn: impl Fn(f64, f64) -> f64 + Sync,
    ) -> Result<Tensor> {
        let shape = broadcast_shapes(self.shape(), other.shape())?;
        let dtype = self.dtype().promote(other.dtype()).promote(DType::F32);
        let (a, b) = (self.to_dtype(dtype), other.to_dtype(dtype));
        Ok(match dtype {
            DType::F32 => binary_map::<f32, f32>(&a, &b, &shape, f32_fn),
            _ => binary_map::<f64, f64>(&a, &b, &shape, f64_fn),
        })
    }

    /// The error function `2/√π ∫₀ˣ e^(-t²) dt`, elementwise (`torch.erf`). Integer tensors
    /// are promoted to the default float dtype.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[0.0f64, 1.0]);
    /// let v = t.erf().to_vec::<f64>();
    /// assert_eq!(v[0], 0.0);
    /// assert!((v[1] - 0.8427007929497149).abs() < 1e-15);
    /// ```
    pub fn erf(&self) -> Tensor {
        let out = self.float_input().map_float(libm::erff, libm::erf);
        if needs_grad(&[self]) {
            record_unary("ErfBackward0", &[self], &out, [SavedTensor::input(self)], |ctx| {
                let x = &ctx.saved[0];
                // d/dx erf(x) = 2/√π · e^(-x²)
                Ok(vec![Some(ctx.grad() * &((x * x).neg().exp() * std::f64::consts::FRAC_2_SQRT_PI))])
            });
        }
        out
    }

    /// Elementwise complementary error function `1 - erf(x)`, accurate where erf is near 1
    /// (`torch.erfc`).
    ///
    /// ```
    /// let v = torchlight::Tensor::from_slice(&[0.0f64, 5.0]).erfc().to_vec::<f64>();
    /// assert_eq!(v[0], 1.0);
    /// assert!((v[1] - 1.5374597944280351e-12).abs() < 1e-25); // Python: math.erfc(5.0)
    /// ```
    pub fn erfc(&self) -> Tensor {
        let out = self.float_input().map_float(libm::erfcf, libm::erfc);
        if needs_grad(&[self]) {
            record_unary("ErfcBackward0", &[self], &out, [SavedTensor::input(self)], |ctx| {
                let x = &ctx.saved[0];
                // d/dx erfc(x) = -2/√π · e^(-x²)
                Ok(vec![Some(ctx.grad() * &((x * x).neg().exp() * -std::f64::consts::FRAC_2_SQRT_PI))])
            });
        }
        out
    }
}
