//! Reading a tensor's elements: `to_vec`, `item`, and the typed views kernels use.

use super::Tensor;
use crate::backend::cpu::strided::walk;
use crate::{dispatch, Element, Error, Result, Scalar};

/// Elements copied out of a tensor in logical (row-major) order, in their own dtype.
///
/// ```
/// use torchlight::{Tensor, TensorData};
/// match Tensor::from_slice(&[1i64, 2]).data() {
///     TensorData::I64(v) => assert_eq!(v, vec![1, 2]),
///     _ => unreachable!(),
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum TensorData {
    /// bool elements
    Bool(Vec<bool>),
    /// i64 elements
    I64(Vec<i64>),
    /// f32 elements
    F32(Vec<f32>),
    /// f64 elements
    F64(Vec<f64>),
}

impl Tensor {
    /// Runs `f` on the storage slice and layout of this tensor, typed as `T`, which must be
    /// the tensor's dtype.
    #[inline]
    pub(crate) fn with_slice<T: Element, R>(&self, f: impl FnOnce(&[T], &super::Layout) -> R) -> R {
        let guard = self.0.storage.read();
        f(T::slice(&guard), &self.0.layout)
    }

    /// The elements in logical order, as a new vector of the tensor's own type `T`.
    pub(crate) fn contiguous_vec<T: Element>(&self) -> Vec<T> {
        self.with_slice(|data: &[T], l| {
            if l.is_contiguous() {
                return data[l.offset..l.offset + l.numel()].to_vec();
            }
            let mut out = Vec::with_capacity(l.numel());
            walk(&l.shape, [&l.strides], [l.offset], |[i]| out.push(data[i]));
            out
        })
    }

    /// The elements in logical (row-major) order, converted to `T` as `Tensor.to(dtype)`
    /// would.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.5f32, -2.0]);
    /// assert_eq!(t.to_vec::<f64>(), vec![1.5, -2.0]);
    /// assert_eq!(t.to_vec::<i64>(), vec![1, -2]);
    /// ```
    pub fn to_vec<T: Element>(&self) -> Vec<T> {
        dispatch!(self.dtype(), S => {
            let v: Vec<S> = self.contiguous_vec();
            if T::DTYPE == S::DTYPE {
                // Same type: reinterpret without a per-element conversion.
                let mut v = std::mem::ManuallyDrop::new(v);
                // SAFETY: T and S are the same type (same DType ⇒ same Rust type).
                unsafe { Vec::from_raw_parts(v.as_mut_ptr() as *mut T, v.len(), v.capacity()) }
            } else {
                v.into_iter().map(T::cast_from).collect()
            }
        })
    }

    /// The elements in logical order, in the tensor's own dtype.
    ///
    /// ```
    /// use torchlight::{Tensor, TensorData};
    /// assert_eq!(Tensor::from_slice(&[true]).data(), TensorData::Bool(vec![true]));
    /// ```
    pub fn data(&self) -> TensorData {
        match self.dtype() {
            crate::DType::Bool => TensorData::Bool(self.contiguous_vec()),
            crate::DType::I64 => TensorData::I64(self.contiguous_vec()),
            crate::DType::F32 => TensorData::F32(self.contiguous_vec()),
            crate::DType::F64 => TensorData::F64(self.contiguous_vec()),
        }
    }

    /// The value of a one-element tensor as `f64` (`tensor.item()`).
    ///
    /// Panics with PyTorch's message when the tensor has more than one element.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::scalar(2.5f32).item(), 2.5);
    /// ```
    #[track_caller]
    pub fn item(&self) -> f64 {
        crate::error::unwrap(self.try_item()).to_f64()
    }

    /// Fallible twin of [`Tensor::item`], keeping the value's kind.
    ///
    /// ```
    /// use torchlight::{Scalar, Tensor};
    /// assert_eq!(Tensor::scalar(3i64).try_item().unwrap(), Scalar::Int(3));
    /// ```
    pub fn try_item(&self) -> Result<Scalar> {
        let n = self.numel();
        if n != 1 {
            return Err(Error::Runtime(format!("a Tensor with {n} elements cannot be converted to Scalar")));
        }
        let i = self.0.layout.offset;
        let buf = self.0.storage.read();
        Ok(match &*buf {
            super::Buffer::Bool(v) => Scalar::Bool(v[i]),
            super::Buffer::I64(v) => Scalar::Int(v[i]),
            super::Buffer::F32(v) => Scalar::Float(v[i] as f64),
            super::Buffer::F64(v) => Scalar::Float(v[i]),
        })
    }

    /// The value of a one-element tensor converted to `T`.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::scalar(2.5f32).item_as::<f32>(), 2.5f32);
    /// ```
    #[track_caller]
    pub fn item_as<T: Element>(&self) -> T {
        match crate::error::unwrap(self.try_item()) {
            Scalar::Bool(b) => T::from_bool(b),
            Scalar::Int(i) => T::from_i64(i),
            Scalar::Float(f) => {
                if self.dtype() == crate::DType::F32 {
                    T::cast_from(f as f32)
                } else {
                    T::from_f64(f)
                }
            }
        }
    }
}
