//! `F.max_pool1d`, `F.avg_pool1d`, `F.max_pool2d`, `F.avg_pool2d`, `F.adaptive_avg_pool2d`
//! and nearest-neighbour upsampling.

use super::Size2;
use crate::error::unwrap;
use crate::ops::pool::{self, PoolParams};
use crate::{Error, Result, Tensor};

/// Max pooling over `[n, c, h, w]` or `[c, h, w]` (`F.max_pool2d`). Arguments in PyTorch's
/// order; PyTorch's defaults are stride = kernel_size, padding 0, dilation 1, no ceil_mode.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::arange(0.0, 16.0, 1.0).reshape(&[1, 1, 4, 4]);
/// assert_eq!(F::max_pool2d(&x, 2, 2, 0, 1, false).to_vec::<f32>(), vec![5.0, 7.0, 13.0, 15.0]);
/// ```
#[track_caller]
pub fn max_pool2d(
    input: &Tensor,
    kernel_size: impl Into<Size2>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
    dilation: impl Into<Size2>,
    ceil_mode: bool,
) -> Tensor {
    unwrap(try_max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)).0
}

/// Fallible twin of [`max_pool2d`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_max_pool2d(&Tensor::ones(&[2, 2]), 2, 2, 0, 1, false).is_err());
/// ```
pub fn try_max_pool2d(
    input: &Tensor,
    kernel_size: impl Into<Size2>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
    dilation: impl Into<Size2>,
    ceil_mode: bool,
) -> Result<Tensor> {
    Ok(try_max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)?.0)
}

/// [`max_pool2d`] that also returns, for each maximum, its flat index `y * w + x` in its
/// plane (`F.max_pool2d(..., return_indices=True)`; the indices are int64).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::arange(0.0, 16.0, 1.0).reshape(&[1, 1, 4, 4]);
/// let (_, idx) = F::max_pool2d_with_indices(&x, 2, 2, 0, 1, false);
/// assert_eq!(idx.to_vec::<i64>(), vec![5, 7, 13, 15]);
/// ```
#[track_caller]
pub fn max_pool2d_with_indices(
    input: &Tensor,
    kernel_size: impl Into<Size2>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
    dilation: impl Into<Size2>,
    ceil_mode: bool,
) -> (Tensor, Tensor) {
    unwrap(try_max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode))
}

/// Fallible twin of [`max_pool2d_with_indices`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_max_pool2d_with_indices(&Tensor::ones(&[1, 1, 4, 4]), 2, 2, 2, 1, false).is_err());
/// ```
pub fn try_max_pool2d_with_indices(
    input: &Tensor,
    kernel_size: impl Into<Size2>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
    dilation: impl Into<Size2>,
    ceil_mode: bool,
) -> Result<(Tensor, Tensor)> {
    let p = PoolParams {
        kernel: kernel_size.into().0,
        stride: stride.into().0,
        padding: padding.into().0,
        dilation: dilation.into().0,
        ceil_mode,
    };
    pool::max_pool2d_with_indices(input, &p)
}

/// Average pooling (`F.avg_pool2d`). Arguments in PyTorch's order; PyTorch's defaults are
/// stride = kernel_size, padding 0, ceil_mode false, count_include_pad true, no
/// divisor_override.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::arange(0.0, 16.0, 1.0).reshape(&[1, 1, 4, 4]);
/// assert_eq!(F::avg_pool2d(&x, 2, 2, 0, false, true, None).to_vec::<f32>(), vec![2.5, 4.5, 10.5, 12.5]);
/// ```
#[allow(clippy::too_many_arguments)]
#[track_caller]
pub fn avg_pool2d(
    input: &Tensor,
    kernel_size: impl Into<Size2>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: Option<i64>,
) -> Tensor {
    unwrap(try_avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override))
}

/// Fallible twin of [`avg_pool2d`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_avg_pool2d(&Tensor::ones(&[1, 1, 4, 4]), 2, 2, 0, false, true, Some(0)).unwrap_err();
/// assert_eq!(e.to_string(), "divisor must be not zero");
/// ```
#[allow(clippy::too_many_arguments)]
pub fn try_avg_pool2d(
    input: &Tensor,
    kernel_size: impl Into<Size2>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: Option<i64>,
) -> Result<Tensor> {
    let p = PoolParams {
        kernel: kernel_size.into().0,
        stride: stride.into().0,
        padding: padding.into().0,
        dilation: [1, 1],
        ceil_mode,
    };
    pool::avg_pool2d(input, &p, count_include_pad, divisor_override)
}

