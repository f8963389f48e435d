//! Copies and conversions: `to_dtype`, `copy` (PyTorch's `clone`), `contiguous`, and the
//! in-place `copy_`, `fill_`, `zero_`.

use super::binary_kernel::{binary_inplace, unary_inplace, unary_map};
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::broadcast_shapes;
use crate::{dispatch, DType, Element, Error, Result, Scalar, Tensor};

impl Tensor {
    /// This tensor converted to `dtype` (`tensor.to(dtype)`); the same tensor if it already
    /// has that dtype.
    ///
    /// ```
    /// use torchlight::{DType, Tensor};
    /// let t = Tensor::from_slice(&[1.7f32, -1.7]).to_dtype(DType::I64);
    /// assert_eq!(t.to_vec::<i64>(), vec![1, -1]);
    /// ```
    pub fn to_dtype(&self, dtype: DType) -> Tensor {
        if dtype == self.dtype() {
            return self.clone();
        }
        let out = self.cast_kernel(dtype);
        if needs_grad(&[self]) && dtype.is_floating_point() {
            let src = self.dtype();
            record_unary("ToCopyBackward0", &[self], &out, [], move |ctx| Ok(vec![Some(ctx.grad().to_dtype(src))]));
        }
        out
    }

    fn cast_kernel(&self, dtype: DType) -> Tensor {
        dispatch!(self.dtype(), S => dispatch!(dtype, D => unary_map::<S, D>(self, D::cast_from)))
    }

    /// `torch.Tensor.double()`: conversion to float64.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::ones(&[1]).double().dtype(), torchlight::DType::F64);
    /// ```
    pub fn double(&self) -> Tensor {
        self.to_dtype(DType::F64)
    }

    /// `torch.Tensor.float()`: conversion to float32.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1i64]).float().dtype(), torchlight::DType::F32);
    /// ```
    pub fn float(&self) -> Tensor {
        self.to_dtype(DType::F32)
    }

    /// `torch.Tensor.long()`: conversion to int64.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::ones(&[1]).long().dtype(), torchlight::DType::I64);
    /// ```
    pub fn long(&self) -> Tensor {
        self.to_dtype(DType::I64)
    }

    /// A copy with its own storage, recorded in the graph (PyTorch's `tensor.clone()`;
    /// `Tensor::clone` is Rust's handle clone).
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[2]);
    /// let b = a.copy();
    /// assert!(!a.shares_storage(&b));
    /// ```
    pub fn copy(&self) -> Tensor {
        let out = dispatch!(self.dtype(), T => unary_map::<T, T>(self, |x| x));
        if needs_grad(&[self]) {
            record_unary("CloneBackward0", &[self], &out, [], |ctx| Ok(vec![Some(ctx.grad().clone())]));
        }
        out
    }

    /// This tensor if it is contiguous, else a contiguous copy (`tensor.contiguous()`).
    ///
    /// ```
    /// let t = torchlight::Tensor::zeros(&[2, 3]).t();
    /// assert!(t.contiguous().is_contiguous());
    /// ```
    pub fn contiguous(&self) -> Tensor {
        if self.is_contiguous() {
            self.clone()
        } else {
            self.copy()
        }
    }

    /// Copies `src` (broadcast, converted to this dtype) into this tensor's elements
    /// (`tensor.copy_(src)`).
    ///
    /// ```
    /// let a = torchlight::Tensor::zeros(&[2, 2]);
    /// a.copy_(&torchlight::Tensor::from_slice(&[1.0f32, 2.0]));
    /// assert_eq!(a.to_vec::<f32>(), vec![1.0, 2.0, 1.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn copy_(&self, src: &Tensor) -> &Tensor {
        unwrap(self.try_copy_(src));
        self
    }

    /// Fallible twin of [`Tensor::copy_`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::zeros(&[2]).try_copy_(&torchlight::Tensor::zeros(&[3])).is_err());
    /// ```
    pub fn try_copy_(&self, src: &Tensor) -> Result<()> {
        let shape = broadcast_shapes(self.shape(), src.shape())?;
        if shape.as_slice() != self.shape() {
            return Err(Error::Runtime(format!(
                "output with shape {:?} doesn't match the broadcast shape {:?}",
                self.shape(),
                shape.as_slice()
            )));
        }
        self.inplace(
            &[src],
            |dst| dst.copy_kernel(src),
            |snap| {
                // copy_ forgets self's old value: the result is src expanded and converted; the
                // old history gets zeros and src the gradient (PyTorch's CopyBackwards).
                let r = crate::no_grad(|| src.to_dtype(self.dtype()).expand(self.shape()).copy());
                record_unary("CopyBackwards", &[snap, src], &r, [], |ctx| {
                    Ok(vec![Some(ctx.grad().zeros_like()), Some(ctx.grad().clone())])
                });
                Ok(r)
            },
        )
    }

    /// The copy kernel: `self[i] = src[j]`, broadcasting and converting.
    pub(crate) fn copy_kernel(&self, src: &Tensor) {
        let mut src = src.to_dtype(self.dtype());
        if src.shares_storage(self) {
            src = src.detach().copy();
        }
        dispatch!(self.dtype(), T => binary_inplace::<T>(self, &src, |_, y| y));
    }

    /// Sets every element to `value` (`tensor.fill_(value)`).
    ///
    /// ```
    /// let a = torchlight::Tensor::zeros(&[2]);
    /// a.fill_(3);
    /// assert_eq!(a.to_vec::<f32>(), vec![3.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn fill_(&self, value: impl Into<Scalar>) -> &Tensor {
        self.fill_as(value.into(), "FillBackward2")
    }

    #[track_caller]
    fn fill_as(&self, value: Scalar, node: &'static str) -> &Tensor {
        unwrap(self.inplace(
            &[],
            |dst| dst.fill_kernel(value),
            |snap| {
                let r = snap.detach().full_like(value);
                Tensor::record_overwrite(node, snap, &r);
                Ok(r)
            },
        ));
        self
    }

    pub(crate) fn fill_kernel(&self, value: Scalar) {
        dispatch!(self.dtype(), T => { let v: T = value.to_elem(); unary_inplace::<T>(self, move |_| v) });
    }

    /// Sets every element to zero (`tensor.zero_()`).
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[2]);
    /// a.zero_();
    /// assert_eq!(a.to_vec::<f32>(), vec![0.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn zero_(&self) -> &Tensor {
        self.fill_as(Scalar::Int(0), "ZeroBackward0")
    }
}
