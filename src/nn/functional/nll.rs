//! `nll_loss` and `cross_entropy`, with PyTorch's shape rules (class dim 1, any number of
//! spatial dims), `weight`, `ignore_index`, label smoothing and probability targets.
//!
//! The per-sample gather is a direct kernel over the input viewed as `(N, C, M)` (`M` the
//! product of the spatial dims). Its reduced forward sums in PyTorch's 8-level cascade, so
//! results match PyTorch's bit for bit for the same log-probabilities.

use super::loss::Reduction;
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::{dispatch_float, DType, Error, FloatElement, Result, Tensor};

/// Where the samples sit: `n` batches of `m` positions over `c` classes.
#[derive(Clone, Copy)]
struct Geom {
    n: usize,
    c: usize,
    m: usize,
    reduction: Reduction,
    ignore_index: i64,
}

/// Negative log-likelihood of log-probabilities `input` (`(C)`, `(N, C)` or
/// `(N, C, d1, ...)`) at the class indices `target` (`()`, `(N)` or `(N, d1, ...)`)
/// (`F.nll_loss`; PyTorch's defaults: `weight = None`, `ignore_index = -100`, mean).
/// `Mean` divides by the summed weights of the targets that are not ignored, so all
/// targets ignored gives NaN.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let logp = Tensor::from_vec(vec![-1.0f32, -2.0, -3.0, -4.0], &[2, 2]);
/// let l = F::nll_loss(&logp, &Tensor::from_slice(&[1i64, 0]), None, -100, F::Reduction::Mean);
/// assert_eq!(l.item(), 2.5);
/// ```
#[track_caller]
pub fn nll_loss(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    ignore_index: i64,
    reduction: Reduction,
) -> Tensor {
    unwrap(try_nll_loss(input, target, weight, ignore_index, reduction))
}

/// Fallible twin of [`nll_loss`], with PyTorch's errors (an out-of-range class is an
/// `Error::Index`: `"Target 5 is out of bounds."`).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_nll_loss(&Tensor::zeros(&[1, 3]), &Tensor::from_slice(&[5i64]), None, -100, F::Reduction::Mean);
/// assert_eq!(e.unwrap_err().to_string(), "Target 5 is out of bounds.");
/// ```
pub fn try_nll_loss(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    ignore_index: i64,
    reduction: Reduction,
) -> Result<Tensor> {
    nll_loss_nd(input, target, weight, ignore_index, reduction.check()?)
}

/// Cross-entropy between `input` logits and `target` (`F.cross_entropy`), the class dim
/// being 1 (0 for a 1-D input). `target` holds class indices (shaped like `input` without
/// the class dim) or, when shaped like `input`, class probabilities. PyTorch's defaults:
/// `weight = None`, `ignore_index = -100`, mean, `label_smoothing = 0`.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::zeros(&[2, 4]);
/// let l = F::cross_entropy(&x, &Tensor::from_slice(&[1i64, 3]), None, -100, F::Reduction::Mean, 0.0);
/// assert!((l.item() - 4.0f64.ln()).abs() < 1e-6);
/// ```
#[track_caller]
pub fn cross_entropy(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    ignore_index: i64,
    reduction: Reduction,
    label_smoothing: f64,
) -> Tensor {
    unwrap(try_cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing))
}

