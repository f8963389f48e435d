//! Pooling: `max_pool2d` (with indices), `avg_pool2d` and `adaptive_avg_pool2d`, on
//! `[n, c, h, w]` or unbatched `[c, h, w]` inputs, and `max_pool1d` / `avg_pool1d` on
//! `[n, c, l]` or `[c, l]`, which PyTorch computes as the 2-D ops over one row.
//!
//! Max pooling has its own kernels and a `MaxPool2DWithIndicesBackward0` node that routes
//! each gradient to the element that won (a `scatter_add`, in one kernel when no graph of
//! the backward is recorded). Average pooling is a sum over
//! unfolded windows divided by PyTorch's divisor; adaptive pooling sums rows and columns
//! with 0/1 matrices. Both are compositions, so their gradients come from the primitives.

use super::window::unfold4d;
use crate::autograd::record::{needs_grad, record_unary};
use crate::backend::cpu::pool::{max_pool2d, max_pool2d_backward};
use crate::backend::cpu::window::Window2d;
use crate::error::not_implemented;
use crate::{DType, Error, Result, Tensor};

/// Kernel, stride, padding and dilation of a pooling window.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PoolParams {
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub dilation: [usize; 2],
    pub ceil_mode: bool,
}

/// PyTorch's `pooling_output_shape`: floor or ceil division, and under `ceil_mode` no
/// window may start inside the right padding.
fn pooled_len(input: usize, k: usize, pad: usize, stride: usize, dilation: usize, ceil: bool) -> isize {
    let num = input as isize + 2 * pad as isize - (dilation * (k - 1)) as isize - 1
        + if ceil { stride as isize - 1 } else { 0 };
    let mut out = num.div_euclid(stride as isize) + 1;
    if ceil && (out - 1) * stride as isize >= input as isize + pad as isize {
        out -= 1;
    }
    out
}

/// Views `input` as 4-D (adding a batch dim to an unbatched input) after checking its rank.
fn as_batched(op: &str, input: &Tensor) -> Result<(Tensor, bool)> {
    match input.dim() {
        4 => Ok((input.clone(), true)),
        3 => Ok((input.unsqueeze(0), false)),
        // PyTorch's avg_pool2d reads dim -3 before checking the rank.
        d @ 1..=2 if op == "avg_pool2d" => Err(Error::Index(format!(
            "Dimension out of range (expected to be in range of [-{d}, {}], but got -3)",
            d - 1
        ))),
        _ => Err(Error::Runtime("non-empty 3D or 4D (batch mode) tensor expected for input".into())),
    }
}

/// PyTorch's checks in `pooling_output_shape`, made for each dim (rows, then columns)
/// before any other check of the window: a zero stride, and padding wider than half the
/// dilated window (in signed arithmetic, as PyTorch's `int64_t`, so a zero kernel counts as
/// a window of `1 - dilation`).
fn check_output_dim(k: usize, pad: usize, stride: usize, dilation: usize) -> Result<()> {
    if stride == 0 {
        return Err(Error::Runtime("stride should not be zero".into()));
    }
    if pad as i64 > ((k as i64 - 1) * dilation as i64 + 1) / 2 {
        return Err(Error::Runtime(format!(
            "pad should be at most half of effective kernel size, but got pad={pad}, kernel_size={k} and dilation={dilation}"
        )));
    }
    Ok(())
}

