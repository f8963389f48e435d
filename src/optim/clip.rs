//! Gradient clipping (`torch/nn/utils/clip_grad.py`): by total norm and by value.

use crate::error::unwrap;
use crate::{DType, Error, Result, Tensor};

/// The `p`-norm of all elements (`torch.linalg.vector_norm(t, p)`), accumulated in f64 and
/// returned as f64: `inf`/`-inf` are the max/min of `|x|`, `0` counts non-zeros.
fn vector_norm(values: impl Iterator<Item = f64> + Clone, p: f64) -> f64 {
    let abs = values.map(f64::abs);
    if p == f64::INFINITY {
        abs.fold(0.0, |m, x| if x.is_nan() || m.is_nan() { f64::NAN } else { m.max(x) })
    } else if p == f64::NEG_INFINITY {
        abs.fold(f64::INFINITY, |m, x| if x.is_nan() || m.is_nan() { f64::NAN } else { m.min(x) })
    } else if p == 0.0 {
        abs.filter(|&x| x != 0.0).count() as f64
    } else if p == 1.0 {
        abs.sum()
    } else if p == 2.0 {
        abs.map(|x| x * x).sum::<f64>().sqrt()
    } else {
        abs.map(|x| x.powf(p)).sum::<f64>().powf(1.0 / p)
    }
}

/// The norm of one gradient, rounded to its dtype as torch returns it.
fn grad_norm(g: &Tensor, p: f64) -> Tensor {
    let values = g.to_vec::<f64>();
    Tensor::scalar(vector_norm(values.iter().copied(), p)).to_dtype(g.dtype())
}

/// Scales the gradients of `parameters` so that their total `norm_type`-norm is at most
/// `max_norm` (`torch.nn.utils.clip_grad_norm_`), and returns that total norm (before
/// clipping) as a 0-dim tensor.
///
/// As PyTorch: the total norm is the norm of the per-gradient norms, the scale is
/// `min(max_norm / (total + 1e-6), 1)`, and parameters without a gradient are ignored.
/// `norm_type` may be `f64::INFINITY` (largest absolute value).
///
/// ```
/// use torchlight::{optim, Tensor};
/// let w = Tensor::from_slice(&[3.0f32, 4.0]).requires_grad_(true);
/// (&w * &w).sum().mul(0.5).backward(); // grad = [3, 4], norm 5
/// let total = optim::clip_grad_norm_(&[w.clone()], 1.0, 2.0);
/// assert_eq!(total.item(), 5.0);
/// let g = w.grad().unwrap().to_vec::<f32>();
/// assert!((g[0] - 0.6).abs() < 1e-6 && (g[1] - 0.8).abs() < 1e-6);
/// ```
#[track_caller]
pub fn clip_grad_norm_(parameters: &[Tensor], max_norm: f64, norm_type: f64) -> Tensor {
    unwrap(try_clip_grad_norm_(parameters, max_norm, norm_type, false))
}

/// Fallible twin of [`clip_grad_norm_`] with `error_if_nonfinite`: fails, leaving the
/// gradients untouched, when the total norm is NaN or infinite.
///
/// ```
/// use torchlight::{optim, Tensor};
/// let w = Tensor::from_slice(&[f32::INFINITY]).requires_grad_(true);
/// w.set_grad(Some(Tensor::from_slice(&[f32::INFINITY])));
/// assert!(optim::try_clip_grad_norm_(&[w], 1.0, 2.0, true).is_err());
/// ```
pub fn try_clip_grad_norm_(
    parameters: &[Tensor],
    max_norm: f64,
    norm_type: f64,
    error_if_nonfinite: bool,
) -> Result<Tensor> {
    crate::no_grad(|| {
        let grads: Vec<Tensor> = parameters.iter().filter_map(Tensor::grad).collect();
        if grads.is_empty() {
            return Ok(Tensor::scalar(0.0f64).to_dtype(crate::get_default_dtype()));
        }
        let norms: Vec<Tensor> = grads.iter().map(|g| grad_norm(g, norm_type)).collect();
        // torch.stack promotes the per-gradient norms to one dtype.
        let dtype = norms.iter().map(Tensor::dtype).reduce(DType::promote).unwrap_or(DType::F32);
        let stacked: Vec<f64> = norms.iter().map(|n| n.to_dtype(dtype).item()).collect();
        let total = Tensor::scalar(vector_norm(stacked.iter().copied(), norm_type)).to_dtype(dtype);
        let t = total.item();
        if error_if_nonfinite && !t.is_finite() {
            return Err(Error::Runtime(format!(
                "The total norm of order {} for gradients from `parameters` is non-finite, so it cannot be clipped. \
                 To disable this error and scale the gradients by the non-finite norm anyway, set \
                 `error_if_nonfinite=False`",
                crate::format::python_repr(norm_type)
            )));
        }
        // `max_norm / tensor` is `tensor.reciprocal() * max_norm` in PyTorch.
        let coef = total.add(1e-6).reciprocal().mul(max_norm).clamp(None, Some(1.0));
        for g in &grads {
            g.mul_(&coef);
        }
        Ok(total)
    })
}

/// Clamps every gradient of `parameters` into `[-clip_value, clip_value]`
/// (`torch.nn.utils.clip_grad_value_`).
///
/// ```
/// use torchlight::{optim, Tensor};
/// let w = Tensor::zeros(&[2]).requires_grad_(true);
/// w.set_grad(Some(Tensor::from_slice(&[-3.0f32, 0.5])));
/// optim::clip_grad_value_(&[w.clone()], 1.0);
/// assert_eq!(w.grad().unwrap().to_vec::<f32>(), vec![-1.0, 0.5]);
/// ```
pub fn clip_grad_value_(parameters: &[Tensor], clip_value: f64) {
    crate::no_grad(|| {
        for g in parameters.iter().filter_map(Tensor::grad) {
            g.clamp_(Some(-clip_value), Some(clip_value));
        }
    })
}
