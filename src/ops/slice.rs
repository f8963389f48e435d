//! Python-style slicing as views: [`Tensor::slice`], multi-dim indexing with
//! [`Tensor::i`] (`x[1:3, ::2, None, ..., 0]` is `x.i(s![1..3, ..;2, None, ..., 0])`), and
//! [`Tensor::unflatten`].

use super::shape::{embed_in_zeros, infer_shape, make_view};
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::{Error, Result, Tensor};
use std::ops::{Range, RangeFrom, RangeFull, RangeInclusive, RangeTo, RangeToInclusive};

/// One item of a multi-dim index, as in Python's `x[1:3, ::2, None, ..., 0]`.
///
/// Integers and ranges convert into it (`2`, `-1`, `1..3`, `..`, `2..`, `..=4`), so most code
/// never names it: write indices with the [`s!`](crate::s) macro or a tuple (see
/// [`Tensor::i`]).
///
/// ```
/// use torchlight::TensorIndex;
/// assert_eq!(TensorIndex::from(-1), TensorIndex::Select(-1));
/// assert_eq!(TensorIndex::from(1..3), TensorIndex::Slice { start: Some(1), end: Some(3), step: 1 });
/// assert_eq!(TensorIndex::from(..).with_step(2), TensorIndex::Slice { start: None, end: None, step: 2 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TensorIndex {
    /// An integer (`x[2]`, `x[-1]`): picks one position and removes the dim.
    Select(i64),
    /// A slice `start:end:step`; open bounds are `None`, out-of-range bounds are clamped
    /// and negative ones count from the end, as in Python. The step must be positive.
    Slice {
        /// First position (inclusive).
        start: Option<i64>,
        /// Last position (exclusive).
        end: Option<i64>,
        /// Distance between picked positions.
        step: i64,
    },
    /// Python's `None` (`np.newaxis`): inserts a dim of size 1.
    NewAxis,
    /// Python's `...`: as many full slices as the other items leave dims.
    Ellipsis,
}

pub use TensorIndex::{Ellipsis, NewAxis};

impl TensorIndex {
    /// This range with a step (`a:b:step`); the [`s!`](crate::s) macro writes it `a..b;step`.
    ///
    /// Panics on an integer, `NewAxis` or `Ellipsis`: only ranges have a step.
    ///
    /// ```
    /// use torchlight::TensorIndex;
    /// let i = TensorIndex::from(1..).with_step(3);
    /// assert_eq!(i, TensorIndex::Slice { start: Some(1), end: None, step: 3 });
    /// ```
    #[track_caller]
    pub fn with_step(self, step: i64) -> TensorIndex {
        match self {
            TensorIndex::Slice { start, end, .. } => TensorIndex::Slice { start, end, step },
            other => panic!("a step applies only to a range, not to {other:?}"),
        }
    }
}

fn slice_of(start: Option<i64>, end: Option<i64>) -> TensorIndex {
    TensorIndex::Slice { start, end, step: 1 }
}

/// `..=e`: the end is inclusive, and `..=-1` means "through the last element".
fn inclusive_end(e: i64) -> Option<i64> {
    if e == -1 {
        None
    } else {
        Some(e + 1)
    }
}

macro_rules! index_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for TensorIndex {
            fn from(i: $t) -> Self { TensorIndex::Select(i as i64) }
        }
        impl From<Range<$t>> for TensorIndex {
            fn from(r: Range<$t>) -> Self { slice_of(Some(r.start as i64), Some(r.end as i64)) }
        }
        impl From<RangeFrom<$t>> for TensorIndex {
            fn from(r: RangeFrom<$t>) -> Self { slice_of(Some(r.start as i64), None) }
        }
        impl From<RangeTo<$t>> for TensorIndex {
            fn from(r: RangeTo<$t>) -> Self { slice_of(None, Some(r.end as i64)) }
        }
        impl From<RangeInclusive<$t>> for TensorIndex {
            fn from(r: RangeInclusive<$t>) -> Self { slice_of(Some(*r.start() as i64), inclusive_end(*r.end() as i64)) }
        }
        impl From<RangeToInclusive<$t>> for TensorIndex {
            fn from(r: RangeToInclusive<$t>) -> Self { slice_of(None, inclusive_end(r.end as i64)) }
        }
    )*};
}
index_from_int!(i32, i64, isize, u32, usize);

impl From<RangeFull> for TensorIndex {
    fn from(_: RangeFull) -> Self {
        slice_of(None, None)
    }
}

