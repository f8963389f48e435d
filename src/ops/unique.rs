//! Ops whose output size depends on the values: `nonzero`/`argwhere` and `unique` (of
//! elements, or of slices along a dim). None of them has a gradient; `unique` records
//! PyTorch's node, whose backward fails as PyTorch's does.

use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::ops::sort::order;
use crate::tensor::layout::wrap_dim;
use crate::{DType, Element, Error, Result, Tensor};
use std::cmp::Ordering;

/// The output of [`Tensor::unique`] and [`Tensor::unique_dim`]: the distinct values (or
/// slices) in sorted order, and on request where each input element went and how often
/// each value occurs.
#[derive(Debug, Clone)]
pub struct Unique {
    /// The distinct values (or slices), sorted, NaNs last (each NaN is distinct).
    pub values: Tensor,
    /// For each input element (or slice), the index of its value in `values`
    /// (`return_inverse=True`).
    pub inverse: Option<Tensor>,
    /// How many input elements (or slices) each value has (`return_counts=True`).
    pub counts: Option<Tensor>,
}

/// Sorts the `n` rows of `m` elements in `data` lexicographically (PyTorch's order, NaN
/// last) and groups equal rows (NaN equals nothing). Returns, per group, its first row in
/// sorted order, and per input row its group; and the group sizes.
fn group_rows<T: Element>(data: &[T], n: usize, m: usize) -> (Vec<usize>, Vec<i64>, Vec<i64>) {
    let row = |i: usize| &data[i * m..(i + 1) * m];
    let cmp = |a: &usize, b: &usize| {
        row(*a).iter().zip(row(*b)).map(|(x, y)| order(x, y)).find(|o| *o != Ordering::Equal).unwrap_or(Ordering::Equal)
    };
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(cmp);
    #[allow(clippy::eq_op)]
    let same = |a: usize, b: usize| row(a).iter().zip(row(b)).all(|(x, y)| x == y);
    let (mut firsts, mut inverse, mut counts) = (Vec::new(), vec![0i64; n], Vec::<i64>::new());
    for (k, &i) in idx.iter().enumerate() {
        if k == 0 || !same(idx[k - 1], i) {
            firsts.push(i);
            counts.push(0);
        }
        inverse[i] = firsts.len() as i64 - 1;
        *counts.last_mut().expect("a group was started") += 1;
    }
    (firsts, inverse, counts)
}

impl Tensor {
    /// The indices of the non-zero elements (`torch.nonzero`): an int64 tensor of shape
    /// `[count, dim]`, one row per element, in row-major order. NaN counts as non-zero.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1i64, 0, 0, 2], &[2, 2]);
    /// assert_eq!(t.nonzero().to_vec::<i64>(), vec![0, 0, 1, 1]);
    /// assert_eq!(t.nonzero().shape(), &[2, 2]);
    /// ```
    pub fn nonzero(&self) -> Tensor {
        let mask = self.detach().ne(0).contiguous();
        let flags = mask.to_vec::<bool>();
        let shape = self.shape();
        let mut out = Vec::new();
        for (flat, _) in flags.iter().enumerate().filter(|(_, f)| **f) {
            let mut rest = flat;
            let start = out.len();
            for &s in shape.iter().rev() {
                out.push((rest % s) as i64);
                rest /= s;
            }
            out[start..].reverse();
        }
        let count = flags.iter().filter(|f| **f).count();
        Tensor::from_vec(out, &[count, shape.len()])
    }

    /// The same as [`Tensor::nonzero`] (`torch.argwhere`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[0.0f32, 3.0, 0.0, -1.0]);
    /// assert_eq!(t.argwhere().to_vec::<i64>(), vec![1, 3]);
    /// ```
    pub fn argwhere(&self) -> Tensor {
        self.nonzero()
    }

    /// The distinct elements, sorted (`torch.unique`), with, on request, each element's
    /// index among them and each value's count. PyTorch's CPU kernel sorts whether or not
    /// `sorted` is asked, and so does this. Each NaN is distinct, and they come last.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[2i64, 1, 2, 5]);
    /// let u = t.unique(true, true, true);
    /// assert_eq!(u.values.to_vec::<i64>(), vec![1, 2, 5]);
    /// assert_eq!(u.inverse.unwrap().to_vec::<i64>(), vec![1, 0, 1, 2]);
    /// assert_eq!(u.counts.unwrap().to_vec::<i64>(), vec![1, 2, 1]);
    /// ```
    pub fn unique(&self, sorted: bool, return_inverse: bool, return_counts: bool) -> Unique {
        let _ = sorted; // Always sorted, as on PyTorch's CPU.
        let flat = self.detach().reshape(&[-1, 1]);
        let (values, inverse, counts) = flat.unique_rows();
        let out = Unique {
            values: values.reshape(&[-1]),
            inverse: return_inverse.then(|| inverse.reshape_usize(self.shape())),
            counts: return_counts.then_some(counts),
        };
        self.record_unique(&out.values, "Unique2Backward0", "_unique2");
        out
    }

