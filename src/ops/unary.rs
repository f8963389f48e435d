//! Unary elementwise ops, each with its gradient. Float functions promote integer inputs
//! to the default dtype, as PyTorch does.

// `x != x` is the NaN test that works for every element type.
#![allow(clippy::eq_op, clippy::if_same_then_else)]

use super::binary_kernel::unary_map;
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::{dispatch_num, DType, Scalar, Tensor};
use num_traits::Zero;

impl Tensor {
    /// This tensor if floating, else converted to the default dtype.
    pub(crate) fn float_input(&self) -> Tensor {
        if self.dtype().is_floating_point() {
            self.clone()
        } else {
            self.to_dtype(crate::get_default_dtype())
        }
    }
}

macro_rules! save {
    (x, $self:expr, $out:expr) => {
        vec![SavedTensor::input($self)]
    };
    (y, $self:expr, $out:expr) => {
        vec![SavedTensor::output(&$out, 0)]
    };
}

macro_rules! float_unary_ops {
    ($( $(#[$doc:meta])* $name:ident, $node:literal, |$x:ident| $body:expr, $save:ident, |$g:ident, $s:ident| $grad:expr; )*) => {
        impl Tensor {$(
            $(#[$doc])*
            pub fn $name(&self) -> Tensor {
                let input = self.float_input();
                let out = match input.dtype() {
                    DType::F32 => unary_map::<f32, f32>(&input, |$x: f32| $body),
                    _ => unary_map::<f64, f64>(&input, |$x: f64| $body),
                };
                if needs_grad(&[self]) {
                    record_unary($node, &[self], &out, save!($save, self, out), |ctx| {
                        let $g = ctx.grad();
                        let $s = &ctx.saved[0];
                        Ok(vec![Some($grad)])
                    });
                }
                out
            }
        )*}
    };
}

float_unary_ops! {
    /// Elementwise `e^x` (`torch.exp`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).exp().to_vec::<f32>(), vec![1.0]);
    /// ```
    exp, "ExpBackward0", |x| x.exp(), y, |g, y| g * y;
    /// Elementwise natural logarithm (`torch.log`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1.0f32]).log().to_vec::<f32>(), vec![0.0]);
    /// ```
    log, "LogBackward0", |x| x.ln(), x, |g, x| g / x;
    /// Elementwise `ln(1 + x)` (`torch.log1p`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).log1p().to_vec::<f32>(), vec![0.0]);
    /// ```
    log1p, "Log1PBackward0", |x| x.ln_1p(), x, |g, x| g / &(x + 1.0);
    /// Elementwise `e^x - 1` (`torch.expm1`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).expm1().to_vec::<f32>(), vec![0.0]);
    /// ```
    expm1, "Expm1Backward0", |x| x.exp_m1(), y, |g, y| g * &(y + 1.0);
    /// Elementwise square root (`torch.sqrt`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[4.0f32]).sqrt().to_vec::<f32>(), vec![2.0]);
    /// ```
    sqrt, "SqrtBackward0", |x| x.sqrt(), y, |g, y| g / &(y * 2.0);
    /// Elementwise `1 / sqrt(x)` (`torch.rsqrt`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[4.0f32]).rsqrt().to_vec::<f32>(), vec![0.5]);
    /// ```
    rsqrt, "RsqrtBackward0", |x| 1.0 / x.sqrt(), y, |g, y| g * &(y.pow(3) * -0.5);
    /// Elementwise sine (`torch.sin`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).sin().to_vec::<f32>(), vec![0.0]);
    /// ```
    sin, "SinBackward0", |x| x.sin(), x, |g, x| g * &x.cos();
    /// Elementwise cosine (`torch.cos`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).cos().to_vec::<f32>(), vec![1.0]);
    /// ```
    cos, "CosBackward0", |x| x.cos(), x, |g, x| -(g * &x.sin());
    /// Elementwise tangent (`torch.tan`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).tan().to_vec::<f32>(), vec![0.0]);
    /// ```
    tan, "TanBackward0", |x| x.tan(), y, |g, y| g * &(y * y + 1.0);
    /// Elementwise hyperbolic tangent (`torch.tanh`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).tanh().to_vec::<f32>(), vec![0.0]);
    /// ```
    tanh, "TanhBackward0", |x| x.tanh(), y, |g, y| g * &((y * y).neg() + 1.0);
    /// Elementwise logistic sigmoid `1 / (1 + e^-x)` (`torch.sigmoid`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).sigmoid().to_vec::<f32>(), vec![0.5]);
    /// ```
    sigmoid, "SigmoidBackward0", |x| 1.0 / (1.0 + (-x).exp()), y, |g, y| g * &(y * &(y.neg() + 1.0));
    /// Elementwise `1 / x` (`torch.reciprocal`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[4.0f32]).reciprocal().to_vec::<f32>(), vec![0.25]);
    /// ```
    reciprocal, "ReciprocalBackward0", |x| 1.0 / x, y, |g, y| -(g * &(y * y));
}

macro_rules! same_type_unary_ops {
    ($( $(#[$doc:meta])* $name:ident, $node:literal, |$x:ident| $body:expr, bool: $bool_body:expr, $save:ident, |$g:ident, $s:ident| $grad:expr; )*) => {
        impl Tensor {$(
            $(#[$doc])*
            pub fn $name(&self) -> Tensor {
                let out = dispatch_num!(self.dtype(), T => unary_map::<T, T>(self, |$x: T| $body),
                    _ => unary_map::<bool, bool>(self, |$x: bool| $bool_body));
                if needs_grad(&[self]) {
                    record_unary($node, &[self], &out, save!($save, self, out), |ctx| {
                        let $g = ctx.grad();
                        let $s = &ctx.saved[0];
                        Ok(vec![Some($grad)])
                    });
                }
                out
            }
        )*}
    };
}

fn signum<T: crate::NumElement>(x: T) -> T {
    let zero = T::zero();
    if x > zero {
        T::one()
    } else if x < zero {
        -T::one()
    } else {
        x // keeps 0 and NaN, as torch.sign does
    }
}

same_type_unary_ops! {
    /// Elementwise negation (`torch.neg`, `-x`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1i64]).neg().to_vec::<i64>(), vec![-1]);
    /// ```
    neg, "NegBackward0", |x| -x, bool: !x, x, |g, _x| -g;
    /// Elementwise absolute value (`torch.abs`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[-2.0f32]).abs().to_vec::<f32>(), vec![2.0]);
    /// ```
    abs, "AbsBackward0", |x| if x < T::zero() { -x } else { x }, bool: x, x, |g, x| g * &x.sign();
    /// Elementwise sign: -1, 0 or 1 (`torch.sign`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[-2.0f32, 0.0]).sign().to_vec::<f32>(), vec![-1.0, 0.0]);
    /// ```
    sign, "SignBackward0", |x| signum(x), bool: x, x, |g, _x| g.zeros_like();
    /// Elementwise `max(x, 0)` (`torch.relu`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[-1.0f32, 2.0]).relu().to_vec::<f32>(), vec![0.0, 2.0]);
    /// ```
    relu, "ReluBackward0", |x| if x > T::zero() { x } else if x != x { x } else { T::zero() }, bool: x, y,
        |g, y| g * &y.gt(0.0).to_dtype(g.dtype());
}

impl Tensor {
    /// Clamps every element into `[min, max]` (`torch.clamp`); either bound may be `None`.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[-2.0f32, 0.5, 3.0]);
    /// assert_eq!(t.clamp(Some(-1.0), Some(1.0)).to_vec::<f32>(), vec![-1.0, 0.5, 1.0]);
    /// ```
    pub fn clamp(&self, min: Option<f64>, max: Option<f64>) -> Tensor {
        let out = self.clamp_kernel(min, max);
        if needs_grad(&[self]) {
            record_unary("ClampBackward1", &[self], &out, vec![SavedTensor::input(self)], move |ctx| {
                let x = &ctx.saved[0];
                let mut keep = x.ones_like().to_dtype(DType::Bool);
                if let Some(lo) = min {
                    keep = keep.logical_and(&x.ge(lo));
                }
                if let Some(hi) = max {
                    keep = keep.logical_and(&x.le(hi));
                }
                Ok(vec![Some(ctx.grad() * &keep.to_dtype(ctx.grad().dtype()))])
            });
        }
        out
    }

    /// `clamp(min, None)` (`torch.clamp_min`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[-2.0f32]).clamp_min(0.0).to_vec::<f32>(), vec![0.0]);
    /// ```
    pub fn clamp_min(&self, min: f64) -> Tensor {
        self.clamp(Some(min), None)
    }

    /// `clamp(None, max)` (`torch.clamp_max`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[2.0f32]).clamp_max(1.0).to_vec::<f32>(), vec![1.0]);
    /// ```
    pub fn clamp_max(&self, max: f64) -> Tensor {
        self.clamp(None, Some(max))
    }

    pub(crate) fn clamp_kernel(&self, min: Option<f64>, max: Option<f64>) -> Tensor {
        // Bounds are scalars: an integer tensor with float bounds becomes float (PyTorch).
        let bound_is_float = |b: Option<f64>| b.is_some_and(|v| v.fract() != 0.0);
        let x = if !self.dtype().is_floating_point() && (bound_is_float(min) || bound_is_float(max)) {
            self.float_input()
        } else {
            self.clone()
        };
        dispatch_num!(x.dtype(), T => {
            let lo = min.map(|v| Scalar::Float(v).to_elem::<T>());
            let hi = max.map(|v| Scalar::Float(v).to_elem::<T>());
            unary_map::<T, T>(&x, move |v| {
                #[allow(clippy::eq_op)]
                if v != v { return v; }
                let v = match lo { Some(l) if v < l => l, _ => v };
                match hi { Some(h) if v > h => h, _ => v }
            })
        }, _ => x.copy())
    }
}
