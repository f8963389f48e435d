//! Creating tensors: from Rust data, constants, and the `_like` forms.

use super::Tensor;
use crate::{dispatch, DType, Element, Scalar};

impl Tensor {
    /// A 1-D tensor copied from a slice (`torch.tensor([...])`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1i64, 2, 3]);
    /// assert_eq!(t.shape(), &[3]);
    /// ```
    pub fn from_slice<T: Element>(data: &[T]) -> Tensor {
        Tensor::from_buffer(T::into_buffer(crate::AlignedVec::from_slice(data)), &[data.len()])
    }

    /// A tensor of the given shape that takes ownership of `data` (row-major).
    ///
    /// Panics when `data.len()` is not the product of the shape.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(t.shape(), &[2, 2]);
    /// ```
    #[track_caller]
    pub fn from_vec<T: Element>(data: Vec<T>, shape: &[usize]) -> Tensor {
        crate::error::unwrap(Tensor::try_from_vec(data, shape))
    }

    /// Fallible twin of [`Tensor::from_vec`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::try_from_vec(vec![1.0f32], &[2]).is_err());
    /// ```
    pub fn try_from_vec<T: Element>(data: Vec<T>, shape: &[usize]) -> crate::Result<Tensor> {
        Tensor::try_from_aligned(data.into(), shape)
    }

    /// A tensor of the given shape over a buffer a kernel filled (row-major); panics when
    /// the length is not the product of the shape.
    #[track_caller]
    pub(crate) fn from_aligned<T: Element>(data: crate::AlignedVec<T>, shape: &[usize]) -> Tensor {
        crate::error::unwrap(Tensor::try_from_aligned(data, shape))
    }

    fn try_from_aligned<T: Element>(data: crate::AlignedVec<T>, shape: &[usize]) -> crate::Result<Tensor> {
        let n: usize = shape.iter().product();
        crate::ensure!(
            n == data.len(),
            "shape '{}' is invalid for input of size {}",
            super::layout::shape_str(shape),
            data.len()
        );
        Ok(Tensor::from_buffer(T::into_buffer(data), shape))
    }

    /// A 0-dim tensor holding one value (`torch.tensor(v)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::scalar(1.5f64);
    /// assert_eq!((t.dim(), t.dtype()), (0, torchlight::DType::F64));
    /// ```
    pub fn scalar<T: Element>(v: T) -> Tensor {
        Tensor::from_buffer(T::into_buffer(vec![v]), &[])
    }

    /// A tensor filled with one value of the given dtype.
    ///
    /// ```
    /// let t = torchlight::Tensor::full_dtype(&[2], 7, torchlight::DType::F64);
    /// assert_eq!(t.to_vec::<f64>(), vec![7.0, 7.0]);
    /// ```
    pub fn full_dtype(shape: &[usize], value: impl Into<Scalar>, dtype: DType) -> Tensor {
        let value = value.into();
        let n = shape.iter().product();
        dispatch!(dtype, T => Tensor::from_buffer(T::into_buffer(crate::AlignedVec::from_elem(value.to_elem::<T>(), n)), shape))
    }

    /// A tensor filled with `value`; the dtype follows the value as in `torch.full`
    /// (int → int64, float → the default dtype, bool → bool).
    ///
    /// ```
    /// use torchlight::{DType, Tensor};
    /// assert_eq!(Tensor::full(&[2], 1).dtype(), DType::I64);
    /// assert_eq!(Tensor::full(&[2], 1.0).dtype(), DType::F32);
    /// ```
    pub fn full(shape: &[usize], value: impl Into<Scalar>) -> Tensor {
        let value = value.into();
        Tensor::full_dtype(shape, value, value.dtype())
    }

    /// Zeros of the default dtype (`torch.zeros`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[2]).to_vec::<f32>(), vec![0.0, 0.0]);
    /// ```
    pub fn zeros(shape: &[usize]) -> Tensor {
        Tensor::full_dtype(shape, 0, crate::get_default_dtype())
    }

