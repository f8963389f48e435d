//! Elementwise tests of special values (`isnan`, `isinf`, `isfinite`) and the boolean
//! reductions `any` and `all`, over all elements or along a dim. All return bool tensors and
//! record no gradient, as in PyTorch.

use super::binary_kernel::unary_map;
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::{DType, Result, Tensor};

impl Tensor {
    /// Whether each element is NaN (`torch.isnan`); always false for integer and bool tensors.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.0f32, f32::NAN]);
    /// assert_eq!(t.isnan().to_vec::<bool>(), vec![false, true]);
    /// ```
    pub fn isnan(&self) -> Tensor {
        match self.dtype() {
            DType::F32 => unary_map::<f32, bool>(self, |x| x.is_nan()),
            DType::F64 => unary_map::<f64, bool>(self, |x| x.is_nan()),
            _ => Tensor::zeros_dtype(self.shape(), DType::Bool),
        }
    }

    /// Whether each element is positive or negative infinity (`torch.isinf`); always false
    /// for integer and bool tensors.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[f32::NEG_INFINITY, 1.0, f32::NAN]);
    /// assert_eq!(t.isinf().to_vec::<bool>(), vec![true, false, false]);
    /// ```
    pub fn isinf(&self) -> Tensor {
        match self.dtype() {
            DType::F32 => unary_map::<f32, bool>(self, |x| x.is_infinite()),
            DType::F64 => unary_map::<f64, bool>(self, |x| x.is_infinite()),
            _ => Tensor::zeros_dtype(self.shape(), DType::Bool),
        }
    }

    /// Whether each element is neither NaN nor infinite (`torch.isfinite`); always true for
    /// integer and bool tensors.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[f32::INFINITY, 1.0, f32::NAN]);
    /// assert_eq!(t.isfinite().to_vec::<bool>(), vec![false, true, false]);
    /// ```
    pub fn isfinite(&self) -> Tensor {
        match self.dtype() {
            DType::F32 => unary_map::<f32, bool>(self, |x| x.is_finite()),
            DType::F64 => unary_map::<f64, bool>(self, |x| x.is_finite()),
            _ => Tensor::ones_dtype(self.shape(), DType::Bool),
        }
    }

    /// Whether any element is non-zero (`torch.any`), as a 0-dim bool tensor; NaN counts as
    /// non-zero, and an empty tensor gives false.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[0i64, 3]);
    /// assert!(t.any().to_vec::<bool>()[0]);
    /// ```
    pub fn any(&self) -> Tensor {
        self.nonzero_mask().sum().gt(0)
    }

    /// Whether every element is non-zero (`torch.all`), as a 0-dim bool tensor; an empty
    /// tensor gives true.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.0f32, f32::NAN]);
    /// assert!(t.all().to_vec::<bool>()[0]);
    /// ```
    pub fn all(&self) -> Tensor {
        self.nonzero_mask().logical_not().sum().eq(0)
    }

    /// [`Tensor::any`] along `dim` (negative counts from the end), keeping it as size 1 with
    /// `keepdim` (`torch.any(t, dim, keepdim)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![0i64, 1, 0, 0], &[2, 2]);
    /// assert_eq!(t.any_dim(1, false).to_vec::<bool>(), vec![true, false]);
    /// ```
    #[track_caller]
    pub fn any_dim(&self, dim: i64, keepdim: bool) -> Tensor {
        unwrap(self.try_any_dim(dim, keepdim))
    }

    /// Fallible twin of [`Tensor::any_dim`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_any_dim(1, false).is_err());
    /// ```
    pub fn try_any_dim(&self, dim: i64, keepdim: bool) -> Result<Tensor> {
        wrap_dim(dim, self.dim())?;
        Ok(self.nonzero_mask().try_sum_dim(&[dim], keepdim)?.gt(0))
    }

    /// [`Tensor::all`] along `dim` (`torch.all(t, dim, keepdim)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1i64, 1, 0, 1], &[2, 2]);
    /// assert_eq!(t.all_dim(0, true).to_vec::<bool>(), vec![false, true]);
    /// ```
    #[track_caller]
    pub fn all_dim(&self, dim: i64, keepdim: bool) -> Tensor {
        unwrap(self.try_all_dim(dim, keepdim))
    }

    /// Fallible twin of [`Tensor::all_dim`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_all_dim(-2, false).is_err());
    /// ```
    pub fn try_all_dim(&self, dim: i64, keepdim: bool) -> Result<Tensor> {
        wrap_dim(dim, self.dim())?;
        Ok(self.nonzero_mask().logical_not().try_sum_dim(&[dim], keepdim)?.eq(0))
    }

    /// Whether each element is non-zero, without history (the reductions above have none).
    fn nonzero_mask(&self) -> Tensor {
        crate::no_grad(|| self.detach().ne(0))
    }
}
