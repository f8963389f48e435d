//! Order statistics: `kthvalue`, `median` and `nanmedian`, over all elements or along a dim.
//! They pick from PyTorch's sort order (NaN above every number). A median is the lower of
//! the two middle elements; `median` is NaN where a NaN is present, `nanmedian` skips NaNs.

use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::{not_implemented, unwrap};
use crate::ops::reduce_minmax::evenly_distribute_backward;
use crate::tensor::layout::wrap_dim;
use crate::{DType, Error, Result, Tensor};

/// Which element of each sorted row to pick.
#[derive(Clone, Copy)]
enum Rank {
    /// The k-th smallest, counting from 1.
    Kth(usize),
    /// The lower median, or the first NaN if there is one.
    Median,
    /// The lower median of the numbers, NaNs skipped (the first NaN if there are only NaNs).
    NanMedian,
}

impl Rank {
    fn op_name(self) -> &'static str {
        match self {
            Rank::Kth(_) => "kthvalue",
            Rank::Median => "median",
            Rank::NanMedian => "nanmedian",
        }
    }
}

impl Tensor {
    /// The `k`-th smallest element along `dim` (counting from 1) and its int64 index
    /// (`torch.kthvalue`); NaN counts as the largest. The gradient goes to that index.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[3.0f32, 1.0, 2.0]);
    /// let (v, i) = t.kthvalue(2, 0, false);
    /// assert_eq!((v.item(), i.item()), (2.0, 2.0));
    /// ```
    #[track_caller]
    pub fn kthvalue(&self, k: usize, dim: i64, keepdim: bool) -> (Tensor, Tensor) {
        unwrap(self.try_kthvalue(k, dim, keepdim))
    }

    /// Fallible twin of [`Tensor::kthvalue`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[2, 3]).try_kthvalue(4, 1, false).unwrap_err();
    /// assert_eq!(e.to_string(), "kthvalue(): selected number k out of range for dimension 1");
    /// ```
    pub fn try_kthvalue(&self, k: usize, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.rank_dim(Rank::Kth(k), dim, keepdim, "KthvalueBackward0")
    }

    /// The median of all elements, as a 0-dim tensor (`torch.median(x)`): the lower of the
    /// two middle elements, NaN if any element is NaN or there are none. The gradient is
    /// shared among the elements equal to it.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[4.0f32, 1.0, 3.0, 2.0]);
    /// assert_eq!(t.median().item(), 2.0);
    /// ```
    #[track_caller]
    pub fn median(&self) -> Tensor {
        unwrap(self.try_median())
    }

    /// Fallible twin of [`Tensor::median`].
    ///
    /// ```
    /// let e = torchlight::Tensor::from_slice(&[true]).try_median().unwrap_err();
    /// assert_eq!(e.to_string(), "\"median_cpu\" not implemented for 'Bool'");
    /// ```
    pub fn try_median(&self) -> Result<Tensor> {
        self.rank_all(Rank::Median, "MedianBackward0")
    }

    /// The lower median along `dim` and its int64 index (`torch.median(x, dim, keepdim)`);
    /// a row with a NaN gives its first NaN. The gradient goes to that index.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![3i64, 1, 2, 9, 8, 7], &[2, 3]);
    /// let (v, i) = t.median_dim(1, false);
    /// assert_eq!((v.to_vec::<i64>(), i.to_vec::<i64>()), (vec![2, 8], vec![2, 1]));
    /// ```
    #[track_caller]
    pub fn median_dim(&self, dim: i64, keepdim: bool) -> (Tensor, Tensor) {
        unwrap(self.try_median_dim(dim, keepdim))
    }

    /// Fallible twin of [`Tensor::median_dim`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[2, 0]).try_median_dim(1, false).unwrap_err();
    /// assert_eq!(e.to_string(), "median(): Expected reduction dim 1 to have non-zero size.");
    /// ```
    pub fn try_median_dim(&self, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.rank_dim(Rank::Median, dim, keepdim, "MedianBackward1")
    }

    /// The median of the elements that are not NaN (`torch.nanmedian(x)`); NaN if there are
    /// none.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[f32::NAN, 1.0, 5.0, 3.0]);
    /// assert_eq!(t.nanmedian().item(), 3.0);
    /// ```
    #[track_caller]
    pub fn nanmedian(&self) -> Tensor {
        unwrap(self.try_nanmedian())
    }

    /// Fallible twin of [`Tensor::nanmedian`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::from_slice(&[false]).try_nanmedian().is_err());
    /// ```
    pub fn try_nanmedian(&self) -> Result<Tensor> {
        self.rank_all(Rank::NanMedian, "NanmedianBackward0")
    }

