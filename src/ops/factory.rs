//! Range factories: `linspace` and `arange` with PyTorch's exact element formulas.

use crate::backend::cpu::range;
use crate::error::unwrap;
use crate::{DType, Error, Result, Scalar, Tensor};

impl Tensor {
    /// `steps` evenly spaced values from `start` to `end` of the default dtype
    /// (`torch.linspace`), bit for bit as PyTorch computes them.
    ///
    /// ```
    /// let t = torchlight::Tensor::linspace(-1.0, 1.0, 5);
    /// assert_eq!(t.to_vec::<f32>(), vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
    /// ```
    #[track_caller]
    pub fn linspace(start: f64, end: f64, steps: i64) -> Tensor {
        unwrap(Tensor::try_linspace_dtype(start, end, steps, crate::get_default_dtype()))
    }

    /// `torch.linspace` with a dtype (integer dtypes truncate).
    ///
    /// ```
    /// use torchlight::{DType, Tensor};
    /// let t = Tensor::try_linspace_dtype(0.0, 10.0, 5, DType::I64).unwrap();
    /// assert_eq!(t.to_vec::<i64>(), vec![0, 2, 5, 7, 10]);
    /// ```
    pub fn try_linspace_dtype(start: f64, end: f64, steps: i64, dtype: DType) -> Result<Tensor> {
        let err = Error::Runtime;
        Ok(match dtype {
            DType::F32 => {
                let v = range::linspace_f32(start, end, steps).map_err(err)?;
                Tensor::from_slice(&v)
            }
            DType::F64 => {
                let v = range::linspace_f64(start, end, steps).map_err(err)?;
                Tensor::from_slice(&v)
            }
            DType::I64 => {
                let v = range::linspace_i64(start, end, steps).map_err(err)?;
                let n = v.len();
                Tensor::from_vec(v, &[n])
            }
            DType::Bool => {
                let v = range::linspace_f64(start, end, steps).map_err(err)?;
                Tensor::from_vec(v.clone(), &[v.len()]).to_dtype(DType::Bool)
            }
        })
    }

    /// Values from `start` (inclusive) to `end` (exclusive) by `step` (`torch.arange`).
    /// The dtype is int64 when all three are integers, else the default float dtype.
    ///
    /// ```
    /// use torchlight::{DType, Tensor};
    /// assert_eq!(Tensor::arange(0, 5, 2).to_vec::<i64>(), vec![0, 2, 4]);
    /// assert_eq!(Tensor::arange(0, 1, 0.25).dtype(), DType::F32);
    /// ```
    #[track_caller]
    pub fn arange(start: impl Into<Scalar>, end: impl Into<Scalar>, step: impl Into<Scalar>) -> Tensor {
        unwrap(Tensor::try_arange(start, end, step))
    }

    /// Fallible twin of [`Tensor::arange`].
    ///
    /// ```
    /// let e = torchlight::Tensor::try_arange(0, 5, 0).unwrap_err();
    /// assert_eq!(e.to_string(), "step must be nonzero");
    /// ```
    pub fn try_arange(start: impl Into<Scalar>, end: impl Into<Scalar>, step: impl Into<Scalar>) -> Result<Tensor> {
        let (s, e, st) = (start.into(), end.into(), step.into());
        let all_int = [s, e, st].iter().all(|v| !matches!(v, Scalar::Float(_)));
        let dtype = if all_int { DType::I64 } else { crate::get_default_dtype() };
        Tensor::try_arange_dtype(s, e, st, dtype)
    }

    /// `torch.arange` with an explicit dtype.
    ///
    /// ```
    /// use torchlight::{DType, Tensor};
    /// let t = Tensor::try_arange_dtype(0.into(), 3.into(), 1.into(), DType::F64).unwrap();
    /// assert_eq!(t.to_vec::<f64>(), vec![0.0, 1.0, 2.0]);
    /// ```
    pub fn try_arange_dtype(start: Scalar, end: Scalar, step: Scalar, dtype: DType) -> Result<Tensor> {
        let threads = crate::get_num_threads();
        let err = Error::Runtime;
        let (s, e, st) = (start.to_f64(), end.to_f64(), step.to_f64());
        Ok(match dtype {
            DType::F32 => {
                let v = crate::threads::install(|| range::arange_f32(s, e, st, threads)).map_err(err)?;
                let n = v.len();
                Tensor::from_vec(v, &[n])
            }
            DType::F64 => {
                let v = crate::threads::install(|| range::arange_f64(s, e, st, threads)).map_err(err)?;
                let n = v.len();
                Tensor::from_vec(v, &[n])
            }
            _ => {
                let v = range::arange_i64(start.to_i64(), end.to_i64(), step.to_i64()).map_err(err)?;
                let n = v.len();
                Tensor::from_vec(v, &[n]).to_dtype(dtype)
            }
        })
    }
}