/// What [`Tensor::i`] accepts: one index item, a tuple of items, or a list of
/// [`TensorIndex`] (what [`s!`](crate::s) builds).
///
/// ```
/// use torchlight::{IndexArg, TensorIndex};
/// assert_eq!((1, ..).into_indices().len(), 2);
/// assert_eq!(0.into_indices(), vec![TensorIndex::Select(0)]);
/// ```
pub trait IndexArg {
    /// The index items, in order.
    fn into_indices(self) -> Vec<TensorIndex>;
}

impl<T: Into<TensorIndex>> IndexArg for T {
    fn into_indices(self) -> Vec<TensorIndex> {
        vec![self.into()]
    }
}

/// `x[()]`: no items, an alias of the whole tensor.
impl IndexArg for () {
    fn into_indices(self) -> Vec<TensorIndex> {
        Vec::new()
    }
}

impl IndexArg for Vec<TensorIndex> {
    fn into_indices(self) -> Vec<TensorIndex> {
        self
    }
}

impl IndexArg for &[TensorIndex] {
    fn into_indices(self) -> Vec<TensorIndex> {
        self.to_vec()
    }
}

macro_rules! index_arg_tuple {
    ($(($($name:ident),+)),*) => {$(
        impl<$($name: Into<TensorIndex>),+> IndexArg for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_indices(self) -> Vec<TensorIndex> {
                let ($($name,)+) = self;
                vec![$($name.into()),+]
            }
        }
    )*};
}
index_arg_tuple!((A), (A, B), (A, B, C), (A, B, C, D), (A, B, C, D, E), (A, B, C, D, E, F), (A, B, C, D, E, F, G));

/// Builds a multi-dim index for [`Tensor::i`] with Python's slicing syntax, spelled in Rust:
///
/// | Python        | `s!`          |
/// |---------------|---------------|
/// | `x[1:3]`      | `s![1..3]`    |
/// | `x[:, ::2]`   | `s![.., ..;2]`|
/// | `x[1::3]`     | `s![1..;3]`   |
/// | `x[..., 0]`   | `s![..., 0]`  |
/// | `x[:, None]`  | `s![.., None]`|
/// | `x[-1]`       | `s![-1]`      |
///
/// Integers select (and remove the dim), ranges slice (`a..=b` includes `b`), `None`
/// inserts a dim of size 1, `...` stands for the remaining dims.
///
/// ```
/// use torchlight::{s, Tensor};
/// let x = Tensor::arange(0, 24, 1).reshape(&[2, 3, 4]);
/// assert_eq!(x.i(s![.., 1..3, ..;2]).shape(), &[2, 2, 2]);
/// assert_eq!(x.i(s![..., -1]).shape(), &[2, 3]);
/// assert_eq!(x.i(s![1, None]).shape(), &[1, 3, 4]);
/// assert_eq!(x.i(s![1, 2, 3]).item(), 23.0);
/// ```
#[macro_export]
macro_rules! s {
    (@acc [$($acc:expr,)*]) => {
        ::std::vec![$($acc,)*] as ::std::vec::Vec<$crate::TensorIndex>
    };
    (@acc [$($acc:expr,)*] ... $(, $($rest:tt)*)?) => {
        $crate::s!(@acc [$($acc,)* $crate::TensorIndex::Ellipsis,] $($($rest)*)?)
    };
    (@acc [$($acc:expr,)*] None $(, $($rest:tt)*)?) => {
        $crate::s!(@acc [$($acc,)* $crate::TensorIndex::NewAxis,] $($($rest)*)?)
    };
    (@acc [$($acc:expr,)*] $r:expr ; $step:expr $(, $($rest:tt)*)?) => {
        $crate::s!(@acc [$($acc,)* $crate::TensorIndex::from($r).with_step($step),] $($($rest)*)?)
    };
    (@acc [$($acc:expr,)*] $r:expr $(, $($rest:tt)*)?) => {
        $crate::s!(@acc [$($acc,)* $crate::TensorIndex::from($r),] $($($rest)*)?)
    };
    ($($t:tt)*) => {
        $crate::s!(@acc [] $($t)*)
    };
}

/// `applySlice`'s step check for indexing (Python raises the zero case itself).
fn check_index_step(step: i64) -> Result<()> {
    match step {
        0 => Err(Error::Value("slice step cannot be zero".into())),
        s if s < 0 => Err(Error::Value("step must be greater than zero".into())),
        _ => Ok(()),
    }
}