    /// Zeros of the given dtype.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros_dtype(&[1], torchlight::DType::I64).to_vec::<i64>(), vec![0]);
    /// ```
    pub fn zeros_dtype(shape: &[usize], dtype: DType) -> Tensor {
        Tensor::full_dtype(shape, 0, dtype)
    }

    /// Ones of the default dtype (`torch.ones`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::ones(&[2]).to_vec::<f32>(), vec![1.0, 1.0]);
    /// ```
    pub fn ones(shape: &[usize]) -> Tensor {
        Tensor::full_dtype(shape, 1, crate::get_default_dtype())
    }

    /// Ones of the given dtype.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::ones_dtype(&[1], torchlight::DType::Bool).to_vec::<bool>(), vec![true]);
    /// ```
    pub fn ones_dtype(shape: &[usize], dtype: DType) -> Tensor {
        Tensor::full_dtype(shape, 1, dtype)
    }

    /// An uninitialised tensor (`torch.empty`); torchlight fills it with zeros.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::empty(&[0, 3]).numel(), 0);
    /// ```
    pub fn empty(shape: &[usize]) -> Tensor {
        Tensor::zeros(shape)
    }

    /// An uninitialised tensor of the given dtype (zero-filled).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::empty_dtype(&[2], torchlight::DType::F64).numel(), 2);
    /// ```
    pub fn empty_dtype(shape: &[usize], dtype: DType) -> Tensor {
        Tensor::zeros_dtype(shape, dtype)
    }

    /// Zeros with this tensor's shape and dtype.
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[2, 2]);
    /// assert_eq!(a.zeros_like().to_vec::<f32>(), vec![0.0; 4]);
    /// ```
    pub fn zeros_like(&self) -> Tensor {
        Tensor::zeros_dtype(self.shape(), self.dtype())
    }

    /// Ones with this tensor's shape and dtype.
    ///
    /// ```
    /// let a = torchlight::Tensor::zeros(&[2]);
    /// assert_eq!(a.ones_like().to_vec::<f32>(), vec![1.0; 2]);
    /// ```
    pub fn ones_like(&self) -> Tensor {
        Tensor::ones_dtype(self.shape(), self.dtype())
    }

    /// A tensor of this one's shape and dtype filled with `value`.
    ///
    /// ```
    /// let a = torchlight::Tensor::zeros(&[2]);
    /// assert_eq!(a.full_like(3.0).to_vec::<f32>(), vec![3.0; 2]);
    /// ```
    pub fn full_like(&self, value: impl Into<Scalar>) -> Tensor {
        Tensor::full_dtype(self.shape(), value, self.dtype())
    }

    /// An uninitialised (zero-filled) tensor of this one's shape and dtype.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::ones(&[3]).empty_like().shape(), &[3]);
    /// ```
    pub fn empty_like(&self) -> Tensor {
        self.zeros_like()
    }

    /// The `n`×`n` identity matrix of the default dtype (`torch.eye`).
    ///
    /// ```
    /// let i = torchlight::Tensor::eye(2);
    /// assert_eq!(i.to_vec::<f32>(), vec![1.0, 0.0, 0.0, 1.0]);
    /// ```
    pub fn eye(n: usize) -> Tensor {
        Tensor::eye_m(n, n)
    }

    /// The `n`×`m` matrix with ones on the diagonal (`torch.eye(n, m)`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::eye_m(2, 3).shape(), &[2, 3]);
    /// ```
    pub fn eye_m(n: usize, m: usize) -> Tensor {
        dispatch!(crate::get_default_dtype(), T => {
            let mut v = vec![T::from_f64(0.0); n * m];
            for i in 0..n.min(m) {
                v[i * m + i] = T::from_f64(1.0);
            }
            Tensor::from_buffer(T::into_buffer(v), &[n, m])
        })
    }
}