/// The window geometry and output plane of a pooling op, after PyTorch's checks, in
/// PyTorch's order (`pooling_output_shape`, then `pool2d_shape_check`). `x` is the input as
/// 4-D; `shape` is the shape the caller passed, which the messages print.
fn pool_geometry(shape: &[usize], x: &Tensor, p: &PoolParams) -> Result<Window2d> {
    for d in 0..2 {
        check_output_dim(p.kernel[d], p.padding[d], p.stride[d], p.dilation[d])?;
    }
    if p.kernel.contains(&0) {
        return Err(Error::Runtime(format!(
            "kernel size should be greater than zero, but got kH: {} kW: {}",
            p.kernel[0], p.kernel[1]
        )));
    }
    if p.dilation.contains(&0) {
        return Err(Error::Runtime(format!(
            "dilation should be greater than zero, but got dilationH: {} dilationW: {}",
            p.dilation[0], p.dilation[1]
        )));
    }
    // Only the batch dim may be empty.
    if shape[shape.len() - 3..].contains(&0) {
        return Err(Error::Runtime(format!(
            "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:{shape:?}"
        )));
    }
    if p.padding[0] > p.kernel[0] / 2 || p.padding[1] > p.kernel[1] / 2 {
        return Err(Error::Runtime(format!(
            "pad should be smaller than or equal to half of kernel size, but got padW = {}, padH = {}, kW = {}, kH = {}",
            p.padding[1], p.padding[0], p.kernel[1], p.kernel[0]
        )));
    }
    let s = x.shape();
    let plane = [s[2], s[3]];
    let o = |d: usize| pooled_len(plane[d], p.kernel[d], p.padding[d], p.stride[d], p.dilation[d], p.ceil_mode);
    let (oh, ow) = (o(0), o(1));
    if oh < 1 || ow < 1 {
        return Err(Error::Runtime(format!(
            "Given input size: ({}x{}x{}). Calculated output size: ({}x{oh}x{ow}). Output size is too small",
            s[1], s[2], s[3], s[1]
        )));
    }
    let out = [oh as usize, ow as usize];
    // Under ceil_mode the last windows may run past the padding; they are clipped there.
    let g = Window2d {
        kernel: p.kernel,
        stride: p.stride,
        pad_before: p.padding,
        dilation: p.dilation,
        input: plane,
        output: out,
    };
    Ok(g)
}

/// `max_pool2d(..., return_indices=True)`: the maxima and the flat index of each in its plane.
pub(crate) fn max_pool2d_with_indices(input: &Tensor, p: &PoolParams) -> Result<(Tensor, Tensor)> {
    let (x, batched) = as_batched("max_pool2d", input)?;
    let g = pool_geometry(input.shape(), &x, p)?;
    let out = g.output;
    let s = x.shape().to_vec();
    let planes = s[0] * s[1];
    let xc = x.contiguous();
    let (values, indices) = match x.dtype() {
        DType::F32 => {
            let (v, i) = xc.with_slice(|d: &[f32], l| max_pool2d(&d[l.offset..], planes, &g));
            (Tensor::from_vec(v, &[s[0], s[1], out[0], out[1]]), i)
        }
        DType::F64 => {
            let (v, i) = xc.with_slice(|d: &[f64], l| max_pool2d(&d[l.offset..], planes, &g));
            (Tensor::from_vec(v, &[s[0], s[1], out[0], out[1]]), i)
        }
        DType::I64 => {
            let (v, i) = xc.with_slice(|d: &[i64], l| max_pool2d(&d[l.offset..], planes, &g));
            (Tensor::from_vec(v, &[s[0], s[1], out[0], out[1]]), i)
        }
        other => return Err(not_implemented("max_pool2d", other)),
    };
    let indices = Tensor::from_vec(indices, &[s[0], s[1], out[0], out[1]]);
    let (values, indices) = if batched { (values, indices) } else { (values.squeeze_dim(0), indices.squeeze_dim(0)) };
    if needs_grad(&[input]) {
        let in_shape = input.shape().to_vec();
        let idx = indices.reshape_usize(&[planes, out[0] * out[1]]);
        record_unary("MaxPool2DWithIndicesBackward0", &[input], &values, [], move |ctx| {
            let g = ctx.grad().reshape_usize(&[planes, out[0] * out[1]]);
            let plane_len = s[2] * s[3];
            // The kernel when no graph of the backward is built; the scatter_add that it
            // computes otherwise, so that double backward works.
            if !needs_grad(&[&g]) {
                macro_rules! kernel {
                    ($T:ty) => {{
                        let (gc, ic) = (g.contiguous(), idx.contiguous());
                        let dx = gc.with_slice(|dg: &[$T], lg| {
                            ic.with_slice(|di: &[i64], li| {
                                let n = planes * out[0] * out[1];
                                max_pool2d_backward(&dg[lg.offset..][..n], &di[li.offset..][..n], planes, plane_len)
                            })
                        });
                        return Ok(vec![Some(Tensor::from_vec(dx, &in_shape))]);
                    }};
                }
                match g.dtype() {
                    DType::F32 => kernel!(f32),
                    DType::F64 => kernel!(f64),
                    _ => {}
                }
            }
            let zeros = Tensor::zeros_dtype(&[planes, plane_len], g.dtype());
            Ok(vec![Some(zeros.try_scatter_add(1, &idx, &g)?.reshape_usize(&in_shape))])
        });
    }
    Ok((values, indices))
}

