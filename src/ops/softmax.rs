//! `softmax`, `log_softmax` and `logsumexp`: fused kernels that make one pass per row of
//! the reduced dim (max, then sum of `exp(x - max)`, then the outputs), numerically stable
//! for any magnitude, on any dim and any layout, with their gradients.

use super::binary_kernel::GRAIN_SIZE;
use super::reduce::{reduce_dims, reduced_shape};
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::backend::cpu::strided::walk;
use crate::error::{not_implemented, unwrap};
use crate::tensor::layout::wrap_dim;
use crate::{is_grad_enabled, DType, FloatElement, Layout, Result, Tensor};
use rayon::prelude::*;

/// How the rows along one dim sit in storage. Row `r` (row-major over the other dims) starts
/// at `base(r)` and steps by `stride`; the output is contiguous, so in it the rows of one
/// outer index form a block of `n * inner` elements with row `i` at `i + k * inner`.
struct Rows {
    n: usize,
    stride: usize,
    inner: usize,
    offset: usize,
    /// Explicit row starts for non-contiguous inputs (`None`: computed from the shape).
    bases: Option<Vec<usize>>,
}

impl Rows {
    fn new(l: &Layout, dim: usize) -> Rows {
        if l.dim() == 0 {
            return Rows { n: 1, stride: 1, inner: 1, offset: l.offset, bases: None };
        }
        let n = l.shape[dim];
        let inner: usize = l.shape[dim + 1..].iter().product();
        if l.is_contiguous() {
            return Rows { n, stride: inner, inner, offset: l.offset, bases: None };
        }
        let mut shape = l.shape.clone();
        shape[dim] = 1;
        let mut bases = Vec::with_capacity(shape.iter().product());
        walk(&shape, [&l.strides], [l.offset], |[i]| bases.push(i));
        Rows { n, stride: l.strides[dim], inner, offset: l.offset, bases: Some(bases) }
    }

    #[inline]
    fn base(&self, r: usize) -> usize {
        match &self.bases {
            Some(b) => b[r],
            None => self.offset + (r / self.inner) * self.n * self.inner + r % self.inner,
        }
    }

    /// Maximum of row `r`; NaN propagates, as `amax` does.
    #[inline]
    fn max<T: FloatElement>(&self, x: &[T], base: usize) -> T {
        let mut m = T::neg_infinity();
        for k in 0..self.n {
            let v = x[base + k * self.stride];
            if v > m || v.is_nan() {
                m = v;
                if v.is_nan() {
                    break;
                }
            }
        }
        m
    }

    #[inline]
    fn sum_exp<T: FloatElement>(&self, x: &[T], base: usize, m: T) -> T {
        let mut s = T::zero();
        for k in 0..self.n {
            s = s + (x[base + k * self.stride] - m).exp();
        }
        s
    }
}

/// Runs `f(outer_index, block)` over the output blocks, in parallel for large tensors.
fn for_blocks<T: FloatElement>(out: &mut [T], block: usize, work: usize, f: impl Fn(usize, &mut [T]) + Sync) {
    if block == 0 {
        return;
    }
    if work >= GRAIN_SIZE && crate::get_num_threads() > 1 && out.len() > block {
        crate::threads::install(|| out.par_chunks_mut(block).enumerate().for_each(|(o, b)| f(o, b)));
    } else {
        out.chunks_mut(block).enumerate().for_each(|(o, b)| f(o, b));
    }
}

/// Softmax (or log-softmax) of every row along `dim`, as PyTorch's CPU kernels compute it:
/// `exp(x - max) * (1 / sum)` and `x - max - log(sum)`.
fn softmax_kernel<T: FloatElement>(x: &Tensor, dim: usize, log: bool) -> Tensor {
    let out = x.with_slice(|data: &[T], l| {
        let rows = Rows::new(l, dim);
        let mut out = crate::AlignedVec::from_elem(T::zero(), l.numel());
        for_blocks(&mut out, rows.n * rows.inner, l.numel(), |o, block| {
            for i in 0..rows.inner {
                let base = rows.base(o * rows.inner + i);
                let m = rows.max(data, base);
                let at = |k: usize| i + k * rows.inner;
                if log {
                    let ls = rows.sum_exp(data, base, m).ln();
                    for k in 0..rows.n {
                        block[at(k)] = data[base + k * rows.stride] - m - ls;
                    }
                } else {
                    let mut s = T::zero();
                    for k in 0..rows.n {
                        let e = (data[base + k * rows.stride] - m).exp();
                        block[at(k)] = e;
                        s = s + e;
                    }
                    let inv = T::one() / s;
                    for k in 0..rows.n {
                        block[at(k)] = block[at(k)] * inv;
                    }
                }
            }
        });
        out
    });
    Tensor::from_aligned(out, x.shape())
}

