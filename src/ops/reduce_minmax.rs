//! Max and min reductions: over all elements (`max`, `min`), along one dim with indices
//! (`max_dim`, `min_dim`), indices only (`argmax`, `argmin`) and over several dims
//! (`amax`, `amin`), each with PyTorch's gradient.

// `v != v` is the NaN test that works for every element type.
#![allow(clippy::eq_op)]

use super::reduce::{fold_dims, reduce_dims, reduced_shape};
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::backend::cpu::strided::walk;
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::{dispatch, DType, Element, Error, Layout, Result, Tensor};

/// Whether `v` replaces the running extreme `best`: NaN wins and then sticks, and ties
/// keep the earlier element, as PyTorch's CPU kernels do.
#[inline]
fn better<T: Element>(v: T, best: T, max: bool) -> bool {
    if best != best {
        false
    } else if v != v {
        true
    } else if max {
        v > best
    } else {
        v < best
    }
}

/// The extreme of each slice along `dim` and its position in the slice.
fn select_dim<T: Element>(x: &Tensor, dim: usize, max: bool) -> (Vec<T>, Vec<i64>) {
    x.with_slice(|data: &[T], l| {
        let (n, step) = (l.shape[dim], l.strides[dim]);
        let mut shape = l.shape.clone();
        let mut strides = l.strides.clone();
        shape.remove(dim);
        strides.remove(dim);
        let count: usize = shape.iter().product();
        let (mut vals, mut idx) = (Vec::with_capacity(count), Vec::with_capacity(count));
        walk(&shape, [&strides], [l.offset], |[base]| {
            let (mut best, mut at) = (data[base], 0);
            for k in 1..n {
                let v = data[base + k * step];
                if better(v, best, max) {
                    best = v;
                    at = k;
                }
            }
            vals.push(best);
            idx.push(at as i64);
        });
        (vals, idx)
    })
}

/// The extreme over the dims in `mask` (NaN-propagating), one value per output slot.
fn extreme_dims(x: &Tensor, mask: &[bool], keepdim: bool, max: bool) -> Tensor {
    let shape = reduced_shape(x.shape(), mask, keepdim);
    dispatch!(x.dtype(), T => {
        let (acc, _) = fold_dims::<T, Option<T>>(x, mask, None, |a, v| match a {
            Some(b) if !better(v, b, max) => Some(b),
            _ => Some(v),
        });
        Tensor::from_vec(acc.into_iter().map(|v| v.unwrap_or_default()).collect::<Vec<T>>(), &shape)
    })
}

fn name(max: bool) -> &'static str {
    if max {
        "max"
    } else {
        "min"
    }
}

/// PyTorch's check that a full reduction without identity has elements.
fn check_nonempty_all(x: &Tensor, op: &str) -> Result<()> {
    if x.numel() == 0 {
        return Err(Error::Runtime(format!(
            "{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with \
             the 'dim' argument."
        )));
    }
    Ok(())
}

/// PyTorch's check that a reduced dim of a reduction without identity is not empty.
fn check_nonempty_dim(x: &Tensor, dim: usize, op: &str) -> Result<()> {
    if x.dim() > 0 && x.shape()[dim] == 0 {
        return Err(Error::Index(format!("{op}(): Expected reduction dim {dim} to have non-zero size.")));
    }
    Ok(())
}

/// A 0-dim tensor seen as a 1-element vector, so that dim 0 exists.
fn as_vector(x: &Tensor) -> Tensor {
    if x.dim() == 0 {
        x.alias_with_layout(Layout {
            shape: [1].as_slice().into(),
            strides: [1].as_slice().into(),
            offset: x.storage_offset(),
        })
    } else {
        x.clone()
    }
}

impl Tensor {
    /// The largest element, as a 0-dim tensor (`torch.max(x)`); NaN propagates. The
    /// gradient is split evenly among the elements equal to the maximum.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1.0f32, 3.0, 2.0]).max().item(), 3.0);
    /// ```
    #[track_caller]
    pub fn max(&self) -> Tensor {
        unwrap(self.try_max())
    }

