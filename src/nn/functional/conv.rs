//! `F.conv1d`, `F.conv2d`, `F.conv_transpose2d`, `F.unfold` and `F.fold`, and the argument
//! types that stand for PyTorch's "an int or a tuple" and `padding='same'`.

use crate::backend::cpu::window::Window2d;
use crate::error::unwrap;
use crate::ops::conv::{convolution, ConvParams};
use crate::ops::window::{fold4d, unfold4d};
use crate::{Error, Result, Tensor};

/// A 2-D size given as one number for both dims or as `[h, w]` / `(h, w)`, like PyTorch's
/// `int or tuple` arguments.
///
/// ```
/// use torchlight::nn::functional::Size2;
/// assert_eq!(Size2::from(3), Size2([3, 3]));
/// assert_eq!(Size2::from((1, 2)), Size2([1, 2]));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size2(pub [usize; 2]);

impl From<usize> for Size2 {
    fn from(v: usize) -> Size2 {
        Size2([v, v])
    }
}

impl From<[usize; 2]> for Size2 {
    fn from(v: [usize; 2]) -> Size2 {
        Size2(v)
    }
}

impl From<(usize, usize)> for Size2 {
    fn from((h, w): (usize, usize)) -> Size2 {
        Size2([h, w])
    }
}

/// A convolution's padding: explicit sizes, or PyTorch's `'same'` (output as large as the
/// input; stride 1 only) and `'valid'` (no padding).
///
/// ```
/// use torchlight::nn::functional::Padding;
/// assert_eq!(Padding::from(1), Padding::Explicit(vec![1]));
/// assert_eq!(Padding::from([1, 2]), Padding::Explicit(vec![1, 2]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Padding {
    /// Zeros added on both sides of each spatial dim: one value for all dims, or one per dim.
    Explicit(Vec<usize>),
    /// `padding='same'`.
    Same,
    /// `padding='valid'`.
    Valid,
}

impl From<usize> for Padding {
    fn from(v: usize) -> Padding {
        Padding::Explicit(vec![v])
    }
}

impl<const N: usize> From<[usize; N]> for Padding {
    fn from(v: [usize; N]) -> Padding {
        Padding::Explicit(v.to_vec())
    }
}

impl From<(usize, usize)> for Padding {
    fn from((h, w): (usize, usize)) -> Padding {
        Padding::Explicit(vec![h, w])
    }
}

impl Padding {
    /// Padding before and after each of the last two dims (a 1-D op pads only the last),
    /// for a kernel `kernel` with `dilation`. `spatial` is 1 or 2.
    fn resolve(
        &self,
        spatial: usize,
        kernel: [usize; 2],
        dilation: [usize; 2],
        stride: [usize; 2],
    ) -> Result<([usize; 2], [usize; 2])> {
        let first = 2 - spatial;
        match self {
            Padding::Valid => Ok(([0; 2], [0; 2])),
            Padding::Explicit(v) => {
                let p = match v.len() {
                    1 => [v[0]; 2],
                    n if n == spatial => {
                        let mut p = [0; 2];
                        p[first..].copy_from_slice(v);
                        p
                    }
                    n => {
                        return Err(Error::Runtime(format!(
                            "expected padding to be a single integer value or a list of {spatial} values to match the convolution dimensions, but got padding={v:?} ({n} values)"
                        )))
                    }
                };
                let mut p = p;
                if spatial == 1 {
                    p[0] = 0;
                }
                Ok((p, p))
            }
            Padding::Same => {
                if stride[first..].iter().any(|&s| s != 1) {
                    return Err(Error::Runtime("padding='same' is not supported for strided convolutions".into()));
                }
                // Total padding d·(k-1); an odd total puts the extra zero after, as PyTorch does.
                let (mut before, mut after) = ([0; 2], [0; 2]);
                for d in first..2 {
                    let total = dilation[d] * (kernel[d] - 1);
                    before[d] = total / 2;
                    after[d] = total - total / 2;
                }
                Ok((before, after))
            }
        }
    }
}

/// 1-D convolution over `[n, c, l]` (or unbatched `[c, l]`) with `weight` `[o, c / groups, k]`
/// (`F.conv1d`; PyTorch's defaults: no bias, stride 1, padding 0, dilation 1, groups 1).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[1, 1, 4]);
/// let w = Tensor::from_vec(vec![1.0f32, -1.0], &[1, 1, 2]);
/// assert_eq!(F::conv1d(&x, &w, None, 1, 0, 1, 1).to_vec::<f32>(), vec![-1.0, -1.0, -1.0]);
/// ```
#[track_caller]
pub fn conv1d(
    input: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    stride: usize,
    padding: impl Into<Padding>,
    dilation: usize,
    groups: usize,
) -> Tensor {
    unwrap(try_conv1d(input, weight, bias, stride, padding, dilation, groups))
}