/// The 2-D parameters of a 1-D window: one row, the window along the columns.
fn as_2d(kernel: usize, stride: usize, padding: usize, dilation: usize, ceil_mode: bool) -> PoolParams {
    PoolParams { kernel: [1, kernel], stride: [1, stride], padding: [0, padding], dilation: [1, dilation], ceil_mode }
}

/// PyTorch's `checkDimRange` for the 1-D pooling ops that take `[c, l]` or `[n, c, l]`.
fn check_1d_rank(op: &str, input: &Tensor) -> Result<()> {
    match input.dim() {
        2 | 3 => Ok(()),
        d => Err(Error::Runtime(format!(
            "Expected 2 to 3 dimensions, but got {d}-dimensional tensor for argument #1 'self' (while checking arguments for {op})"
        ))),
    }
}

/// `max_pool1d` without indices, with PyTorch's `check_max_pool1d` messages; the values come
/// from `max_pool2d_with_indices` on the input with a row dim added, as PyTorch computes them
/// whenever a gradient is wanted (its separate no-grad kernel takes the same maxima).
pub(crate) fn max_pool1d(
    input: &Tensor,
    kernel: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    ceil_mode: bool,
) -> Result<Tensor> {
    let shape = input.shape();
    // Only the batch dim may be empty.
    if !matches!(shape.len(), 2 | 3) || shape[shape.len() - 2..].contains(&0) {
        return Err(Error::Runtime(format!(
            "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:{shape:?}"
        )));
    }
    let fail = |what: String| Err(Error::Runtime(format!("max_pool1d() {what}")));
    if kernel == 0 {
        return fail("kernel_size must be greater than zero, but got 0".into());
    }
    if stride == 0 {
        return fail("stride must be greater than zero, but got 0".into());
    }
    if padding > kernel / 2 {
        return fail(format!(
            "padding should be at most half of kernel size, but got padding={padding} and kernel_size={kernel}"
        ));
    }
    if dilation == 0 {
        return fail("dilation must be greater than zero, but got 0".into());
    }
    let out = pooled_len(shape[shape.len() - 1], kernel, padding, stride, dilation, ceil_mode);
    if out < 1 {
        return fail(format!("Invalid computed output size: {out}"));
    }
    if !input.dtype().is_floating_point() {
        return Err(not_implemented("max_pool1d_impl", input.dtype()));
    }
    let (values, _) =
        max_pool2d_with_indices(&input.unsqueeze(-2), &as_2d(kernel, stride, padding, dilation, ceil_mode))?;
    Ok(values.squeeze_dim(-2))
}

/// `max_pool1d_with_indices`: PyTorch checks the rank, then runs `max_pool2d_with_indices` on
/// the input with a row dim added (so its messages name the 4-D or 3-D shape); the indices
/// are positions along the length.
pub(crate) fn max_pool1d_with_indices(
    input: &Tensor,
    kernel: usize,
    stride: usize,
    padding: usize,
    dilation: usize,
    ceil_mode: bool,
) -> Result<(Tensor, Tensor)> {
    check_1d_rank("max_pool1d", input)?;
    let (values, indices) =
        max_pool2d_with_indices(&input.unsqueeze(-2), &as_2d(kernel, stride, padding, dilation, ceil_mode))?;
    Ok((values.squeeze_dim(-2), indices.squeeze_dim(-2)))
}

/// `avg_pool1d`: PyTorch checks the rank, then runs `avg_pool2d` on the input with a row dim
/// added.
pub(crate) fn avg_pool1d(
    input: &Tensor,
    kernel: usize,
    stride: usize,
    padding: usize,
    ceil_mode: bool,
    count_include_pad: bool,
) -> Result<Tensor> {
    check_1d_rank("avg_pool1d", input)?;
    let y = avg_pool2d(&input.unsqueeze(-2), &as_2d(kernel, stride, padding, 1, ceil_mode), count_include_pad, None)?;
    Ok(y.squeeze_dim(-2))
}

