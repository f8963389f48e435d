//! `F.batch_norm` and `F.group_norm`, composed from differentiable ops.

use crate::error::unwrap;
use crate::{DType, Error, Result, Tensor};

/// Batch normalisation over dim 1 of `[n, c, *]` (`F.batch_norm`). In training the batch
/// statistics normalise (biased variance) and, when given, `running_mean` and `running_var`
/// are updated in place with `momentum` (the unbiased variance goes into `running_var`, the
/// update computed in f64 as PyTorch's CPU kernel does). Outside training the running
/// statistics normalise. PyTorch's defaults: `training = false`, `momentum = 0.1`,
/// `eps = 1e-5`.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 6.0, 5.0, 7.0], &[3, 2]);
/// let (rm, rv) = (Tensor::zeros(&[2]), Tensor::ones(&[2]));
/// F::batch_norm(&x, Some(&rm), Some(&rv), None, None, true, 0.1, 1e-5);
/// assert_eq!(rm.to_vec::<f32>(), vec![0.3, 0.5]);
/// assert_eq!(rv.to_vec::<f32>(), vec![1.3, 1.6]);
/// ```
#[allow(clippy::too_many_arguments)]
#[track_caller]
pub fn batch_norm(
    input: &Tensor,
    running_mean: Option<&Tensor>,
    running_var: Option<&Tensor>,
    weight: Option<&Tensor>,
    bias: Option<&Tensor>,
    training: bool,
    momentum: f64,
    eps: f64,
) -> Tensor {
    unwrap(try_batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps))
}

