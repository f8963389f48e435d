//! Joining tensors along a dim (`cat`, `stack`) and splitting one into views (`split`,
//! `split_with_sizes`, `chunk`, `unbind`), each with its gradient.

use crate::autograd::record::{needs_grad, record, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::{DType, Error, Result, Tensor};
use std::borrow::Borrow;

/// `torch.cat` skips 1-D empty tensors (the legacy "undefined" shape `[0]`) in its shape
/// checks, whatever the other tensors' rank.
fn is_legacy_empty(t: &Tensor) -> bool {
    t.shape() == [0]
}

/// The joined data of `tensors` along `dim` (no autograd): the result, the wrapped dim, and
/// for each input its `(offset, length)` along that dim (`None` for skipped legacy empties).
type CatParts = (Tensor, usize, Vec<Option<(usize, usize)>>);

fn cat_kernel(tensors: &[&Tensor], dim: i64) -> Result<CatParts> {
    if tensors.is_empty() {
        return Err(Error::Value("torch.cat(): expected a non-empty list of Tensors".into()));
    }
    if let Some(i) = tensors.iter().position(|t| t.dim() == 0) {
        return Err(Error::Runtime(format!("zero-dimensional tensor (at position {i}) cannot be concatenated")));
    }
    // Every input is dimensioned here, so promotion is plain `promote_types` over all of them.
    let dtype = tensors.iter().map(|t| t.dtype()).fold(DType::Bool, DType::promote);
    let Some(reference) = tensors.iter().find(|t| !is_legacy_empty(t)) else {
        return Ok((Tensor::zeros_dtype(&[0], dtype), 0, vec![None; tensors.len()]));
    };
    let d = wrap_dim(dim, reference.dim())?;
    let mut parts = Vec::with_capacity(tensors.len());
    let mut total = 0;
    for (i, t) in tensors.iter().enumerate() {
        if is_legacy_empty(t) {
            parts.push(None);
            continue;
        }
        if t.dim() != reference.dim() {
            return Err(Error::Runtime(format!(
                "Tensors must have same number of dimensions: got {} and {}",
                reference.dim(),
                t.dim()
            )));
        }
        for k in (0..t.dim()).filter(|&k| k != d) {
            if t.shape()[k] != reference.shape()[k] {
                return Err(Error::Runtime(format!(
                    "Sizes of tensors must match except in dimension {d}. Expected size {} but got size {} for tensor \
                     number {i} in the list.",
                    reference.shape()[k],
                    t.shape()[k]
                )));
            }
        }
        parts.push(Some((total, t.shape()[d])));
        total += t.shape()[d];
    }
    let mut shape = reference.shape().to_vec();
    shape[d] = total;
    let out = Tensor::zeros_dtype(&shape, dtype);
    for (t, part) in tensors.iter().zip(&parts) {
        if let Some((offset, len)) = *part {
            if len > 0 && t.numel() > 0 {
                let mut l = out.layout().clone();
                l.offset += offset * l.strides[d];
                l.shape[d] = len;
                out.alias_with_layout(l).copy_kernel(&t.detach());
            }
        }
    }
    Ok((out, d, parts))
}

fn refs<T: Borrow<Tensor>>(tensors: &[T]) -> Vec<&Tensor> {
    tensors.iter().map(|t| t.borrow()).collect()
}

impl Tensor {
    /// Concatenates tensors along an existing dim (`torch.cat(tensors, dim)`). The result
    /// has the promoted dtype of all inputs; 1-D empty tensors are skipped, as in PyTorch.
    /// Takes `&[&Tensor]` or `&[Tensor]`.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_vec(vec![1.0f32, 2.0], &[1, 2]);
    /// let b = Tensor::from_vec(vec![3i64, 4], &[1, 2]);
    /// let c = Tensor::cat(&[&a, &b], 0);
    /// assert_eq!(c.shape(), &[2, 2]);
    /// assert_eq!(c.to_vec::<f32>(), vec![1.0, 2.0, 3.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn cat<T: Borrow<Tensor>>(tensors: &[T], dim: i64) -> Tensor {
        unwrap(Tensor::try_cat(tensors, dim))
    }

    /// Fallible twin of [`Tensor::cat`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let err = Tensor::try_cat(&[Tensor::zeros(&[2, 3]), Tensor::zeros(&[2, 4])], 0).unwrap_err();
    /// assert!(err.to_string().starts_with("Sizes of tensors must match except in dimension 0"));
    /// ```
    pub fn try_cat<T: Borrow<Tensor>>(tensors: &[T], dim: i64) -> Result<Tensor> {
        let tensors = refs(tensors);
        let (out, d, parts) = cat_kernel(&tensors, dim)?;
        if needs_grad(&tensors) {
            record_unary("CatBackward0", &tensors, &out, [], move |ctx| {
                let g = ctx.grad();
                Ok(parts
                    .iter()
                    .map(|p| {
                        Some(match *p {
                            Some((offset, len)) => g.narrow(d as i64, offset as i64, len),
                            None => Tensor::zeros_dtype(&[0], g.dtype()),
                        })
                    })
                    .collect())
            });
        }
        Ok(out)
    }

    /// Joins equally shaped tensors along a new dim (`torch.stack(tensors, dim)`), with type
    /// promotion as [`Tensor::cat`]. Takes `&[&Tensor]` or `&[Tensor]`.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_slice(&[1.0f32, 2.0]);
    /// let b = Tensor::from_slice(&[3.0f32, 4.0]);
    /// let s = Tensor::stack(&[&a, &b], 1);
    /// assert_eq!(s.shape(), &[2, 2]);
    /// assert_eq!(s.to_vec::<f32>(), vec![1.0, 3.0, 2.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn stack<T: Borrow<Tensor>>(tensors: &[T], dim: i64) -> Tensor {
        unwrap(Tensor::try_stack(tensors, dim))
    }

    /// Fallible twin of [`Tensor::stack`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let err = Tensor::try_stack(&[Tensor::zeros(&[2]), Tensor::zeros(&[3])], 0).unwrap_err();
    /// assert!(err.to_string().starts_with("stack expects each tensor to be equal size"));
    /// ```
    pub fn try_stack<T: Borrow<Tensor>>(tensors: &[T], dim: i64) -> Result<Tensor> {
        let tensors = refs(tensors);
        let Some(first) = tensors.first() else {
            return Err(Error::Runtime("stack expects a non-empty TensorList".into()));
        };
        let d = wrap_dim(dim, first.dim() + 1)?;
        for (i, t) in tensors.iter().enumerate().skip(1) {
            if t.shape() != first.shape() {
                return Err(Error::Runtime(format!(
                    "stack expects each tensor to be equal size, but got {:?} at entry 0 and {:?} at entry {i}",
                    first.shape(),
                    t.shape()
                )));
            }
        }
        let unsqueezed: Vec<Tensor> = tensors.iter().map(|t| t.detach().unsqueeze(d as i64)).collect();
        let (out, _, _) = cat_kernel(&refs(&unsqueezed), d as i64)?;
        if needs_grad(&tensors) {
            let n = tensors.len();
            record_unary("StackBackward0", &tensors, &out, [], move |ctx| {
                Ok((0..n).map(|i| Some(ctx.grad().select(d as i64, i as i64))).collect())
            });
        }
        Ok(out)
    }

    /// Views of consecutive slices of `dim`, each of length `sizes[i]`, recorded as one node
    /// whose gradient concatenates the outputs' gradients.
    fn split_views(&self, sizes: &[usize], d: usize, name: &'static str) -> Vec<Tensor> {
        let mut offset = 0;
        let outs: Vec<Tensor> = sizes
            .iter()
            .map(|&len| {
                let mut l = self.layout().clone();
                l.offset += offset * l.strides[d];
                l.shape[d] = len;
                offset += len;
                self.alias_with_layout(l)
            })
            .collect();
        if needs_grad(&[self]) {
            let out_refs: Vec<&Tensor> = outs.iter().collect();
            record(name, &[self], &out_refs, [], move |ctx| Ok(vec![Some(Tensor::try_cat(ctx.grads, d as i64)?)]));
        }
        outs
    }

    /// Splits into views of `split_size` elements along `dim`; the last may be shorter
    /// (`tensor.split(split_size, dim)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::arange(0.0, 5.0, 1.0);
    /// let parts = t.split(2, 0);
    /// assert_eq!(parts.iter().map(|p| p.numel()).collect::<Vec<_>>(), vec![2, 2, 1]);
    /// assert!(parts[2].shares_storage(&t));
    /// ```
    #[track_caller]
    pub fn split(&self, split_size: usize, dim: i64) -> Vec<Tensor> {
        unwrap(self.try_split(split_size, dim))
    }

    /// Fallible twin of [`Tensor::split`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[3]).try_split(0, 0).is_err());
    /// ```
    pub fn try_split(&self, split_size: usize, dim: i64) -> Result<Vec<Tensor>> {
        if self.dim() == 0 {
            return Err(Error::Runtime("split expects at least a 1-dimensional tensor".into()));
        }
        let d = wrap_dim(dim, self.dim())?;
        let size = self.shape()[d];
        if split_size == 0 && size != 0 {
            return Err(Error::Runtime(format!(
                "split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )));
        }
        let n = if split_size == 0 { 1 } else { size.div_ceil(split_size).max(1) };
        let mut sizes = vec![split_size; n];
        sizes[n - 1] = size - split_size * (n - 1);
        Ok(self.split_views(&sizes, d, "SplitBackward0"))
    }

    /// Splits into views of the given lengths along `dim`, which must sum to its size
    /// (`tensor.split_with_sizes(sizes, dim)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[2, 5]);
    /// let parts = t.split_with_sizes(&[1, 4], 1);
    /// assert_eq!(parts[1].shape(), &[2, 4]);
    /// ```
    #[track_caller]
    pub fn split_with_sizes(&self, sizes: &[usize], dim: i64) -> Vec<Tensor> {
        unwrap(self.try_split_with_sizes(sizes, dim))
    }

    /// Fallible twin of [`Tensor::split_with_sizes`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[3]).try_split_with_sizes(&[1, 1], 0).is_err());
    /// ```
    pub fn try_split_with_sizes(&self, sizes: &[usize], dim: i64) -> Result<Vec<Tensor>> {
        if self.dim() == 0 {
            return Err(Error::Runtime("split expects at least a 1-dimensional tensor".into()));
        }
        let d = wrap_dim(dim, self.dim())?;
        let size = self.shape()[d];
        if sizes.iter().sum::<usize>() != size {
            return Err(Error::Runtime(format!(
                "split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension \
                 {d}), but got split_sizes={sizes:?}"
            )));
        }
        Ok(self.split_views(sizes, d, "SplitWithSizesBackward0"))
    }

    /// Splits into `chunks` views of `ceil(size / chunks)` elements along `dim` (fewer when
    /// the size runs out) (`tensor.chunk(chunks, dim)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[6, 2]);
    /// let parts = t.chunk(4, 0);
    /// assert_eq!(parts.iter().map(|p| p.shape()[0]).collect::<Vec<_>>(), vec![2, 2, 2]);
    /// ```
    #[track_caller]
    pub fn chunk(&self, chunks: usize, dim: i64) -> Vec<Tensor> {
        unwrap(self.try_chunk(chunks, dim))
    }

    /// Fallible twin of [`Tensor::chunk`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[3]).try_chunk(0, 0).is_err());
    /// ```
    pub fn try_chunk(&self, chunks: usize, dim: i64) -> Result<Vec<Tensor>> {
        if self.dim() == 0 {
            return Err(Error::Runtime("chunk expects at least a 1-dimensional tensor".into()));
        }
        if chunks == 0 {
            return Err(Error::Runtime("chunk expects `chunks` to be greater than 0, got: 0".into()));
        }
        let d = wrap_dim(dim, self.dim())?;
        let size = self.shape()[d];
        if size == 0 {
            // `split` would give one piece; PyTorch keeps the asked-for number of empty pieces.
            return Ok(self.split_views(&vec![0; chunks], d, "SplitWithSizesBackward0"));
        }
        self.try_split(size.div_ceil(chunks), dim)
    }

    /// The slices along `dim`, each without that dim, as views (`tensor.unbind(dim)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]);
    /// let cols = t.unbind(1);
    /// assert_eq!(cols[1].to_vec::<f32>(), vec![2.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn unbind(&self, dim: i64) -> Vec<Tensor> {
        unwrap(self.try_unbind(dim))
    }

    /// Fallible twin of [`Tensor::unbind`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::scalar(1.0f32).try_unbind(0).is_err());
    /// ```
    pub fn try_unbind(&self, dim: i64) -> Result<Vec<Tensor>> {
        if self.dim() == 0 {
            return Err(Error::Index(format!("Dimension specified as {dim} but tensor has no dimensions")));
        }
        let d = wrap_dim(dim, self.dim())?;
        let outs: Vec<Tensor> = (0..self.shape()[d])
            .map(|i| {
                let mut l = self.layout().clone();
                l.offset += i * l.strides[d];
                l.shape.remove(d);
                l.strides.remove(d);
                self.alias_with_layout(l)
            })
            .collect();
        if needs_grad(&[self]) && !outs.is_empty() {
            let out_refs: Vec<&Tensor> = outs.iter().collect();
            record("UnbindBackward0", &[self], &out_refs, [], move |ctx| {
                Ok(vec![Some(Tensor::try_stack(ctx.grads, d as i64)?)])
            });
        }
        Ok(outs)
    }
}
