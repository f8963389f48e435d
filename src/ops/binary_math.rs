//! Float functions of two tensors: `atan2`, `hypot`, `logaddexp`, with broadcasting, type
//! promotion and their gradients.

use super::binary::Operand;
use super::binary_kernel::binary_map;
use super::promote::result_type;
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::not_implemented;
use crate::error::unwrap;
use crate::tensor::layout::broadcast_shapes;
use crate::{DType, Result, Tensor};

/// `f(a, b)` elementwise in the promoted float dtype. The gradients below are written on the
/// original operands, as PyTorch's formulas are, so mixed dtypes round as in PyTorch. Integer and bool operands promote to the
/// default dtype where PyTorch's kernel does (`promote_ints`), and are refused with its
/// NotImplemented message (naming `kernel`) otherwise.
fn float_binary(
    a: &Tensor,
    b: &Tensor,
    kernel: &str,
    promote_ints: bool,
    f32_fn: fn(f32, f32) -> f32,
    f64_fn: fn(f64, f64) -> f64,
) -> Result<Tensor> {
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    let mut dtype = result_type(&[Operand::Tensor(a), Operand::Tensor(b)]);
    if !dtype.is_floating_point() {
        if !promote_ints {
            return Err(not_implemented(kernel, dtype));
        }
        dtype = crate::get_default_dtype();
    }
    let (x, y) = (a.to_dtype(dtype), b.to_dtype(dtype));
    Ok(match dtype {
        DType::F32 => binary_map::<f32, f32>(&x, &y, &shape, f32_fn),
        _ => binary_map::<f64, f64>(&x, &y, &shape, f64_fn),
    })
}

/// PyTorch's logaddexp element rule: equal infinities give themselves (where the stable form
/// would give NaN), otherwise `max + log1p(exp(-|a - b|))`.
macro_rules! logaddexp_fn {
    ($t:ty) => {
        |a: $t, b: $t| {
            if a.is_infinite() && a == b {
                a
            } else {
                let m = if a < b { b } else { a };
                m + (-(a - b).abs()).exp().ln_1p()
            }
        }
    };
}

impl Tensor {
    /// Elementwise angle of the point `(other, self)`, `atan(self / other)` in the right
    /// quadrant (`torch.atan2`); integer tensors promote to the default float dtype.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let y = Tensor::from_slice(&[1.0f32]).atan2(&Tensor::from_slice(&[-1.0f32]));
    /// assert!((y.to_vec::<f32>()[0] - 3.0 * std::f32::consts::FRAC_PI_4).abs() < 1e-6);
    /// ```
    #[track_caller]
    pub fn atan2(&self, other: &Tensor) -> Tensor {
        unwrap(self.try_atan2(other))
    }

    /// Fallible twin of [`Tensor::atan2`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[3]).try_atan2(&torchlight::Tensor::ones(&[2])).is_err());
    /// ```
    pub fn try_atan2(&self, other: &Tensor) -> Result<Tensor> {
        let out = float_binary(self, other, "atan2_cpu", true, f32::atan2, f64::atan2)?;
        if needs_grad(&[self, other]) {
            let saved = vec![SavedTensor::input(self), SavedTensor::input(other)];
            record_unary("Atan2Backward0", &[self, other], &out, saved, |ctx| {
                let (a, b, g) = (&ctx.saved[0], &ctx.saved[1], ctx.grad());
                // d/da = b / (a² + b²), d/db = -a / (a² + b²), as PyTorch's atan2_backward:
                // where a² + b² is 0 (the origin, or squares that underflow) the factor is 0
                // instead of infinite, so the gradient there is 0, not NaN.
                let recip = (a * a + b * b).reciprocal();
                let recip = recip.masked_fill(&recip.isinf(), 0.0);
                Ok(vec![ctx.needs(0).then(|| g * b * &recip), ctx.needs(1).then(|| g * &-a * &recip)])
            });
        }
        Ok(out)
    }

    /// Elementwise `sqrt(self² + other²)` without overflow or underflow in between
    /// (`torch.hypot`); float tensors only, as in PyTorch.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let h = Tensor::from_slice(&[3.0f32]).hypot(&Tensor::from_slice(&[4.0f32]));
    /// assert_eq!(h.to_vec::<f32>(), vec![5.0]);
    /// ```
    #[track_caller]
    pub fn hypot(&self, other: &Tensor) -> Tensor {
        unwrap(self.try_hypot(other))
    }

    /// Fallible twin of [`Tensor::hypot`].
    ///
    /// ```
    /// let i = torchlight::Tensor::from_slice(&[3i64]);
    /// assert_eq!(i.try_hypot(&i).unwrap_err().to_string(), "\"hypot_cpu\" not implemented for 'Long'");
    /// ```
    pub fn try_hypot(&self, other: &Tensor) -> Result<Tensor> {
        let out = float_binary(self, other, "hypot_cpu", false, f32::hypot, f64::hypot)?;
        if needs_grad(&[self, other]) {
            let saved = vec![SavedTensor::input(self), SavedTensor::input(other), SavedTensor::output(&out, 0)];
            record_unary("HypotBackward0", &[self, other], &out, saved, |ctx| {
                let (a, b, h, g) = (&ctx.saved[0], &ctx.saved[1], &ctx.saved[2], ctx.grad());
                // d/da = a / hypot, d/db = b / hypot
                Ok(vec![ctx.needs(0).then(|| g * a / h), ctx.needs(1).then(|| g * b / h)])
            });
        }
        Ok(out)
    }

    /// Elementwise `log(exp(self) + exp(other))`, computed without overflow
    /// (`torch.logaddexp`); float tensors only, as in PyTorch.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let s = Tensor::from_slice(&[1000.0f32]).logaddexp(&Tensor::from_slice(&[1000.0f32]));
    /// assert!((s.to_vec::<f32>()[0] - (1000.0 + std::f32::consts::LN_2)).abs() < 1e-3);
    /// ```
    #[track_caller]
    pub fn logaddexp(&self, other: &Tensor) -> Tensor {
        unwrap(self.try_logaddexp(other))
    }

    /// Fallible twin of [`Tensor::logaddexp`].
    ///
    /// ```
    /// let b = torchlight::Tensor::from_slice(&[true]);
    /// assert_eq!(b.try_logaddexp(&b).unwrap_err().to_string(), "\"logaddexp_cpu\" not implemented for 'Bool'");
    /// ```
    pub fn try_logaddexp(&self, other: &Tensor) -> Result<Tensor> {
        let out = float_binary(self, other, "logaddexp_cpu", false, logaddexp_fn!(f32), logaddexp_fn!(f64))?;
        if needs_grad(&[self, other]) {
            let saved = vec![SavedTensor::input(self), SavedTensor::input(other)];
            record_unary("LogaddexpBackward0", &[self, other], &out, saved, |ctx| {
                let (a, b) = (&ctx.saved[0], &ctx.saved[1]);
                // d/da = 1 / (1 + e^(b - a)), d/db = 1 / (1 + e^(a - b))
                let g = ctx.grad();
                Ok(vec![
                    ctx.needs(0).then(|| g / &((b - a).exp() + 1.0)),
                    ctx.needs(1).then(|| g / &((a - b).exp() + 1.0)),
                ])
            });
        }
        Ok(out)
    }
}