/// Fallible twin of [`cross_entropy`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let t = Tensor::from_slice(&[0i64]);
/// let e = F::try_cross_entropy(&Tensor::zeros(&[1, 2]), &t, None, -100, F::Reduction::Mean, 1.5);
/// assert_eq!(e.unwrap_err().to_string(), "label_smoothing must be between 0.0 and 1.0. Got: 1.5");
/// ```
pub fn try_cross_entropy(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    ignore_index: i64,
    reduction: Reduction,
    label_smoothing: f64,
) -> Result<Tensor> {
    let reduction = reduction.check()?;
    let class_dim = if input.dim() == 1 { 0 } else { 1 };
    let check_smoothing = || {
        if label_smoothing > 1.0 {
            return Err(Error::Runtime(format!(
                "label_smoothing must be between 0.0 and 1.0. Got: {}",
                cpp_double(label_smoothing)
            )));
        }
        Ok(())
    };
    if input.shape() == target.shape() {
        if !target.dtype().is_floating_point() {
            return Err(Error::Runtime(format!(
                "Expected floating point type for target with class probabilities, got {}",
                target.dtype().scalar_name()
            )));
        }
        if ignore_index >= 0 {
            return Err(Error::Runtime("ignore_index is not supported for floating point target".into()));
        }
        return probability_targets(input, target, weight, reduction, label_smoothing, class_dim, check_smoothing);
    }
    if label_smoothing > 0.0 {
        check_smoothing()?;
        return smoothed_indices(input, target, weight, ignore_index, reduction, label_smoothing, class_dim);
    }
    nll_loss_nd(&input.try_log_softmax(class_dim as i64)?, target, weight, ignore_index, reduction)
}

/// `weight` viewed to broadcast along the class dim of a `ndim`-dim input.
fn class_weight_view(weight: &Tensor, ndim: usize, class_dim: usize) -> Result<Tensor> {
    let mut shape = vec![1i64; ndim.max(1)];
    shape[class_dim] = weight.numel() as i64;
    weight.try_view(&shape)
}

/// Soft targets: `-Σ_c w_c·log_softmax(x)_c·p_c` per sample; `Mean` divides by the
/// number of samples (not by the weights), as PyTorch does.
fn probability_targets(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    reduction: Reduction,
    label_smoothing: f64,
    class_dim: usize,
    check_smoothing: impl Fn() -> Result<()>,
) -> Result<Tensor> {
    let c = input.shape()[class_dim];
    if let Some(w) = weight {
        if w.dim() != 1 || w.numel() != c {
            return Err(Error::Runtime(format!(
                "cross_entropy: weight tensor should be defined either for all {c} classes or no classes but got \
                 weight tensor of shape: {:?}",
                w.shape()
            )));
        }
    }
    let logp = input.try_log_softmax(class_dim as i64)?;
    let target = if label_smoothing > 0.0 {
        check_smoothing()?;
        target * (1.0 - label_smoothing) + label_smoothing / c as f64
    } else {
        target.clone()
    };
    let mut prod = logp.try_mul(&target)?;
    if let Some(w) = weight {
        prod = prod.try_mul(&class_weight_view(w, logp.dim(), class_dim)?)?;
    }
    Ok(match reduction {
        Reduction::None => prod.sum_dim(&[class_dim as i64], false).neg(),
        Reduction::Sum => prod.sum().neg(),
        _ => {
            let samples = if logp.numel() == 0 { 0.0 } else { (logp.numel() / c) as f64 };
            prod.sum().neg() / samples
        }
    })
}

