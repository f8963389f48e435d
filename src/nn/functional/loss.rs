//! The [`Reduction`] of a loss, and the regression losses (`mse_loss`, `l1_loss`,
//! `smooth_l1_loss`, `huber_loss`) and `kl_div`.
//!
//! PyTorch warns when `target`'s size differs from `input`'s and then broadcasts them;
//! torchlight broadcasts silently (the result is the same, without the warning).

use super::map_each;
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::{is_grad_enabled, Error, Result, Tensor};

/// How a loss reduces its per-element values (PyTorch's `reduction=` string).
///
/// ```
/// use torchlight::nn::Reduction;
/// assert_eq!(Reduction::default(), Reduction::Mean);
/// assert_eq!("sum".parse::<Reduction>().unwrap(), Reduction::Sum);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Reduction {
    /// `'none'`: the per-element losses.
    None,
    /// `'mean'` (the default): the mean over elements, or the weighted mean for class losses.
    #[default]
    Mean,
    /// `'sum'`: the sum.
    Sum,
    /// `'batchmean'`: the sum divided by the batch size; only `kl_div` accepts it.
    BatchMean,
}

impl Reduction {
    /// PyTorch's spelling of the reduction.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::Reduction::BatchMean.as_str(), "batchmean");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Reduction::None => "none",
            Reduction::Mean => "mean",
            Reduction::Sum => "sum",
            Reduction::BatchMean => "batchmean",
        }
    }

    /// Fails with PyTorch's message for `batchmean`, which only `kl_div` accepts.
    pub(crate) fn check(self) -> Result<Reduction> {
        match self {
            Reduction::BatchMean => Err(Error::Value("batchmean is not a valid value for reduction".into())),
            r => Ok(r),
        }
    }

    /// PyTorch's `apply_loss_reduction`: mean (as `sum / numel`), sum, or the tensor itself.
    pub(crate) fn apply(self, loss: Tensor) -> Tensor {
        match self {
            Reduction::Mean => loss.mean(),
            Reduction::Sum => loss.sum(),
            _ => loss,
        }
    }
}

impl std::str::FromStr for Reduction {
    type Err = Error;

    /// Parses `"none"`, `"mean"`, `"sum"` or `"batchmean"` (and the deprecated
    /// `"elementwise_mean"`), else fails with PyTorch's `ValueError` text.
    fn from_str(s: &str) -> Result<Reduction> {
        match s {
            "none" => Ok(Reduction::None),
            "mean" | "elementwise_mean" => Ok(Reduction::Mean),
            "sum" => Ok(Reduction::Sum),
            "batchmean" => Ok(Reduction::BatchMean),
            _ => Err(Error::Value(format!("{s} is not a valid value for reduction"))),
        }
    }
}

impl std::fmt::Display for Reduction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Mean squared error `(input - target)²`, reduced (`F.mse_loss`). Gradients flow to both
/// `input` and `target`.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let l = F::mse_loss(&Tensor::from_slice(&[1.0f32, 3.0]), &Tensor::zeros(&[2]), F::Reduction::Mean);
/// assert_eq!(l.item(), 5.0);
/// ```
#[track_caller]
pub fn mse_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Tensor {
    unwrap(try_mse_loss(input, target, reduction))
}

/// Fallible twin of [`mse_loss`]: fails when the shapes do not broadcast.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_mse_loss(&Tensor::ones(&[2]), &Tensor::ones(&[3]), F::Reduction::Sum).is_err());
/// ```
pub fn try_mse_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
    let reduction = reduction.check()?;
    let d = input.try_sub(target)?;
    Ok(reduction.apply(&d * &d))
}

/// Mean absolute error `|input - target|`, reduced (`F.l1_loss`).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let l = F::l1_loss(&Tensor::from_slice(&[1.0f32, -3.0]), &Tensor::zeros(&[2]), F::Reduction::Sum);
/// assert_eq!(l.item(), 4.0);
/// ```
#[track_caller]
pub fn l1_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Tensor {
    unwrap(try_l1_loss(input, target, reduction))
}

/// Fallible twin of [`l1_loss`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_l1_loss(&Tensor::ones(&[2]), &Tensor::ones(&[3]), F::Reduction::Sum).is_err());
/// ```
pub fn try_l1_loss(input: &Tensor, target: &Tensor, reduction: Reduction) -> Result<Tensor> {
    let reduction = reduction.check()?;
    Ok(reduction.apply(input.try_sub(target)?.abs()))
}

/// Smooth L1: `0.5·z²/beta` where `z = |input - target| < beta`, else `z - 0.5·beta`
/// (`F.smooth_l1_loss`; PyTorch's default `beta` is 1). `beta = 0` is the L1 loss.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::zeros(&[3]);
/// let y = Tensor::from_slice(&[0.5f32, 1.0, 3.0]);
/// let l = F::smooth_l1_loss(&x, &y, F::Reduction::None, 1.0);
/// assert_eq!(l.to_vec::<f32>(), vec![0.125, 0.5, 2.5]);
/// ```
#[track_caller]
pub fn smooth_l1_loss(input: &Tensor, target: &Tensor, reduction: Reduction, beta: f64) -> Tensor {
    unwrap(try_smooth_l1_loss(input, target, reduction, beta))
}