    /// The distinct slices along `dim`, sorted lexicographically (`torch.unique(x, dim=d)`),
    /// with, on request, each slice's index among them and each one's count. Slices with NaN
    /// sort as [`Tensor::sort`] orders NaN (last); PyTorch compares them with `<`, which
    /// leaves their place unspecified.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1i64, 2, 1, 2, 0, 5], &[3, 2]);
    /// let u = t.unique_dim(0, true, true, true);
    /// assert_eq!(u.values.to_vec::<i64>(), vec![0, 5, 1, 2]);
    /// assert_eq!(u.inverse.unwrap().to_vec::<i64>(), vec![1, 1, 0]);
    /// ```
    #[track_caller]
    pub fn unique_dim(&self, dim: i64, sorted: bool, return_inverse: bool, return_counts: bool) -> Unique {
        unwrap(self.try_unique_dim(dim, sorted, return_inverse, return_counts))
    }

    /// Fallible twin of [`Tensor::unique_dim`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[2, 0]).try_unique_dim(0, true, false, false).unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "There are 0 sized dimensions, and they aren't selected, so unique cannot be applied"
    /// );
    /// ```
    pub fn try_unique_dim(&self, dim: i64, sorted: bool, return_inverse: bool, return_counts: bool) -> Result<Unique> {
        let _ = sorted;
        let d = wrap_dim(dim, self.dim())?;
        if self.dim() == 0 {
            return Ok(self.unique(sorted, return_inverse, return_counts));
        }
        if self.shape().iter().enumerate().any(|(k, &s)| s == 0 && k != d) {
            return Err(Error::Runtime(
                "There are 0 sized dimensions, and they aren't selected, so unique cannot be applied".into(),
            ));
        }
        // Each slice along `d` becomes one contiguous row.
        // PyTorch's `moveaxis(dim, 0)`: the other dims keep their order.
        let front: Vec<i64> = std::iter::once(d).chain((0..self.dim()).filter(|&k| k != d)).map(|k| k as i64).collect();
        let moved = self.detach().permute(&front).contiguous();
        let n = self.shape()[d];
        let row_len = moved.numel().checked_div(n).unwrap_or(0);
        let (values, inverse, counts) = moved.reshape_usize(&[n, row_len]).unique_rows();
        let mut shape = moved.shape().to_vec();
        shape[0] = values.shape()[0];
        let mut back = vec![0i64; self.dim()];
        for (k, &f) in front.iter().enumerate() {
            back[f as usize] = k as i64;
        }
        let values = values.reshape_usize(&shape).permute(&back).contiguous();
        let out =
            Unique { values, inverse: return_inverse.then_some(inverse), counts: return_counts.then_some(counts) };
        self.record_unique(&out.values, "UniqueDimBackward0", "unique_dim");
        Ok(out)
    }

    /// The distinct rows of a contiguous `[n, m]` tensor, their inverse and counts.
    fn unique_rows(&self) -> (Tensor, Tensor, Tensor) {
        let (n, m) = (self.shape()[0], self.shape()[1]);
        let (firsts, inverse, counts) = crate::dispatch!(self.dtype(), T => self.with_slice(|s: &[T], l| {
            group_rows(&s[l.offset..][..l.numel()], n, m)
        }));
        let rows = Tensor::from_vec(firsts.iter().map(|&i| i as i64).collect(), &[firsts.len()]);
        (self.index_select(0, &rows), Tensor::from_vec(inverse, &[n]), Tensor::from_vec(counts, &[firsts.len()]))
    }

    /// Records PyTorch's node for `unique`, whose backward fails with PyTorch's message.
    fn record_unique(&self, values: &Tensor, node: &'static str, aten: &'static str) {
        if needs_grad(&[self]) && self.dtype() != DType::Bool {
            record_unary(node, &[self], values, [], move |_| {
                Err(Error::NotImplemented(format!("the derivative for '{aten}' is not implemented.")))
            });
        }
    }
}