/// Max pooling over `[n, c, l]` or `[c, l]` (`F.max_pool1d`). Arguments in PyTorch's order;
/// PyTorch's defaults are stride = kernel_size, padding 0, dilation 1, no ceil_mode.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_vec(vec![1.0f32, 3.0, 2.0, 5.0, 4.0], &[1, 5]);
/// assert_eq!(F::max_pool1d(&x, 2, 2, 0, 1, false).to_vec::<f32>(), vec![3.0, 5.0]);
/// assert_eq!(F::max_pool1d(&x, 2, 2, 0, 1, true).to_vec::<f32>(), vec![3.0, 5.0, 4.0]);
/// ```
#[track_caller]
pub fn max_pool1d(
    input: &Tensor,
    kernel_size: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    ceil_mode: bool,
) -> Tensor {
    unwrap(try_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode))
}

/// Fallible twin of [`max_pool1d`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_max_pool1d(&Tensor::ones(&[2, 4]), 3, 1, 2, 1, false).unwrap_err();
/// assert_eq!(e.to_string(), "max_pool1d() padding should be at most half of kernel size, but got padding=2 and kernel_size=3");
/// ```
pub fn try_max_pool1d(
    input: &Tensor,
    kernel_size: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    ceil_mode: bool,
) -> Result<Tensor> {
    pool::max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)
}

/// [`max_pool1d`] that also returns the position of each maximum along the length
/// (`F.max_pool1d(..., return_indices=True)`; the indices are int64).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_vec(vec![1.0f32, 3.0, 2.0, 5.0, 4.0], &[1, 5]);
/// let (_, idx) = F::max_pool1d_with_indices(&x, 3, 1, 1, 1, false);
/// assert_eq!(idx.to_vec::<i64>(), vec![1, 1, 3, 3, 3]);
/// ```
#[track_caller]
pub fn max_pool1d_with_indices(
    input: &Tensor,
    kernel_size: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    ceil_mode: bool,
) -> (Tensor, Tensor) {
    unwrap(try_max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode))
}

/// Fallible twin of [`max_pool1d_with_indices`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_max_pool1d_with_indices(&Tensor::ones(&[4]), 2, 2, 0, 1, false).is_err());
/// ```
pub fn try_max_pool1d_with_indices(
    input: &Tensor,
    kernel_size: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    ceil_mode: bool,
) -> Result<(Tensor, Tensor)> {
    pool::max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
}

/// Average pooling over `[n, c, l]` or `[c, l]` (`F.avg_pool1d`). Arguments in PyTorch's
/// order; PyTorch's defaults are stride = kernel_size, padding 0, ceil_mode false,
/// count_include_pad true.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_vec(vec![1.0f32, 3.0, 2.0, 6.0], &[1, 4]);
/// assert_eq!(F::avg_pool1d(&x, 2, 2, 0, false, true).to_vec::<f32>(), vec![2.0, 4.0]);
/// // Padding counts in the divisor unless count_include_pad is false.
/// assert_eq!(F::avg_pool1d(&x, 2, 2, 1, false, true).to_vec::<f32>(), vec![0.5, 2.5, 3.0]);
/// assert_eq!(F::avg_pool1d(&x, 2, 2, 1, false, false).to_vec::<f32>(), vec![1.0, 2.5, 6.0]);
/// ```
#[track_caller]
pub fn avg_pool1d(
    input: &Tensor,
    kernel_size: usize,
    stride: usize,
    padding: usize,
    ceil_mode: bool,
    count_include_pad: bool,
) -> Tensor {
    unwrap(try_avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad))
}

/// Fallible twin of [`avg_pool1d`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_avg_pool1d(&Tensor::ones(&[1, 2, 3, 4]), 2, 2, 0, false, true).unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)"
/// );
/// ```
pub fn try_avg_pool1d(
    input: &Tensor,
    kernel_size: usize,
    stride: usize,
    padding: usize,
    ceil_mode: bool,
    count_include_pad: bool,
) -> Result<Tensor> {
    pool::avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)
}

/// Average pooling to a fixed output size (`F.adaptive_avg_pool2d`).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::arange(0.0, 16.0, 1.0).reshape(&[1, 1, 4, 4]);
/// assert_eq!(F::adaptive_avg_pool2d(&x, 1).to_vec::<f32>(), vec![7.5]);
/// ```
#[track_caller]
pub fn adaptive_avg_pool2d(input: &Tensor, output_size: impl Into<Size2>) -> Tensor {
    unwrap(try_adaptive_avg_pool2d(input, output_size))
}