/// Fallible twin of [`smooth_l1_loss`]: fails for a negative `beta`.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_smooth_l1_loss(&Tensor::ones(&[1]), &Tensor::ones(&[1]), F::Reduction::Mean, -1.0);
/// assert_eq!(e.unwrap_err().to_string(), "smooth_l1_loss does not support negative values for beta.");
/// ```
pub fn try_smooth_l1_loss(input: &Tensor, target: &Tensor, reduction: Reduction, beta: f64) -> Result<Tensor> {
    let reduction = reduction.check()?;
    if beta == 0.0 {
        return try_l1_loss(input, target, reduction);
    }
    if beta < 0.0 {
        return Err(Error::Runtime("smooth_l1_loss does not support negative values for beta.".into()));
    }
    let d = input.try_sub(target)?;
    let loss = map_each!(d, T, |v| {
        let (z, b) = (v.abs(), beta as T);
        if z < b {
            0.5 * z * z / b
        } else {
            z - 0.5 * b
        }
    });
    // d/dd = clamp(d / beta, -1, 1), PyTorch's piecewise backward.
    record_piecewise("SmoothL1LossBackward0", &d, &loss, move |d| d.div(beta).clamp(Some(-1.0), Some(1.0)));
    Ok(reduction.apply(loss))
}

/// Huber loss: `0.5·z²` where `z = |input - target| < delta`, else `delta·(z - 0.5·delta)`
/// (`F.huber_loss`; PyTorch's default `delta` is 1).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::zeros(&[3]);
/// let y = Tensor::from_slice(&[0.5f32, 1.0, 3.0]);
/// let l = F::huber_loss(&x, &y, F::Reduction::None, 2.0);
/// assert_eq!(l.to_vec::<f32>(), vec![0.125, 0.5, 4.0]);
/// ```
#[track_caller]
pub fn huber_loss(input: &Tensor, target: &Tensor, reduction: Reduction, delta: f64) -> Tensor {
    unwrap(try_huber_loss(input, target, reduction, delta))
}

/// Fallible twin of [`huber_loss`]: fails for `delta <= 0`.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_huber_loss(&Tensor::ones(&[1]), &Tensor::ones(&[1]), F::Reduction::Mean, 0.0);
/// assert_eq!(e.unwrap_err().to_string(), "huber_loss does not support non-positive values for delta.");
/// ```
pub fn try_huber_loss(input: &Tensor, target: &Tensor, reduction: Reduction, delta: f64) -> Result<Tensor> {
    let reduction = reduction.check()?;
    if delta <= 0.0 {
        return Err(Error::Runtime("huber_loss does not support non-positive values for delta.".into()));
    }
    let d = input.try_sub(target)?;
    let loss = map_each!(d, T, |v| {
        let (z, dl) = (v.abs(), delta as T);
        if z < dl {
            0.5 * z * z
        } else {
            dl * (z - 0.5 * dl)
        }
    });
    // d/dd = clamp(d, -delta, delta), PyTorch's piecewise backward.
    record_piecewise("HuberLossBackward0", &d, &loss, move |d| d.clamp(Some(-delta), Some(delta)));
    Ok(reduction.apply(loss))
}

/// Records `loss = f(d)` elementwise with gradient `g * slope(d)`.
fn record_piecewise(
    name: &'static str,
    d: &Tensor,
    loss: &Tensor,
    slope: impl Fn(&Tensor) -> Tensor + Send + Sync + 'static,
) {
    if needs_grad(&[d]) {
        record_unary(name, &[d], loss, [SavedTensor::input(d)], move |ctx| {
            Ok(vec![Some(ctx.grad() * &slope(&ctx.saved[0]))])
        });
    }
}

/// Kullback-Leibler divergence with `input` as log-probabilities (`F.kl_div`):
/// `target·(log target - input)`, or `exp(target)·(target - input)` when `log_target`.
/// `Reduction::BatchMean` divides the sum by `input.size(0)` (PyTorch's recommended
/// reduction); `Mean` divides by every element, as PyTorch does (without its warning).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let p = Tensor::from_slice(&[0.5f64, 0.5]);
/// let l = F::kl_div(&p.log(), &p, F::Reduction::Sum, false);
/// assert_eq!(l.item(), 0.0);
/// ```
#[track_caller]
pub fn kl_div(input: &Tensor, target: &Tensor, reduction: Reduction, log_target: bool) -> Tensor {
    unwrap(try_kl_div(input, target, reduction, log_target))
}

/// Fallible twin of [`kl_div`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_kl_div(&Tensor::ones(&[2]), &Tensor::ones(&[3]), F::Reduction::Sum, false).is_err());
/// ```
pub fn try_kl_div(input: &Tensor, target: &Tensor, reduction: Reduction, log_target: bool) -> Result<Tensor> {
    let loss = if log_target {
        target.exp().try_mul(&target.try_sub(input)?)?
    } else {
        xlogy_self(target).try_sub(&target.try_mul(input)?)?
    };
    Ok(match reduction {
        Reduction::BatchMean if input.dim() != 0 => loss.sum() / input.shape()[0] as f64,
        Reduction::BatchMean => loss.sum(),
        r => r.apply(loss),
    })
}

/// `xlogy(t, t)`: `t·log(t)`, with 0 where `t == 0` (NaN stays NaN). Its gradient is
/// PyTorch's `xlogy` gradient for both arguments: `log(t)` (0 at `t == 0`) plus `t / t`
/// (so NaN at `t == 0`, as in PyTorch).
#[allow(clippy::eq_op)]
fn xlogy_self(t: &Tensor) -> Tensor {
    let t = t.float_input();
    let out = map_each!(t, T, |v| if v == 0.0 { 0.0 } else { v * v.ln() });
    if needs_grad(&[&t]) {
        record_unary("XlogyBackward0", &[&t], &out, [SavedTensor::input(&t)], |ctx| {
            let t = &ctx.saved[0];
            let d = if is_grad_enabled() {
                t.log().masked_fill(&t.eq(0.0), 0.0) + t / t
            } else {
                map_each!(t, T, |v| if v == 0.0 { 0.0 / v } else { v.ln() + v / v })
            };
            Ok(vec![Some(ctx.grad() * &d)])
        });
    }
    out
}
