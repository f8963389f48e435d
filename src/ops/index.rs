//! Indexing with int64 index tensors: `index_select`, `gather`, and the `scatter` family
//! (out of place and in place), each with its gradient.
//!
//! Every index is checked against its dim before any element is read or written, so a bad
//! index gives PyTorch's error and never touches memory out of range.

use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::backend::cpu::strided::walk;
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::tensor::Layout;
use crate::{dispatch, dispatch_num, DType, Element, Error, NumElement, Result, Scalar, Tensor};
use num_traits::One;

/// PyTorch's `ensure_nonempty_dim`: index ops treat a 0-dim tensor as one element of 1-D.
fn nonempty(l: &Layout) -> Layout {
    if l.dim() == 0 {
        Layout { shape: [1].as_slice().into(), strides: [1].as_slice().into(), offset: l.offset }
    } else {
        l.clone()
    }
}

/// Storage indices into `target` of the elements that `index` (walked in logical order)
/// addresses along `dim`. The caller has checked that `index.size(d) <= target.size(d)` for
/// `d != dim`; each index value is checked here, and the first bad one is PyTorch's error.
fn index_positions(target: &Layout, dim: usize, index: &Tensor) -> Result<Vec<usize>> {
    let tl = nonempty(target);
    let il = nonempty(index.layout());
    let (size, stride) = (tl.shape[dim], tl.strides[dim]);
    let mut base = tl.strides.clone();
    base[dim] = 0;
    let mut out = Vec::with_capacity(il.numel());
    let mut bad = None;
    index.with_slice(|data: &[i64], _| {
        walk(&il.shape, [&il.strides, &base], [il.offset, tl.offset], |[i, b]| {
            let k = data[i];
            if k >= 0 && (k as usize) < size {
                out.push(b + k as usize * stride);
            } else if bad.is_none() {
                bad = Some(k);
            }
        })
    });
    match bad {
        Some(k) => Err(Error::Runtime(format!("index {k} is out of bounds for dimension {dim} with size {size}"))),
        None => Ok(out),
    }
}

/// The elements of `src` at the coordinates of a tensor of `shape` (which fits inside it),
/// in logical order.
fn values_in<T: Element>(src: &Tensor, shape: &[usize]) -> Vec<T> {
    let sl = nonempty(src.layout());
    let shape = if shape.is_empty() { &[1][..] } else { shape };
    let mut out = Vec::with_capacity(shape.iter().product());
    src.with_slice(|data: &[T], _| walk(shape, [&sl.strides], [sl.offset], |[i]| out.push(data[i])));
    out
}

/// What scatter writes: the matching elements of a tensor, or one number.
#[derive(Clone, Copy)]
enum Src<'a> {
    Tensor(&'a Tensor),
    Value(Scalar),
}

/// Writes (or adds) the scatter values into `dst` at precomputed storage `positions`. The
/// values are read before the write lock is taken, so `src` may share `dst`'s storage.
fn write_scatter(dst: &Tensor, positions: &[usize], index_shape: &[usize], src: Src, add: bool) {
    fn apply<T: Element>(dst: &Tensor, positions: &[usize], index_shape: &[usize], src: Src, f: fn(T, T) -> T) {
        let values: Vec<T> = match src {
            Src::Tensor(s) => values_in(s, index_shape),
            Src::Value(v) => vec![v.to_elem(); positions.len()],
        };
        let mut guard = dst.0.storage.write();
        let data = T::slice_mut(&mut guard);
        for (&p, v) in positions.iter().zip(values) {
            data[p] = f(data[p], v);
        }
    }
    dispatch_num!(dst.dtype(), T => {
        // `b * 1 + a`: exact for floats, wrapping for int64 as PyTorch's kernel (no overflow panic).
        let f: fn(T, T) -> T = if add { |a, b| NumElement::mul_add_(b, T::one(), a) } else { |_, b| b };
        apply::<T>(dst, positions, index_shape, src, f)
    }, _ => {
        let f: fn(bool, bool) -> bool = if add { |a, b| a | b } else { |_, b| b };
        apply::<bool>(dst, positions, index_shape, src, f)
    });
    dst.0.storage.bump_version();
}

