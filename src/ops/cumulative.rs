//! Running reductions along a dim: `cumsum` and `cumprod`, accumulated as PyTorch's CPU
//! kernel accumulates them (in f64 for float tensors, rounded to the tensor's dtype at each
//! output), and `cummax`/`cummin` with the index of each running extreme; each with
//! PyTorch's gradient.

use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::{DType, Result, Tensor};
use std::num::Wrapping;

/// The running reductions that accumulate a value.
#[derive(Clone, Copy, PartialEq)]
enum Scan {
    Sum,
    Prod,
}

/// Running reductions of each contiguous row of `len` elements, accumulated in `A`.
fn scan_rows<T: crate::Element, A: Copy + std::ops::Add<Output = A> + std::ops::Mul<Output = A>>(
    src: &[T],
    len: usize,
    scan: Scan,
    [zero, one]: [A; 2],
    widen: impl Fn(T) -> A,
    narrow: impl Fn(A) -> T,
) -> Vec<T> {
    let mut out = Vec::with_capacity(src.len());
    for row in src.chunks(len.max(1)) {
        let mut acc = if scan == Scan::Sum { zero } else { one };
        for &x in row {
            acc = if scan == Scan::Sum { acc + widen(x) } else { acc * widen(x) };
            out.push(narrow(acc));
        }
    }
    out
}

/// For each contiguous row, the running maximum (`greater` true) or minimum and the index
/// where it was last reached. As PyTorch's `cummax_cummin_helper`: a NaN, or an element at
/// least as extreme as the running one, takes over; nothing takes over from a NaN but NaN.
fn extreme_rows<T: crate::Element>(src: &[T], len: usize, greater: bool) -> (Vec<T>, Vec<i64>) {
    #[allow(clippy::eq_op)]
    let nan = |x: T| x != x;
    let (mut values, mut indices) = (Vec::with_capacity(src.len()), Vec::with_capacity(src.len()));
    for row in src.chunks(len.max(1)) {
        let (mut best, mut at) = (row[0], 0i64);
        for (i, &x) in row.iter().enumerate() {
            let wins = if greater { x >= best } else { x <= best };
            if nan(x) || (!nan(best) && wins) {
                (best, at) = (x, i as i64);
            }
            values.push(best);
            indices.push(at);
        }
    }
    (values, indices)
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
        let out = self.scan(dim, Scan::Sum)?;
        if needs_grad(&[self]) {
            record_unary("CumsumBackward0", &[self], &out, [], move |ctx| {
                Ok(vec![Some(reversed_cumsum(ctx.grad(), dim)?)])
            });
        }
        Ok(out)
    }

    /// Running products along `dim` (`torch.cumprod`); negative dims count from the end.
    /// Integer and bool tensors give int64, float tensors keep their dtype.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0]);
    /// assert_eq!(t.cumprod(0).to_vec::<f32>(), vec![1.0, 2.0, 6.0, 24.0]);
    /// ```
    #[track_caller]
    pub fn cumprod(&self, dim: i64) -> Tensor {
        unwrap(self.try_cumprod(dim))
    }

    /// Fallible twin of [`Tensor::cumprod`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2, 3]).try_cumprod(-3).is_err());
    /// ```
    pub fn try_cumprod(&self, dim: i64) -> Result<Tensor> {
        let out = self.scan(dim, Scan::Prod)?;
        if needs_grad(&[self]) {
            let saved = [SavedTensor::input(self), SavedTensor::output(&out, 0)];
            record_unary("CumprodBackward0", &[self], &out, saved, move |ctx| {
                Ok(vec![Some(cumprod_backward(ctx.grad(), &ctx.saved[0], &ctx.saved[1], dim)?)])
            });
        }
        Ok(out)
    }

    /// The running maximum along `dim` and, as int64, the index where each was reached
    /// (`torch.cummax`). Ties take the later index; NaN propagates.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1i64, 3, 2, 3]);
    /// let (v, i) = t.cummax(0);
    /// assert_eq!((v.to_vec::<i64>(), i.to_vec::<i64>()), (vec![1, 3, 3, 3], vec![0, 1, 1, 3]));
    /// ```
    #[track_caller]
    pub fn cummax(&self, dim: i64) -> (Tensor, Tensor) {
        unwrap(self.try_cummax(dim))
    }

    /// Fallible twin of [`Tensor::cummax`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_cummax(1).is_err());
    /// ```
    pub fn try_cummax(&self, dim: i64) -> Result<(Tensor, Tensor)> {
        self.running_extreme(dim, true)
    }

    /// The running minimum along `dim` and, as int64, the index where each was reached
    /// (`torch.cummin`). Ties take the later index; NaN propagates.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[2.0f32, 1.0, 3.0]);
    /// let (v, i) = t.cummin(0);
    /// assert_eq!((v.to_vec::<f32>(), i.to_vec::<i64>()), (vec![2.0, 1.0, 1.0], vec![0, 1, 1]));
    /// ```
    #[track_caller]
    pub fn cummin(&self, dim: i64) -> (Tensor, Tensor) {
        unwrap(self.try_cummin(dim))
    }

    /// Fallible twin of [`Tensor::cummin`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_cummin(-2).is_err());
    /// ```
    pub fn try_cummin(&self, dim: i64) -> Result<(Tensor, Tensor)> {
        self.running_extreme(dim, false)
    }

    /// `f` applied to each row along `d` of `x` laid out with that dim last and contiguous,
    /// the results put back in `x`'s dim order.
    fn along_rows(x: &Tensor, d: usize, f: impl FnOnce(&Tensor, usize) -> Tensor) -> Tensor {
        let last = x.dim() as i64 - 1;
        let moved = x.transpose(d as i64, last).contiguous();
        f(&moved, x.shape()[d]).transpose(d as i64, last).contiguous()
    }

    /// The forward of `cumsum` and `cumprod`, without gradient bookkeeping.
    fn scan(&self, dim: i64, scan: Scan) -> Result<Tensor> {
        let d = wrap_dim(dim, self.dim())?;
        let dtype = if self.dtype().is_floating_point() { self.dtype() } else { DType::I64 };
        let x = self.detach().to_dtype(dtype);
        if self.dim() == 0 {
            return Ok(x.copy());
        }
        Ok(Tensor::along_rows(&x, d, |moved, len| {
            let rows = |l: &crate::Layout| l.offset..l.offset + l.numel();
            match dtype {
                DType::F32 => Tensor::from_vec(
                    moved.with_slice(|s: &[f32], l| {
                        scan_rows(&s[rows(l)], len, scan, [0.0, 1.0], f64::from, |a| a as f32)
                    }),
                    moved.shape(),
                ),
                DType::F64 => Tensor::from_vec(
                    moved.with_slice(|s: &[f64], l| scan_rows(&s[rows(l)], len, scan, [0.0, 1.0], |x| x, |a| a)),
                    moved.shape(),
                ),
                _ => Tensor::from_vec(
                    moved.with_slice(|s: &[i64], l| {
                        scan_rows(&s[rows(l)], len, scan, [Wrapping(0), Wrapping(1)], Wrapping, |a| a.0)
                    }),
                    moved.shape(),
                ),
            }
        }))
    }

    fn running_extreme(&self, dim: i64, greater: bool) -> Result<(Tensor, Tensor)> {
        let d = wrap_dim(dim, self.dim())?;
        let x = self.detach();
        let (values, indices) = if self.dim() == 0 || self.numel() == 0 {
            (x.copy(), Tensor::zeros_dtype(self.shape(), DType::I64))
        } else {
            let mut indices = None;
            let values = Tensor::along_rows(&x, d, |moved, len| {
                let (v, i) = crate::dispatch!(self.dtype(), T => {
                    let (v, i) = moved.with_slice(|s: &[T], l| extreme_rows(&s[l.offset..][..l.numel()], len, greater));
                    (Tensor::from_vec(v, moved.shape()), i)
                });
                let last = self.dim() as i64 - 1;
                indices = Some(Tensor::from_vec(i, moved.shape()).transpose(d as i64, last).contiguous());
                v
            });
            (values, indices.expect("along_rows calls its function"))
        };
        if needs_grad(&[self]) {
            let node = if greater { "CummaxBackward0" } else { "CumminBackward0" };
            let (idx, shape, dtype) = (indices.clone(), self.shape().to_vec(), self.dtype());
            record_unary(node, &[self], &values, [], move |ctx| {
                // Each running extreme's gradient goes to the element it came from.
                if shape.is_empty() {
                    return Ok(vec![Some(ctx.grad().clone())]);
                }
                let zeros = Tensor::zeros_dtype(&shape, dtype);
                Ok(vec![Some(zeros.try_scatter_add(d as i64, &idx, ctx.grad())?)])
            });
        }
        Ok((values, indices))
    }
}