/// Fallible twin of [`adaptive_avg_pool2d`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_adaptive_avg_pool2d(&Tensor::ones(&[4, 4]), 2).is_err());
/// ```
pub fn try_adaptive_avg_pool2d(input: &Tensor, output_size: impl Into<Size2>) -> Result<Tensor> {
    pool::adaptive_avg_pool2d(input, output_size.into().0)
}

/// Nearest-neighbour upsampling of the dims after the first two (`F.upsample_nearest`, and
/// `F.interpolate(..., mode='nearest')`): to `size`, or by `scale_factor` (one value for every
/// spatial dim, or one per dim). Output element `i` copies input element
/// `min(⌊i · scale⌋, in - 1)`, with `scale = 1 / scale_factor` computed in f32 as PyTorch does.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[1, 1, 2, 2]);
/// let y = F::upsample_nearest(&x, None, Some(&[2.0]));
/// assert_eq!(y.shape(), &[1, 1, 4, 4]);
/// assert_eq!(y.to_vec::<f32>()[..4], [1.0, 1.0, 2.0, 2.0]);
/// ```
#[track_caller]
pub fn upsample_nearest(input: &Tensor, size: Option<&[usize]>, scale_factor: Option<&[f64]>) -> Tensor {
    unwrap(try_upsample_nearest(input, size, scale_factor))
}

/// Fallible twin of [`upsample_nearest`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_upsample_nearest(&Tensor::ones(&[1, 1, 2]), None, None).unwrap_err();
/// assert_eq!(e.to_string(), "either size or scale_factor should be defined");
/// ```
pub fn try_upsample_nearest(input: &Tensor, size: Option<&[usize]>, scale_factor: Option<&[f64]>) -> Result<Tensor> {
    let spatial = input.dim().saturating_sub(2);
    if !(1..=3).contains(&spatial) {
        return Err(Error::NotImplemented(format!(
            "Input Error: Only 3D, 4D and 5D input Tensors supported (got {}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got nearest)",
            input.dim()
        )));
    }
    // `given` is the argument as Python would print it: `3`, `(2, 3, 4)`.
    let per_dim = |len: usize, given: String| -> Result<()> {
        if len == 1 || len == spatial {
            Ok(())
        } else {
            Err(Error::Value(format!(
                "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of {:?} and output size of {given}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.",
                &input.shape()[2..]
            )))
        }
    };
    let tuple = |v: Vec<String>| if v.len() == 1 { v[0].clone() } else { format!("({})", v.join(", ")) };
    let (out, scales): (Vec<usize>, Vec<Option<f64>>) = match (size, scale_factor) {
        (Some(_), Some(_)) => return Err(Error::Value("only one of size or scale_factor should be defined".into())),
        (None, None) => return Err(Error::Value("either size or scale_factor should be defined".into())),
        (Some(s), None) => {
            per_dim(s.len(), tuple(s.iter().map(|v| v.to_string()).collect()))?;
            ((0..spatial).map(|d| s[d.min(s.len() - 1)]).collect(), vec![None; spatial])
        }
        (None, Some(f)) => {
            per_dim(f.len(), tuple(f.iter().map(|&v| crate::format::python_repr(v)).collect()))?;
            let f: Vec<f64> = (0..spatial).map(|d| f[d.min(f.len() - 1)]).collect();
            let out = (0..spatial).map(|d| (input.shape()[d + 2] as f64 * f[d]).floor() as usize).collect();
            (out, f.into_iter().map(Some).collect())
        }
    };
    let mut y = input.clone();
    for d in 0..spatial {
        let (len, o) = (input.shape()[d + 2], out[d]);
        if o == 0 || len == 0 {
            return Err(Error::Runtime(format!(
                "Input and output sizes should be greater than 0, but got input (D: {len}) and output (D: {o})"
            )));
        }
        if o == len {
            continue;
        }
        let index: Vec<i64> = (0..o).map(|i| nearest_index(i, len, o, scales[d]) as i64).collect();
        y = y.try_index_select((d + 2) as i64, &Tensor::from_vec(index, &[o]))?;
    }
    Ok(y)
}

/// PyTorch's `nearest_idx`: identity and halving have exact shortcuts; otherwise
/// `min(⌊i · scale⌋, len - 1)` in f32, with `scale = 1 / scale_factor` when one was given.
fn nearest_index(i: usize, len: usize, out: usize, scale_factor: Option<f64>) -> usize {
    if out == 2 * len {
        return i >> 1;
    }
    let scale = match scale_factor {
        Some(s) if s > 0.0 => (1.0 / s) as f32,
        _ => len as f32 / out as f32,
    };
    ((i as f32 * scale).floor() as usize).min(len - 1)
}