/// PyTorch's `scatter_gather_dtype_check` and `scatter_shape_check`, then the positions.
fn scatter_plan(dst: &Tensor, d: usize, index: &Tensor, src: Src) -> Result<Vec<usize>> {
    if index.numel() != 0 && index.dtype() != DType::I64 {
        return Err(Error::Runtime("scatter(): Expected dtype int32/int64 for index".into()));
    }
    if let Src::Tensor(s) = src {
        if s.dtype() != dst.dtype() {
            return Err(Error::Runtime("scatter(): Expected self.dtype to be equal to src.dtype".into()));
        }
    }
    if index.numel() == 0 {
        return Ok(Vec::new());
    }
    let (dl, il) = (nonempty(dst.layout()), nonempty(index.layout()));
    if dl.dim() != il.dim() {
        return Err(Error::Runtime("Index tensor must have the same number of dimensions as self tensor".into()));
    }
    let wrong_self = (0..il.dim()).any(|k| k != d && il.shape[k] > dl.shape[k]);
    match src {
        Src::Tensor(s) => {
            let sl = nonempty(s.layout());
            if sl.dim() != il.dim() {
                return Err(Error::Runtime(
                    "Index tensor must have the same number of dimensions as src tensor".into(),
                ));
            }
            if wrong_self || (0..il.dim()).any(|k| il.shape[k] > sl.shape[k]) {
                return Err(Error::Runtime(format!(
                    "Expected index {:?} to be no larger than self {:?} apart from dimension {d} and to be no larger \
                     size than src {:?}",
                    index.shape(),
                    dst.shape(),
                    s.shape()
                )));
            }
        }
        Src::Value(_) if wrong_self => {
            return Err(Error::Runtime(format!(
                "Expected index {:?} to be no larger than self {:?} apart from dimension {d}",
                index.shape(),
                dst.shape()
            )));
        }
        Src::Value(_) => {}
    }
    index_positions(dst.layout(), d, index)
}

/// `index` (1-D or 0-dim) laid along dim `d` of a tensor of `shape`, as a stride-0 view:
/// `index_select` is `gather` with this index.
fn index_along(index: &Tensor, d: usize, shape: &[usize]) -> Tensor {
    if shape.is_empty() {
        return index.reshape_usize(&[]);
    }
    let mut view = vec![1; shape.len()];
    view[d] = index.numel();
    index.reshape_usize(&view).expand(shape)
}

/// The gradient of `x.index_select(d, index)` for an `x` of `in_shape`: each element of `g`
/// added back at the position it was selected from.
pub(crate) fn index_select_backward(g: &Tensor, d: usize, index: &Tensor, in_shape: &[usize]) -> Result<Tensor> {
    let idx = index_along(index, d, g.shape());
    Tensor::zeros_dtype(in_shape, g.dtype()).try_scatter_add(d as i64, &idx, g)
}

impl Tensor {
    /// The out-of-place scatter family: a copy of `self` with the scatter applied, recorded.
    fn scatter_impl(&self, dim: i64, index: &Tensor, src: Src, add: bool) -> Result<Tensor> {
        let d = wrap_dim(dim, self.dim())?;
        let out = self.detach().copy();
        let positions = scatter_plan(&out, d, index, src)?;
        write_scatter(&out, &positions, index.shape(), src, add);
        let src_t = match src {
            Src::Tensor(s) => Some(s),
            Src::Value(_) => None,
        };
        let inputs: Vec<&Tensor> = std::iter::once(self).chain(src_t).collect();
        if needs_grad(&inputs) {
            let name = match (add, src_t.is_some()) {
                (true, _) => "ScatterAddBackward0",
                (false, true) => "ScatterBackward0",
                (false, false) => "ScatterBackward1",
            };
            let has_src = src_t.is_some();
            record_unary(name, &inputs, &out, [SavedTensor::input(index)], move |ctx| {
                let (g, index) = (ctx.grad(), &ctx.saved[0]);
                // Scatter overwrites: the written positions get no gradient from self.
                let g_self = match (ctx.needs(0), add) {
                    (false, _) => None,
                    (true, true) => Some(g.clone()),
                    (true, false) => Some(g.try_scatter_value(d as i64, index, 0)?),
                };
                let mut grads = vec![g_self];
                if has_src {
                    grads.push(if ctx.needs(1) { Some(g.try_gather(d as i64, index)?) } else { None });
                }
                Ok(grads)
            });
        }
        Ok(out)
    }

