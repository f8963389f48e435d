//! `sort`, `argsort` and `topk` along a dim. The order is PyTorch's CPU order: a stable sort
//! (equal elements, -0.0 and 0.0 included, keep their index order, in both directions) with
//! NaN above every number. The values' gradient goes back to the positions they came from
//! (`SortBackward0`, `TopkBackward0`).

use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::{DType, Element, Error, Result, Tensor};
use std::cmp::Ordering;

/// PyTorch's sort order: numbers by value, NaN after all of them (and equal to NaN).
pub(crate) fn order<T: PartialOrd>(a: &T, b: &T) -> Ordering {
    a.partial_cmp(b).unwrap_or_else(|| {
        #[allow(clippy::eq_op)]
        let nan = |x: &T| x != x;
        nan(a).cmp(&nan(b))
    })
}

/// For each contiguous row of `len` elements, the indices that sort it.
fn sorted_indices<T: Element>(data: &[T], len: usize, descending: bool) -> Vec<i64> {
    let mut out = Vec::with_capacity(data.len());
    let mut idx: Vec<usize> = Vec::with_capacity(len);
    for row in data.chunks(len.max(1)) {
        idx.clear();
        idx.extend(0..row.len());
        // `sort_by` is stable: equal keys keep their index order, in both directions.
        if descending {
            idx.sort_by(|&i, &j| order(&row[j], &row[i]));
        } else {
            idx.sort_by(|&i, &j| order(&row[i], &row[j]));
        }
        out.extend(idx.iter().map(|&i| i as i64));
    }
    out
}

impl Tensor {
    /// The indices that sort `self` along `dim` (before any gradient bookkeeping).
    pub(crate) fn sort_indices(&self, d: usize, descending: bool) -> Tensor {
        if self.dim() == 0 {
            return Tensor::zeros_dtype(&[], DType::I64);
        }
        let last = self.dim() as i64 - 1;
        let moved = self.detach().transpose(d as i64, last).contiguous();
        let len = self.shape()[d];
        let idx = crate::dispatch!(self.dtype(), T => moved.with_slice(|s: &[T], l| {
            sorted_indices(&s[l.offset..][..l.numel()], len, descending)
        }));
        Tensor::from_vec(idx, moved.shape()).transpose(d as i64, last).contiguous()
    }

    /// The elements of `self` at `indices` along `d`, recording `node`, whose gradient puts
    /// each value's gradient back where the value came from.
    pub(crate) fn select_sorted(&self, d: usize, indices: &Tensor, node: &'static str) -> Result<Tensor> {
        let values = crate::no_grad(|| self.detach().try_gather(d as i64, indices))?;
        if needs_grad(&[self]) {
            let (idx, shape, dtype) = (indices.clone(), self.shape().to_vec(), self.dtype());
            record_unary(node, &[self], &values, [], move |ctx| {
                let zeros = Tensor::zeros_dtype(&shape, dtype);
                Ok(vec![Some(zeros.try_scatter(d as i64, &idx, ctx.grad())?)])
            });
        }
        Ok(values)
    }

    /// Sorts along `dim` (`torch.sort(t, dim, descending)`): the sorted values and, as
    /// int64, where each came from. Stable; NaN sorts above every number.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[3.0f32, f32::NAN, 1.0, 3.0]);
    /// let (v, i) = t.sort(-1, false);
    /// assert_eq!(i.to_vec::<i64>(), vec![2, 0, 3, 1]);
    /// assert_eq!(v.to_vec::<f32>()[..3], [1.0, 3.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn sort(&self, dim: i64, descending: bool) -> (Tensor, Tensor) {
        unwrap(self.try_sort(dim, descending))
    }

    /// Fallible twin of [`Tensor::sort`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2, 3]).try_sort(2, false).is_err());
    /// ```
    pub fn try_sort(&self, dim: i64, descending: bool) -> Result<(Tensor, Tensor)> {
        let d = wrap_dim(dim, self.dim())?;
        let indices = self.sort_indices(d, descending);
        Ok((self.select_sorted(d, &indices, "SortBackward0")?, indices))
    }

    /// The indices that sort along `dim` (`torch.argsort`), as int64.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[2i64, 9, 4]);
    /// assert_eq!(t.argsort(0, true).to_vec::<i64>(), vec![1, 2, 0]);
    /// ```
    #[track_caller]
    pub fn argsort(&self, dim: i64, descending: bool) -> Tensor {
        unwrap(self.try_argsort(dim, descending))
    }

    /// Fallible twin of [`Tensor::argsort`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_argsort(1, false).is_err());
    /// ```
    pub fn try_argsort(&self, dim: i64, descending: bool) -> Result<Tensor> {
        let d = wrap_dim(dim, self.dim())?;
        Ok(self.sort_indices(d, descending))
    }

    /// The `k` largest (or, with `largest` false, smallest) elements along `dim` and their
    /// int64 indices (`torch.topk(t, k, dim, largest, sorted=True)`), in sorted order; equal
    /// elements come in index order, and NaN counts as the largest.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.0f32, 5.0, 3.0, 2.0]);
    /// let (v, i) = t.topk(2, -1, true);
    /// assert_eq!((v.to_vec::<f32>(), i.to_vec::<i64>()), (vec![5.0, 3.0], vec![1, 2]));
    /// ```
    #[track_caller]
    pub fn topk(&self, k: usize, dim: i64, largest: bool) -> (Tensor, Tensor) {
        unwrap(self.try_topk(k, dim, largest))
    }

    /// Fallible twin of [`Tensor::topk`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[3]).try_topk(4, 0, true).unwrap_err();
    /// assert_eq!(e.to_string(), "selected index k out of range");
    /// ```
    pub fn try_topk(&self, k: usize, dim: i64, largest: bool) -> Result<(Tensor, Tensor)> {
        let d = wrap_dim(dim, self.dim())?;
        let size = if self.dim() == 0 { 1 } else { self.shape()[d] };
        if k > size {
            return Err(Error::Runtime("selected index k out of range".into()));
        }
        let all = self.sort_indices(d, largest);
        let indices = if self.dim() == 0 { all } else { all.narrow(d as i64, 0, k).contiguous() };
        Ok((self.select_sorted(d, &indices, "TopkBackward0")?, indices))
    }
}