/// `applySelect`: an integer index, with the indexing wording (`real_dim` is the item's
/// position in the index, as PyTorch reports it).
fn select_index(t: &Tensor, dim: usize, index: i64, real_dim: usize) -> Result<Tensor> {
    if t.dim() == 0 {
        return Err(Error::Index(if index == 0 && dim == 0 {
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a \
             0-dim tensor to a number"
                .into()
        } else {
            format!("index {index} is out of bounds for dimension {real_dim} with size 0")
        }));
    }
    let size = t.shape()[dim] as i64;
    if index < -size || index >= size {
        return Err(Error::Index(format!("index {index} is out of bounds for dimension {real_dim} with size {size}")));
    }
    t.try_select(dim as i64, index)
}

impl Tensor {
    /// A view of positions `start..end` by `step` along `dim`, with Python's slice rules:
    /// `None` is open, negative bounds count from the end, out-of-range bounds are clamped
    /// (`x[start:end:step]` along one dim; `torch.ops.aten.slice`).
    ///
    /// ```
    /// let t = torchlight::Tensor::arange(0, 6, 1);
    /// assert_eq!(t.slice(0, Some(1), None, 2).to_vec::<i64>(), vec![1, 3, 5]);
    /// assert_eq!(t.slice(0, Some(-2), Some(100), 1).to_vec::<i64>(), vec![4, 5]);
    /// ```
    #[track_caller]
    pub fn slice(&self, dim: i64, start: Option<i64>, end: Option<i64>, step: i64) -> Tensor {
        unwrap(self.try_slice(dim, start, end, step))
    }

    /// Fallible twin of [`Tensor::slice`].
    ///
    /// ```
    /// let err = torchlight::Tensor::zeros(&[3]).try_slice(0, None, None, 0).unwrap_err();
    /// assert_eq!(err.to_string(), "slice step must be positive");
    /// ```
    pub fn try_slice(&self, dim: i64, start: Option<i64>, end: Option<i64>, step: i64) -> Result<Tensor> {
        if self.dim() == 0 {
            return Err(Error::Index("slice() cannot be applied to a 0-dim tensor.".into()));
        }
        let d = wrap_dim(dim, self.dim())?;
        if step <= 0 {
            return Err(Error::Runtime("slice step must be positive".into()));
        }
        let size = self.shape()[d] as i64;
        let wrap = |v: i64| if v < 0 { v.saturating_add(size) } else { v };
        let s = wrap(start.unwrap_or(0)).clamp(0, size);
        let e = wrap(end.unwrap_or(size)).clamp(s, size);
        let mut l = self.layout().clone();
        l.offset += s as usize * l.strides[d];
        l.shape[d] = ((e - s) as usize).div_ceil(step as usize);
        l.strides[d] = l.strides[d].saturating_mul(step as usize);
        let in_shape = self.shape().to_vec();
        Ok(make_view(self, l, "SliceBackward0", move |g| {
            embed_in_zeros(g, &in_shape, "SliceBackwardBackward0", move |t| t.slice(d as i64, Some(s), Some(e), step))
        }))
    }

    /// A view of the same elements (`torch.ops.aten.alias`, what `x[...]` returns).
    fn alias(&self) -> Tensor {
        make_view(self, self.layout().clone(), "AliasBackward0", |g| g.clone())
    }

    /// Multi-dim basic indexing, Python's `x[...]`: integers select (removing the dim),
    /// ranges slice, `None`/[`NewAxis`] inserts a dim, `...`/[`Ellipsis`] fills the
    /// remaining dims. The result is always a view of `self`. Pass one item, a tuple of
    /// items, or an [`s!`](crate::s) list (which also spells steps and `None`).
    ///
    /// ```
    /// use torchlight::{s, NewAxis, Tensor};
    /// let x = Tensor::arange(0.0, 6.0, 1.0).reshape(&[2, 3]);
    /// assert_eq!(x.i(1).to_vec::<f32>(), vec![3.0, 4.0, 5.0]);               // x[1]
    /// assert_eq!(x.i((.., 0)).to_vec::<f32>(), vec![0.0, 3.0]);             // x[:, 0]
    /// assert_eq!(x.i((.., 1..)).shape(), &[2, 2]);                           // x[:, 1:]
    /// assert_eq!(x.i((NewAxis, .., -1)).shape(), &[1, 2]);                   // x[None, :, -1]
    /// assert_eq!(x.i(s![.., ..;2]).to_vec::<f32>(), vec![0.0, 2.0, 3.0, 5.0]); // x[:, ::2]
    /// x.i((0, 0)).fill_(9.0); // writes through the view
    /// assert_eq!(x.i((0, 0)).item(), 9.0);
    /// ```
    #[track_caller]
    pub fn i(&self, index: impl IndexArg) -> Tensor {
        unwrap(self.try_i(index))
    }

