//! Binary cross-entropy on probabilities (`F.binary_cross_entropy`) and on logits
//! (`F.binary_cross_entropy_with_logits`), with PyTorch's kernels and gradient formulas.

use super::loss::Reduction;
use super::{map_each, zip_each};
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::{broadcast_shapes, torch_size_str};
use crate::{Error, Result, Tensor};

/// PyTorch's `EPSILON` in the BCE backward: the denominator `x(1-x)` is clamped to it.
const BCE_EPS: f64 = 1e-12;

/// Binary cross-entropy of probabilities `input` against `target` (`F.binary_cross_entropy`):
/// `-(y·log x + (1-y)·log(1-x))` with both logs clamped at -100, times `weight` (broadcast
/// to the target), reduced. Gradients flow to `input` and `target`.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_slice(&[0.0f32, 1.0, 0.5]);
/// let y = Tensor::from_slice(&[1.0f32, 0.0, 1.0]);
/// let l = F::binary_cross_entropy(&x, &y, None, F::Reduction::None).to_vec::<f32>();
/// assert_eq!(&l[..2], &[100.0, 100.0]);
/// ```
#[track_caller]
pub fn binary_cross_entropy(input: &Tensor, target: &Tensor, weight: Option<&Tensor>, reduction: Reduction) -> Tensor {
    unwrap(try_binary_cross_entropy(input, target, weight, reduction))
}

/// Fallible twin of [`binary_cross_entropy`]: fails on a size mismatch or on values
/// outside `[0, 1]`, with PyTorch's messages.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_binary_cross_entropy(&Tensor::full(&[1], 2.0), &Tensor::ones(&[1]), None, F::Reduction::Mean);
/// assert_eq!(e.unwrap_err().to_string(), "all elements of input should be between 0 and 1");
/// ```
pub fn try_binary_cross_entropy(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    reduction: Reduction,
) -> Result<Tensor> {
    let reduction = reduction.check()?;
    if target.shape() != input.shape() {
        return Err(Error::Value(format!(
            "Using a target size ({}) that is different to the input size ({}) is deprecated. Please ensure they \
             have the same size.",
            torch_size_str(target.shape()),
            torch_size_str(input.shape())
        )));
    }
    check_probabilities(input, target)?;
    let loss =
        unwrap(zip_each!(input, target, T, |x, y| (y - 1.0) * (-x).ln_1p().max(-100.0) - y * x.ln().max(-100.0)));
    if needs_grad(&[input, target]) {
        let saved = vec![SavedTensor::input(input), SavedTensor::input(target)];
        record_unary("BinaryCrossEntropyBackward0", &[input, target], &loss, saved, |ctx| {
            let (x, y, g) = (&ctx.saved[0], &ctx.saved[1], ctx.grad());
            let gx = ctx.needs(0).then(|| (x - y) / ((x.neg() + 1.0f64) * x).clamp_min(BCE_EPS) * g);
            // d/dy = -logit(x) = log((1 - x) / x)
            let gy = ctx.needs(1).then(|| (x / &(x.neg() + 1.0)).log().neg() * g);
            Ok(vec![gx, gy])
        });
    }
    let loss = match weight {
        Some(w) => {
            let shape = broadcast_shapes(target.shape(), w.shape())?;
            loss.try_mul(&w.try_expand(&shape.iter().map(|&s| s as i64).collect::<Vec<_>>())?)?
        }
        None => loss,
    };
    Ok(reduction.apply(loss))
}

/// PyTorch's range checks, element by element: input first, then target.
fn check_probabilities(input: &Tensor, target: &Tensor) -> Result<()> {
    let (x, y) = (input.to_vec::<f64>(), target.to_vec::<f64>());
    let ok = |v: f64| (0.0..=1.0).contains(&v);
    for (&a, &b) in x.iter().zip(&y) {
        if !ok(a) {
            return Err(Error::Runtime("all elements of input should be between 0 and 1".into()));
        }
        if !ok(b) {
            return Err(Error::Runtime("all elements of target should be between 0 and 1".into()));
        }
    }
    Ok(())
}