impl Tensor {
    /// Builds a tensor from numbers the way `torch.tensor(list)` does: any float makes the list
    /// the default dtype (Python floats do, whatever their precision), else any int makes it
    /// int64, else bool. Used by [`tensor!`](crate::tensor).
    #[doc(hidden)]
    pub fn from_scalars(data: &[Scalar], shape: &[usize]) -> Tensor {
        let dtype = if data.iter().any(|s| matches!(s, Scalar::Float(_))) || data.is_empty() {
            crate::get_default_dtype()
        } else if data.iter().any(|s| matches!(s, Scalar::Int(_))) {
            DType::I64
        } else {
            DType::Bool
        };
        dispatch!(dtype, T => Tensor::from_buffer(T::into_buffer(data.iter().map(|s| s.to_elem::<T>()).collect::<Vec<T>>()), shape))
    }

    /// Checks that nested rows all have `expected` elements, with PyTorch's ValueError text.
    #[doc(hidden)]
    #[track_caller]
    pub fn check_ragged(lens: impl IntoIterator<Item = usize>, expected: usize, dim: usize) {
        for len in lens {
            if len != expected {
                panic!("expected sequence of length {expected} at dim {dim} (got {len})");
            }
        }
    }
}

/// Builds a tensor from a nested literal of rank 0 to 3, like `torch.tensor([[1., 2.], [3., 4.]])`.
///
/// The dtype follows PyTorch's rule for Python numbers, not the Rust types: any float makes it
/// the default dtype (float32), else any integer makes it int64, else bool. Use
/// [`Tensor::from_slice`] / [`Tensor::from_vec`] to keep a Rust element type (`f64` data as
/// float64). Ragged rows panic with PyTorch's message.
///
/// ```
/// use torchlight::{tensor, DType};
/// let t = tensor!([[1.0, 2.0], [3.0, 4.0]]);
/// assert_eq!((t.shape(), t.dtype()), (&[2, 2][..], DType::F32));
/// assert_eq!(tensor!([1, 2, 3]).dtype(), DType::I64);
/// assert_eq!(tensor!(5).dim(), 0);
/// assert_eq!(tensor!([true, false]).dtype(), DType::Bool);
/// ```
#[macro_export]
macro_rules! tensor {
    // Higher-rank arms need at least one row, so that `[]` is 1-D and `[[]]` is (1, 0) as in
    // PyTorch.
    ([$([$([$($x:expr),* $(,)?]),+ $(,)?]),+ $(,)?]) => {{
        let rows: Vec<Vec<Vec<$crate::Scalar>>> = vec![$(vec![$(vec![$($crate::Scalar::from($x)),*]),*]),*];
        let d0 = rows.len();
        let d1 = rows.first().map_or(0, |r| r.len());
        let d2 = rows.first().and_then(|r| r.first()).map_or(0, |r| r.len());
        $crate::Tensor::check_ragged(rows.iter().map(|r| r.len()), d1, 1);
        $crate::Tensor::check_ragged(rows.iter().flatten().map(|r| r.len()), d2, 2);
        let flat: Vec<$crate::Scalar> = rows.into_iter().flatten().flatten().collect();
        $crate::Tensor::from_scalars(&flat, &[d0, d1, d2])
    }};
    ([$([$($x:expr),* $(,)?]),+ $(,)?]) => {{
        let rows: Vec<Vec<$crate::Scalar>> = vec![$(vec![$($crate::Scalar::from($x)),*]),*];
        let d0 = rows.len();
        let d1 = rows.first().map_or(0, |r| r.len());
        $crate::Tensor::check_ragged(rows.iter().map(|r| r.len()), d1, 1);
        let flat: Vec<$crate::Scalar> = rows.into_iter().flatten().collect();
        $crate::Tensor::from_scalars(&flat, &[d0, d1])
    }};
    ([$($x:expr),* $(,)?]) => {{
        let flat: Vec<$crate::Scalar> = vec![$($crate::Scalar::from($x)),*];
        let n = flat.len();
        $crate::Tensor::from_scalars(&flat, &[n])
    }};
    ($x:expr) => {
        $crate::Tensor::from_scalars(&[$crate::Scalar::from($x)], &[])
    };
}
