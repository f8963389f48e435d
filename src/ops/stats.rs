//! Products, variance and standard deviation, and vector norms over all elements or
//! chosen dims, each with PyTorch's gradient.

use super::reduce::{fold_dims, for_each_slot, reduce_dims, reduced_count, reduced_shape};
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::wrap_dim;
use crate::{dispatch_float, DType, Element, Error, FloatElement, Result, Tensor};

/// The dims set in `mask`, as a dim list for `sum_dim` and friends.
fn mask_dims(mask: &[bool]) -> Vec<i64> {
    (0..mask.len() as i64).filter(|&d| mask[d as usize]).collect()
}

impl Tensor {
    /// Product of all elements, as a 0-dim tensor (`torch.prod`); integer and bool tensors
    /// multiply in int64. The gradient is right with zeros in the input.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[2.0f32, 3.0, 4.0]).prod().item(), 24.0);
    /// ```
    pub fn prod(&self) -> Tensor {
        self.prod_mask(&vec![true; self.dim()], false, "ProdBackward0")
    }

    /// Product along `dim` (`torch.prod(x, dim, keepdim)`).
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(t.prod_dim(-1, false).to_vec::<f32>(), vec![2.0, 12.0]);
    /// ```
    #[track_caller]
    pub fn prod_dim(&self, dim: i64, keepdim: bool) -> Tensor {
        unwrap(self.try_prod_dim(dim, keepdim))
    }

    /// Fallible twin of [`Tensor::prod_dim`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_prod_dim(1, false).is_err());
    /// ```
    pub fn try_prod_dim(&self, dim: i64, keepdim: bool) -> Result<Tensor> {
        let mask = reduce_dims(&[dim], self.dim())?;
        Ok(self.prod_mask(&mask, keepdim, "ProdBackward1"))
    }

    fn prod_mask(&self, mask: &[bool], keepdim: bool, node: &'static str) -> Tensor {
        let shape = reduced_shape(self.shape(), mask, keepdim);
        let out = dispatch_float!(self.dtype(), T => {
            Tensor::from_vec(fold_dims::<T, T>(self, mask, T::from_f64(1.0), |a, v| a * v).0, &shape)
        }, _ => {
            let x = self.to_dtype(DType::I64);
            Tensor::from_vec(fold_dims::<i64, i64>(&x, mask, 1, |a, v| a.wrapping_mul(v)).0, &shape)
        });
        if needs_grad(&[self]) {
            let mask = mask.to_vec();
            let saved = vec![SavedTensor::input(self), SavedTensor::output(&out, 0)];
            record_unary(node, &[self], &out, saved, move |ctx| {
                Ok(vec![Some(prod_backward(ctx.grad(), &ctx.saved[0], &ctx.saved[1], &mask))])
            });
        }
        out
    }

    /// Variance over `dims` (all elements when empty) with Bessel's `correction`
    /// (`torch.var(x, dims, correction=, keepdim=)`; PyTorch's default correction is 1).
    /// When `N - correction <= 0` the result is NaN or inf, as in PyTorch.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0]);
    /// assert_eq!(t.var(&[], 1.0, false).to_vec::<f32>(), vec![5.0 / 3.0]);
    /// assert_eq!(t.var(&[0], 0.0, true).to_vec::<f32>(), vec![1.25]);
    /// ```
    #[track_caller]
    pub fn var(&self, dims: &[i64], correction: f64, keepdim: bool) -> Tensor {
        unwrap(self.try_var(dims, correction, keepdim))
    }

    /// Fallible twin of [`Tensor::var`]: floating tensors only.
    ///
    /// ```
    /// assert!(torchlight::Tensor::from_slice(&[1i64]).try_var(&[], 1.0, false).is_err());
    /// ```
    pub fn try_var(&self, dims: &[i64], correction: f64, keepdim: bool) -> Result<Tensor> {
        Ok(self.moments(dims, correction, keepdim, false, false)?.0)
    }

