//! Ops that move or mask whole elements: `flip`, `roll`, `repeat`, `tile`, `tril`, `triu`.
//! Each computes its forward from existing ops without recording them, then records
//! PyTorch's node (`FlipBackward0`, `RollBackward0`, `RepeatBackward0`, `TrilBackward0`,
//! `TriuBackward0`) with its gradient.

use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::{Error, Result, Tensor};

impl Tensor {
    /// Reverses the order of elements along each of `dims` (`torch.flip`); negative dims
    /// count from the end.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1i64, 2, 3, 4], &[2, 2]);
    /// assert_eq!(t.flip(&[1]).to_vec::<i64>(), vec![2, 1, 4, 3]);
    /// assert_eq!(t.flip(&[0, 1]).to_vec::<i64>(), vec![4, 3, 2, 1]);
    /// ```
    #[track_caller]
    pub fn flip(&self, dims: &[i64]) -> Tensor {
        unwrap(self.try_flip(dims))
    }

    /// Fallible twin of [`Tensor::flip`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[2, 3]).try_flip(&[0, -2]).unwrap_err();
    /// assert_eq!(e.to_string(), "dim 0 appears multiple times in the list of dims");
    /// ```
    pub fn try_flip(&self, dims: &[i64]) -> Result<Tensor> {
        let mut seen = Vec::with_capacity(dims.len());
        for &d in dims {
            let w = wrap_dim(d, self.dim())?;
            if seen.contains(&w) {
                return Err(Error::Runtime(format!("dim {w} appears multiple times in the list of dims")));
            }
            seen.push(w);
        }
        let out = crate::no_grad(|| {
            let mut t = self.detach();
            // A 0-dim tensor accepts dim 0 or -1, as PyTorch's wrap_dim does, and has nothing to reverse.
            for &d in seen.iter().filter(|_| self.dim() > 0) {
                let n = self.shape()[d] as i64;
                t = t.index_select(d as i64, &Tensor::arange(n - 1, -1, -1));
            }
            if seen.is_empty() || self.dim() == 0 {
                t.copy()
            } else {
                t
            }
        });
        if needs_grad(&[self]) {
            let dims = dims.to_vec();
            record_unary("FlipBackward0", &[self], &out, [], move |ctx| Ok(vec![Some(ctx.grad().try_flip(&dims)?)]));
        }
        Ok(out)
    }

    /// Shifts elements along `dims` by `shifts` places, wrapping around (`torch.roll`). With
    /// no dims, the tensor is rolled as if flattened.
    ///
    /// ```
    /// let t = torchlight::Tensor::arange(0, 6, 1).reshape(&[2, 3]);
    /// assert_eq!(t.roll(&[1], &[1]).to_vec::<i64>(), vec![2, 0, 1, 5, 3, 4]);
    /// assert_eq!(t.roll(&[-1], &[]).to_vec::<i64>(), vec![1, 2, 3, 4, 5, 0]);
    /// ```
    #[track_caller]
    pub fn roll(&self, shifts: &[i64], dims: &[i64]) -> Tensor {
        unwrap(self.try_roll(shifts, dims))
    }

    /// Fallible twin of [`Tensor::roll`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[2, 3]).try_roll(&[1], &[0, 1]).unwrap_err();
    /// assert_eq!(e.to_string(), "shifts and dimensions must align. shifts: 1, dims:2");
    /// ```
    pub fn try_roll(&self, shifts: &[i64], dims: &[i64]) -> Result<Tensor> {
        if shifts.is_empty() {
            return Err(Error::Runtime("`shifts` required".into()));
        }
        if !(dims.is_empty() && shifts.len() == 1) && shifts.len() != dims.len() {
            return Err(Error::Runtime(format!(
                "shifts and dimensions must align. shifts: {}, dims:{}",
                shifts.len(),
                dims.len()
            )));
        }
        if self.dim() == 0 && !dims.is_empty() {
            return Err(Error::Index(format!("Dimension specified as {} but tensor has no dimensions", dims[0])));
        }
        let wrapped: Vec<usize> = dims.iter().map(|&d| wrap_dim(d, self.dim())).collect::<Result<_>>()?;
        let out = crate::no_grad(|| {
            let x = self.detach();
            if self.dim() == 0 {
                return x.copy();
            }
            if dims.is_empty() {
                return rotate(&x.reshape(&[-1]), 0, shifts[0]).reshape_usize(self.shape());
            }
            let mut t = x;
            for (&d, &s) in wrapped.iter().zip(shifts) {
                t = rotate(&t, d, s);
            }
            t
        });
        if needs_grad(&[self]) {
            let back: Vec<i64> = shifts.iter().map(|&s| -s).collect();
            let dims = dims.to_vec();
            record_unary("RollBackward0", &[self], &out, [], move |ctx| {
                Ok(vec![Some(ctx.grad().try_roll(&back, &dims)?)])
            });
        }
        Ok(out)
    }

    /// Tiles the tensor `sizes[i]` times along each dim (`tensor.repeat(*sizes)`); extra
    /// leading sizes add leading dims.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1i64, 2]);
    /// assert_eq!(t.repeat(&[2]).to_vec::<i64>(), vec![1, 2, 1, 2]);
    /// assert_eq!(t.repeat(&[2, 1]).shape(), &[2, 2]);
    /// ```
    #[track_caller]
    pub fn repeat(&self, sizes: &[usize]) -> Tensor {
        unwrap(self.try_repeat(sizes))
    }