    /// The NaN-skipping median along `dim` and its int64 index
    /// (`torch.nanmedian(x, dim, keepdim)`). A row of NaNs only gives NaN and the index of
    /// its first NaN (PyTorch's index there is whichever NaN its selection leaves first).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![f32::NAN, 1.0, f32::NAN, 3.0], &[1, 4]);
    /// let (v, i) = t.nanmedian_dim(1, false);
    /// assert_eq!((v.to_vec::<f32>(), i.to_vec::<i64>()), (vec![1.0], vec![1]));
    /// ```
    #[track_caller]
    pub fn nanmedian_dim(&self, dim: i64, keepdim: bool) -> (Tensor, Tensor) {
        unwrap(self.try_nanmedian_dim(dim, keepdim))
    }

    /// Fallible twin of [`Tensor::nanmedian_dim`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_nanmedian_dim(1, false).is_err());
    /// ```
    pub fn try_nanmedian_dim(&self, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.rank_dim(Rank::NanMedian, dim, keepdim, "NanmedianBackward1")
    }

    /// The median of all elements (`median`, `nanmedian`), with the tie-sharing gradient.
    fn rank_all(&self, rank: Rank, node: &'static str) -> Result<Tensor> {
        if self.dtype() == DType::Bool {
            return Err(not_implemented("median_cpu", DType::Bool));
        }
        let out = if self.numel() == 0 {
            // NaN; PyTorch's integer kernel converts it as C++ does, to the smallest int64.
            let nan = if self.dtype() == DType::I64 { i64::MIN as f64 } else { f64::NAN };
            Tensor::full_dtype(&[], nan, self.dtype())
        } else {
            let flat = self.detach().reshape(&[-1]);
            crate::no_grad(|| flat.rank_dim(rank, 0, false, node)).map(|(v, _)| v)?
        };
        if needs_grad(&[self]) {
            let saved = vec![SavedTensor::input(self), SavedTensor::output(&out, 0)];
            record_unary(node, &[self], &out, saved, |ctx| {
                Ok(vec![Some(evenly_distribute_backward(ctx.grad(), &ctx.saved[0], &ctx.saved[1]))])
            });
        }
        Ok(out)
    }

    /// The element of rank `rank` along `dim` and its index, with the gradient going to it.
    fn rank_dim(&self, rank: Rank, dim: i64, keepdim: bool, node: &'static str) -> Result<(Tensor, Tensor)> {
        let op = rank.op_name();
        if self.dtype() == DType::Bool {
            let kernel = if matches!(rank, Rank::Kth(_)) { "kthvalue_cpu" } else { "median_out" };
            return Err(not_implemented(kernel, DType::Bool));
        }
        let d = wrap_dim(dim, self.dim())?;
        let size = if self.dim() == 0 { 1 } else { self.shape()[d] };
        match rank {
            Rank::Kth(k) if k == 0 || k > size => {
                return Err(Error::Runtime(format!("kthvalue(): selected number k out of range for dimension {d}")));
            }
            Rank::Median | Rank::NanMedian if size == 0 && self.dim() > 0 => {
                return Err(Error::Index(format!("{op}(): Expected reduction dim {d} to have non-zero size.")));
            }
            _ => {}
        }
        let x = self.detach();
        let (values, indices) = if self.dim() == 0 {
            (x.copy(), Tensor::zeros_dtype(&[], DType::I64))
        } else {
            let sorted = x.sort_indices(d, false);
            // Where, in each sorted row, the element of this rank sits. NaNs sort last, in
            // index order, so the first NaN sits after all the numbers.
            let nans = x.isnan().sum_dim(&[d as i64], true);
            let pos = match rank {
                Rank::Kth(k) => Tensor::full_dtype(nans.shape(), (k - 1) as f64, DType::I64),
                Rank::Median => {
                    let numbers = -(&nans) + size as i64;
                    let middle = Tensor::full_dtype(nans.shape(), ((size - 1) / 2) as f64, DType::I64);
                    numbers.where_cond(&nans.gt(0), &middle)
                }
                Rank::NanMedian => {
                    let numbers = -(&nans) + size as i64;
                    ((&numbers - 1i64).clamp_min(0.0)).div_rounding(2, crate::RoundingMode::Floor)
                }
            };
            let indices = sorted.gather(d as i64, &pos);
            let values = x.gather(d as i64, &indices);
            (values, indices)
        };
        let squeeze = |t: Tensor| if keepdim || self.dim() == 0 { t } else { t.squeeze_dim(d as i64) };
        let (values, out_indices) = (squeeze(values), squeeze(indices.clone()));
        if needs_grad(&[self]) {
            let (shape, dtype) = (self.shape().to_vec(), self.dtype());
            record_unary(node, &[self], &values, [], move |ctx| {
                if shape.is_empty() {
                    return Ok(vec![Some(ctx.grad().clone())]);
                }
                let g = if keepdim { ctx.grad().clone() } else { ctx.grad().try_unsqueeze(d as i64)? };
                Ok(vec![Some(Tensor::zeros_dtype(&shape, dtype).try_scatter(d as i64, &indices, &g)?)])
            });
        }
        Ok((values, out_indices))
    }
}