    /// Standard deviation over `dims` (`torch.std`); see [`Tensor::var`]. The gradient is
    /// 0 where the result is 0.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.0f64, 3.0]);
    /// assert_eq!(t.std(&[], 0.0, false).item(), 1.0);
    /// ```
    #[track_caller]
    pub fn std(&self, dims: &[i64], correction: f64, keepdim: bool) -> Tensor {
        unwrap(self.try_std(dims, correction, keepdim))
    }

    /// Fallible twin of [`Tensor::std`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_std(&[0, 0], 1.0, false).is_err());
    /// ```
    pub fn try_std(&self, dims: &[i64], correction: f64, keepdim: bool) -> Result<Tensor> {
        Ok(self.moments(dims, correction, keepdim, true, false)?.0)
    }

    /// Variance and mean in one pass (`torch.var_mean`).
    ///
    /// ```
    /// let (v, m) = torchlight::Tensor::from_slice(&[1.0f32, 3.0]).var_mean(&[], 1.0, false);
    /// assert_eq!((v.item(), m.item()), (2.0, 2.0));
    /// ```
    #[track_caller]
    pub fn var_mean(&self, dims: &[i64], correction: f64, keepdim: bool) -> (Tensor, Tensor) {
        unwrap(self.try_var_mean(dims, correction, keepdim))
    }

    /// Fallible twin of [`Tensor::var_mean`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[2]).try_var_mean(&[1], 1.0, false).is_err());
    /// ```
    pub fn try_var_mean(&self, dims: &[i64], correction: f64, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.moments(dims, correction, keepdim, false, true).map(|(v, m)| (v, m.unwrap()))
    }

    /// Standard deviation and mean in one pass (`torch.std_mean`).
    ///
    /// ```
    /// let (s, m) = torchlight::Tensor::from_slice(&[1.0f32, 3.0]).std_mean(&[0], 0.0, false);
    /// assert_eq!((s.item(), m.item()), (1.0, 2.0));
    /// ```
    #[track_caller]
    pub fn std_mean(&self, dims: &[i64], correction: f64, keepdim: bool) -> (Tensor, Tensor) {
        unwrap(self.try_std_mean(dims, correction, keepdim))
    }

    /// Fallible twin of [`Tensor::std_mean`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::from_slice(&[true]).try_std_mean(&[], 1.0, false).is_err());
    /// ```
    pub fn try_std_mean(&self, dims: &[i64], correction: f64, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.moments(dims, correction, keepdim, true, true).map(|(v, m)| (v, m.unwrap()))
    }

    /// Variance (or std with `sqrt`) and, with `with_mean`, the mean as a second
    /// differentiable output.
    fn moments(
        &self,
        dims: &[i64],
        correction: f64,
        keepdim: bool,
        sqrt: bool,
        with_mean: bool,
    ) -> Result<(Tensor, Option<Tensor>)> {
        if !self.dtype().is_floating_point() {
            return Err(Error::NotImplemented("std and var only support floating point and complex dtypes".into()));
        }
        let mask = reduce_dims(dims, self.dim())?;
        let shape = reduced_shape(self.shape(), &mask, keepdim);
        let (var, mean) = dispatch_float!(self.dtype(), T => {
            let (v, m) = moments_kernel::<T>(self, &mask, correction, sqrt);
            (Tensor::from_vec(v, &shape), Tensor::from_vec(m, &shape))
        }, _ => unreachable!());
        if needs_grad(&[self]) {
            let all = dims.is_empty() || self.dim() == 0;
            let keep = reduced_shape(self.shape(), &mask, true);
            let n = reduced_count(self.shape(), &mask);
            let rd = mask_dims(&mask);
            let name = match (sqrt, with_mean) {
                (false, false) => "VarBackward0",
                (true, false) => "StdBackward0",
                (false, true) => "VarMeanBackward0",
                (true, true) => "StdMeanBackward0",
            };
            let saved = vec![SavedTensor::input(self), SavedTensor::output(&var, 0)];
            let outputs: Vec<&Tensor> = if with_mean { vec![&var, &mean] } else { vec![&var] };
            record(name, &[self], &outputs, saved, move |ctx| {
                let (x, result) = (&ctx.saved[0], &ctx.saved[1]);
                let g = ctx.grad();
                // PyTorch's std_backward: d std = d var / (2 std), and 0 where std is 0.
                let g = if sqrt { (g / &(result * 2.0)).masked_fill(&result.eq(0.0), 0.0) } else { g.clone() };
                let mut gx = var_backward(&g.reshape_usize(&keep), x, &rd, correction, all);
                if with_mean {
                    gx = &gx + &(&ctx.grads[1].reshape_usize(&keep) / n as f64);
                }
                Ok(vec![Some(gx)])
            });
        }
        Ok((var, with_mean.then_some(mean)))
    }