    /// Fallible twin of [`Tensor::max`]: fails on an empty tensor, as PyTorch does.
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[0]).try_max().is_err());
    /// ```
    pub fn try_max(&self) -> Result<Tensor> {
        self.extreme_all(true)
    }

    /// The smallest element, as a 0-dim tensor (`torch.min(x)`); NaN propagates.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1.0f32, 3.0, 2.0]).min().item(), 1.0);
    /// ```
    #[track_caller]
    pub fn min(&self) -> Tensor {
        unwrap(self.try_min())
    }

    /// Fallible twin of [`Tensor::min`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[2, 0]).try_min().is_err());
    /// ```
    pub fn try_min(&self) -> Result<Tensor> {
        self.extreme_all(false)
    }

    fn extreme_all(&self, max: bool) -> Result<Tensor> {
        check_nonempty_all(self, name(max))?;
        let out = extreme_dims(self, &vec![true; self.dim()], false, max);
        if needs_grad(&[self]) {
            let node = if max { "MaxBackward1" } else { "MinBackward1" };
            let saved = vec![SavedTensor::input(self), SavedTensor::output(&out, 0)];
            record_unary(node, &[self], &out, saved, |ctx| {
                Ok(vec![Some(evenly_distribute_backward(ctx.grad(), &ctx.saved[0], &ctx.saved[1]))])
            });
        }
        Ok(out)
    }

    /// Largest values along `dim` and their indices (`torch.max(x, dim, keepdim)`); the
    /// indices are int64, ties give the first occurrence and NaN wins. The gradient goes
    /// to the returned index.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 5.0, 4.0, 2.0], &[2, 2]);
    /// let (v, i) = t.max_dim(-1, false);
    /// assert_eq!((v.to_vec::<f32>(), i.to_vec::<i64>()), (vec![5.0, 4.0], vec![1, 0]));
    /// ```
    #[track_caller]
    pub fn max_dim(&self, dim: i64, keepdim: bool) -> (Tensor, Tensor) {
        unwrap(self.try_max_dim(dim, keepdim))
    }

    /// Fallible twin of [`Tensor::max_dim`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[2, 0]).try_max_dim(1, false).is_err());
    /// ```
    pub fn try_max_dim(&self, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.extreme_dim(dim, keepdim, true)
    }

    /// Smallest values along `dim` and their indices (`torch.min(x, dim, keepdim)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 5.0, 4.0, 2.0], &[2, 2]);
    /// let (v, i) = t.min_dim(0, true);
    /// assert_eq!((v.to_vec::<f32>(), i.to_vec::<i64>()), (vec![1.0, 2.0], vec![0, 1]));
    /// ```
    #[track_caller]
    pub fn min_dim(&self, dim: i64, keepdim: bool) -> (Tensor, Tensor) {
        unwrap(self.try_min_dim(dim, keepdim))
    }

    /// Fallible twin of [`Tensor::min_dim`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[2, 3]).try_min_dim(2, false).is_err());
    /// ```
    pub fn try_min_dim(&self, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.extreme_dim(dim, keepdim, false)
    }

    fn extreme_dim(&self, dim: i64, keepdim: bool, max: bool) -> Result<(Tensor, Tensor)> {
        let d = wrap_dim(dim, self.dim())?;
        check_nonempty_dim(self, d, name(max))?;
        let (values, indices) = self.select_along(d, keepdim, max);
        if needs_grad(&[self]) {
            let node = if max { "MaxBackward0" } else { "MinBackward0" };
            let in_shape = self.shape().to_vec();
            let keep = reduced_shape(self.shape(), &one_hot(self.dim(), d), true);
            record_unary(node, &[self], &values, [SavedTensor::input(&indices)], move |ctx| {
                Ok(vec![Some(index_backward(ctx.grad(), &ctx.saved[0], d, &keep, &in_shape))])
            });
        }
        Ok((values, indices))
    }

    /// Values and int64 indices of the extremes along the (wrapped) dim `d`.
    fn select_along(&self, d: usize, keepdim: bool, max: bool) -> (Tensor, Tensor) {
        let shape = reduced_shape(self.shape(), &one_hot(self.dim(), d), keepdim);
        let x = as_vector(self);
        dispatch!(self.dtype(), T => {
            let (v, i) = select_dim::<T>(&x, d, max);
            (Tensor::from_vec(v, &shape), Tensor::from_vec(i, &shape))
        })
    }

    /// Index of the largest element along `dim`, or of the flattened tensor when `dim` is
    /// `None` (`torch.argmax`); ties give the first occurrence, NaN counts as largest.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 5.0, 4.0, 2.0], &[2, 2]);
    /// assert_eq!(t.argmax(None, false).to_vec::<i64>(), vec![1]);
    /// assert_eq!(t.argmax(Some(0), true).to_vec::<i64>(), vec![1, 0]);
    /// ```
    #[track_caller]
    pub fn argmax(&self, dim: Option<i64>, keepdim: bool) -> Tensor {
        unwrap(self.try_argmax(dim, keepdim))
    }

    /// Fallible twin of [`Tensor::argmax`]: bool tensors and empty reductions fail.
    ///
    /// ```
    /// assert!(torchlight::Tensor::from_slice(&[true]).try_argmax(None, false).is_err());
    /// ```
    pub fn try_argmax(&self, dim: Option<i64>, keepdim: bool) -> Result<Tensor> {
        self.arg_extreme(dim, keepdim, true)
    }

    /// Index of the smallest element (`torch.argmin`); see [`Tensor::argmax`].
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[3i64, 1, 1]);
    /// assert_eq!(t.argmin(Some(-1), false).to_vec::<i64>(), vec![1]);
    /// ```
    #[track_caller]
    pub fn argmin(&self, dim: Option<i64>, keepdim: bool) -> Tensor {
        unwrap(self.try_argmin(dim, keepdim))
    }

    /// Fallible twin of [`Tensor::argmin`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[0]).try_argmin(None, false).is_err());
    /// ```
    pub fn try_argmin(&self, dim: Option<i64>, keepdim: bool) -> Result<Tensor> {
        self.arg_extreme(dim, keepdim, false)
    }

    fn arg_extreme(&self, dim: Option<i64>, keepdim: bool, max: bool) -> Result<Tensor> {
        let op = if max { "argmax" } else { "argmin" };
        if self.dtype() == DType::Bool {
            return Err(Error::NotImplemented(format!("{op}(): does not support bool input")));
        }
        match dim {
            Some(dim) => {
                let d = wrap_dim(dim, self.dim())?;
                check_nonempty_dim(self, d, op)?;
                Ok(self.detach().select_along(d, keepdim, max).1)
            }
            None => {
                if self.numel() == 0 {
                    return Err(Error::Index(format!(
                        "{op}(): Expected reduction dim to be specified for input.numel() == 0."
                    )));
                }
                let flat = self.detach().reshape_usize(&[self.numel()]);
                let i = flat.select_along(0, false, max).1;
                let shape = if keepdim { vec![1; self.dim()] } else { vec![] };
                Ok(i.reshape_usize(&shape))
            }
        }
    }

    /// Largest values over `dims` (all dims when empty), without indices (`torch.amax`);
    /// NaN propagates. The gradient is split evenly among ties.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 5.0, 4.0, 2.0], &[2, 2]);
    /// assert_eq!(t.amax(&[0], false).to_vec::<f32>(), vec![4.0, 5.0]);
    /// assert_eq!(t.amax(&[], false).item(), 5.0);
    /// ```
    #[track_caller]
    pub fn amax(&self, dims: &[i64], keepdim: bool) -> Tensor {
        unwrap(self.try_amax(dims, keepdim))
    }

    /// Fallible twin of [`Tensor::amax`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[2, 3]).try_amax(&[1, -1], false).is_err());
    /// ```
    pub fn try_amax(&self, dims: &[i64], keepdim: bool) -> Result<Tensor> {
        self.extreme_multi(dims, keepdim, true)
    }

    /// Smallest values over `dims` (all dims when empty) (`torch.amin`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 5.0, 4.0, 2.0], &[2, 2]);
    /// assert_eq!(t.amin(&[-1], true).to_vec::<f32>(), vec![1.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn amin(&self, dims: &[i64], keepdim: bool) -> Tensor {
        unwrap(self.try_amin(dims, keepdim))
    }

    /// Fallible twin of [`Tensor::amin`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[0]).try_amin(&[], false).is_err());
    /// ```
    pub fn try_amin(&self, dims: &[i64], keepdim: bool) -> Result<Tensor> {
        self.extreme_multi(dims, keepdim, false)
    }

    fn extreme_multi(&self, dims: &[i64], keepdim: bool, max: bool) -> Result<Tensor> {
        let op = if max { "amax" } else { "amin" };
        let mask = reduce_dims(dims, self.dim())?;
        if dims.is_empty() {
            check_nonempty_all(self, op)?;
        }
        for d in (0..self.dim()).filter(|&d| mask[d]) {
            check_nonempty_dim(self, d, op)?;
        }
        let out = extreme_dims(self, &mask, keepdim, max);
        if needs_grad(&[self]) {
            let node = if max { "AmaxBackward0" } else { "AminBackward0" };
            let keep = reduced_shape(self.shape(), &mask, true);
            let dims: Vec<i64> = (0..self.dim() as i64).filter(|&d| mask[d as usize]).collect();
            let saved = vec![SavedTensor::input(self), SavedTensor::output(&out, 0)];
            record_unary(node, &[self], &out, saved, move |ctx| {
                // PyTorch's scale_grad_by_count: grad / (number of ties) at each tie.
                let (x, value) = (&ctx.saved[0], &ctx.saved[1]);
                let mask = value.reshape_usize(&keep).eq(x);
                let count = mask.sum_dim(&dims, true);
                Ok(vec![Some(&(&ctx.grad().reshape_usize(&keep) / &count) * &mask)])
            });
        }
        Ok(out)
    }
}