/// Fallible twin of [`conv1d`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_conv1d(&Tensor::ones(&[1, 2, 5]), &Tensor::ones(&[3, 1, 2]), None, 1, 0, 1, 1).unwrap_err();
/// assert!(e.to_string().starts_with("Given groups=1, weight of size [3, 1, 2], expected input[1, 2, 5] to have 1 channels"));
/// ```
pub fn try_conv1d(
    input: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    stride: usize,
    padding: impl Into<Padding>,
    dilation: usize,
    groups: usize,
) -> Result<Tensor> {
    check_weight_dim("conv1d", weight, 3)?;
    let (stride, dilation) = ([1, stride], [1, dilation]);
    let kernel = [1, weight.shape()[2]];
    let (pad_before, pad_after) = padding.into().resolve(1, kernel, dilation, stride)?;
    check_positive(stride, dilation)?;
    let p = ConvParams { stride, pad_before, pad_after, dilation, groups, transposed: false, output_padding: [0; 2] };
    convolution("conv1d", input, weight, bias, &p)
}

/// 2-D convolution over `[n, c, h, w]` (or unbatched `[c, h, w]`) with `weight`
/// `[o, c / groups, kh, kw]` (`F.conv2d`; PyTorch's defaults: no bias, stride 1, padding 0,
/// dilation 1, groups 1). The result's `grad_fn` is `ConvolutionBackward0`.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::ones(&[1, 1, 3, 3]);
/// let w = Tensor::ones(&[1, 1, 2, 2]);
/// let y = F::conv2d(&x, &w, None, 1, 0, 1, 1);
/// assert_eq!(y.to_vec::<f32>(), vec![4.0; 4]);
/// let same = F::conv2d(&x, &w, None, 1, F::Padding::Same, 1, 1);
/// assert_eq!(same.shape(), &[1, 1, 3, 3]);
/// ```
#[track_caller]
pub fn conv2d(
    input: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    stride: impl Into<Size2>,
    padding: impl Into<Padding>,
    dilation: impl Into<Size2>,
    groups: usize,
) -> Tensor {
    unwrap(try_conv2d(input, weight, bias, stride, padding, dilation, groups))
}

/// Fallible twin of [`conv2d`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_conv2d(&Tensor::ones(&[1, 1, 2, 2]), &Tensor::ones(&[1, 1, 3, 3]), None, 1, 0, 1, 1).unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size"
/// );
/// ```
pub fn try_conv2d(
    input: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    stride: impl Into<Size2>,
    padding: impl Into<Padding>,
    dilation: impl Into<Size2>,
    groups: usize,
) -> Result<Tensor> {
    check_weight_dim("conv2d", weight, 4)?;
    let (stride, dilation) = (stride.into().0, dilation.into().0);
    let kernel = [weight.shape()[2], weight.shape()[3]];
    let (pad_before, pad_after) = padding.into().resolve(2, kernel, dilation, stride)?;
    check_positive(stride, dilation)?;
    let p = ConvParams { stride, pad_before, pad_after, dilation, groups, transposed: false, output_padding: [0; 2] };
    convolution("conv2d", input, weight, bias, &p)
}

/// Transposed 2-D convolution (`F.conv_transpose2d`, the gradient of `conv2d` with respect
/// to its input), with `weight` `[c, o / groups, kh, kw]`. Arguments in PyTorch's order:
/// stride, padding, output_padding, groups, dilation (defaults 1, 0, 0, 1, 1).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::ones(&[1, 1, 2, 2]);
/// let w = Tensor::ones(&[1, 1, 2, 2]);
/// let y = F::conv_transpose2d(&x, &w, None, 1, 0, 0, 1, 1);
/// assert_eq!(y.to_vec::<f32>(), vec![1.0, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 2.0, 1.0]);
/// ```
#[allow(clippy::too_many_arguments)]
#[track_caller]
pub fn conv_transpose2d(
    input: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
    output_padding: impl Into<Size2>,
    groups: usize,
    dilation: impl Into<Size2>,
) -> Tensor {
    unwrap(try_conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation))
}

