//! The two differentiable sliding-window primitives that convolution and pooling are built
//! from: `unfold` (im2col, PyTorch's `Im2ColBackward0`) and its adjoint `fold` (col2im,
//! `Col2ImBackward0`). Each is the other's gradient, so both differentiate any number of
//! times.

use crate::autograd::record::{needs_grad, record_unary};
use crate::backend::cpu::window::{col2im, im2col, Window2d};
use crate::error::not_implemented;
use crate::{DType, Result, Tensor};

/// `[n, c, h, w]` → `[n, c * kh * kw, oh * ow]`: every window's taps as a column.
pub(crate) fn unfold4d(input: &Tensor, g: Window2d) -> Result<Tensor> {
    let s = input.shape().to_vec();
    debug_assert_eq!(s.len(), 4);
    debug_assert_eq!([s[2], s[3]], g.input);
    let [oh, ow] = g.output();
    let rows = s[1] * g.taps();
    let x = input.contiguous();
    let out = match input.dtype() {
        DType::F32 => x.with_slice(|d: &[f32], l| {
            Tensor::from_vec(im2col(&d[l.offset..], s[0], s[1], &g), &[s[0], rows, oh * ow])
        }),
        DType::F64 => x.with_slice(|d: &[f64], l| {
            Tensor::from_vec(im2col(&d[l.offset..], s[0], s[1], &g), &[s[0], rows, oh * ow])
        }),
        other => return Err(not_implemented("im2col", other)),
    };
    if needs_grad(&[input]) {
        let channels = s[1];
        record_unary("Im2ColBackward0", &[input], &out, [], move |ctx| {
            Ok(vec![Some(fold4d(ctx.grad(), channels, g)?)])
        });
    }
    Ok(out)
}

/// `[n, c * kh * kw, oh * ow]` → `[n, c, h, w]`: sums every column entry into its tap.
pub(crate) fn fold4d(cols: &Tensor, channels: usize, g: Window2d) -> Result<Tensor> {
    let s = cols.shape().to_vec();
    debug_assert_eq!(s.len(), 3);
    let [h, w] = g.input;
    let x = cols.contiguous();
    let out = match cols.dtype() {
        DType::F32 => x.with_slice(|d: &[f32], l| {
            Tensor::from_vec(col2im(&d[l.offset..], s[0], channels, &g), &[s[0], channels, h, w])
        }),
        DType::F64 => x.with_slice(|d: &[f64], l| {
            Tensor::from_vec(col2im(&d[l.offset..], s[0], channels, &g), &[s[0], channels, h, w])
        }),
        other => return Err(not_implemented("col2im", other)),
    };
    if needs_grad(&[cols]) {
        record_unary("Col2ImBackward0", &[cols], &out, [], move |ctx| Ok(vec![Some(unfold4d(ctx.grad(), g)?)]));
    }
    Ok(out)
}