/// Binary cross-entropy on logits (`F.binary_cross_entropy_with_logits`), in PyTorch's stable
/// form `(1 - y)·x - log_sigmoid(x)·(1 + (pos_weight - 1)·y)`, times `weight`, reduced.
/// `pos_weight` broadcasts against the target (one weight per class on the last dim).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_slice(&[100.0f64, -100.0]);
/// let y = Tensor::from_slice(&[1.0f64, 0.0]);
/// let l = F::binary_cross_entropy_with_logits(&x, &y, None, F::Reduction::Sum, None);
/// assert!(l.item() < 1e-40);
/// ```
#[track_caller]
pub fn binary_cross_entropy_with_logits(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    reduction: Reduction,
    pos_weight: Option<&Tensor>,
) -> Tensor {
    unwrap(try_binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight))
}

/// Fallible twin of [`binary_cross_entropy_with_logits`]: fails on a size mismatch.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_binary_cross_entropy_with_logits(&Tensor::ones(&[3]), &Tensor::ones(&[2]), None,
///     F::Reduction::Mean, None);
/// assert_eq!(e.unwrap_err().to_string(),
///     "Target size (torch.Size([2])) must be the same as input size (torch.Size([3]))");
/// ```
pub fn try_binary_cross_entropy_with_logits(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    reduction: Reduction,
    pos_weight: Option<&Tensor>,
) -> Result<Tensor> {
    let reduction = reduction.check()?;
    if target.shape() != input.shape() {
        return Err(Error::Value(format!(
            "Target size ({}) must be the same as input size ({})",
            torch_size_str(target.shape()),
            torch_size_str(input.shape())
        )));
    }
    let loss = match pos_weight {
        None => zip_each!(input, target, T, |x, y| (1.0 - y) * x - log_sigmoid(x))?,
        Some(pw) => crate::no_grad(|| -> Result<Tensor> {
            let log_weight = pw.try_sub(1.0)?.try_mul(target)?.try_add(1.0)?;
            let lsig = map_each!(input, T, |x| log_sigmoid(x)).try_mul(&log_weight)?;
            (target.neg() + 1.0f64).try_mul(input)?.try_sub(&lsig)
        })?,
    };
    if needs_grad(&[input, target]) {
        let mut saved = vec![SavedTensor::input(input), SavedTensor::input(target)];
        saved.extend(pos_weight.map(SavedTensor::input));
        record_unary("BinaryCrossEntropyWithLogitsBackward0", &[input, target], &loss, saved, |ctx| {
            let (x, y, g) = (&ctx.saved[0], &ctx.saved[1], ctx.grad());
            let pw = ctx.saved.get(2);
            let gx = ctx.needs(0).then(|| {
                let d = match pw {
                    // (pw·y + 1 - y)·σ(x) - pw·y
                    Some(pw) => {
                        let t = pw * y;
                        ((&t + 1.0) - y) * x.sigmoid() - t
                    }
                    None => x.sigmoid() - y,
                };
                d * g
            });
            let gy = ctx.needs(1).then(|| {
                let d = match pw {
                    // log σ(-x) - pw·log σ(x), each as min(v, 0) - log1p(exp(-|v|))
                    Some(pw) => {
                        let lsig = |v: &Tensor| v.clamp_max(0.0) - v.abs().neg().exp().log1p();
                        lsig(&x.neg()) - lsig(x) * pw
                    }
                    None => x.neg(),
                };
                d * g
            });
            Ok(vec![gx, gy])
        });
    }
    let loss = match weight {
        Some(w) => loss.try_mul(w)?,
        None => loss,
    };
    Ok(reduction.apply(loss))
}

/// `log(sigmoid(x))` as PyTorch's CPU kernel computes it: `min(x, 0) - log1p(exp(-|x|))`.
#[inline]
fn log_sigmoid<T: num_traits::Float>(x: T) -> T {
    x.min(T::zero()) - (-x.abs()).exp().ln_1p()
}
