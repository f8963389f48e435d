//! `cumsum`: running sums along a dim, accumulated as PyTorch's CPU kernel accumulates them
//! (in f64 for float tensors, rounded to the tensor's dtype at each output), with its
//! gradient, the reversed running sum of the output's gradient.

use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::{DType, Result, Tensor};

/// Running sums of each contiguous row of `len` elements, accumulated in `A`.
fn scan_rows<T: crate::Element, A: Copy + std::ops::Add<Output = A>>(
    src: &[T],
    len: usize,
    zero: A,
    widen: impl Fn(T) -> A,
    narrow: impl Fn(A) -> T,
) -> Vec<T> {
    let mut out = Vec::with_capacity(src.len());
    for row in src.chunks(len.max(1)) {
        let mut acc = zero;
        for &x in row {
            acc = acc + widen(x);
            out.push(narrow(acc));
        }
    }
    out
}

impl Tensor {
    /// Running sums along `dim` (`torch.cumsum`); negative dims count from the end. Integer
    /// and bool tensors give int64, float tensors keep their dtype.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1i64, 2, 3, 4], &[2, 2]);
    /// assert_eq!(t.cumsum(1).to_vec::<i64>(), vec![1, 3, 3, 7]);
    /// assert_eq!(t.cumsum(0).to_vec::<i64>(), vec![1, 2, 4, 6]);
    /// ```
    #[track_caller]
    pub fn cumsum(&self, dim: i64) -> Tensor {
        unwrap(self.try_cumsum(dim))
    }

    /// Fallible twin of [`Tensor::cumsum`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2, 3]).try_cumsum(2).is_err());
    /// ```
    pub fn try_cumsum(&self, dim: i64) -> Result<Tensor> {
        let d = wrap_dim(dim, self.dim())?;
        let dtype = if self.dtype().is_floating_point() { self.dtype() } else { DType::I64 };
        let x = self.detach().to_dtype(dtype);
        let out = if self.dim() == 0 {
            x.copy()
        } else {
            // The scanned dim last, so that each row is one contiguous run.
            let last = self.dim() as i64 - 1;
            let moved = x.transpose(d as i64, last).contiguous();
            let len = self.shape()[d];
            let scanned = match dtype {
                DType::F32 => Tensor::from_vec(
                    moved.with_slice(|s: &[f32], l| {
                        scan_rows(&s[l.offset..][..l.numel()], len, 0.0f64, f64::from, |a| a as f32)
                    }),
                    moved.shape(),
                ),
                DType::F64 => Tensor::from_vec(
                    moved.with_slice(|s: &[f64], l| scan_rows(&s[l.offset..][..l.numel()], len, 0.0f64, |x| x, |a| a)),
                    moved.shape(),
                ),
                _ => Tensor::from_vec(
                    moved.with_slice(|s: &[i64], l| {
                        scan_rows(&s[l.offset..][..l.numel()], len, std::num::Wrapping(0i64), std::num::Wrapping, |a| {
                            a.0
                        })
                    }),
                    moved.shape(),
                ),
            };
            scanned.transpose(d as i64, last).contiguous()
        };
        if needs_grad(&[self]) {
            record_unary("CumsumBackward0", &[self], &out, [], move |ctx| {
                // PyTorch's reversed cumsum: flip, cumsum, flip back.
                let g = ctx.grad();
                Ok(vec![Some(g.try_flip(&[dim])?.try_cumsum(dim)?.try_flip(&[dim])?)])
            });
        }
        Ok(out)
    }
}