/// Fallible twin of [`conv_transpose2d`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_conv_transpose2d(&Tensor::ones(&[1, 3, 2, 2]), &Tensor::ones(&[2, 1, 2, 2]), None, 1, 0, 0, 1, 1).is_err());
/// ```
#[allow(clippy::too_many_arguments)]
pub fn try_conv_transpose2d(
    input: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
    output_padding: impl Into<Size2>,
    groups: usize,
    dilation: impl Into<Size2>,
) -> Result<Tensor> {
    check_weight_dim("conv_transpose2d", weight, 4)?;
    let (stride, dilation, padding) = (stride.into().0, dilation.into().0, padding.into().0);
    check_positive(stride, dilation)?;
    let p = ConvParams {
        stride,
        pad_before: padding,
        pad_after: padding,
        dilation,
        groups,
        transposed: true,
        output_padding: output_padding.into().0,
    };
    convolution("conv_transpose2d", input, weight, bias, &p)
}

fn check_weight_dim(op: &str, weight: &Tensor, dims: usize) -> Result<()> {
    if weight.dim() != dims {
        return Err(Error::Runtime(format!(
            "{op}: weight should have {dims} dimensions, but got weight of size {:?}",
            weight.shape()
        )));
    }
    Ok(())
}

fn check_positive(stride: [usize; 2], dilation: [usize; 2]) -> Result<()> {
    if stride.contains(&0) {
        return Err(Error::Runtime("non-positive stride is not supported".into()));
    }
    if dilation.contains(&0) {
        return Err(Error::Runtime("dilation should be greater than zero".into()));
    }
    Ok(())
}

/// Extracts sliding windows (`F.unfold`, im2col): `[n, c, h, w]` → `[n, c·kh·kw, L]`, one
/// column per window. Arguments in PyTorch's order: kernel_size, dilation, padding, stride.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::arange(0.0, 9.0, 1.0).reshape(&[1, 1, 3, 3]);
/// let cols = F::unfold(&x, 2, 1, 0, 1);
/// assert_eq!(cols.shape(), &[1, 4, 4]);
/// assert_eq!(cols.to_vec::<f32>()[..4], [0.0, 1.0, 3.0, 4.0]);
/// ```
#[track_caller]
pub fn unfold(
    input: &Tensor,
    kernel_size: impl Into<Size2>,
    dilation: impl Into<Size2>,
    padding: impl Into<Size2>,
    stride: impl Into<Size2>,
) -> Tensor {
    unwrap(try_unfold(input, kernel_size, dilation, padding, stride))
}

/// Fallible twin of [`unfold`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_unfold(&Tensor::ones(&[1, 1, 2, 2]), 3, 1, 0, 1).is_err());
/// ```
pub fn try_unfold(
    input: &Tensor,
    kernel_size: impl Into<Size2>,
    dilation: impl Into<Size2>,
    padding: impl Into<Size2>,
    stride: impl Into<Size2>,
) -> Result<Tensor> {
    let batched = match input.dim() {
        4 => true,
        3 => false,
        d @ 1..=2 => {
            // PyTorch indexes dim 2 of the input before checking its rank.
            return Err(Error::Index(format!(
                "Dimension out of range (expected to be in range of [-{d}, {}], but got 2)",
                d - 1
            )));
        }
        d => return Err(Error::Runtime(format!("Input Error: Only 3D or 4D input Tensors are supported (got {d}D)"))),
    };
    let x = if batched { input.clone() } else { input.unsqueeze(0) };
    let padding = padding.into().0;
    let (kernel, stride, dilation) = (kernel_size.into().0, stride.into().0, dilation.into().0);
    check_window(kernel, stride, dilation)?;
    let plane = [x.shape()[2], x.shape()[3]];
    let g = Window2d::conv(kernel, stride, padding, padding, dilation, plane).filter(|g| !g.output.contains(&0));
    let Some(g) = g else {
        let count = |d: usize| block_count(plane[d], kernel[d], stride[d], padding[d], dilation[d]);
        return Err(Error::Runtime(format!(
            "Given input with spatial size ({}, {}), kernel_size=({}, {}), dilation=({}, {}), padding=({}, {}), calculated shape of the array of sliding blocks as ({}, {}), but its components must be at least one.",
            plane[0], plane[1], kernel[0], kernel[1], dilation[0], dilation[1], padding[0], padding[1], count(0), count(1)
        )));
    };
    let y = unfold4d(&x, g)?;
    Ok(if batched { y } else { y.squeeze_dim(0) })
}

