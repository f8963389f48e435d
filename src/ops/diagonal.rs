//! Diagonals: `diagonal` (a view), `diag_embed` (its inverse), `diag` (either, by rank) and
//! `trace`, with PyTorch's gradient nodes.

use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::ops::shape::{embed_in_zeros, make_view};
use crate::tensor::layout::{wrap_dim, Shape};
use crate::{DType, Error, Result, Tensor};

/// The number of elements on diagonal `offset` of an `rows x cols` matrix.
fn diag_len(rows: usize, cols: usize, offset: i64) -> usize {
    let (rows, cols) = (rows as i64, cols as i64);
    let len = if offset >= 0 { rows.min(cols - offset) } else { (rows + offset).min(cols) };
    len.max(0) as usize
}

impl Tensor {
    /// The diagonal `offset` of the matrices spanned by `dim1` and `dim2`, as a view
    /// (`torch.diagonal`): both dims are removed and the diagonal becomes the last dim.
    /// Positive offsets are above the main diagonal.
    ///
    /// ```
    /// let m = torchlight::Tensor::arange(0, 9, 1).reshape(&[3, 3]);
    /// assert_eq!(m.diagonal(0, 0, 1).to_vec::<i64>(), vec![0, 4, 8]);
    /// assert_eq!(m.diagonal(1, 0, 1).to_vec::<i64>(), vec![1, 5]);
    /// assert_eq!(m.diagonal(-1, 0, 1).to_vec::<i64>(), vec![3, 7]);
    /// ```
    #[track_caller]
    pub fn diagonal(&self, offset: i64, dim1: i64, dim2: i64) -> Tensor {
        unwrap(self.try_diagonal(offset, dim1, dim2))
    }

    /// Fallible twin of [`Tensor::diagonal`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[2, 2]).try_diagonal(0, 1, -1).unwrap_err();
    /// assert_eq!(e.to_string(), "diagonal dimensions cannot be identical 1, -1");
    /// ```
    pub fn try_diagonal(&self, offset: i64, dim1: i64, dim2: i64) -> Result<Tensor> {
        let (d1, d2) = (wrap_dim(dim1, self.dim())?, wrap_dim(dim2, self.dim())?);
        if d1 == d2 {
            return Err(Error::Runtime(format!("diagonal dimensions cannot be identical {dim1}, {dim2}")));
        }
        let src = self.layout();
        let len = diag_len(src.shape[d1], src.shape[d2], offset);
        let mut l = src.clone();
        if len > 0 {
            l.offset +=
                if offset >= 0 { offset as usize * src.strides[d2] } else { (-offset) as usize * src.strides[d1] };
        }
        let keep = |k: &usize| *k != d1 && *k != d2;
        l.shape = (0..src.dim()).filter(keep).map(|k| src.shape[k]).chain([len]).collect::<Shape>();
        l.strides =
            (0..src.dim()).filter(keep).map(|k| src.strides[k]).chain([src.strides[d1] + src.strides[d2]]).collect();
        let in_shape = self.shape().to_vec();
        Ok(make_view(self, l, "DiagonalBackward0", move |g| {
            embed_in_zeros(g, &in_shape, "DiagonalBackwardBackward0", move |t| t.diagonal(offset, d1 as i64, d2 as i64))
        }))
    }

    /// Matrices whose diagonal `offset` (over the new dims `dim1` and `dim2`) holds the last
    /// dim of `self`, zero elsewhere (`torch.diag_embed`).
    ///
    /// ```
    /// let v = torchlight::Tensor::from_slice(&[1i64, 2]);
    /// assert_eq!(v.diag_embed(0, -2, -1).to_vec::<i64>(), vec![1, 0, 0, 2]);
    /// assert_eq!(v.diag_embed(1, -2, -1).shape(), &[3, 3]);
    /// ```
    #[track_caller]
    pub fn diag_embed(&self, offset: i64, dim1: i64, dim2: i64) -> Tensor {
        unwrap(self.try_diag_embed(offset, dim1, dim2))
    }