/// The input gradient of softmax (or log-softmax) for every row in one pass, from the
/// output `y` and its gradient `g`: `y·(g - Σ g·y)`, or `g - exp(y)·Σ g`.
fn softmax_backward_kernel<T: FloatElement>(g: &Tensor, y: &Tensor, dim: usize, log: bool) -> Tensor {
    let (g, y) = (g.contiguous(), y.contiguous());
    let out = g.with_slice(|gd: &[T], gl| {
        y.with_slice(|yd: &[T], yl| {
            let rows = Rows::new(gl, dim);
            let (gd, yd) = (&gd[gl.offset..gl.offset + gl.numel()], &yd[yl.offset..yl.offset + yl.numel()]);
            let mut out = vec![T::zero(); gl.numel()];
            for_blocks(&mut out, rows.n * rows.inner, gl.numel(), |o, block| {
                let start = o * rows.n * rows.inner;
                for i in 0..rows.inner {
                    let at = |k: usize| i + k * rows.inner;
                    let mut s = T::zero();
                    for k in 0..rows.n {
                        let j = start + at(k);
                        s = s + if log { gd[j] } else { gd[j] * yd[j] };
                    }
                    for k in 0..rows.n {
                        let j = start + at(k);
                        block[at(k)] = if log { gd[j] - yd[j].exp() * s } else { yd[j] * (gd[j] - s) };
                    }
                }
            });
            out
        })
    });
    Tensor::from_vec(out, g.shape())
}

/// `log(sum(exp(x)))` of every row along `dim`, one value per row in row-major order.
/// An infinite max is replaced by 0 (PyTorch does the same) so all -inf rows give -inf and
/// rows holding +inf give +inf instead of NaN.
fn logsumexp_kernel<T: FloatElement>(x: &Tensor, dim: usize) -> Vec<T> {
    x.with_slice(|data: &[T], l| {
        let rows = Rows::new(l, dim);
        let n_rows = if l.dim() == 0 { 1 } else { l.numel().checked_div(rows.n).unwrap_or_else(|| empty_rows(l, dim)) };
        let mut out = vec![T::zero(); n_rows];
        for_blocks(&mut out, rows.inner, l.numel(), |o, block| {
            for (i, slot) in block.iter_mut().enumerate() {
                let base = rows.base(o * rows.inner + i);
                let mut m = rows.max(data, base);
                if m.is_infinite() {
                    m = T::zero();
                }
                *slot = rows.sum_exp(data, base, m).ln() + m;
            }
        });
        out
    })
}

/// Number of rows when the reduced dim is empty (every row is then an empty sum).
fn empty_rows(l: &Layout, dim: usize) -> usize {
    l.shape.iter().enumerate().filter(|&(d, _)| d != dim).map(|(_, &s)| s).product()
}

impl Tensor {
    /// Softmax along `dim` (`torch.softmax(x, dim)`): `exp(x - max) / sum(exp(x - max))`,
    /// stable for any magnitude; negative dims count from the end.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.0f32, 1.0]);
    /// assert_eq!(t.softmax(-1).to_vec::<f32>(), vec![0.5, 0.5]);
    /// ```
    #[track_caller]
    pub fn softmax(&self, dim: i64) -> Tensor {
        unwrap(self.try_softmax(dim))
    }

    /// Fallible twin of [`Tensor::softmax`]: fails on a bad dim or a non-float tensor.
    ///
    /// ```
    /// let e = torchlight::Tensor::from_slice(&[1i64, 2]).try_softmax(0).unwrap_err();
    /// assert_eq!(e.to_string(), "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'");
    /// ```
    pub fn try_softmax(&self, dim: i64) -> Result<Tensor> {
        self.softmax_impl(dim, false)
    }

