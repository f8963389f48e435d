//! Elementwise tests of special values (`isnan`, `isinf`, `isfinite`), closeness (`isclose`,
//! `allclose`), the boolean reductions `any` and `all` (over all elements or along a dim), all
//! returning bool tensors without gradient as in PyTorch, and `nan_to_num`, which replaces the
//! special values.

use super::binary_kernel::unary_map;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::{DType, Error, Result, Tensor};

impl Tensor {
    /// Whether each element is NaN (`torch.isnan`); always false for integer and bool tensors.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.0f32, f32::NAN]);
    /// assert_eq!(t.isnan().to_vec::<bool>(), vec![false, true]);
    /// ```
    pub fn isnan(&self) -> Tensor {
        self.classify(f32::is_nan, f64::is_nan, false)
    }

    /// Whether each element is positive or negative infinity (`torch.isinf`); always false
    /// for integer and bool tensors.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[f32::NEG_INFINITY, 1.0, f32::NAN]);
    /// assert_eq!(t.isinf().to_vec::<bool>(), vec![true, false, false]);
    /// ```
    pub fn isinf(&self) -> Tensor {
        self.classify(f32::is_infinite, f64::is_infinite, false)
    }

    /// Whether each element is neither NaN nor infinite (`torch.isfinite`); always true for
    /// integer and bool tensors.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[f32::INFINITY, 1.0, f32::NAN]);
    /// assert_eq!(t.isfinite().to_vec::<bool>(), vec![false, true, false]);
    /// ```
    pub fn isfinite(&self) -> Tensor {
        self.classify(f32::is_finite, f64::is_finite, true)
    }

    /// A float test of each element as a bool tensor; integer and bool elements, never NaN or
    /// infinite, all give `whole`.
    fn classify(&self, f32_test: fn(f32) -> bool, f64_test: fn(f64) -> bool, whole: bool) -> Tensor {
        match self.dtype() {
            DType::F32 => unary_map::<f32, bool>(self, f32_test),
            DType::F64 => unary_map::<f64, bool>(self, f64_test),
            _ => Tensor::full_dtype(self.shape(), whole, DType::Bool),
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

    /// Whether each pair of elements is close: `|self - other| <= atol + rtol * |other|`, or
    /// equal (infinities of one sign), or both NaN with `equal_nan` (`torch.isclose`;
    /// PyTorch's defaults are `rtol = 1e-5`, `atol = 1e-8`, `equal_nan = false`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_slice(&[1.0f32, f32::INFINITY, f32::NAN]);
    /// let b = Tensor::from_slice(&[1.000001f32, f32::INFINITY, f32::NAN]);
    /// assert_eq!(a.isclose(&b, 1e-5, 1e-8, false).to_vec::<bool>(), vec![true, true, false]);
    /// ```
    #[track_caller]
    pub fn isclose(&self, other: &Tensor, rtol: f64, atol: f64, equal_nan: bool) -> Tensor {
        unwrap(self.try_isclose(other, rtol, atol, equal_nan))
    }

    /// Fallible twin of [`Tensor::isclose`]: the dtypes must agree, and the tolerances be
    /// non-negative, as PyTorch checks.
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[2]);
    /// let e = a.try_isclose(&a, -1.0, 0.0, false).unwrap_err();
    /// assert_eq!(e.to_string(), "rtol must be greater than or equal to zero, but got -1");
    /// ```
    pub fn try_isclose(&self, other: &Tensor, rtol: f64, atol: f64, equal_nan: bool) -> Result<Tensor> {
        if self.dtype() != other.dtype() {
            return Err(Error::Runtime(format!(
                "{} did not match {}",
                self.dtype().scalar_name(),
                other.dtype().scalar_name()
            )));
        }
        // PyTorch prints the tolerances as C++ doubles: -1 for -1.0.
        if rtol < 0.0 {
            return Err(Error::Runtime(format!("rtol must be greater than or equal to zero, but got {rtol}")));
        }
        if atol < 0.0 {
            return Err(Error::Runtime(format!("atol must be greater than or equal to zero, but got {atol}")));
        }
        crate::no_grad(|| {
            let (a, b) = (self.detach(), other.detach());
            // PyTorch's isclose, step by step: equal elements, NaN pairs on request, then the
            // tolerance test on finite differences (integers compared in the default dtype).
            let mut close = a.try_eq(&b)?;
            if equal_nan {
                close = close.try_logical_or(&a.isnan().try_logical_and(&b.isnan())?)?;
            }
            if rtol == 0.0 && atol == 0.0 {
                return Ok(close);
            }
            let (a, b) = if a.dtype().is_floating_point() {
                (a, b)
            } else {
                (a.to_dtype(crate::get_default_dtype()), b.to_dtype(crate::get_default_dtype()))
            };
            let allowed = b.mul(rtol).abs().add(atol);
            let actual = a.try_sub(&b)?.abs();
            close.try_logical_or(&actual.isfinite().try_logical_and(&actual.try_le(&allowed)?)?)
        })
    }

    /// Whether every pair of elements is close (`torch.allclose`): [`Tensor::isclose`] for
    /// all of them.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_slice(&[1.0f64, 2.0]);
    /// assert!(a.allclose(&(&a + 1e-9), 1e-5, 1e-8, false));
    /// ```
    #[track_caller]
    pub fn allclose(&self, other: &Tensor, rtol: f64, atol: f64, equal_nan: bool) -> bool {
        unwrap(self.try_allclose(other, rtol, atol, equal_nan))
    }

    /// Fallible twin of [`Tensor::allclose`].
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[2]);
    /// assert!(a.try_allclose(&torchlight::Tensor::ones(&[3]), 1e-5, 1e-8, false).is_err());
    /// ```
    pub fn try_allclose(&self, other: &Tensor, rtol: f64, atol: f64, equal_nan: bool) -> Result<bool> {
        Ok(self.try_isclose(other, rtol, atol, equal_nan)?.all().to_vec::<bool>()[0])
    }

