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
    // A 0-dim tensor accepts dim 0 (or -1) once, like a 1-element vector.
    let mut seen = vec![false; ndim.max(1)];
    for &d in dims {
        let d = wrap_dim(d, ndim)?;
        if seen[d] {
            return Err(Error::Runtime(format!("dim {d} appears multiple times in the list of dims")));
        }
        seen[d] = true;
        if ndim > 0 {
            mask[d] = true;
        }
    }
    Ok(mask)
}

/// Output shape of a reduction over `mask`.
pub(crate) fn reduced_shape(shape: &[usize], mask: &[bool], keepdim: bool) -> Vec<usize> {
    shape.iter().zip(mask).filter_map(|(&s, &m)| if m { keepdim.then_some(1) } else { Some(s) }).collect()
}

/// Number of elements each output slot of a reduction over `mask` gathers.
pub(crate) fn reduced_count(shape: &[usize], mask: &[bool]) -> usize {
    shape.iter().zip(mask).filter(|&(_, &m)| m).map(|(&s, _)| s).product()
}

/// Calls `f(slot, value)` for every element of `x`, in logical order, with the index of
/// the output slot (in the keepdim output, row-major) that the element reduces to.
pub(crate) fn for_each_slot<T: Element>(x: &Tensor, mask: &[bool], mut f: impl FnMut(usize, T)) {
    let kept: Vec<usize> = reduced_shape(x.shape(), mask, true);
    let cs = contiguous_strides(&kept);
    let out_strides: Vec<usize> = cs.iter().zip(mask).map(|(&s, &m)| if m { 0 } else { s }).collect();
    x.with_slice(|data: &[T], l| {
        walk(&l.shape, [&l.strides, &out_strides], [l.offset, 0], |[i, o]| f(o, data[i]));
    });
}

/// Folds every element of `x` into the output slot it reduces to, in logical order.
pub(crate) fn fold_dims<T: Element, A: Copy>(
    x: &Tensor,
    mask: &[bool],
    init: A,
    step: impl Fn(A, T) -> A,
) -> (Vec<A>, Vec<usize>) {
    let kept: Vec<usize> = reduced_shape(x.shape(), mask, true);
    let mut acc = vec![init; kept.iter().product()];
    for_each_slot(x, mask, |o, v: T| acc[o] = step(acc[o], v));
    (acc, kept)
}

/// Float sum in PyTorch's cascade order, bit for bit on dense tensors.
///
/// Like TensorIterator, this ignores size-1 dims and walks a dense tensor in storage
/// order (so transposed and permuted views sum as their storage does). With the dims in
/// that order as `outer kept | reduced | inner kept`, torch sums each reduced run with
/// `sum_inner` (no inner dims), `sum_outer` (no outer dims) or `sum_outer` per outer
/// index. Other patterns (reduced dims on both sides of a kept one) and non-dense inputs
/// are not replicated: they fold in logical order.
fn float_sum<T: crate::NumElement + crate::backend::cpu::sum::SumFloat>(x: &Tensor, mask: &[bool]) -> Vec<T> {
    use crate::backend::cpu::sum::{sum_inner, sum_outer};
    let out_len: usize = x.shape().iter().zip(mask).filter(|&(_, &m)| !m).map(|(&s, _)| s).product();
    if x.numel() == 0 {
        return vec![T::default(); out_len];
    }
    let x = if x.layout().is_dense() { x.clone() } else { x.contiguous() };
    let l = x.layout();
    // Dims that matter, outermost in storage first.
    let mut order: Vec<usize> = (0..l.dim()).filter(|&d| l.shape[d] != 1).collect();
    order.sort_by(|&a, &b| l.strides[b].cmp(&l.strides[a]));
    let red: Vec<bool> = order.iter().map(|&d| mask[d]).collect();
    let a = red.iter().position(|&m| m).unwrap_or(red.len());
    let b = a + red[a..].iter().position(|&m| !m).unwrap_or(red.len() - a);
    if red[b..].iter().any(|&m| m) {
        return fold_dims::<T, T>(&x, mask, T::default(), |acc, v| acc + v).0;
    }
    let size = |dims: &[usize]| dims.iter().map(|&d| l.shape[d]).product::<usize>();
    let (outer, reduced, inner) = (size(&order[..a]), size(&order[a..b]), size(&order[b..]));
    let big = x.numel() >= super::binary_kernel::GRAIN_SIZE;
    let threads = if big { crate::get_num_threads() } else { 1 };
    let mut out = vec![T::default(); outer * inner];
    x.with_slice(|d: &[T], l| {
        let s = &d[l.offset..l.offset + l.numel()];
        let mut run = || {
            if inner == 1 {
                sum_inner(s, outer, reduced, &mut out, threads)
            } else if outer == 1 {
                sum_outer(s, reduced, inner, &mut out, threads)
            } else {
                for (block, o) in s.chunks(reduced * inner).zip(out.chunks_mut(inner)) {
                    sum_outer(block, reduced, inner, o, 1)
                }
            }
        };
        if big {
            crate::threads::install(run)
        } else {
            run()
        }
    });
    // `out` lists the kept dims in storage order; put them back in logical order.
    let kept: Vec<usize> = order.iter().copied().filter(|&d| !mask[d]).collect();
    if kept.windows(2).all(|w| w[0] < w[1]) {
        return out;
    }
    let shape: Vec<usize> = kept.iter().map(|&d| l.shape[d]).collect();
    let mut logical = kept.clone();
    logical.sort_unstable();
    let perm: Vec<i64> = logical.iter().map(|d| kept.iter().position(|k| k == d).unwrap() as i64).collect();
    Tensor::from_vec(out, &shape).permute(&perm).contiguous_vec()
}