    /// Fallible twin of [`Tensor::diag_embed`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[2]).try_diag_embed(0, 0, 0).unwrap_err();
    /// assert_eq!(e.to_string(), "diagonal dimensions cannot be identical 0, 0");
    /// ```
    pub fn try_diag_embed(&self, offset: i64, dim1: i64, dim2: i64) -> Result<Tensor> {
        let rank = self.dim() + 1;
        let (d1, d2) = (wrap_dim(dim1, rank)?, wrap_dim(dim2, rank)?);
        if d1 == d2 {
            return Err(Error::Runtime(format!("diagonal dimensions cannot be identical {dim1}, {dim2}")));
        }
        let len = self.shape().last().copied().unwrap_or(1);
        let n = len + offset.unsigned_abs() as usize;
        let mut batch: Vec<usize> = self.shape()[..self.dim().saturating_sub(1)].to_vec();
        // Insert the two new dims in increasing order so that each lands where it was asked.
        let (lo, hi) = (d1.min(d2), d1.max(d2));
        batch.insert(lo, n);
        batch.insert(hi, n);
        let out = Tensor::zeros_dtype(&batch, self.dtype());
        crate::no_grad(|| out.diagonal(offset, d1 as i64, d2 as i64).copy_kernel(&self.detach()));
        if needs_grad(&[self]) {
            record_unary("DiagEmbedBackward0", &[self], &out, [], move |ctx| {
                Ok(vec![Some(ctx.grad().try_diagonal(offset, d1 as i64, d2 as i64)?)])
            });
        }
        Ok(out)
    }

    /// `torch.diag`: for a vector, the square matrix with it on diagonal `offset`; for a
    /// matrix, a copy of its diagonal `offset`.
    ///
    /// ```
    /// let v = torchlight::Tensor::from_slice(&[1.0f32, 2.0]);
    /// assert_eq!(v.diag(0).to_vec::<f32>(), vec![1.0, 0.0, 0.0, 2.0]);
    /// assert_eq!(v.diag(0).diag(0).to_vec::<f32>(), vec![1.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn diag(&self, offset: i64) -> Tensor {
        unwrap(self.try_diag(offset))
    }

    /// Fallible twin of [`Tensor::diag`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[2, 2, 2]).try_diag(0).unwrap_err();
    /// assert_eq!(e.to_string(), "diag(): Supports 1D or 2D tensors. Got 3D");
    /// ```
    pub fn try_diag(&self, offset: i64) -> Result<Tensor> {
        match self.dim() {
            1 => self.try_diag_embed(offset, 0, 1),
            2 => {
                // PyTorch copies the diagonal view (`diagonal_copy`), whose node is named so.
                let out = crate::no_grad(|| self.detach().diagonal(offset, 0, 1).contiguous());
                if needs_grad(&[self]) {
                    let in_shape = self.shape().to_vec();
                    record_unary("DiagonalBackward0_copy", &[self], &out, [], move |ctx| {
                        let g = embed_in_zeros(ctx.grad(), &in_shape, "DiagonalBackwardBackward0", move |t| {
                            t.diagonal(offset, 0, 1)
                        });
                        Ok(vec![Some(g)])
                    });
                }
                Ok(out)
            }
            d => Err(Error::Runtime(format!("diag(): Supports 1D or 2D tensors. Got {d}D"))),
        }
    }

    /// The sum of the main diagonal of a matrix (`torch.trace`), in the matrix's dtype.
    ///
    /// ```
    /// let m = torchlight::Tensor::arange(0, 6, 1).reshape(&[2, 3]);
    /// assert_eq!(m.trace().item(), 4.0);
    /// ```
    #[track_caller]
    pub fn trace(&self) -> Tensor {
        unwrap(self.try_trace())
    }

    /// Fallible twin of [`Tensor::trace`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[3]).try_trace().unwrap_err();
    /// assert_eq!(e.to_string(), "trace: expected a matrix, but got tensor with dim 1");
    /// ```
    pub fn try_trace(&self) -> Result<Tensor> {
        if self.dim() != 2 {
            return Err(Error::Runtime(format!("trace: expected a matrix, but got tensor with dim {}", self.dim())));
        }
        if self.dtype() == DType::Bool {
            return Err(crate::error::not_implemented("trace", DType::Bool));
        }
        // PyTorch's trace_cpu accumulates float32 in double, then rounds once.
        let out = crate::no_grad(|| match self.dtype() {
            DType::F32 => self.detach().diagonal(0, 0, 1).to_dtype(DType::F64).sum().to_dtype(DType::F32),
            _ => self.detach().diagonal(0, 0, 1).sum(),
        });
        if needs_grad(&[self]) {
            let in_shape = self.shape().to_vec();
            record_unary("TraceBackward0", &[self], &out, [], move |ctx| {
                // The gradient is the incoming scalar on the diagonal, zero elsewhere.
                let eye = Tensor::eye_m(in_shape[0], in_shape[1]).to_dtype(ctx.grad().dtype());
                let g = eye.try_mul(ctx.grad())?;
                Ok(vec![Some(g)])
            });
        }
        Ok(out)
    }
}