/// Class indices with label smoothing: `(1 - ls)·nll + ls/C · smooth`, where `smooth` is
/// `-Σ_c w_c·log_softmax(x)_c` per sample, 0 at ignored samples, reduced like the NLL term.
fn smoothed_indices(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    ignore_index: i64,
    reduction: Reduction,
    label_smoothing: f64,
    class_dim: usize,
) -> Result<Tensor> {
    let logp = input.try_log_softmax(class_dim as i64)?;
    let nll = nll_loss_nd(&logp, target, weight, ignore_index, reduction)?;
    let c = logp.shape()[class_dim];
    let dims = [class_dim as i64];
    let smooth = match weight {
        Some(w) => logp.try_mul(&class_weight_view(w, logp.dim(), class_dim)?)?.sum_dim(&dims, false).neg(),
        None => logp.sum_dim(&dims, false).neg(),
    };
    let ignored = target.eq(ignore_index);
    let smooth = smooth.try_masked_fill(&ignored, 0.0)?;
    let reduced = match reduction {
        Reduction::None => smooth,
        Reduction::Sum => smooth.sum(),
        _ => match weight {
            // Normalised by the weights of the kept targets, consistent with nll_loss.
            Some(w) => {
                let w = w.to_dtype(logp.dtype());
                let picked: Vec<i64> = target.to_vec::<i64>().into_iter().filter(|&t| t != ignore_index).collect();
                let total = dispatch_float!(w.dtype(), T => {
                    let wv = w.to_vec::<T>();
                    let v: Vec<T> = picked.iter().map(|&t| wv[t as usize]).collect();
                    Tensor::from_vec(v, &[picked.len()]).sum()
                }, _ => unreachable!());
                smooth.sum().try_div(&total)?
            }
            None => {
                let kept = ignored.logical_not().to_vec::<bool>().into_iter().filter(|&k| k).count();
                smooth.sum() / kept as f64
            }
        },
    };
    Ok(&nll * (1.0 - label_smoothing) + reduced * (label_smoothing / c as f64))
}

/// `nll_loss_nd`: validates shapes as PyTorch does, then runs the kernel over `(N, C, M)`.
fn nll_loss_nd(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    ignore_index: i64,
    reduction: Reduction,
) -> Result<Tensor> {
    let nd = input.dim();
    if nd < 1 {
        return Err(Error::Value(format!("Expected 1 or more dimensions (got {nd})")));
    }
    let target_batch = target.shape().first().copied().unwrap_or(0);
    if nd != 1 && input.shape()[0] != target_batch {
        return Err(Error::Value(format!(
            "Expected input batch_size ({}) to match target batch_size ({target_batch}).",
            input.shape()[0]
        )));
    }
    let mut target = target.clone();
    if nd == 1 && target.dim() == 1 {
        if target.numel() != 1 {
            return Err(Error::Value(format!(
                "For 1D input, 1D target must have size 1, but got target size: {}",
                target.numel()
            )));
        }
        target = target.reshape(&[]);
    }
    let spatial = nd > 2;
    let c = input.shape()[1.min(nd - 1)];
    if !spatial && target.dim() > 1 {
        return Err(Error::Runtime("0D or 1D target tensor expected, multi-target not supported".into()));
    }
    if nd == 4 && target.dim() != 3 {
        return Err(Error::Runtime(format!(
            "only batches of spatial targets supported (3D tensors) but got targets of dimension: {}",
            target.dim()
        )));
    }
    if nd != 4 && spatial && target.shape()[1..] != input.shape()[2..] {
        let mut expected = vec![input.shape()[0]];
        expected.extend_from_slice(&input.shape()[2..]);
        return Err(Error::Runtime(format!("Expected target size {expected:?}, got {:?}", target.shape())));
    }
    if target.dtype() != DType::I64 {
        return Err(Error::Runtime(format!(
            "expected target dtype to be Long or Byte, but got {}",
            target.dtype().scalar_name()
        )));
    }
    if let Some(w) = weight {
        let ok = if spatial { w.numel() == c } else { w.dim() == 1 && w.numel() == c };
        if !ok && spatial {
            return Err(Error::Runtime("weight tensor should be defined either for all or no classes".into()));
        }
        if !ok {
            return Err(Error::Runtime(format!(
                "weight tensor should be defined either for all {c} classes or no classes but got weight tensor of \
                 shape: {:?}",
                w.shape()
            )));
        }
        if w.dtype() != input.dtype() {
            return Err(Error::Runtime(format!(
                "expected scalar type {} but found {}",
                input.dtype().scalar_name(),
                w.dtype().scalar_name()
            )));
        }
    }
    if nd == 4 && target.shape()[1..] != input.shape()[2..] {
        return Err(Error::Runtime(format!(
            "size mismatch (got input: {:?} , target: {:?}",
            input.shape(),
            target.shape()
        )));
    }
    let geom = Geom {
        n: if nd == 1 { 1 } else { input.shape()[0] },
        c,
        m: input.shape()[2.min(nd)..].iter().product(),
        reduction,
        ignore_index,
    };
    let kernel = if spatial { "nll_loss2d_forward_out_frame" } else { "nll_loss_out_frame" };
    let out = dispatch_float!(input.dtype(), T => nll_forward::<T>(input, &target, weight, geom)?,
        _ => return Err(crate::error::not_implemented(kernel, input.dtype())));
    let (out, total_weight) = out;
    if needs_grad(&[input]) {
        let name = if spatial { "NllLoss2DBackward0" } else { "NllLossBackward0" };
        let mut saved = vec![SavedTensor::input(&target)];
        saved.extend(weight.map(SavedTensor::input));
        let in_shape = input.shape().to_vec();
        record_unary(name, &[input], &out, saved, move |ctx| {
            let weight = ctx.saved.get(1);
            Ok(vec![Some(nll_backward(ctx.grad(), &ctx.saved[0], weight, geom, total_weight, &in_shape)?)])
        });
    }
    Ok(out)
}