/// Sums sliding windows back into an image (`F.fold`, col2im, the adjoint of [`unfold`]):
/// `[n, c·kh·kw, L]` → `[n, c, h, w]` with `(h, w) = output_size`. Arguments in PyTorch's
/// order: output_size, kernel_size, dilation, padding, stride.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let cols = Tensor::ones(&[1, 4, 4]);
/// let img = F::fold(&cols, 3, 2, 1, 0, 1);
/// assert_eq!(img.to_vec::<f32>(), vec![1.0, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 2.0, 1.0]);
/// ```
#[track_caller]
pub fn fold(
    input: &Tensor,
    output_size: impl Into<Size2>,
    kernel_size: impl Into<Size2>,
    dilation: impl Into<Size2>,
    padding: impl Into<Size2>,
    stride: impl Into<Size2>,
) -> Tensor {
    unwrap(try_fold(input, output_size, kernel_size, dilation, padding, stride))
}

/// Fallible twin of [`fold`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_fold(&Tensor::ones(&[1, 3, 4]), 3, 2, 1, 0, 1).is_err());
/// ```
pub fn try_fold(
    input: &Tensor,
    output_size: impl Into<Size2>,
    kernel_size: impl Into<Size2>,
    dilation: impl Into<Size2>,
    padding: impl Into<Size2>,
    stride: impl Into<Size2>,
) -> Result<Tensor> {
    let batched = match input.dim() {
        3 => true,
        2 => false,
        _ => {
            return Err(Error::Runtime(format!(
                "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: {:?}",
                input.shape()
            )))
        }
    };
    let x = if batched { input.clone() } else { input.unsqueeze(0) };
    let padding = padding.into().0;
    let (kernel, stride, dilation, out) =
        (kernel_size.into().0, stride.into().0, dilation.into().0, output_size.into().0);
    check_window(kernel, stride, dilation)?;
    let taps = kernel[0] * kernel[1];
    let rows = x.shape()[1];
    if rows % taps != 0 {
        return Err(Error::Runtime(format!(
            "Expected size of input's dimension {} to be divisible by the product of kernel_size, but got input.size({})={rows} and kernel_size=({}, {}).",
            if batched { 1 } else { 0 },
            if batched { 1 } else { 0 },
            kernel[0],
            kernel[1]
        )));
    }
    let count = |d: usize| block_count(out[d], kernel[d], stride[d], padding[d], dilation[d]);
    let blocks = count(0) * count(1);
    let g = Window2d::conv(kernel, stride, padding, padding, dilation, out);
    let (Some(g), true) = (g, blocks > 0 && x.shape()[2] as isize == blocks) else {
        let dim = if batched { 2 } else { 1 };
        return Err(Error::Runtime(format!(
            "Given output_size=({}, {}), kernel_size=({}, {}), dilation=({}, {}), padding=({}, {}), stride=({}, {}), expected size of input's dimension {dim} to match the calculated number of sliding blocks {} * {} = {blocks}, but got input.size({dim})={}.",
            out[0], out[1], kernel[0], kernel[1], dilation[0], dilation[1], padding[0], padding[1], stride[0], stride[1],
            count(0), count(1), x.shape()[2]
        )));
    };
    let y = fold4d(&x.contiguous(), rows / taps, g)?;
    Ok(if batched { y } else { y.squeeze_dim(0) })
}

/// Windows along one dim, as PyTorch computes it for messages (may be zero or negative).
fn block_count(input: usize, kernel: usize, stride: usize, padding: usize, dilation: usize) -> isize {
    let span = (dilation * (kernel.max(1) - 1) + 1) as isize;
    (input as isize + 2 * padding as isize - span).div_euclid(stride.max(1) as isize) + 1
}

fn check_window(kernel: [usize; 2], stride: [usize; 2], dilation: [usize; 2]) -> Result<()> {
    if kernel.contains(&0) {
        return Err(Error::Runtime(format!(
            "kernel size should be greater than zero, but got kernel_height: {} kernel_width: {}",
            kernel[0], kernel[1]
        )));
    }
    if stride.contains(&0) {
        return Err(Error::Runtime(format!(
            "stride should be greater than zero, but got stride_height: {} stride_width: {}",
            stride[0], stride[1]
        )));
    }
    if dilation.contains(&0) {
        return Err(Error::Runtime(format!(
            "dilation should be greater than zero, but got dilation_height: {} dilation_width: {}",
            dilation[0], dilation[1]
        )));
    }
    Ok(())
}
