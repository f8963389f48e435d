//! View ops: new layouts over the same storage (view, reshape, squeeze, unsqueeze,
//! permute, transpose, expand, narrow, select, flatten), each with its gradient.

use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::{contiguous_strides, wrap_dim, Layout, Shape};
use crate::{Error, Result, Tensor};

/// Resolves a shape with at most one `-1` against `numel` (PyTorch's `infer_size`).
pub(crate) fn infer_shape(shape: &[i64], numel: usize) -> Result<Shape> {
    let mut infer = None;
    let mut known: usize = 1;
    for (i, &s) in shape.iter().enumerate() {
        if s == -1 {
            if infer.is_some() {
                return Err(Error::Runtime("only one dimension can be inferred".into()));
            }
            infer = Some(i);
        } else if s < 0 {
            return Err(Error::Runtime(format!(
                "invalid shape dimension {s} at index {i} of shape {}",
                shape_str_i(shape)
            )));
        } else {
            known = known.saturating_mul(s as usize);
        }
    }
    let mut out: Shape = shape.iter().map(|&s| s.max(0) as usize).collect();
    if numel == known || (infer.is_some() && known > 0 && numel % known == 0) {
        if let Some(i) = infer {
            // With no elements, a -1 could stand for any size.
            if known == 0 {
                return Err(Error::Runtime(format!(
                    "cannot reshape tensor of 0 elements into shape {} because the unspecified dimension size -1 \
                     can be any value and is ambiguous",
                    shape_str_i(shape)
                )));
            }
            out[i] = numel / known;
        }
        return Ok(out);
    }
    Err(Error::Runtime(format!("shape '{}' is invalid for input of size {numel}", shape_str_i(shape))))
}

fn shape_str_i(shape: &[i64]) -> String {
    format!("{shape:?}")
}

/// PyTorch's `computeStride`: strides for viewing `layout` as `new_shape` without a copy,
/// or `None` when a dim would span two non-contiguous chunks.
fn view_strides(layout: &Layout, new_shape: &[usize]) -> Option<Shape> {
    let (old_shape, old_strides) = (&layout.shape, &layout.strides);
    if old_shape.is_empty() || layout.numel() == 0 {
        return Some(contiguous_strides(new_shape));
    }
    let mut new_strides: Shape = Shape::from_elem(0, new_shape.len());
    let mut view_d = new_shape.len() as isize - 1;
    let mut chunk_base_stride = *old_strides.last().unwrap();
    let mut tensor_numel = 1usize;
    let mut view_numel = 1usize;
    for tensor_d in (0..old_shape.len()).rev() {
        tensor_numel *= old_shape[tensor_d];
        if tensor_d == 0
            || (old_shape[tensor_d - 1] != 1 && old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)
        {
            while view_d >= 0 && (view_numel < tensor_numel || new_shape[view_d as usize] == 1) {
                new_strides[view_d as usize] = view_numel * chunk_base_stride;
                view_numel *= new_shape[view_d as usize];
                view_d -= 1;
            }
            if view_numel != tensor_numel {
                return None;
            }
            if tensor_d > 0 {
                chunk_base_stride = old_strides[tensor_d - 1];
                tensor_numel = 1;
                view_numel = 1;
            }
        }
    }
    if view_d != -1 {
        return None;
    }
    Some(new_strides)
}

/// Makes a view of `x` with `layout` and records `backward` for it.
pub(crate) fn make_view(
    x: &Tensor,
    layout: Layout,
    name: &'static str,
    backward: impl Fn(&Tensor) -> Tensor + Send + Sync + 'static,
) -> Tensor {
    let out = x.alias_with_layout(layout);
    if needs_grad(&[x]) {
        record_unary(name, &[x], &out, [], move |ctx| Ok(vec![Some(backward(ctx.grad()))]));
    }
    out
}

/// The gradient of a view that picks part of its input: zeros of the input's shape with `g`
/// written where `view` looks. It is recorded as an op of its own (its gradient is `view` of
/// the incoming gradient), so that double backward works.
pub(crate) fn embed_in_zeros(
    g: &Tensor,
    in_shape: &[usize],
    name: &'static str,
    view: impl Fn(&Tensor) -> Tensor + Send + Sync + 'static,
) -> Tensor {
    let z = Tensor::zeros_dtype(in_shape, g.dtype());
    crate::no_grad(|| view(&z).copy_kernel(&g.detach()));
    if needs_grad(&[g]) {
        record_unary(name, &[g], &z, [], move |ctx| Ok(vec![Some(view(ctx.grad()))]));
    }
    z
}