    /// Log-softmax along `dim` (`torch.log_softmax(x, dim)`): `x - max - log(sum(exp(x - max)))`.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[0.0f64, 0.0]);
    /// assert_eq!(t.log_softmax(0).to_vec::<f64>(), vec![-(2.0f64.ln()); 2]);
    /// ```
    #[track_caller]
    pub fn log_softmax(&self, dim: i64) -> Tensor {
        unwrap(self.try_log_softmax(dim))
    }

    /// Fallible twin of [`Tensor::log_softmax`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_log_softmax(1).is_err());
    /// ```
    pub fn try_log_softmax(&self, dim: i64) -> Result<Tensor> {
        self.softmax_impl(dim, true)
    }

    fn softmax_impl(&self, dim: i64, log: bool) -> Result<Tensor> {
        let d = wrap_dim(dim, self.dim())?;
        let name = if log { "log_softmax" } else { "softmax" };
        let out = match self.dtype() {
            DType::F32 => softmax_kernel::<f32>(self, d, log),
            DType::F64 => softmax_kernel::<f64>(self, d, log),
            other => {
                let kernel = if d + 1 >= self.dim() { "lastdim_kernel_impl" } else { "kernel_impl" };
                return Err(not_implemented(&format!("{name}_{kernel}"), other));
            }
        };
        if needs_grad(&[self]) {
            let name = if log { "LogSoftmaxBackward0" } else { "SoftmaxBackward0" };
            record_unary(name, &[self], &out, [SavedTensor::output(&out, 0)], move |ctx| {
                let (g, y) = (ctx.grad(), &ctx.saved[0]);
                // One fused pass, or tensor ops when the gradient must differentiate again.
                let dims = [d as i64];
                Ok(vec![Some(match (is_grad_enabled(), log, y.dtype()) {
                    (true, true, _) => g - &(y.exp() * g.sum_dim(&dims, true)),
                    (true, false, _) => y * &(g - &(g * y).sum_dim(&dims, true)),
                    (false, _, DType::F32) => softmax_backward_kernel::<f32>(g, y, d, log),
                    (false, _, _) => softmax_backward_kernel::<f64>(g, y, d, log),
                })])
            });
        }
        Ok(out)
    }

    /// `log(sum(exp(x)))` over `dims` (`torch.logsumexp(x, dims, keepdim)`), computed stably
    /// by subtracting the max. Integer tensors are promoted to the default float dtype. An
    /// empty `dims` reduces over every dim.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![0.0f64, 0.0, 1000.0, 1000.0], &[2, 2]);
    /// let r = t.logsumexp(&[1], false).to_vec::<f64>();
    /// assert_eq!(r, vec![2.0f64.ln(), 1000.0 + 2.0f64.ln()]);
    /// ```
    #[track_caller]
    pub fn logsumexp(&self, dims: &[i64], keepdim: bool) -> Tensor {
        unwrap(self.try_logsumexp(dims, keepdim))
    }

