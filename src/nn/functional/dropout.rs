//! `F.dropout`, on PyTorch's CPU path: a Bernoulli mask drawn in the input's memory order,
//! scaled by `1/(1-p)`, then one multiply (so the gradient is `MulBackward0`).

use crate::error::unwrap;
use crate::format::python_repr;
use crate::{Error, Result, Tensor};

/// Zeroes each element with probability `p` and scales the others by `1/(1-p)` when
/// `training` (`F.dropout(x, p, training)`; PyTorch's defaults are `p = 0.5`,
/// `training = true`). Outside training, or with `p = 0`, it returns `input` itself.
///
/// The mask is `empty_like(x).bernoulli_(1 - p)` drawn from the global generator, so after
/// `manual_seed(s)` it equals PyTorch's mask on CPUs that take PyTorch's default (non-MKL)
/// Bernoulli path; Intel CPUs with MKL draw another stream (see the semantics notes).
///
/// ```
/// use torchlight::{manual_seed, nn::functional as F, Tensor};
/// manual_seed(0);
/// let y = F::dropout(&Tensor::ones(&[10]), 0.5, true);
/// assert_eq!(y.to_vec::<f32>(), vec![0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 2.0, 2.0, 0.0, 2.0]);
/// ```
#[track_caller]
pub fn dropout(input: &Tensor, p: f64, training: bool) -> Tensor {
    unwrap(try_dropout(input, p, training))
}

/// Fallible twin of [`dropout`]: fails when `p` is outside `[0, 1]`.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_dropout(&Tensor::ones(&[2]), 1.5, true).unwrap_err();
/// assert_eq!(e.to_string(), "dropout probability has to be between 0 and 1, but got 1.5");
/// ```
pub fn try_dropout(input: &Tensor, p: f64, training: bool) -> Result<Tensor> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::Value(format!("dropout probability has to be between 0 and 1, but got {}", python_repr(p))));
    }
    if p == 0.0 || !training || input.numel() == 0 {
        return Ok(input.clone());
    }
    if !input.dtype().is_floating_point() {
        return Err(Error::Runtime(format!(
            "result type Float can't be cast to the desired output type {}",
            input.dtype().scalar_name()
        )));
    }
    if p == 1.0 {
        return input.try_mul(&Tensor::zeros_dtype(&[], input.dtype()));
    }
    let noise = empty_like_preserving_layout(input);
    noise.bernoulli_(1.0 - p);
    noise.div_(1.0 - p);
    input.try_mul(&noise)
}

/// Zeroes whole channels (`F.dropout2d`): each `(sample, channel)` pair of `[n, c, *]` is
/// dropped with probability `p` and the others are scaled by `1/(1-p)`, when `training`.
/// PyTorch's defaults are `p = 0.5`, `training = true`. As in PyTorch, a 3-D input is taken as
/// `[n, c, l]` (channel-wise 1-D dropout).
///
/// The mask `[n, c, 1, ...]` is drawn with `bernoulli_(1 - p)` from the global generator,
/// as PyTorch's `feature_dropout` draws it.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// torchlight::manual_seed(0);
/// let y = F::dropout2d(&Tensor::ones(&[2, 3, 2, 2]), 0.5, true);
/// let v = y.to_vec::<f32>();
/// // Each 2x2 plane is all zeros or all twos.
/// assert!(v.chunks(4).all(|p| p.iter().all(|&e| e == p[0]) && (p[0] == 0.0 || p[0] == 2.0)));
/// ```
#[track_caller]
pub fn dropout2d(input: &Tensor, p: f64, training: bool) -> Tensor {
    unwrap(try_dropout2d(input, p, training))
}

/// Fallible twin of [`dropout2d`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_dropout2d(&Tensor::ones(&[4]), 0.5, true).unwrap_err();
/// assert_eq!(e.to_string(), "Feature dropout requires at least 2 dimensions in the input");
/// ```
pub fn try_dropout2d(input: &Tensor, p: f64, training: bool) -> Result<Tensor> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::Value(format!("dropout probability has to be between 0 and 1, but got {}", python_repr(p))));
    }
    if p == 0.0 || !training || input.numel() == 0 {
        return Ok(input.clone());
    }
    if input.dim() < 2 {
        return Err(Error::Runtime("Feature dropout requires at least 2 dimensions in the input".into()));
    }
    if p == 1.0 {
        return input.try_mul(&Tensor::zeros_dtype(&[], input.dtype()));
    }
    let mut shape = vec![1usize; input.dim()];
    shape[..2].copy_from_slice(&input.shape()[..2]);
    let noise = Tensor::empty_dtype(&shape, input.dtype());
    noise.bernoulli_(1.0 - p);
    noise.div_(1.0 - p);
    input.try_mul(&noise)
}

/// An uninitialised tensor shaped like `x` whose memory order follows `x`'s strides, as
/// `torch.empty_like` does: the random mask must be drawn in the same order as PyTorch's.
///
/// Dims are ordered with TensorIterator's rule: larger strides go outside; a dim with
/// stride 0 (broadcast) is ambiguous and keeps its place; equal strides put the larger
/// dim outside.
fn empty_like_preserving_layout(x: &Tensor) -> Tensor {
    let (shape, strides) = (x.shape(), x.stride());
    let nd = shape.len();
    // perm[0] is the innermost dim.
    let mut perm: Vec<usize> = (0..nd).rev().collect();
    let should_swap = |d0: usize, d1: usize| -> i32 {
        let (s0, s1) = (strides[d0], strides[d1]);
        if s0 == 0 || s1 == 0 {
            0
        } else if s0 < s1 {
            -1
        } else if s0 > s1 || shape[d0] > shape[d1] {
            1
        } else {
            0
        }
    };
    for i in 1..nd {
        let mut d1 = i;
        for d0 in (0..i).rev() {
            match should_swap(perm[d0], perm[d1]) {
                c if c > 0 => {
                    perm.swap(d0, d1);
                    d1 = d0;
                }
                c if c < 0 => break,
                _ => {}
            }
        }
    }
    let outer_first: Vec<usize> = perm.iter().rev().copied().collect();
    let mut inverse = vec![0i64; nd];
    for (j, &d) in outer_first.iter().enumerate() {
        inverse[d] = j as i64;
    }
    let buf_shape: Vec<usize> = outer_first.iter().map(|&d| shape[d]).collect();
    Tensor::empty_dtype(&buf_shape, x.dtype()).permute(&inverse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_like_follows_torch_stride_order() {
        // Expected strides recorded from torch.empty_like on the same views.
        let base = Tensor::zeros(&[4, 6]);
        assert_eq!(empty_like_preserving_layout(&base).stride(), &[6, 1]);
        assert_eq!(empty_like_preserving_layout(&base.t()).stride(), &[1, 6]);
        assert_eq!(empty_like_preserving_layout(&base.t().narrow(0, 0, 3)).stride(), &[1, 3]);
        assert_eq!(empty_like_preserving_layout(&Tensor::zeros(&[3, 1]).expand(&[3, 4])).stride(), &[4, 1]);
        assert_eq!(empty_like_preserving_layout(&Tensor::zeros(&[1, 3]).expand(&[4, 3])).stride(), &[3, 1]);
        let p = Tensor::zeros(&[2, 3, 4]).permute(&[2, 0, 1]);
        assert_eq!(empty_like_preserving_layout(&p).stride(), &[1, 12, 4]);
    }
}
