//! Sum and mean over all elements or chosen dims, and `sum_to_size` (the engine's
//! broadcast reduction).

use crate::autograd::record::{needs_grad, record_unary};
use crate::backend::cpu::strided::walk;
use crate::error::unwrap;
use crate::tensor::layout::{contiguous_strides, wrap_dim};
use crate::{DType, Element, Error, Result, Tensor};

/// Normalises a dim list (negative dims, duplicates); an empty list means all dims.
pub(crate) fn reduce_dims(dims: &[i64], ndim: usize) -> Result<Vec<bool>> {
    let mut mask = vec![dims.is_empty(); ndim];
    for &d in dims {
        let d = wrap_dim(d, ndim)?;
        if ndim == 0 {
            continue;
        }
        if mask[d] {
            return Err(Error::Runtime(format!("dim {d} appears multiple times in the list of dims")));
        }
        mask[d] = true;
    }
    Ok(mask)
}

/// Output shape of a reduction over `mask`.
pub(crate) fn reduced_shape(shape: &[usize], mask: &[bool], keepdim: bool) -> Vec<usize> {
    shape.iter().zip(mask).filter_map(|(&s, &m)| if m { keepdim.then_some(1) } else { Some(s) }).collect()
}

/// Folds every element of `x` into the output slot it reduces to, in logical order.
pub(crate) fn fold_dims<T: Element, A: Copy>(
    x: &Tensor,
    mask: &[bool],
    init: A,
    step: impl Fn(A, T) -> A,
) -> (Vec<A>, Vec<usize>) {
    let kept: Vec<usize> = reduced_shape(x.shape(), mask, true);
    let out_n: usize = kept.iter().product();
    let mut acc = vec![init; out_n];
    let cs = contiguous_strides(&kept);
    let out_strides: Vec<usize> = cs.iter().zip(mask).map(|(&s, &m)| if m { 0 } else { s }).collect();
    x.with_slice(|data: &[T], l| {
        walk(&l.shape, [&l.strides, &out_strides], [l.offset, 0], |[i, o]| acc[o] = step(acc[o], data[i]));
    });
    (acc, kept)
}

/// Float sum in PyTorch's cascade order (bit for bit on the layouts PyTorch reduces the
/// same way: whole dense tensors, trailing dims and leading dims of contiguous ones).
fn float_sum<T: crate::NumElement + crate::backend::cpu::sum::SumFloat>(x: &Tensor, mask: &[bool]) -> Vec<T> {
    use crate::backend::cpu::sum::{sum_contiguous, sum_inner, sum_outer};
    let threads = crate::get_num_threads();
    let l = x.layout();
    if mask.iter().all(|&m| m) && l.is_dense() {
        return x.with_slice(|d: &[T], l| {
            let s = &d[l.offset..l.offset + l.numel()];
            if s.len() < super::binary_kernel::GRAIN_SIZE {
                vec![sum_contiguous(s, 1)]
            } else {
                vec![crate::threads::install(|| sum_contiguous(s, threads))]
            }
        });
    }
    let x = x.contiguous();
    let shape = x.shape();
    let first_reduced = mask.iter().position(|&m| m).unwrap_or(mask.len());
    let trailing = mask[first_reduced..].iter().all(|&m| m);
    let first_kept = mask.iter().position(|&m| !m).unwrap_or(mask.len());
    let leading = mask[first_kept..].iter().all(|&m| !m);
    let kept: usize = shape.iter().zip(mask).filter(|(_, &m)| !m).map(|(&s, _)| s).product();
    let reduced: usize = shape.iter().zip(mask).filter(|(_, &m)| m).map(|(&s, _)| s).product();
    if trailing || leading {
        return x.with_slice(|d: &[T], l| {
            let s = &d[l.offset..l.offset + l.numel()];
            let mut out = vec![T::default(); kept];
            let big = s.len() >= super::binary_kernel::GRAIN_SIZE;
            let threads = if big { threads } else { 1 };
            let mut run = || {
                if trailing {
                    sum_inner(s, kept, reduced, &mut out, threads)
                } else {
                    sum_outer(s, reduced, kept, &mut out, threads)
                }
            };
            if big {
                crate::threads::install(run)
            } else {
                run()
            }
            out
        });
    }
    fold_dims::<T, T>(&x, mask, T::default(), |a, v| a + v).0
}

impl Tensor {
    /// Sum of all elements (`torch.sum`); integer and bool tensors sum to int64.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1.0f32, 2.0]).sum().item(), 3.0);
    /// ```
    pub fn sum(&self) -> Tensor {
        unwrap(self.try_sum_dim(&[], false))
    }

    /// Sum over `dims` (`torch.sum(x, dims, keepdim)`); negative dims count from the end.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(t.sum_dim(&[0], false).to_vec::<f32>(), vec![4.0, 6.0]);
    /// assert_eq!(t.sum_dim(&[-1], true).shape(), &[2, 1]);
    /// ```
    #[track_caller]
    pub fn sum_dim(&self, dims: &[i64], keepdim: bool) -> Tensor {
        unwrap(self.try_sum_dim(dims, keepdim))
    }