/// A mask with only `d` set (for a 0-dim tensor, the empty mask).
fn one_hot(ndim: usize, d: usize) -> Vec<bool> {
    (0..ndim).map(|i| i == d).collect()
}

/// The gradient of a value-selecting reduction along `d`: `grad` placed at `indices`
/// (PyTorch's `value_selecting_reduction_backward`, a scatter into zeros).
fn index_backward(grad: &Tensor, indices: &Tensor, d: usize, keep: &[usize], in_shape: &[usize]) -> Tensor {
    if in_shape.is_empty() {
        return grad.clone();
    }
    let n = in_shape[d];
    let mut pos_shape = vec![1; in_shape.len()];
    pos_shape[d] = n;
    let positions = Tensor::from_vec((0..n as i64).collect(), &pos_shape);
    let hit = positions.eq(&indices.reshape_usize(keep));
    grad.reshape_usize(keep).expand(in_shape).masked_fill(&hit.logical_not(), 0.0)
}

/// The gradient of a reduction to one element `value` of `x` (max, min, median), as
/// PyTorch's `evenly_distribute_backward`: the elements equal to `value` (or the NaNs, if it
/// is NaN) share `g` equally.
pub(crate) fn evenly_distribute_backward(g: &Tensor, x: &Tensor, value: &Tensor) -> Tensor {
    let mask = if value.ne(value).item() != 0.0 { x.ne(x) } else { x.eq(value) };
    let share = g / &mask.sum();
    share.expand(x.shape()).masked_fill(&mask.logical_not(), 0.0)
}