    /// Fallible twin of [`Tensor::repeat`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[2, 3]).try_repeat(&[2]).unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
    /// );
    /// ```
    pub fn try_repeat(&self, sizes: &[usize]) -> Result<Tensor> {
        if sizes.len() < self.dim() {
            return Err(Error::Runtime(
                "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor".into(),
            ));
        }
        // The input with leading 1s, then each dim s as [1, s] expanded to [r, s]: merging
        // the pairs tiles it.
        let mut padded = vec![1usize; sizes.len() - self.dim()];
        padded.extend_from_slice(self.shape());
        let pairs: Vec<i64> = padded.iter().flat_map(|&s| [1, s as i64]).collect();
        let tiled: Vec<usize> = sizes.iter().zip(&padded).flat_map(|(&r, &s)| [r, s]).collect();
        let merged: Vec<i64> = sizes.iter().zip(&padded).map(|(&r, &s)| (r * s) as i64).collect();
        let out = crate::no_grad(|| self.detach().reshape(&pairs).expand(&tiled).contiguous().reshape(&merged));
        if needs_grad(&[self]) {
            let in_shape: Vec<i64> = self.shape().iter().map(|&s| s as i64).collect();
            let split: Vec<i64> = tiled.iter().map(|&s| s as i64).collect();
            let copies: Vec<i64> = (0..sizes.len() as i64).map(|i| 2 * i).collect();
            record_unary("RepeatBackward0", &[self], &out, [], move |ctx| {
                // Each input element's gradient is the sum over its copies.
                Ok(vec![Some(ctx.grad().reshape(&split).try_sum_dim(&copies, false)?.reshape(&in_shape))])
            });
        }
        Ok(out)
    }

    /// Tiles the tensor `dims[i]` times along each dim (`torch.tile`): like
    /// [`Tensor::repeat`], but fewer sizes than dims are padded with leading 1s.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1i64, 2, 3, 4], &[2, 2]);
    /// assert_eq!(t.tile(&[2]).to_vec::<i64>(), vec![1, 2, 1, 2, 3, 4, 3, 4]);
    /// ```
    pub fn tile(&self, dims: &[usize]) -> Tensor {
        let mut sizes = vec![1usize; self.dim().saturating_sub(dims.len())];
        sizes.extend_from_slice(dims);
        unwrap(self.try_repeat(&sizes))
    }

    /// The lower triangle of the last two dims (`torch.tril`): elements with
    /// `col - row <= diagonal` are kept, the others become 0.
    ///
    /// ```
    /// let t = torchlight::Tensor::ones(&[2, 2]);
    /// assert_eq!(t.tril(0).to_vec::<f32>(), vec![1.0, 0.0, 1.0, 1.0]);
    /// ```
    #[track_caller]
    pub fn tril(&self, diagonal: i64) -> Tensor {
        unwrap(self.try_tril(diagonal))
    }

    /// Fallible twin of [`Tensor::tril`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[3]).try_tril(0).unwrap_err();
    /// assert_eq!(e.to_string(), "tril: input tensor must have at least 2 dimensions");
    /// ```
    pub fn try_tril(&self, diagonal: i64) -> Result<Tensor> {
        self.triangle(diagonal, true)
    }

    /// The upper triangle of the last two dims (`torch.triu`): elements with
    /// `col - row >= diagonal` are kept, the others become 0.
    ///
    /// ```
    /// let t = torchlight::Tensor::ones(&[2, 2]);
    /// assert_eq!(t.triu(1).to_vec::<f32>(), vec![0.0, 1.0, 0.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn triu(&self, diagonal: i64) -> Tensor {
        unwrap(self.try_triu(diagonal))
    }

    /// Fallible twin of [`Tensor::triu`].
    ///
    /// ```
    /// let e = torchlight::Tensor::ones(&[3]).try_triu(0).unwrap_err();
    /// assert_eq!(e.to_string(), "triu: input tensor must have at least 2 dimensions");
    /// ```
    pub fn try_triu(&self, diagonal: i64) -> Result<Tensor> {
        self.triangle(diagonal, false)
    }

    fn triangle(&self, diagonal: i64, lower: bool) -> Result<Tensor> {
        let name = if lower { "tril" } else { "triu" };
        if self.dim() < 2 {
            return Err(Error::Runtime(format!("{name}: input tensor must have at least 2 dimensions")));
        }
        let (rows, cols) = (self.shape()[self.dim() - 2], self.shape()[self.dim() - 1]);
        // The elements to zero, as a [rows, cols] mask that broadcasts over the batch dims.
        let drop: Vec<bool> = (0..rows * cols)
            .map(|k| {
                let offset = (k % cols) as i64 - (k / cols) as i64;
                if lower {
                    offset > diagonal
                } else {
                    offset < diagonal
                }
            })
            .collect();
        let drop = Tensor::from_vec(drop, &[rows, cols]);
        let out = crate::no_grad(|| self.detach().masked_fill(&drop, 0));
        if needs_grad(&[self]) {
            let node = if lower { "TrilBackward0" } else { "TriuBackward0" };
            record_unary(node, &[self], &out, [], move |ctx| Ok(vec![Some(ctx.grad().triangle(diagonal, lower)?)]));
        }
        Ok(out)
    }
}

/// `x` rolled by `shift` places along `d`: `out[i] = x[(i - shift) mod n]`.
fn rotate(x: &Tensor, d: usize, shift: i64) -> Tensor {
    let n = x.shape()[d] as i64;
    if n == 0 {
        return x.copy();
    }
    let s = shift.rem_euclid(n);
    let idx: Vec<i64> = (0..n).map(|i| (i - s).rem_euclid(n)).collect();
    x.index_select(d as i64, &Tensor::from_vec(idx, &[n as usize]))
}