/// PyTorch's `CeilLog2`: `ceil(log2(x))`, and 1 for `x <= 2`.
fn ceil_log2(x: usize) -> u32 {
    if x <= 2 {
        1
    } else {
        usize::BITS - (x - 1).leading_zeros()
    }
}

/// The loss (per sample, or reduced) and the total weight of the kept samples.
fn nll_forward<T: FloatElement>(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    g: Geom,
) -> Result<(Tensor, f64)> {
    let tgt = target.to_vec::<i64>();
    let w: Option<Vec<T>> = weight.map(|w| w.to_vec::<T>());
    let x = input.contiguous();
    let at = |l: usize, t: usize| (l / g.m) * g.c * g.m + t * g.m + l % g.m;
    let class_of = |t: i64| -> Result<Option<usize>> {
        if t == g.ignore_index {
            return Ok(None);
        }
        if t < 0 || t as usize >= g.c {
            return Err(Error::Index(format!("Target {t} is out of bounds.")));
        }
        Ok(Some(t as usize))
    };
    x.with_slice(|data: &[T], l| {
        let data = &data[l.offset..l.offset + l.numel()];
        let numiter = g.n * g.m;
        if g.reduction == Reduction::None {
            let mut out = Vec::with_capacity(numiter);
            for (i, &t) in tgt.iter().enumerate() {
                out.push(match class_of(t)? {
                    None => T::zero(),
                    Some(t) => -data[at(i, t)] * w.as_ref().map_or(T::one(), |w| w[t]),
                });
            }
            return Ok((Tensor::from_vec(out, target.shape()), 0.0));
        }
        if numiter == 0 {
            let v = if g.reduction == Reduction::Mean { T::nan() } else { T::zero() };
            return Ok((Tensor::scalar(v), 0.0));
        }
        // PyTorch's cascade: partial sums move up a level whenever the index's low bits wrap.
        let level_power = 4.max(ceil_log2(numiter) / 8);
        let level_mask = (1usize << level_power) - 1;
        let (mut loss_sums, mut weight_sums) = ([T::zero(); 8], [T::zero(); 8]);
        let mut ignored = 0usize;
        for (i, &t) in tgt.iter().enumerate() {
            let Some(t) = class_of(t)? else {
                ignored += 1;
                continue;
            };
            let v = data[at(i, t)];
            match &w {
                Some(w) => {
                    loss_sums[0] = loss_sums[0] - v * w[t];
                    weight_sums[0] = weight_sums[0] + w[t];
                }
                None => loss_sums[0] = loss_sums[0] - v,
            }
            for j in 0..7 {
                if i & (level_mask << (j * level_power as usize)) != 0 {
                    break;
                }
                weight_sums[j + 1] = weight_sums[j + 1] + weight_sums[j];
                loss_sums[j + 1] = loss_sums[j + 1] + loss_sums[j];
                weight_sums[j] = T::zero();
                loss_sums[j] = T::zero();
            }
        }
        let total = match w {
            Some(_) => weight_sums.iter().fold(T::zero(), |a, &b| a + b),
            None => T::from(numiter - ignored).unwrap(),
        };
        let mut out = loss_sums.iter().fold(T::zero(), |a, &b| a + b);
        if g.reduction == Reduction::Mean {
            out = out / total;
        }
        Ok((Tensor::scalar(out), crate::Element::to_f64(total)))
    })
}