/// `avg_pool2d`: window sums divided by `divisor_override`, or by the window's size counting
/// padding (`count_include_pad`) or not; windows are clipped as PyTorch clips them.
pub(crate) fn avg_pool2d(
    input: &Tensor,
    p: &PoolParams,
    count_include_pad: bool,
    divisor_override: Option<i64>,
) -> Result<Tensor> {
    if divisor_override == Some(0) {
        return Err(Error::Runtime("divisor must be not zero".into()));
    }
    if !input.dtype().is_floating_point() {
        return Err(not_implemented("avg_pool2d", input.dtype()));
    }
    let (x, batched) = as_batched("avg_pool2d", input)?;
    let g = pool_geometry(input.shape(), &x, p)?;
    let out = g.output;
    let s = x.shape().to_vec();
    let planes = x.reshape_usize(&[s[0] * s[1], 1, s[2], s[3]]);
    let sums = unfold4d(&planes, g)?.try_sum_dim(&[1], false)?; // [planes, oh * ow]
                                                                // PyTorch's divisor per window: the window clipped to the padded input (pool_size), or
                                                                // to the input itself; an empty window gives 0 (divided by 1 here).
    let mut divisor = Vec::with_capacity(out[0] * out[1]);
    for y in 0..out[0] {
        for x in 0..out[1] {
            let span = |d: usize, o: usize| {
                let start = (o * p.stride[d]) as isize - p.padding[d] as isize;
                let end = (start + p.kernel[d] as isize).min((g.input[d] + p.padding[d]) as isize);
                let pool = end - start;
                let inside = end.min(g.input[d] as isize) - start.max(0);
                (pool, inside.max(0))
            };
            let ((ph, ih), (pw, iw)) = (span(0, y), span(1, x));
            let d = match divisor_override {
                Some(d) => d as f64,
                None if ih * iw == 0 => 1.0,
                None if count_include_pad => (ph * pw) as f64,
                None => (ih * iw) as f64,
            };
            divisor.push(d);
        }
    }
    let divisor = Tensor::from_vec(divisor, &[out[0] * out[1]]).to_dtype(input.dtype());
    let y = sums.try_div(&divisor)?.reshape_usize(&[s[0], s[1], out[0], out[1]]);
    Ok(if batched { y } else { y.squeeze_dim(0) })
}

/// `adaptive_avg_pool2d`: output cell `(i, j)` averages rows `⌊i·h/oh⌋..⌈(i+1)·h/oh⌉` and
/// the matching columns.
pub(crate) fn adaptive_avg_pool2d(input: &Tensor, output_size: [usize; 2]) -> Result<Tensor> {
    if !input.dtype().is_floating_point() {
        return Err(not_implemented("adaptive_avg_pool2d", input.dtype()));
    }
    let (x, batched) = match input.dim() {
        4 => (input.clone(), true),
        3 => (input.unsqueeze(0), false),
        _ => {
            return Err(Error::Runtime(format!(
                "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {:?}",
                input.shape()
            )))
        }
    };
    let s = x.shape().to_vec();
    // The channel dim may be empty; the spatial dims may not.
    if let Some(d) = (2..4).find(|&d| s[d] == 0) {
        return Err(Error::Runtime(format!(
            "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes {:?} with dimension {d} being empty",
            input.shape()
        )));
    }
    // 0/1 matrices select each cell's rows and columns; the sum is then divided by the cell's
    // size, as PyTorch divides a window's sum.
    let select = |len: usize, out: usize| -> (Vec<f64>, Vec<usize>) {
        let mut m = vec![0.0; out * len];
        let mut counts = Vec::with_capacity(out);
        for o in 0..out {
            let (start, end) = (o * len / out, ((o + 1) * len).div_ceil(out));
            m[o * len + start..o * len + end].iter_mut().for_each(|v| *v = 1.0);
            counts.push(end - start);
        }
        (m, counts)
    };
    let (rows, rc) = select(s[2], output_size[0]);
    let (cols, cc) = select(s[3], output_size[1]);
    let dt = input.dtype();
    let rows = Tensor::from_vec(rows, &[output_size[0], s[2]]).to_dtype(dt);
    let cols = Tensor::from_vec(cols, &[output_size[1], s[3]]).to_dtype(dt);
    let counts: Vec<f64> = rc.iter().flat_map(|&r| cc.iter().map(move |&c| (r * c) as f64)).collect();
    let counts = Tensor::from_vec(counts, &output_size).to_dtype(dt);
    let y = rows.try_matmul(&x)?.try_matmul(&cols.t())?.try_div(&counts)?;
    Ok(if batched { y } else { y.squeeze_dim(0) })
}