    /// Vector `p`-norm over `dims` (all elements when empty), as `torch.norm(x, p, dims,
    /// keepdim)` / `torch.linalg.vector_norm`: `p` may be 2 (PyTorch's default), 1,
    /// `f64::INFINITY` (largest magnitude), `f64::NEG_INFINITY` (smallest), 0 (count of
    /// non-zeros) or any other number. The 2-norm has gradient 0 where it is 0.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[3.0f32, -4.0]);
    /// assert_eq!(t.norm(2.0, &[], false).item(), 5.0);
    /// assert_eq!(t.norm(1.0, &[0], false).item(), 7.0);
    /// assert_eq!(t.norm(f64::INFINITY, &[], true).to_vec::<f32>(), vec![4.0]);
    /// ```
    #[track_caller]
    pub fn norm(&self, p: f64, dims: &[i64], keepdim: bool) -> Tensor {
        unwrap(self.try_norm(p, dims, keepdim))
    }

    /// Fallible twin of [`Tensor::norm`]: floating tensors only; an inf or negative norm of
    /// an empty reduction fails, as it has no identity.
    ///
    /// ```
    /// let e = torchlight::Tensor::zeros(&[0]).try_norm(f64::INFINITY, &[], false).unwrap_err();
    /// assert!(e.to_string().starts_with("linalg.vector_norm cannot compute the inf norm"));
    /// ```
    pub fn try_norm(&self, p: f64, dims: &[i64], keepdim: bool) -> Result<Tensor> {
        if !self.dtype().is_floating_point() {
            return Err(Error::NotImplemented(format!(
                "linalg.vector_norm: Expected a floating point or complex tensor as input. Got {}",
                self.dtype().scalar_name()
            )));
        }
        let mask = reduce_dims(dims, self.dim())?;
        if self.numel() == 0 && (p < 0.0 || p == f64::INFINITY) {
            let ord = cpp_double(p);
            if dims.is_empty() {
                return Err(Error::Runtime(format!(
                    "linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the operation does \
                     not have an identity"
                )));
            }
            for &d in dims {
                if self.dim() > 0 && self.shape()[wrap_dim(d, self.dim())?] == 0 {
                    // The missing space is PyTorch's.
                    return Err(Error::Runtime(format!(
                        "linalg.vector_norm cannot compute the {ord} norm on the dimension {d}because this dimension \
                         is empty and the operation does not have an identity"
                    )));
                }
            }
        }
        let shape = reduced_shape(self.shape(), &mask, keepdim);
        let out = dispatch_float!(self.dtype(), T => Tensor::from_vec(norm_kernel::<T>(self, &mask, p), &shape),
            _ => unreachable!());
        if needs_grad(&[self]) {
            let keep = reduced_shape(self.shape(), &mask, true);
            let rd = mask_dims(&mask);
            let saved = vec![SavedTensor::input(self), SavedTensor::output(&out, 0)];
            record_unary("LinalgVectorNormBackward0", &[self], &out, saved, move |ctx| {
                if p == 0.0 {
                    return Ok(vec![None]); // a count: no gradient, as in PyTorch
                }
                let (x, norm) = (&ctx.saved[0], &ctx.saved[1].reshape_usize(&keep));
                Ok(vec![Some(norm_backward(&ctx.grad().reshape_usize(&keep), x, norm, p, &rd))])
            });
        }
        Ok(out)
    }