/// Fallible twin of [`batch_norm`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_batch_norm(&Tensor::ones(&[1, 2]), None, None, None, None, true, 0.1, 1e-5).unwrap_err();
/// assert_eq!(e.to_string(), "Expected more than 1 value per channel when training, got input size torch.Size([1, 2])");
/// ```
#[allow(clippy::too_many_arguments)]
pub fn try_batch_norm(
    input: &Tensor,
    running_mean: Option<&Tensor>,
    running_var: Option<&Tensor>,
    weight: Option<&Tensor>,
    bias: Option<&Tensor>,
    training: bool,
    momentum: f64,
    eps: f64,
) -> Result<Tensor> {
    // PyTorch reads the channel count as size(1), which it takes as 0 for a 1-D input.
    let c = if input.dim() >= 2 { input.shape()[1] } else { 0 };
    if input.dim() < 2 && running_mean.is_none() && weight.is_none() {
        return Err(Error::Value(format!("expected 2D or more input (got {}D input)", input.dim())));
    }
    let n = input.numel() / c.max(1);
    if training && n <= 1 {
        return Err(Error::Value(format!(
            "Expected more than 1 value per channel when training, got input size torch.Size({:?})",
            input.shape()
        )));
    }
    for (name, t) in [("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)]
    {
        if let Some(t) = t {
            if t.numel() != c {
                return Err(Error::Runtime(format!("{name} should contain {c} elements not {}", t.numel())));
            }
        }
    }
    // Per-channel tensors broadcast as [1, c, 1, ...].
    let mut bshape = vec![1usize; input.dim()];
    bshape[1] = c;
    let dims: Vec<i64> = (0..input.dim() as i64).filter(|&d| d != 1).collect();
    let (mean, invstd) = if training {
        let (var, mean) = input.try_var_mean(&dims, 0.0, false)?;
        if let (Some(rm), Some(rv)) = (running_mean, running_var) {
            crate::no_grad(|| -> Result<()> {
                let unbiased = var.detach().to_dtype(DType::F64) * (n as f64 / (n as f64 - 1.0));
                let m = mean.detach().to_dtype(DType::F64);
                let new_mean = m * momentum + rm.to_dtype(DType::F64) * (1.0 - momentum);
                let new_var = unbiased * momentum + rv.to_dtype(DType::F64) * (1.0 - momentum);
                rm.try_copy_(&new_mean.reshape_usize(rm.shape()))?;
                rv.try_copy_(&new_var.reshape_usize(rv.shape()))?;
                Ok(())
            })?;
        } else if running_mean.is_some() != running_var.is_some() {
            return Err(Error::Runtime("running_mean and running_var must be defined together".into()));
        }
        (mean, (var + eps).rsqrt())
    } else {
        let (Some(rm), Some(rv)) = (running_mean, running_var) else {
            return Err(Error::Runtime("running_mean must be defined in evaluation mode".into()));
        };
        (rm.reshape_usize(&[c]), (rv.reshape_usize(&[c]) + eps).rsqrt())
    };
    // y = x·α + β with α = invstd·w and β = b - mean·α, the form PyTorch's CPU kernel applies.
    let alpha = match weight {
        Some(w) => invstd.try_mul(&w.reshape_usize(&[c]))?,
        None => invstd,
    };
    let beta = match bias {
        Some(b) => b.reshape_usize(&[c]).try_sub(&mean.try_mul(&alpha)?)?,
        None => -(mean.try_mul(&alpha)?),
    };
    input.try_mul(&alpha.reshape_usize(&bshape))?.try_add(&beta.reshape_usize(&bshape))
}

/// Group normalisation (`F.group_norm`): the channels of `[n, c, *]` are split into
/// `num_groups` groups, each normalised over its channels and spatial positions (biased
/// variance), then scaled and shifted per channel. PyTorch's default `eps` is `1e-5`.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_vec(vec![1.0f32, 3.0, 5.0, 7.0], &[1, 2, 2]);
/// // One group: mean 4, biased variance (9 + 1 + 1 + 9) / 4 = 5, so 7 maps to 3/√5.
/// let y = F::group_norm(&x, 1, None, None, 0.0);
/// let v = y.to_vec::<f32>();
/// assert!((v[0] + 1.3416408).abs() < 1e-6 && (v[3] - 1.3416408).abs() < 1e-6);
/// ```
#[track_caller]
pub fn group_norm(
    input: &Tensor,
    num_groups: usize,
    weight: Option<&Tensor>,
    bias: Option<&Tensor>,
    eps: f64,
) -> Tensor {
    unwrap(try_group_norm(input, num_groups, weight, bias, eps))
}

/// Fallible twin of [`group_norm`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_group_norm(&Tensor::ones(&[2, 6, 4]), 4, None, None, 1e-5).unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 4] and num_groups=4"
/// );
/// ```
pub fn try_group_norm(
    input: &Tensor,
    num_groups: usize,
    weight: Option<&Tensor>,
    bias: Option<&Tensor>,
    eps: f64,
) -> Result<Tensor> {
    if input.dim() < 2 {
        return Err(Error::Runtime(format!(
            "Expected at least 2 dimensions for input tensor but received {}",
            input.dim()
        )));
    }
    let (n, c) = (input.shape()[0], input.shape()[1]);
    if num_groups == 0 || c % num_groups != 0 {
        return Err(Error::Runtime(format!(
            "Expected number of channels in input to be divisible by num_groups, but got input of shape {:?} and num_groups={num_groups}",
            input.shape()
        )));
    }
    for (name, t) in [("weight", weight), ("bias", bias)] {
        if let Some(t) = t {
            if t.dim() != 1 || t.numel() != c {
                return Err(Error::Runtime(format!(
                    "Expected {name} to be a vector of size equal to the number of channels in input, but got {name} of shape {:?} and input of shape {:?}",
                    t.shape(),
                    input.shape()
                )));
            }
        }
    }
    let grouped = input.reshape_usize(&[n, num_groups, input.numel() / (n * num_groups).max(1)]);
    let (var, mean) = grouped.try_var_mean(&[-1], 0.0, true)?;
    let normed = grouped.try_sub(&mean)?.try_mul(&(var + eps).rsqrt())?.reshape_usize(input.shape());
    let mut cshape = vec![1usize; input.dim()];
    cshape[1] = c;
    let y = match weight {
        Some(w) => normed.try_mul(&w.reshape_usize(&cshape))?,
        None => normed,
    };
    match bias {
        Some(b) => y.try_add(&b.reshape_usize(&cshape)),
        None => Ok(y),
    }
}
