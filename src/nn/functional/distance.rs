//! `normalize`, `cosine_similarity` and `pairwise_distance`, composed of tensor ops in the
//! order PyTorch composes them, so that values and gradients follow PyTorch's.

use crate::error::unwrap;
use crate::ops::promote::result_type;
use crate::{Error, Operand, Result, Tensor};

/// Divides `input` by its `p`-norm along `dim`, at least `eps`
/// (`F.normalize(input, p=2.0, dim=1, eps=1e-12)`).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_vec(vec![3.0f32, 4.0, 0.0, 0.0], &[2, 2]);
/// assert_eq!(F::normalize(&x, 2.0, 1, 1e-12).to_vec::<f32>(), vec![0.6, 0.8, 0.0, 0.0]);
/// ```
#[track_caller]
pub fn normalize(input: &Tensor, p: f64, dim: i64, eps: f64) -> Tensor {
    unwrap(try_normalize(input, p, dim, eps))
}

/// Fallible twin of [`normalize`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_normalize(&Tensor::ones(&[3]), 2.0, 1, 1e-12).is_err());
/// ```
pub fn try_normalize(input: &Tensor, p: f64, dim: i64, eps: f64) -> Result<Tensor> {
    let denom = input.try_norm(p, &[dim], true)?.clamp_min(eps);
    input.try_div(&denom.expand_as(input))
}

/// The cosine of the angle between `x1` and `x2` along `dim`, after broadcasting them
/// (`F.cosine_similarity(x1, x2, dim=1, eps=1e-8)`). As in PyTorch, each is divided by its
/// norm (at least `eps`) before the dot product, which keeps the result within [-1, 1]; the
/// clamp is not differentiated, as PyTorch applies it without recording.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let a = Tensor::from_vec(vec![1.0f32, 0.0, 1.0, 1.0], &[2, 2]);
/// let b = Tensor::from_vec(vec![0.0f32, 2.0, 2.0, 2.0], &[2, 2]);
/// let c = F::cosine_similarity(&a, &b, 1, 1e-8).to_vec::<f32>();
/// assert_eq!(c[0], 0.0);
/// assert!((c[1] - 1.0).abs() < 1e-6);
/// ```
#[track_caller]
pub fn cosine_similarity(x1: &Tensor, x2: &Tensor, dim: i64, eps: f64) -> Tensor {
    unwrap(try_cosine_similarity(x1, x2, dim, eps))
}

/// Fallible twin of [`cosine_similarity`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_cosine_similarity(&Tensor::ones(&[2, 3]), &Tensor::ones(&[2, 4]), 1, 1e-8).unwrap_err();
/// assert!(e.to_string().starts_with("The size of tensor a (3) must match"));
/// ```
pub fn try_cosine_similarity(x1: &Tensor, x2: &Tensor, dim: i64, eps: f64) -> Result<Tensor> {
    let common = result_type(&[Operand::Tensor(x1), Operand::Tensor(x2)]);
    if !common.is_floating_point() {
        return Err(Error::Runtime(format!(
            "expected common dtype to be floating point, yet common dtype is {}",
            common.scalar_name()
        )));
    }
    let (x1, x2) = (x1.to_dtype(common), x2.to_dtype(common));
    let shape = crate::tensor::layout::broadcast_shapes(x1.shape(), x2.shape())?;
    let (x1, x2) = (x1.expand(&shape), x2.expand(&shape));
    let clamped_norm = |x: &Tensor| -> Result<Tensor> {
        let n = x.try_norm(2.0, &[dim], true)?.copy();
        crate::no_grad(|| n.clamp_(Some(eps), None));
        Ok(n)
    };
    let (n1, n2) = (clamped_norm(&x1)?, clamped_norm(&x2)?);
    x1.try_div(&n1)?.try_mul(&x2.try_div(&n2)?)?.try_sum_dim(&[dim], false)
}

/// The `p`-norm distance between `x1` and `x2` along their last dim, with `eps` added to the
/// difference (`F.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False)`).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let a = Tensor::from_vec(vec![0.0f64, 0.0, 1.0, 1.0], &[2, 2]);
/// let b = Tensor::from_vec(vec![3.0f64, 4.0, 1.0, 1.0], &[2, 2]);
/// let d = F::pairwise_distance(&a, &b, 2.0, 0.0, false).to_vec::<f64>();
/// assert_eq!(d, vec![5.0, 0.0]);
/// ```
#[track_caller]
pub fn pairwise_distance(x1: &Tensor, x2: &Tensor, p: f64, eps: f64, keepdim: bool) -> Tensor {
    unwrap(try_pairwise_distance(x1, x2, p, eps, keepdim))
}

/// Fallible twin of [`pairwise_distance`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_pairwise_distance(&Tensor::ones(&[2, 3]), &Tensor::ones(&[3, 2]), 2.0, 1e-6, false).is_err());
/// ```
pub fn try_pairwise_distance(x1: &Tensor, x2: &Tensor, p: f64, eps: f64, keepdim: bool) -> Result<Tensor> {
    let last = x1.dim().max(x2.dim()) as i64 - 1;
    x1.try_sub(x2)?.try_add(eps)?.try_norm(p, &[last], keepdim)
}