    /// Fallible twin of [`Tensor::i`], with PyTorch's `IndexError` texts.
    ///
    /// ```
    /// let err = torchlight::Tensor::zeros(&[2, 3]).try_i((0, 3)).unwrap_err();
    /// assert_eq!(err.to_string(), "index 3 is out of bounds for dimension 1 with size 3");
    /// ```
    pub fn try_i(&self, index: impl IndexArg) -> Result<Tensor> {
        use TensorIndex::*;
        let items = index.into_indices();
        // One item takes PyTorch's single-index path, which skips the dim count check.
        if let [item] = items.as_slice() {
            return match *item {
                Select(i) => select_index(self, 0, i, 0),
                Slice { start, end, step } => {
                    check_index_step(step)?;
                    self.try_slice(0, start, end, step)
                }
                NewAxis => self.try_unsqueeze(0),
                Ellipsis => Ok(self.alias()),
            };
        }
        let specified = items.iter().filter(|t| matches!(t, Select(_) | Slice { .. })).count();
        if specified > self.dim() {
            return Err(Error::Index(format!("too many indices for tensor of dimension {}", self.dim())));
        }
        // PyTorch would read past the shape with two ellipses; NumPy's error is the safe reading.
        if items.iter().filter(|t| matches!(t, Ellipsis)).count() > 1 {
            return Err(Error::Index("an index can only have a single ellipsis ('...')".into()));
        }
        let mut result = self.clone();
        let mut dim = 0;
        for (real_dim, item) in items.iter().enumerate() {
            match *item {
                Select(i) => result = select_index(&result, dim, i, real_dim)?,
                Slice { start, end, step } => {
                    check_index_step(step)?;
                    let size = result.shape()[dim] as i64;
                    let whole = start.unwrap_or(0) == 0 && end.is_none_or(|e| e >= size) && step == 1;
                    if !whole {
                        result = result.try_slice(dim as i64, start, end, step)?;
                    }
                    dim += 1;
                }
                Ellipsis => dim += self.dim() - specified,
                NewAxis => {
                    result = result.try_unsqueeze(dim as i64)?;
                    dim += 1;
                }
            }
        }
        Ok(if result.is_same(self) { self.alias() } else { result })
    }

    /// Splits dim `dim` into `sizes` (one may be `-1`), as a view (`tensor.unflatten`).
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[2, 12]);
    /// assert_eq!(t.unflatten(1, &[3, -1]).shape(), &[2, 3, 4]);
    /// ```
    #[track_caller]
    pub fn unflatten(&self, dim: i64, sizes: &[i64]) -> Tensor {
        unwrap(self.try_unflatten(dim, sizes))
    }

    /// Fallible twin of [`Tensor::unflatten`].
    ///
    /// ```
    /// let err = torchlight::Tensor::zeros(&[4]).try_unflatten(0, &[3, -1]).unwrap_err();
    /// assert!(err.to_string().starts_with("unflatten: Provided sizes [3, -1] don't multiply up"));
    /// ```
    pub fn try_unflatten(&self, dim: i64, sizes: &[i64]) -> Result<Tensor> {
        // PyTorch wraps errors it does not expect from the size inference in this prefix.
        let unexpected = |e: Error| Error::Runtime(format!("unflatten got an unexpected error:\n{e}"));
        if self.dim() == 0 {
            return Err(unexpected(Error::Index(format!("Dimension specified as {dim} but tensor has no dimensions"))));
        }
        let d = wrap_dim(dim, self.dim())?;
        if sizes.is_empty() {
            return Err(Error::Runtime("unflatten: sizes must be non-empty".into()));
        }
        let size = self.shape()[d];
        let inferred = infer_shape(sizes, size).map_err(|e| {
            if e.to_string().contains("is invalid for input of size") {
                Error::Runtime(format!(
                    "unflatten: Provided sizes {sizes:?} don't multiply up to the size of dim {d} ({size}) in the \
                     input tensor"
                ))
            } else {
                unexpected(e)
            }
        })?;
        let mut shape = self.shape()[..d].to_vec();
        shape.extend_from_slice(&inferred);
        shape.extend_from_slice(&self.shape()[d + 1..]);
        self.view_usize(&shape)
    }
}