    /// Replaces NaN with `nan`, positive infinity with `posinf` and negative infinity with
    /// `neginf` (`torch.nan_to_num`); `None` for an infinity means the dtype's largest (or
    /// lowest) finite value. Integer and bool tensors come back unchanged. The gradient passes
    /// where the input was finite and is 0 elsewhere.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[f32::NAN, f32::INFINITY, 1.5]);
    /// assert_eq!(t.nan_to_num(0.0, None, None).to_vec::<f32>(), vec![0.0, f32::MAX, 1.5]);
    /// ```
    pub fn nan_to_num(&self, nan: f64, posinf: Option<f64>, neginf: Option<f64>) -> Tensor {
        let out = match self.dtype() {
            DType::F32 => {
                let (n, p, m) =
                    (nan as f32, posinf.map_or(f32::MAX, |v| v as f32), neginf.map_or(f32::MIN, |v| v as f32));
                unary_map::<f32, f32>(self, move |x| special_to_num(x, n, p, m))
            }
            DType::F64 => {
                let (p, m) = (posinf.unwrap_or(f64::MAX), neginf.unwrap_or(f64::MIN));
                unary_map::<f64, f64>(self, move |x| special_to_num(x, nan, p, m))
            }
            _ => self.copy(),
        };
        if needs_grad(&[self]) {
            let finite = self.isfinite();
            record_unary("NanToNumBackward0", &[self], &out, [], move |ctx| {
                Ok(vec![Some(ctx.grad() * &finite.to_dtype(ctx.grad().dtype()))])
            });
        }
        out
    }
}

/// `x`, or the replacement of a NaN or an infinity.
fn special_to_num<T: num_traits::Float>(x: T, nan: T, posinf: T, neginf: T) -> T {
    if x.is_nan() {
        nan
    } else if x == T::infinity() {
        posinf
    } else if x == T::neg_infinity() {
        neginf
    } else {
        x
    }
}