impl Tensor {
    /// Sum of all elements (`torch.sum`); integer and bool tensors sum to int64.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1.0f32, 2.0]).sum().item(), 3.0);
    /// ```
    pub fn sum(&self) -> Tensor {
        // PyTorch's full sum is its own overload, with its own node name.
        unwrap(self.sum_named(&[], false, "SumBackward0"))
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
        self.sum_named(dims, keepdim, "SumBackward1")
    }

    /// The sum, recording its gradient under `name`.
    fn sum_named(&self, dims: &[i64], keepdim: bool, name: &'static str) -> Result<Tensor> {
        if dims.is_empty() && !keepdim && self.dtype().is_floating_point() && self.is_contiguous() {
            // The full sum of a contiguous tensor (a loss, a gradient of a scalar parameter):
            // the one cascade `float_sum` would reach, without its dim bookkeeping.
            let out = crate::dispatch_float!(self.dtype(), T => Tensor::scalar(self.with_slice(|d: &[T], l| {
                let s = &d[l.offset..l.offset + l.numel()];
                if s.len() >= super::binary_kernel::GRAIN_SIZE {
                    let threads = crate::get_num_threads();
                    crate::threads::install(|| crate::backend::cpu::sum::sum_contiguous(s, threads))
                } else {
                    crate::backend::cpu::sum::sum_contiguous(s, 1)
                }
            })), _ => unreachable!());
            if needs_grad(&[self]) {
                self.record_spread(&out, &vec![true; self.dim()], name, None);
            }
            return Ok(out);
        }
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
        self.record_spread(&out, &mask, name, None);
        Ok(out)
    }

    /// Mean of all elements (`torch.mean`); floating tensors only, as in PyTorch.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1.0f32, 2.0]).mean().item(), 1.5);
    /// ```
    #[track_caller]
    pub fn mean(&self) -> Tensor {
        unwrap(self.mean_named(&[], false, "MeanBackward0"))
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
        self.mean_named(dims, keepdim, "MeanBackward1")
    }

    /// The mean, recording its gradient under `name` (one node, as PyTorch records it).
    fn mean_named(&self, dims: &[i64], keepdim: bool, name: &'static str) -> Result<Tensor> {
        if !self.dtype().is_floating_point() {
            // PyTorch raises NotImplementedError here.
            return Err(Error::NotImplemented(format!(
                "mean(): could not infer output dtype. Input dtype must be either a floating point or complex \
                 dtype. Got: {}",
                self.dtype().scalar_name()
            )));
        }
        let mask = reduce_dims(dims, self.dim())?;
        let count = reduced_count(self.shape(), &mask);
        // PyTorch computes mean as sum / f32(n) in the tensor's dtype.
        let out = crate::no_grad(|| Ok::<_, Error>(&self.try_sum_dim(dims, keepdim)? / count as f64))?;
        self.record_spread(&out, &mask, name, Some(count as f64));
        Ok(out)
    }

    /// Records the gradient of a sum (or, with `divisor`, a mean) over the dims in `mask`: the
    /// incoming gradient spread back over the reduced dims.
    fn record_spread(&self, out: &Tensor, mask: &[bool], name: &'static str, divisor: Option<f64>) {
        if !needs_grad(&[self]) {
            return;
        }
        let in_shape: Vec<usize> = self.shape().to_vec();
        let keep_shape = reduced_shape(self.shape(), mask, true);
        record_unary(name, &[self], out, [], move |ctx| {
            let g = ctx.grad().reshape_usize(&keep_shape).expand(&in_shape);
            Ok(vec![Some(match divisor {
                Some(n) => &g / n,
                None => g,
            })])
        });
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
        let mut dims: smallvec::SmallVec<[i64; 6]> = (0..lead as i64).collect();
        for (i, &s) in shape.iter().enumerate() {
            let d = src[lead + i];
            if s == 1 && d != 1 {
                dims.push((lead + i) as i64);
            } else if s != d {
                return Err(Error::Runtime(format!("size {{{shape:?}}} is not expandable to size {{{src:?}}}.")));
            }
        }
        if dims.len() == lead && !crate::autograd::record::needs_grad(&[self]) {
            // Only leading dims go: dropping them gives the target shape without a reshape
            // (a broadcast scalar's gradient, `[2000]` to `[]`, is one sum). When recording,
            // the sum and view below are kept, as PyTorch's `sum_to` records both.
            return if lead == 0 { Ok(self.clone()) } else { self.try_sum_dim(&dims, false) };
        }
        let summed = self.try_sum_dim(&dims, true)?;
        Ok(if lead > 0 || summed.shape() != shape { summed.reshape_usize(shape) } else { summed })
    }
}