impl Tensor {
    /// A view with another shape over the same storage (`tensor.view(shape)`); one dim may
    /// be `-1`. Panics when the strides do not allow it (use [`Tensor::reshape`]).
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[2, 6]);
    /// assert_eq!(t.view(&[3, -1]).shape(), &[3, 4]);
    /// ```
    #[track_caller]
    pub fn view(&self, shape: &[i64]) -> Tensor {
        unwrap(self.try_view(shape))
    }

    /// Fallible twin of [`Tensor::view`].
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[2, 3]).t();
    /// assert!(t.try_view(&[6]).is_err());
    /// ```
    pub fn try_view(&self, shape: &[i64]) -> Result<Tensor> {
        let new_shape = infer_shape(shape, self.numel())?;
        self.view_usize(&new_shape)
    }

    pub(crate) fn view_usize(&self, new_shape: &[usize]) -> Result<Tensor> {
        let strides = view_strides(self.layout(), new_shape).ok_or_else(|| {
            Error::Runtime(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans \
                 across two contiguous subspaces). Use .reshape(...) instead."
                    .into(),
            )
        })?;
        let layout = Layout { shape: Shape::from_slice(new_shape), strides, offset: self.storage_offset() };
        let in_shape = Shape::from_slice(self.shape());
        Ok(make_view(self, layout, "ViewBackward0", move |g| g.reshape_usize(&in_shape)))
    }

    /// A tensor with another shape: a view when the strides allow, else a copy
    /// (`tensor.reshape(shape)`); one dim may be `-1`.
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[2, 3]).t();
    /// assert_eq!(t.reshape(&[-1]).shape(), &[6]);
    /// ```
    #[track_caller]
    pub fn reshape(&self, shape: &[i64]) -> Tensor {
        unwrap(self.try_reshape(shape))
    }

    /// Fallible twin of [`Tensor::reshape`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[5]).try_reshape(&[2, -1]).is_err());
    /// ```
    pub fn try_reshape(&self, shape: &[i64]) -> Result<Tensor> {
        let new_shape = infer_shape(shape, self.numel())?;
        Ok(self.reshape_usize(&new_shape))
    }

    pub(crate) fn reshape_usize(&self, new_shape: &[usize]) -> Tensor {
        if view_strides(self.layout(), new_shape).is_some() {
            unwrap(self.view_usize(new_shape))
        } else {
            unwrap(self.contiguous().view_usize(new_shape))
        }
    }

    /// Inserts a dim of size 1 at `dim` (`tensor.unsqueeze(dim)`); negative dims count from
    /// the end of the result.
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[3]);
    /// assert_eq!(t.unsqueeze(-1).shape(), &[3, 1]);
    /// ```
    #[track_caller]
    pub fn unsqueeze(&self, dim: i64) -> Tensor {
        unwrap(self.try_unsqueeze(dim))
    }

    /// Fallible twin of [`Tensor::unsqueeze`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[3]).try_unsqueeze(3).is_err());
    /// ```
    pub fn try_unsqueeze(&self, dim: i64) -> Result<Tensor> {
        let d = wrap_dim(dim, self.dim() + 1)?;
        let mut l = self.layout().clone();
        let stride = if d < l.dim() { l.strides[d] * l.shape[d] } else { 1 };
        l.shape.insert(d, 1);
        l.strides.insert(d, stride);
        Ok(make_view(self, l, "UnsqueezeBackward0", move |g| g.squeeze_dim(d as i64)))
    }

    /// Removes every dim of size 1 (`tensor.squeeze()`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[1, 3, 1]).squeeze().shape(), &[3]);
    /// ```
    pub fn squeeze(&self) -> Tensor {
        let mut l = self.layout().clone();
        let keep: Vec<bool> = l.shape.iter().map(|&s| s != 1).collect();
        l.shape = l.shape.iter().zip(&keep).filter(|&(_, &k)| k).map(|(&s, _)| s).collect();
        l.strides = l.strides.iter().zip(&keep).filter(|&(_, &k)| k).map(|(&s, _)| s).collect();
        let in_shape = Shape::from_slice(self.shape());
        make_view(self, l, "SqueezeBackward0", move |g| g.reshape_usize(&in_shape))
    }

    /// Removes `dim` if it has size 1 (`tensor.squeeze(dim)`); otherwise returns a view
    /// of the same shape.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[3, 1]).squeeze_dim(-1).shape(), &[3]);
    /// ```
    #[track_caller]
    pub fn squeeze_dim(&self, dim: i64) -> Tensor {
        unwrap(self.try_squeeze_dim(dim))
    }

    /// Fallible twin of [`Tensor::squeeze_dim`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[3]).try_squeeze_dim(2).is_err());
    /// ```
    pub fn try_squeeze_dim(&self, dim: i64) -> Result<Tensor> {
        let d = wrap_dim(dim, self.dim())?;
        let mut l = self.layout().clone();
        if l.dim() > 0 && l.shape[d] == 1 {
            l.shape.remove(d);
            l.strides.remove(d);
        }
        let in_shape = Shape::from_slice(self.shape());
        Ok(make_view(self, l, "SqueezeBackward1", move |g| g.reshape_usize(&in_shape)))
    }

    /// Reorders dims (`tensor.permute(dims)`); negative dims allowed.
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[2, 3, 4]);
    /// assert_eq!(t.permute(&[2, 0, -2]).shape(), &[4, 2, 3]);
    /// ```
    #[track_caller]
    pub fn permute(&self, dims: &[i64]) -> Tensor {
        unwrap(self.try_permute(dims))
    }

    /// Fallible twin of [`Tensor::permute`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[2, 3]).try_permute(&[0, 0]).is_err());
    /// ```
    pub fn try_permute(&self, dims: &[i64]) -> Result<Tensor> {
        let n = self.dim();
        if dims.len() != n {
            return Err(Error::Runtime(format!(
                "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the \
                 desired ordering of dimensions i.e. input.dim() = {n} is not equal to len(dims) = {}",
                dims.len()
            )));
        }
        let mut perm = Vec::with_capacity(n);
        let mut seen = vec![false; n];
        for &d in dims {
            let d = wrap_dim(d, n)?;
            if seen[d] {
                return Err(Error::Runtime("permute(): duplicate dims are not allowed.".into()));
            }
            seen[d] = true;
            perm.push(d);
        }
        let l = self.layout();
        let layout = Layout {
            shape: perm.iter().map(|&p| l.shape[p]).collect(),
            strides: perm.iter().map(|&p| l.strides[p]).collect(),
            offset: l.offset,
        };
        let mut inverse = vec![0i64; n];
        for (i, &p) in perm.iter().enumerate() {
            inverse[p] = i as i64;
        }
        Ok(make_view(self, layout, "PermuteBackward0", move |g| g.permute(&inverse)))
    }

    /// Swaps two dims (`tensor.transpose(d0, d1)`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[2, 3, 4]).transpose(0, -1).shape(), &[4, 3, 2]);
    /// ```
    #[track_caller]
    pub fn transpose(&self, dim0: i64, dim1: i64) -> Tensor {
        unwrap(self.try_transpose(dim0, dim1))
    }

    /// Fallible twin of [`Tensor::transpose`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[2]).try_transpose(0, 1).is_err());
    /// ```
    pub fn try_transpose(&self, dim0: i64, dim1: i64) -> Result<Tensor> {
        let n = self.dim();
        let (a, b) = (wrap_dim(dim0, n)?, wrap_dim(dim1, n)?);
        let mut l = self.layout().clone();
        if n > 0 {
            l.shape.swap(a, b);
            l.strides.swap(a, b);
        }
        Ok(make_view(self, l, "TransposeBackward0", move |g| g.transpose(a as i64, b as i64)))
    }

    /// Transpose of a tensor with at most 2 dims (`tensor.t()`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[2, 3]).t().shape(), &[3, 2]);
    /// ```
    #[track_caller]
    pub fn t(&self) -> Tensor {
        unwrap(self.try_t())
    }

    /// Fallible twin of [`Tensor::t`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[1, 2, 3]).try_t().is_err());
    /// ```
    pub fn try_t(&self) -> Result<Tensor> {
        match self.dim() {
            0 | 1 => Ok(self.alias_for_t()),
            2 => self.try_transpose(0, 1),
            n => Err(Error::Runtime(format!("t() expects a tensor with <= 2 dimensions, but self is {n}D"))),
        }
    }

    fn alias_for_t(&self) -> Tensor {
        make_view(self, self.layout().clone(), "TBackward0", |g| g.clone())
    }

    /// Broadcasts size-1 dims (and new leading dims) to `shape` without copying
    /// (`tensor.expand(shape)`); `-1` keeps a dim.
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[3, 1]);
    /// assert_eq!(t.expand_as_shape(&[2, -1, 4]).shape(), &[2, 3, 4]);
    /// ```
    #[track_caller]
    pub fn expand_as_shape(&self, shape: &[i64]) -> Tensor {
        unwrap(self.try_expand(shape))
    }

    /// Expands to a shape given as sizes.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[1]).expand(&[4]).shape(), &[4]);
    /// ```
    #[track_caller]
    pub fn expand(&self, shape: &[usize]) -> Tensor {
        let s: Vec<i64> = shape.iter().map(|&v| v as i64).collect();
        unwrap(self.try_expand(&s))
    }

    /// Expands to `other`'s shape (`tensor.expand_as(other)`).
    ///
    /// ```
    /// let a = torchlight::Tensor::zeros(&[1]);
    /// assert_eq!(a.expand_as(&torchlight::Tensor::zeros(&[3])).shape(), &[3]);
    /// ```
    #[track_caller]
    pub fn expand_as(&self, other: &Tensor) -> Tensor {
        self.expand(other.shape())
    }

    /// Fallible twin of [`Tensor::expand_as_shape`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[2]).try_expand(&[3]).is_err());
    /// ```
    pub fn try_expand(&self, shape: &[i64]) -> Result<Tensor> {
        let l = self.layout();
        let n = shape.len();
        if n < l.dim() {
            return Err(Error::Runtime(format!(
                "expand({}{{{:?}}}, size=[{}]): the number of sizes provided ({n}) must be greater or equal to the \
                 number of dimensions in the tensor ({})",
                self.dtype().legacy_type_name(),
                self.shape(),
                shape.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "),
                l.dim()
            )));
        }
        // PyTorch's `inferExpandGeometry`, walking from the last dim: a new leading dim of size
        // 1 gets the stride that keeps the layout contiguous, an expanded dim gets stride 0.
        let lead = n - l.dim();
        let mut sizes: Vec<i64> = vec![0; n];
        let mut strides: Shape = Shape::from_elem(0, n);
        for i in (0..n).rev() {
            let existing = i >= lead;
            let (mut size, mut stride) = if existing {
                (l.shape[i - lead] as i64, l.strides[i - lead])
            } else if i + 1 < n && l.dim() > 0 {
                (1, sizes[i + 1].max(0) as usize * strides[i + 1])
            } else {
                (1, 0)
            };
            let mut target = shape[i];
            if target == -1 {
                if !existing {
                    return Err(Error::Runtime(format!(
                        "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}"
                    )));
                }
                target = size;
            }
            if size != target {
                if size != 1 {
                    return Err(Error::Runtime(format!(
                        "The expanded size of the tensor ({target}) must match the existing size ({size}) at \
                         non-singleton dimension {i}.  Target sizes: {shape:?}.  Tensor sizes: {:?}",
                        self.shape()
                    )));
                }
                size = target;
                stride = 0;
            }
            sizes[i] = size;
            strides[i] = stride;
        }
        if l.dim() == 0 {
            // A 0-dim tensor expands with all strides 0 (PyTorch's early return).
            strides.iter_mut().for_each(|s| *s = 0);
        }
        if sizes.iter().any(|&s| s < 0) {
            // PyTorch accepts the size and fails when counting the elements.
            return Err(Error::Runtime("numel: integer multiplication overflow".into()));
        }
        let out = Layout { shape: sizes.iter().map(|&s| s as usize).collect(), strides, offset: l.offset };
        let in_shape = Shape::from_slice(self.shape());
        Ok(make_view(self, out, "ExpandBackward0", move |g| g.sum_to_size(&in_shape)))
    }

    /// Flattens dims `start..=end` into one (`torch.flatten(x, start, end)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[2, 3, 4]);
    /// assert_eq!(t.flatten(1, -1).shape(), &[2, 12]);
    /// assert_eq!(t.flatten(0, -1).shape(), &[24]);
    /// ```
    #[track_caller]
    pub fn flatten(&self, start_dim: i64, end_dim: i64) -> Tensor {
        unwrap(self.try_flatten(start_dim, end_dim))
    }

    /// Fallible twin of [`Tensor::flatten`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[2, 3]).try_flatten(1, 0).is_err());
    /// ```
    pub fn try_flatten(&self, start_dim: i64, end_dim: i64) -> Result<Tensor> {
        if self.dim() == 0 {
            return Ok(self.reshape_usize(&[1]));
        }
        let (s, e) = (wrap_dim(start_dim, self.dim())?, wrap_dim(end_dim, self.dim())?);
        if s > e {
            return Err(Error::Runtime("flatten() has invalid args: start_dim cannot come after end_dim".into()));
        }
        if s == e {
            return Ok(self.clone());
        }
        let sh = self.shape();
        let mut new: Vec<usize> = sh[..s].to_vec();
        new.push(sh[s..=e].iter().product());
        new.extend_from_slice(&sh[e + 1..]);
        Ok(self.reshape_usize(&new))
    }

    /// The slice `start..start+length` of `dim`, as a view (`tensor.narrow`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0]);
    /// assert_eq!(t.narrow(0, 1, 2).to_vec::<f32>(), vec![2.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn narrow(&self, dim: i64, start: i64, length: usize) -> Tensor {
        unwrap(self.try_narrow(dim, start, length))
    }

    /// Fallible twin of [`Tensor::narrow`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[4]).try_narrow(0, 3, 2).is_err());
    /// ```
    pub fn try_narrow(&self, dim: i64, start: i64, length: usize) -> Result<Tensor> {
        if self.dim() == 0 {
            return Err(Error::Runtime("narrow() cannot be applied to a 0-dim tensor.".into()));
        }
        let d = wrap_dim(dim, self.dim())?;
        let size = self.shape()[d] as i64;
        let st = if start < 0 { start + size } else { start };
        if st < 0 || st > size {
            return Err(Error::Index(format!(
                "start out of range (expected to be in range of [{}, {size}], but got {start})",
                -size
            )));
        }
        if length > (size - st) as usize {
            return Err(Error::Runtime(format!("start ({st}) + length ({length}) exceeds dimension size ({size}).")));
        }
        let mut l = self.layout().clone();
        l.offset += st as usize * l.strides[d];
        l.shape[d] = length;
        let in_shape = Shape::from_slice(self.shape());
        // torch records narrow as a slice.
        Ok(make_view(self, l, "SliceBackward0", move |g| {
            embed_in_zeros(g, &in_shape, "SliceBackwardBackward0", move |t| t.narrow(d as i64, st, length))
        }))
    }

    /// The sub-tensor at `index` along `dim`, removing that dim (`tensor.select`, `x[i]`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(t.select(1, -1).to_vec::<f32>(), vec![2.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn select(&self, dim: i64, index: i64) -> Tensor {
        unwrap(self.try_select(dim, index))
    }

    /// Fallible twin of [`Tensor::select`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[2]).try_select(0, 2).is_err());
    /// ```
    pub fn try_select(&self, dim: i64, index: i64) -> Result<Tensor> {
        if self.dim() == 0 {
            return Err(Error::Index("select() cannot be applied to a 0-dim tensor.".into()));
        }
        let d = wrap_dim(dim, self.dim())?;
        let size = self.shape()[d] as i64;
        if index < -size || index >= size {
            return Err(Error::Index(format!(
                "select(): index {index} out of range for tensor of size {:?} at dimension {d}",
                self.shape()
            )));
        }
        let i = if index < 0 { index + size } else { index } as usize;
        let mut l = self.layout().clone();
        l.offset += i * l.strides[d];
        l.shape.remove(d);
        l.strides.remove(d);
        let in_shape = Shape::from_slice(self.shape());
        Ok(make_view(self, l, "SelectBackward0", move |g| {
            embed_in_zeros(g, &in_shape, "SelectBackwardBackward0", move |t| t.select(d as i64, i as i64))
        }))
    }
}