    /// Frobenius norm over at most two `dims` (all elements when empty), as
    /// `torch.norm(x, "fro", dims, keepdim)`: the 2-norm of the entries.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_vec(vec![1.0f32, 2.0, 2.0, 4.0], &[2, 2]);
    /// assert_eq!(t.frobenius_norm(&[0, 1], false).item(), 5.0);
    /// ```
    #[track_caller]
    pub fn frobenius_norm(&self, dims: &[i64], keepdim: bool) -> Tensor {
        unwrap(self.try_frobenius_norm(dims, keepdim))
    }

    /// Fallible twin of [`Tensor::frobenius_norm`]: more than two dims fail, as in PyTorch.
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[1, 1, 1]).try_frobenius_norm(&[0, 1, 2], false).is_err());
    /// ```
    pub fn try_frobenius_norm(&self, dims: &[i64], keepdim: bool) -> Result<Tensor> {
        if dims.len() > 2 {
            let list: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
            return Err(Error::Runtime(format!("linalg.matrix_norm: dim must be a 2-tuple. Got {}", list.join(" "))));
        }
        self.try_norm(2.0, dims, keepdim)
    }
}

/// Formats a double as C++'s `ostream <<` does (`%g`: 6 significant digits, scientific
/// below 1e-4 or from 1e6), as PyTorch prints a Scalar in messages.
fn cpp_double(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v == 0.0 {
        return "0".into();
    }
    // The exponent after rounding to 6 significant digits decides the style.
    let sci = format!("{v:.5e}");
    let (mantissa, exp) = sci.split_once('e').unwrap();
    let exp: i32 = exp.parse().unwrap();
    let trim =
        |s: &str| if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s.into() };
    if (-4..6).contains(&exp) {
        trim(&format!("{:.*}", (5 - exp) as usize, v))
    } else {
        format!("{}e{}{:02}", trim(mantissa), if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

/// Variance (or std) and mean per output slot, with divisor `max(N - correction, 0)`.
/// PyTorch's CPU kernel runs Welford in f64; a two-pass sum in f64 gives the same values
/// to within the final rounding.
fn moments_kernel<T: FloatElement>(x: &Tensor, mask: &[bool], correction: f64, sqrt: bool) -> (Vec<T>, Vec<T>) {
    let slots: usize = reduced_shape(x.shape(), mask, true).iter().product();
    let n = reduced_count(x.shape(), mask) as f64;
    let mut mean = vec![0.0f64; slots];
    for_each_slot(x, mask, |o, v: T| mean[o] += Element::to_f64(v));
    mean.iter_mut().for_each(|m| *m /= n);
    let mut m2 = vec![0.0f64; slots];
    for_each_slot(x, mask, |o, v: T| {
        let d = Element::to_f64(v) - mean[o];
        m2[o] += d * d;
    });
    let divisor = if n > correction { n - correction } else { 0.0 };
    let var = m2.iter().map(|&s| {
        let v = s / divisor;
        T::from_f64(if sqrt { v.sqrt() } else { v })
    });
    (var.collect(), mean.into_iter().map(T::from_f64).collect())
}

/// Per-slot vector norm, accumulated in f64.
fn norm_kernel<T: FloatElement>(x: &Tensor, mask: &[bool], p: f64) -> Vec<T> {
    let nan_max = |a: f64, v: f64, max: bool| {
        if a.is_nan() || v.is_nan() {
            f64::NAN
        } else if (v > a) == max {
            v
        } else {
            a
        }
    };
    let acc = |init: f64, step: &dyn Fn(f64, f64) -> f64| {
        fold_dims::<T, f64>(x, mask, init, |a, v| step(a, Element::to_f64(v))).0
    };
    let out: Vec<f64> = if p == 0.0 {
        acc(0.0, &|a, v| a + (v != 0.0) as u8 as f64)
    } else if p == f64::INFINITY {
        acc(0.0, &|a, v| nan_max(a, v.abs(), true))
    } else if p == f64::NEG_INFINITY {
        acc(f64::INFINITY, &|a, v| nan_max(a, v.abs(), false))
    } else if p == 1.0 {
        acc(0.0, &|a, v| a + v.abs())
    } else if p == 2.0 {
        acc(0.0, &|a, v| a + v * v).into_iter().map(f64::sqrt).collect()
    } else {
        acc(0.0, &|a, v| a + v.abs().powf(p)).into_iter().map(|s| s.powf(1.0 / p)).collect()
    };
    out.into_iter().map(T::from_f64).collect()
}

/// PyTorch's `prod_backward`: `grad * result / x` without zeros; with zeros, the product
/// of the other elements (non-zero only at a slice's single zero).
fn prod_backward(grad: &Tensor, x: &Tensor, result: &Tensor, mask: &[bool]) -> Tensor {
    if x.dim() == 0 {
        return grad.clone();
    }
    let keep = reduced_shape(x.shape(), mask, true);
    let (g, result) = (grad.reshape_usize(&keep), result.reshape_usize(&keep));
    let zero = x.eq(0.0);
    if zero.sum().item() == 0.0 {
        return &g * &(&result / x);
    }
    let dims = mask_dims(mask);
    let lone_zero = zero.logical_and(&zero.sum_dim(&dims, true).eq(1));
    let x_safe = x.masked_fill(&zero, 1.0);
    // At a slice's only zero the gradient is the product of the others; elsewhere in a
    // slice with zeros it is 0 (`result` is 0 there).
    let others = x_safe.prod_mask(mask, true, "ProdBackward1").expand(x.shape());
    &g * &(&(&result / &x_safe) + &others.masked_fill(&lone_zero.logical_not(), 0.0))
}

/// PyTorch's `var_backward` on a keepdim-shaped `grad`; `all` marks the full reduction,
/// where `N - correction <= 0` gives NaN (x equal to the mean) or inf.
fn var_backward(grad: &Tensor, x: &Tensor, dims: &[i64], correction: f64, all: bool) -> Tensor {
    let n = if all { x.numel() } else { reduced_count(x.shape(), &reduce_dims(dims, x.dim()).unwrap()) } as f64;
    let dof = n - correction;
    if all && dof <= 0.0 {
        let centre = x.eq(&x.mean());
        return grad * &x.full_like(f64::INFINITY).masked_fill(&centre, f64::NAN);
    }
    let mean = if all { x.mean() } else { x.mean_dim(dims, true) };
    &(grad * (2.0 / dof)) * &(x - &mean)
}

/// PyTorch's `norm_backward` for a keepdim-shaped `grad` and `norm` (p != 0).
fn norm_backward(grad: &Tensor, x: &Tensor, norm: &Tensor, p: f64, dims: &[i64]) -> Tensor {
    let at_zero = norm.eq(0.0);
    if p == 1.0 {
        x.sign() * grad
    } else if p == 2.0 {
        grad * &(x / norm).masked_fill(&at_zero, 0.0)
    } else if p.is_infinite() {
        // Ties share the gradient; NaNs count as ties.
        let a = x.abs();
        let hit = a.eq(norm).logical_or(&a.ne(&a));
        &x.sign() * &(&(grad / &hit.sum_dim(dims, true)) * &hit)
    } else if p < 1.0 {
        let scaled = &x.sign() * &x.abs().pow(p - 1.0).masked_fill(&x.eq(0.0), 0.0);
        &(&scaled * grad) * &norm.pow(1.0 - p)
    } else {
        let scaled = if p < 2.0 { &x.sign() * &x.abs().pow(p - 1.0) } else { x * &x.abs().pow(p - 2.0) };
        &scaled * &(grad / &norm.pow(p - 1.0)).masked_fill(&at_zero, 0.0)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn scalars_print_as_in_torch_messages() {
        // Strings from torch 2.15's vector_norm error for these orders.
        let cases = [
            (-1.0, "-1"),
            (-0.5, "-0.5"),
            (-1.0 / 3.0, "-0.333333"),
            (-1e20, "-1e+20"),
            (-1e-5, "-1e-05"),
            (-0.0001, "-0.0001"),
            (-123456.0, "-123456"),
            (-1234567.0, "-1.23457e+06"),
            (-999999.5, "-1e+06"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (v, want) in cases {
            assert_eq!(super::cpp_double(v), want, "{v}");
        }
    }
}