/// PyTorch's reversed running sum: `flip(cumsum(flip(g)))`.
fn reversed_cumsum(g: &Tensor, dim: i64) -> Result<Tensor> {
    g.try_flip(&[dim])?.try_cumsum(dim)?.try_flip(&[dim])
}

/// The gradient of `out = cumprod(x)`, as PyTorch's `cumprod_backward`, from differentiable
/// ops so that it can itself be differentiated. Without zeros in `x` it is
/// `reversed_cumsum(g * out) / x`. With zeros, along each row: before the first zero the
/// same formula (those `x` are not zero); at the first zero `z`, the sum over `j >= z` of
/// `g[j]` times the product of `x[..=j]` without `x[z]`; after it, zero.
fn cumprod_backward(g: &Tensor, x: &Tensor, out: &Tensor, dim: i64) -> Result<Tensor> {
    if x.numel() <= 1 {
        return Ok(g.clone());
    }
    let is_zero = x.eq(0.0);
    if !is_zero.any().to_vec::<bool>()[0] {
        return reversed_cumsum(&g.try_mul(out)?, dim)?.try_div(x);
    }
    let zeros_so_far = is_zero.try_cumsum(dim)?;
    let before = zeros_so_far.eq(0);
    let first_zero = is_zero.logical_and(&zeros_so_far.eq(1));
    let from_first = zeros_so_far.ge(1);
    let safe_x = x.masked_fill(&before.logical_not(), 1.0);
    let part_before = reversed_cumsum(&g.try_mul(out)?.masked_fill(&before.logical_not(), 0.0), dim)?
        .try_div(&safe_x)?
        .masked_fill(&before.logical_not(), 0.0);
    // The products with the first zero replaced by 1; a later zero still zeroes them.
    let without_first = x.masked_fill(&first_zero, 1.0).try_cumprod(dim)?;
    let at_first = reversed_cumsum(&g.try_mul(&without_first)?.masked_fill(&from_first.logical_not(), 0.0), dim)?
        .masked_fill(&first_zero.logical_not(), 0.0);
    part_before.try_add(&at_first)
}