/// The input gradient: `-w[t]·grad` (divided by the total weight for `Mean`) at each
/// sample's target class, 0 elsewhere. It is linear in `grad`, so its own gradient with
/// respect to `grad` is the forward loss of the incoming gradient (double backward).
fn nll_backward(
    grad: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    g: Geom,
    total_weight: f64,
    in_shape: &[usize],
) -> Result<Tensor> {
    let tgt = target.to_vec::<i64>();
    let at = |l: usize, t: usize| (l / g.m) * g.c * g.m + t * g.m + l % g.m;
    let out = dispatch_float!(grad.dtype(), T => {
        let w: Option<Vec<T>> = weight.map(|w| w.to_vec::<T>());
        let gv = grad.to_vec::<T>();
        let mut out = vec![T::default(); g.n * g.c * g.m];
        let scale = match g.reduction {
            Reduction::None => None,
            Reduction::Mean => Some(-(gv[0] / <T as num_traits::NumCast>::from(total_weight).unwrap())),
            _ => Some(-gv[0]),
        };
        for (i, &t) in tgt.iter().enumerate() {
            if t == g.ignore_index {
                continue;
            }
            let t = t as usize;
            out[at(i, t)] = match (scale, &w) {
                (Some(s), Some(w)) => w[t] * s,
                (Some(s), None) => s,
                (None, Some(w)) => -w[t] * gv[i],
                (None, None) => -gv[i],
            };
        }
        Tensor::from_vec(out, in_shape)
    }, _ => unreachable!());
    if needs_grad(&[grad]) {
        let mut saved = vec![SavedTensor::input(target)];
        saved.extend(weight.map(SavedTensor::input));
        let in_shape = in_shape.to_vec();
        record_unary("NllLossBackwardBackward0", &[grad], &out, saved, move |ctx| {
            let gg = ctx.grad().reshape_usize(&in_shape);
            let (out, _) = dispatch_float!(gg.dtype(), T => nll_forward::<T>(&gg, &ctx.saved[0], ctx.saved.get(1), g)?,
                _ => unreachable!());
            Ok(vec![Some(out)])
        });
    }
    Ok(out)
}

/// A double as C++'s `ostream <<` prints it (`%g`, 6 significant digits), as PyTorch's
/// `TORCH_CHECK` messages show numbers.
fn cpp_double(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let sci = format!("{v:.5e}");
    let (_, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if !(-4..6).contains(&exp) {
        let (mant, _) = sci.split_once('e').expect("exponent");
        format!("{}e{}{:02}", trim(mant.to_string()), if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        trim(format!("{v:.*}", (5 - exp) as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpp_double_matches_ostream() {
        assert_eq!(cpp_double(1.5), "1.5");
        assert_eq!(cpp_double(2.0), "2");
        assert_eq!(cpp_double(1.23456789), "1.23457");
        assert_eq!(cpp_double(1e7), "1e+07");
        assert_eq!(cpp_double(1.0000001), "1");
    }

    #[test]
    fn ceil_log2_is_torchs() {
        assert_eq!([1, 2, 3, 4, 5, 1024, 1025].map(ceil_log2), [1, 1, 2, 2, 3, 10, 11]);
    }
}