    /// Fallible twin of [`Tensor::sum_dim`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_sum_dim(&[3], false).is_err());
    /// ```
    pub fn try_sum_dim(&self, dims: &[i64], keepdim: bool) -> Result<Tensor> {
        let mask = reduce_dims(dims, self.dim())?;
        let out_shape = reduced_shape(self.shape(), &mask, keepdim);
        let out = if self.dtype().is_floating_point() {
            crate::dispatch_float!(self.dtype(), T => Tensor::from_vec(float_sum::<T>(self, &mask), &out_shape),
                _ => unreachable!())
        } else {
            let x = self.to_dtype(DType::I64);
            let (acc, _) = fold_dims::<i64, i64>(&x, &mask, 0, |a, v| a.wrapping_add(v));
            Tensor::from_vec(acc, &out_shape)
        };
        if needs_grad(&[self]) {
            let in_shape: Vec<usize> = self.shape().to_vec();
            let keep_shape = reduced_shape(self.shape(), &mask, true);
            record_unary("SumBackward1", &[self], &out, vec![], move |ctx| {
                Ok(vec![Some(ctx.grad().reshape_usize(&keep_shape).expand(&in_shape))])
            });
        }
        Ok(out)
    }

    /// Mean of all elements (`torch.mean`); floating tensors only, as in PyTorch.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1.0f32, 2.0]).mean().item(), 1.5);
    /// ```
    #[track_caller]
    pub fn mean(&self) -> Tensor {
        unwrap(self.try_mean_dim(&[], false))
    }

    /// Mean over `dims` (`torch.mean(x, dims, keepdim)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(t.mean_dim(&[1], false).to_vec::<f32>(), vec![1.5, 3.5]);
    /// ```
    #[track_caller]
    pub fn mean_dim(&self, dims: &[i64], keepdim: bool) -> Tensor {
        unwrap(self.try_mean_dim(dims, keepdim))
    }

    /// Fallible twin of [`Tensor::mean_dim`].
    ///
    /// ```
    /// let e = torchlight::Tensor::from_slice(&[1i64]).try_mean_dim(&[], false).unwrap_err();
    /// assert!(e.to_string().starts_with("mean(): could not infer output dtype"));
    /// ```
    pub fn try_mean_dim(&self, dims: &[i64], keepdim: bool) -> Result<Tensor> {
        if !self.dtype().is_floating_point() {
            return Err(Error::Runtime(format!(
                "mean(): could not infer output dtype. Input dtype must be either a floating point or complex \
                 dtype. Got: {}",
                self.dtype().scalar_name()
            )));
        }
        let mask = reduce_dims(dims, self.dim())?;
        let count: usize = self.shape().iter().zip(&mask).filter(|(_, &m)| m).map(|(&s, _)| s).product();
        // PyTorch computes mean as sum / f32(n) in the tensor's dtype.
        let s = self.try_sum_dim(dims, keepdim)?;
        Ok(&s / count as f64)
    }

    /// Sums broadcast dims away so the result has `shape` (`tensor.sum_to_size`).
    ///
    /// ```
    /// let g = torchlight::Tensor::ones(&[2, 3]);
    /// assert_eq!(g.sum_to_size(&[1, 3]).to_vec::<f32>(), vec![2.0, 2.0, 2.0]);
    /// assert_eq!(g.sum_to_size(&[]).item(), 6.0);
    /// ```
    #[track_caller]
    pub fn sum_to_size(&self, shape: &[usize]) -> Tensor {
        unwrap(self.try_sum_to_size(shape))
    }

    /// Fallible twin of [`Tensor::sum_to_size`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2, 3]).try_sum_to_size(&[2]).is_err());
    /// ```
    pub fn try_sum_to_size(&self, shape: &[usize]) -> Result<Tensor> {
        let src = self.shape();
        if src == shape {
            return Ok(self.clone());
        }
        let lead = src
            .len()
            .checked_sub(shape.len())
            .ok_or_else(|| Error::Runtime(format!("size {{{shape:?}}} is not expandable to size {{{src:?}}}.")))?;
        let mut dims: Vec<i64> = (0..lead as i64).collect();
        for (i, &s) in shape.iter().enumerate() {
            let d = src[lead + i];
            if s == 1 && d != 1 {
                dims.push((lead + i) as i64);
            } else if s != d {
                return Err(Error::Runtime(format!("size {{{shape:?}}} is not expandable to size {{{src:?}}}.")));
            }
        }
        let summed = if dims.is_empty() { self.clone() } else { self.try_sum_dim(&dims, true)? };
        Ok(if lead > 0 || summed.shape() != shape { summed.reshape_usize(shape) } else { summed })
    }
}