    /// The in-place scatter family: checks everything first, then writes `self`'s storage.
    fn scatter_impl_(&self, dim: i64, index: &Tensor, src: Src, add: bool) -> Result<()> {
        let d = wrap_dim(dim, self.dim())?;
        let positions = scatter_plan(self, d, index, src)?;
        let others: Vec<&Tensor> = match src {
            Src::Tensor(s) => vec![s],
            Src::Value(_) => vec![],
        };
        self.inplace(
            &others,
            |dst| write_scatter(dst, &positions, index.shape(), src, add),
            |snap| snap.scatter_impl(dim, index, src, add),
        )
    }

    /// The elements of `self` at `index` along `dim` (`torch.gather`): for a 2-D input and
    /// `dim = 1`, `out[i][j] = self[i][index[i][j]]`. `index` is int64 with `self`'s number
    /// of dims and `index.size(d) <= self.size(d)` for `d != dim`.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let t = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]);
    /// let i = Tensor::from_vec(vec![0i64, 0, 1, 0], &[2, 2]);
    /// assert_eq!(t.gather(1, &i).to_vec::<f32>(), vec![1.0, 1.0, 4.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn gather(&self, dim: i64, index: &Tensor) -> Tensor {
        unwrap(self.try_gather(dim, index))
    }

    /// Fallible twin of [`Tensor::gather`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let err = Tensor::zeros(&[3]).try_gather(0, &Tensor::from_slice(&[3i64])).unwrap_err();
    /// assert_eq!(err.to_string(), "index 3 is out of bounds for dimension 0 with size 3");
    /// ```
    pub fn try_gather(&self, dim: i64, index: &Tensor) -> Result<Tensor> {
        let d = wrap_dim(dim, self.dim())?;
        let positions = if index.numel() == 0 {
            Vec::new()
        } else {
            if index.dtype() != DType::I64 {
                return Err(Error::Runtime("gather(): Expected dtype int32/int64 for index".into()));
            }
            let (sl, il) = (nonempty(self.layout()), nonempty(index.layout()));
            if sl.dim() != il.dim() {
                return Err(Error::Runtime(
                    "Index tensor must have the same number of dimensions as input tensor".into(),
                ));
            }
            if let Some(k) = (0..il.dim()).find(|&k| k != d && il.shape[k] > sl.shape[k]) {
                return Err(Error::Runtime(format!(
                    "Size does not match at dimension {k} expected index {:?} to be no larger than self {:?} apart \
                     from dimension {d}",
                    index.shape(),
                    self.shape()
                )));
            }
            index_positions(self.layout(), d, index)?
        };
        let out = dispatch!(self.dtype(), T => {
            let v: Vec<T> = self.with_slice(|data: &[T], _| positions.iter().map(|&p| data[p]).collect());
            Tensor::from_buffer(T::into_buffer(v), index.shape())
        });
        if needs_grad(&[self]) {
            let in_shape = self.shape().to_vec();
            record_unary("GatherBackward0", &[self], &out, [SavedTensor::input(index)], move |ctx| {
                let z = Tensor::zeros_dtype(&in_shape, ctx.grad().dtype());
                Ok(vec![Some(z.try_scatter_add(d as i64, &ctx.saved[0], ctx.grad())?)])
            });
        }
        Ok(out)
    }

    /// The slices of `self` along `dim` at the positions in the 1-D int64 `index`
    /// (`torch.index_select`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let t = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
    /// let r = t.index_select(0, &Tensor::from_slice(&[2i64, 0]));
    /// assert_eq!(r.to_vec::<f32>(), vec![5.0, 6.0, 1.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn index_select(&self, dim: i64, index: &Tensor) -> Tensor {
        unwrap(self.try_index_select(dim, index))
    }

    /// Fallible twin of [`Tensor::index_select`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let err = Tensor::zeros(&[3]).try_index_select(0, &Tensor::from_slice(&[5i64])).unwrap_err();
    /// assert_eq!(err.to_string(), "index out of range in self");
    /// ```
    pub fn try_index_select(&self, dim: i64, index: &Tensor) -> Result<Tensor> {
        let d = wrap_dim(dim, self.dim())?;
        if index.dim() > 1 {
            return Err(Error::Index("index_select(): Index is supposed to be a vector".into()));
        }
        let n = index.numel();
        if self.dim() == 0 && n != 1 {
            return Err(Error::Runtime(format!(
                "index_select(): Index to scalar can have only 1 value, got {n} value(s)"
            )));
        }
        if index.dtype() != DType::I64 {
            return Err(Error::Runtime("index_select(): Expected dtype int32 or int64 for index".into()));
        }
        let size = if self.dim() == 0 { 1 } else { self.shape()[d] };
        // PyTorch's CPU kernel words the bounds error by the path it takes.
        let checked = !(self.dim() > 1 && n == 0);
        if checked && self.dim() > 1 && self.numel() == 0 && size == 0 {
            return Err(Error::Runtime("index_select(): self indexing axis dim should be positive".into()));
        }
        if checked {
            let bad = index.contiguous_vec::<i64>().into_iter().find(|&k| k < 0 || k as usize >= size);
            if let Some(k) = bad {
                return Err(if self.dim() > 1 && (d == 1 || self.numel() == 0) {
                    Error::Runtime(format!("INDICES element is out of DATA bounds, id={k} axis_dim={size}"))
                } else {
                    Error::Index("index out of range in self".into())
                });
            }
        }
        let mut out_shape = self.shape().to_vec();
        if let Some(s) = out_shape.get_mut(d) {
            *s = n;
        }
        let idx = index_along(index, d, if out_shape.is_empty() { &[1] } else { &out_shape });
        let positions = index_positions(self.layout(), d, &idx)?;
        let out = dispatch!(self.dtype(), T => {
            let v: Vec<T> = self.with_slice(|data: &[T], _| positions.iter().map(|&p| data[p]).collect());
            Tensor::from_buffer(T::into_buffer(v), &out_shape)
        });
        if needs_grad(&[self]) {
            let in_shape = self.shape().to_vec();
            record_unary("IndexSelectBackward0", &[self], &out, [SavedTensor::input(index)], move |ctx| {
                let g = ctx.grad();
                if in_shape.is_empty() {
                    return Ok(vec![Some(g.clone())]);
                }
                Ok(vec![Some(index_select_backward(g, d, &ctx.saved[0], &in_shape)?)])
            });
        }
        Ok(out)
    }

    /// A copy of `self` with `src`'s elements written at `index` along `dim`
    /// (`torch.scatter(self, dim, index, src)`): for 2-D and `dim = 1`,
    /// `out[i][index[i][j]] = src[i][j]`. `src` has `self`'s dtype.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let z = Tensor::zeros(&[2, 3]);
    /// let i = Tensor::from_vec(vec![2i64, 0], &[2, 1]);
    /// let s = Tensor::from_vec(vec![1.0f32, 2.0], &[2, 1]);
    /// assert_eq!(z.scatter(1, &i, &s).to_vec::<f32>(), vec![0.0, 0.0, 1.0, 2.0, 0.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn scatter(&self, dim: i64, index: &Tensor, src: &Tensor) -> Tensor {
        unwrap(self.try_scatter(dim, index, src))
    }

    /// Fallible twin of [`Tensor::scatter`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let i = Tensor::from_slice(&[0i64]);
    /// assert!(Tensor::zeros(&[2]).try_scatter(0, &i, &Tensor::from_slice(&[1.0f64])).is_err());
    /// ```
    pub fn try_scatter(&self, dim: i64, index: &Tensor, src: &Tensor) -> Result<Tensor> {
        self.scatter_impl(dim, index, Src::Tensor(src), false)
    }

    /// A copy of `self` with `value` written at `index` along `dim`
    /// (`torch.scatter(self, dim, index, value)`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let i = Tensor::from_slice(&[1i64]);
    /// assert_eq!(Tensor::zeros(&[3]).scatter_value(0, &i, 5).to_vec::<f32>(), vec![0.0, 5.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn scatter_value(&self, dim: i64, index: &Tensor, value: impl Into<Scalar>) -> Tensor {
        unwrap(self.try_scatter_value(dim, index, value))
    }

    /// Fallible twin of [`Tensor::scatter_value`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// assert!(Tensor::zeros(&[3]).try_scatter_value(0, &Tensor::from_slice(&[3i64]), 1).is_err());
    /// ```
    pub fn try_scatter_value(&self, dim: i64, index: &Tensor, value: impl Into<Scalar>) -> Result<Tensor> {
        self.scatter_impl(dim, index, Src::Value(value.into()), false)
    }

    /// A copy of `self` with `src`'s elements added at `index` along `dim`; repeated indices
    /// accumulate (`torch.scatter_add`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let i = Tensor::from_slice(&[0i64, 0, 2]);
    /// let s = Tensor::from_slice(&[1.0f32, 2.0, 3.0]);
    /// assert_eq!(Tensor::zeros(&[3]).scatter_add(0, &i, &s).to_vec::<f32>(), vec![3.0, 0.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn scatter_add(&self, dim: i64, index: &Tensor, src: &Tensor) -> Tensor {
        unwrap(self.try_scatter_add(dim, index, src))
    }

    /// Fallible twin of [`Tensor::scatter_add`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let i = Tensor::from_slice(&[-1i64]);
    /// assert!(Tensor::zeros(&[3]).try_scatter_add(0, &i, &Tensor::ones(&[1])).is_err());
    /// ```
    pub fn try_scatter_add(&self, dim: i64, index: &Tensor, src: &Tensor) -> Result<Tensor> {
        self.scatter_impl(dim, index, Src::Tensor(src), true)
    }

    /// In-place [`Tensor::scatter`] (`tensor.scatter_(dim, index, src)`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let t = Tensor::zeros(&[3]);
    /// t.scatter_(0, &Tensor::from_slice(&[2i64]), &Tensor::from_slice(&[7.0f32]));
    /// assert_eq!(t.to_vec::<f32>(), vec![0.0, 0.0, 7.0]);
    /// ```
    #[track_caller]
    pub fn scatter_(&self, dim: i64, index: &Tensor, src: &Tensor) -> &Tensor {
        unwrap(self.try_scatter_(dim, index, src));
        self
    }

    /// Fallible twin of [`Tensor::scatter_`]; on error `self` is unchanged.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let t = Tensor::zeros(&[3]);
    /// assert!(t.try_scatter_(0, &Tensor::from_slice(&[3i64]), &Tensor::ones(&[1])).is_err());
    /// ```
    pub fn try_scatter_(&self, dim: i64, index: &Tensor, src: &Tensor) -> Result<()> {
        self.scatter_impl_(dim, index, Src::Tensor(src), false)
    }

    /// In-place [`Tensor::scatter_value`] (`tensor.scatter_(dim, index, value)`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let t = Tensor::zeros(&[2]);
    /// t.scatter_value_(0, &Tensor::from_slice(&[1i64]), 4.0);
    /// assert_eq!(t.to_vec::<f32>(), vec![0.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn scatter_value_(&self, dim: i64, index: &Tensor, value: impl Into<Scalar>) -> &Tensor {
        unwrap(self.try_scatter_value_(dim, index, value));
        self
    }

    /// Fallible twin of [`Tensor::scatter_value_`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// assert!(Tensor::zeros(&[2]).try_scatter_value_(0, &Tensor::from_slice(&[2i64]), 1).is_err());
    /// ```
    pub fn try_scatter_value_(&self, dim: i64, index: &Tensor, value: impl Into<Scalar>) -> Result<()> {
        self.scatter_impl_(dim, index, Src::Value(value.into()), false)
    }

    /// In-place [`Tensor::scatter_add`] (`tensor.scatter_add_(dim, index, src)`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let t = Tensor::ones(&[2]);
    /// t.scatter_add_(0, &Tensor::from_slice(&[1i64, 1]), &Tensor::from_slice(&[1.0f32, 2.0]));
    /// assert_eq!(t.to_vec::<f32>(), vec![1.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn scatter_add_(&self, dim: i64, index: &Tensor, src: &Tensor) -> &Tensor {
        unwrap(self.try_scatter_add_(dim, index, src));
        self
    }

    /// Fallible twin of [`Tensor::scatter_add_`].
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let t = Tensor::ones(&[2]);
    /// assert!(t.try_scatter_add_(0, &Tensor::from_slice(&[0i64]), &Tensor::ones_dtype(&[1], torchlight::DType::F64)).is_err());
    /// ```
    pub fn try_scatter_add_(&self, dim: i64, index: &Tensor, src: &Tensor) -> Result<()> {
        self.scatter_impl_(dim, index, Src::Tensor(src), true)
    }
}