    /// Fallible twin of [`Tensor::logsumexp`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_logsumexp(&[0, 0], false).is_err());
    /// ```
    pub fn try_logsumexp(&self, dims: &[i64], keepdim: bool) -> Result<Tensor> {
        let x = self.float_input();
        let mask = reduce_dims(dims, x.dim())?;
        let out_shape = reduced_shape(x.shape(), &mask, keepdim);
        let reduced: Vec<usize> = (0..x.dim()).filter(|&d| mask[d]).collect();
        // One reduced dim is walked in place; several are moved last and flattened into one.
        let (src, dim) = match reduced.as_slice() {
            [d] => (x.clone(), *d),
            [] => (x.clone(), 0),
            _ => {
                let kept: Vec<usize> = (0..x.dim()).filter(|&d| !mask[d]).collect();
                let perm: Vec<i64> = kept.iter().chain(&reduced).map(|&d| d as i64).collect();
                let mut shape: Vec<usize> = kept.iter().map(|&d| x.shape()[d]).collect();
                shape.push(reduced.iter().map(|&d| x.shape()[d]).product());
                let flat = x.try_permute(&perm)?.reshape_usize(&shape);
                let last = shape.len() - 1;
                (flat, last)
            }
        };
        let out = match x.dtype() {
            DType::F32 => Tensor::from_vec(logsumexp_kernel::<f32>(&src, dim), &out_shape),
            _ => Tensor::from_vec(logsumexp_kernel::<f64>(&src, dim), &out_shape),
        };
        if needs_grad(&[self]) {
            let keep_shape = reduced_shape(x.shape(), &mask, true);
            let saved = vec![SavedTensor::input(self), SavedTensor::output(&out, 0)];
            record_unary("LogsumexpBackward0", &[self], &out, saved, move |ctx| {
                let (x, y) = (&ctx.saved[0], &ctx.saved[1]);
                let g = ctx.grad().reshape_usize(&keep_shape);
                Ok(vec![Some(g * (x - &y.reshape_usize(&keep_shape)).exp())])
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn rows_of_a_transposed_tensor_match_the_contiguous_copy() {
        let t = Tensor::from_vec((0..12).map(|v| v as f64 * 0.7 - 3.0).collect::<Vec<_>>(), &[3, 4]).t();
        for dim in [0, 1, -1] {
            assert_eq!(t.softmax(dim).to_vec::<f64>(), t.contiguous().softmax(dim).to_vec::<f64>());
            assert_eq!(t.log_softmax(dim).to_vec::<f64>(), t.contiguous().log_softmax(dim).to_vec::<f64>());
            assert_eq!(
                t.logsumexp(&[dim], true).to_vec::<f64>(),
                t.contiguous().logsumexp(&[dim], true).to_vec::<f64>()
            );
        }
    }

    #[test]
    fn large_tensors_match_row_by_row_results() {
        // Big enough for the parallel path; every row is independent, so results are equal.
        let x = (Tensor::arange(0.0, 70000.0, 1.0).sin() * 20.0f64).reshape(&[70, 1000]);
        let (s, l) = (x.softmax(1), x.log_softmax(1));
        for r in [0, 33, 69] {
            let row = x.select(0, r).contiguous();
            assert_eq!(s.select(0, r).to_vec::<f32>(), row.softmax(0).to_vec::<f32>());
            assert_eq!(l.select(0, r).to_vec::<f32>(), row.log_softmax(0).to_vec::<f32>());
        }
        let lse = x.t().logsumexp(&[0], false);
        assert_eq!(lse.to_vec::<f32>()[5], x.select(0, 5).logsumexp(&[0], false).item() as f32);
    }

    #[test]
    fn fused_and_composed_backward_agree() {
        let x = Tensor::from_vec((0..24).map(|v| (v as f64 * 1.3).sin() * 3.0).collect::<Vec<_>>(), &[2, 3, 4]);
        let x = x.requires_grad_(true);
        let w = x.detach().cos();
        for log in [false, true] {
            for dim in [0, 1, 2] {
                let f = |x: &Tensor| if log { x.log_softmax(dim) } else { x.softmax(dim) };
                let fused = crate::autograd::grad(&[(f(&x) * &w).sum()], std::slice::from_ref(&x), Default::default());
                let opts = crate::autograd::GradOptions { create_graph: true, ..Default::default() };
                let composed = crate::autograd::grad(&[(f(&x) * &w).sum()], std::slice::from_ref(&x), opts);
                let (a, b) = (fused.unwrap()[0].clone().unwrap(), composed.unwrap()[0].clone().unwrap());
                for (u, v) in a.to_vec::<f64>().iter().zip(b.to_vec::<f64>()) {
                    assert!((u - v).abs() < 1e-14, "{u} {v}");
                }
            }
        }
    }

    #[test]
    fn scalars_and_empty_rows() {
        let s = Tensor::scalar(3.0f32);
        assert_eq!(s.softmax(0).item(), 1.0);
        assert_eq!(s.log_softmax(-1).item(), 0.0);
        assert_eq!(s.logsumexp(&[0], false).item(), 3.0);
        let e = Tensor::zeros(&[2, 0]);
        assert_eq!(e.softmax(1).shape(), &[2, 0]);
        assert_eq!(e.logsumexp(&[1], false).to_vec::<f32>(), vec![f32::NEG_INFINITY; 2]);
    }
}
