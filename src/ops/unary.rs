//! Unary elementwise ops, each with its gradient. Float functions promote integer inputs
//! to the default dtype, as PyTorch does.

// `x != x` is the NaN test that works for every element type.
#![allow(clippy::eq_op, clippy::if_same_then_else)]

use super::binary::Operand;
use super::binary_kernel::unary_map;
use super::promote::result_type;
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::{dispatch_num, DType, Error, Result, Scalar, Tensor};
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
    /// Elementwise base-2 logarithm (`torch.log2`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[8.0f32]).log2().to_vec::<f32>(), vec![3.0]);
    /// ```
    log2, "Log2Backward0", |x| x.log2(), x, |g, x| g / &(x * std::f64::consts::LN_2);
    /// Elementwise base-10 logarithm (`torch.log10`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[100.0f32]).log10().to_vec::<f32>(), vec![2.0]);
    /// ```
    log10, "Log10Backward0", |x| x.log10(), x, |g, x| g / &(x * std::f64::consts::LN_10);
    /// Elementwise `2^x` (`torch.exp2`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[3.0f32]).exp2().to_vec::<f32>(), vec![8.0]);
    /// ```
    exp2, "Exp2Backward0", |x| x.exp2(), y, |g, y| g * &(y * std::f64::consts::LN_2);
    /// Elementwise arcsine (`torch.asin`); NaN outside `[-1, 1]`.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).asin().to_vec::<f32>(), vec![0.0]);
    /// ```
    asin, "AsinBackward0", |x| x.asin(), x, |g, x| g * &((x * x).neg() + 1.0).rsqrt();
    /// Elementwise arccosine (`torch.acos`); NaN outside `[-1, 1]`.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1.0f32]).acos().to_vec::<f32>(), vec![0.0]);
    /// ```
    acos, "AcosBackward0", |x| x.acos(), x, |g, x| -(g * &((x * x).neg() + 1.0).rsqrt());
    /// Elementwise arctangent (`torch.atan`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).atan().to_vec::<f32>(), vec![0.0]);
    /// ```
    atan, "AtanBackward0", |x| x.atan(), x, |g, x| g / &(x * x + 1.0);
    /// Elementwise hyperbolic sine (`torch.sinh`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).sinh().to_vec::<f32>(), vec![0.0]);
    /// ```
    sinh, "SinhBackward0", |x| x.sinh(), x, |g, x| g * &x.cosh();
    /// Elementwise hyperbolic cosine (`torch.cosh`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).cosh().to_vec::<f32>(), vec![1.0]);
    /// ```
    cosh, "CoshBackward0", |x| x.cosh(), x, |g, x| g * &x.sinh();
    /// Elementwise inverse hyperbolic sine (`torch.asinh`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).asinh().to_vec::<f32>(), vec![0.0]);
    /// ```
    asinh, "AsinhBackward0", |x| x.asinh(), x, |g, x| g * &(x * x + 1.0).rsqrt();
    /// Elementwise inverse hyperbolic cosine (`torch.acosh`); NaN below 1.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1.0f32]).acosh().to_vec::<f32>(), vec![0.0]);
    /// ```
    acosh, "AcoshBackward0", |x| x.acosh(), x, |g, x| g * &(x * x - 1.0).rsqrt();
    /// Elementwise inverse hyperbolic tangent (`torch.atanh`); NaN outside `[-1, 1]`.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[0.0f32]).atanh().to_vec::<f32>(), vec![0.0]);
    /// ```
    atanh, "AtanhBackward0", |x| x.atanh(), x, |g, x| g / &((x * x).neg() + 1.0);
}

impl Tensor {
    /// Elementwise `x * x` (`torch.square`, which PyTorch computes as `pow(x, 2)`: integer
    /// tensors stay integer, bool becomes int64, and the node is `PowBackward0`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[-3i64]).square().to_vec::<i64>(), vec![9]);
    /// ```
    pub fn square(&self) -> Tensor {
        self.pow(2)
    }
}

macro_rules! same_type_unary_ops {
    ($( $(#[$doc:meta])* $name:ident, $try_name:ident, $node:literal, |$x:ident| $body:expr,
        bool: $bool:expr, $save:ident, |$g:ident, $s:ident| $grad:expr; )*) => {
        impl Tensor {$(
            $(#[$doc])*
            #[track_caller]
            pub fn $name(&self) -> Tensor {
                crate::error::unwrap(self.$try_name())
            }

            #[doc = concat!("Fallible twin of [`Tensor::", stringify!($name), "`]: fails on bool tensors where PyTorch does.")]
            ///
            /// ```
            /// let t = torchlight::Tensor::from_slice(&[1.0f32]);
            #[doc = concat!("assert!(t.", stringify!($try_name), "().is_ok());")]
            /// ```
            pub fn $try_name(&self) -> Result<Tensor> {
                let out = dispatch_num!(self.dtype(), T => unary_map::<T, T>(self, |$x: T| $body),
                    _ => { let f: fn(&Tensor) -> Result<Tensor> = $bool; f(self)? });
                if needs_grad(&[self]) {
                    record_unary($node, &[self], &out, save!($save, self, out), |ctx| {
                        let $g = ctx.grad();
                        let $s = &ctx.saved[0];
                        Ok(vec![Some($grad)])
                    });
                }
                Ok(out)
            }
        )*}
    };
}

/// What a bool input gives: PyTorch's NotImplementedError text.
fn bool_unsupported(msg: &str) -> Result<Tensor> {
    Err(Error::NotImplemented(msg.into()))
}

/// PyTorch's `(0 < x) - (x < 0)`: NaN gives 0, and -0.0 gives +0.0.
fn signum<T: crate::NumElement>(x: T) -> T {
    let zero = T::zero();
    if x > zero {
        T::one()
    } else if x < zero {
        -T::one()
    } else {
        zero
    }
}

same_type_unary_ops! {
    /// Elementwise negation (`torch.neg`, `-x`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[1i64]).neg().to_vec::<i64>(), vec![-1]);
    /// ```
    neg, try_neg, "NegBackward0", |x| -x,
        bool: |_| bool_unsupported("Negation, the `-` operator, on a bool tensor is not supported. If you are trying \
            to invert a mask, use the `~` or `logical_not()` operator instead."),
        x, |g, _x| -g;
    /// Elementwise absolute value (`torch.abs`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[-2.0f32]).abs().to_vec::<f32>(), vec![2.0]);
    /// ```
    abs, try_abs, "AbsBackward0", |x| if x < T::zero() || x == T::zero() { T::zero() - x } else { x },
        bool: |_| bool_unsupported("\"abs_cpu\" not implemented for 'Bool'"), x, |g, x| g * &x.sign();
    /// Elementwise sign: -1, 0 or 1 (`torch.sign`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[-2.0f32, 0.0]).sign().to_vec::<f32>(), vec![-1.0, 0.0]);
    /// ```
    sign, try_sign, "SignBackward0", |x| signum(x), bool: |t| Ok(t.copy()), x, |g, _x| g.zeros_like();
    /// Elementwise `max(x, 0)` (`torch.relu`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::from_slice(&[-1.0f32, 2.0]).relu().to_vec::<f32>(), vec![0.0, 2.0]);
    /// ```
    relu, try_relu, "ReluBackward0", |x| if x < T::zero() { T::zero() } else { x },
        bool: |_| bool_unsupported("Boolean inputs not supported for relu"), y,
        |g, y| threshold_backward(g, y, 0.0);
}

/// PyTorch's `threshold_backward(grad, input, threshold)`, relu's gradient: `grad` where
/// `input > threshold`, else exactly 0 (also where `grad` is infinite or NaN), in one pass.
/// Differentiable in `grad` (`ThresholdBackwardBackward0`), so relu has second derivatives.
pub(crate) fn threshold_backward(grad: &Tensor, input: &Tensor, threshold: f64) -> Tensor {
    let shape = grad.shape().to_vec();
    let input_t = input.to_dtype(grad.dtype());
    let out = dispatch_num!(grad.dtype(), T => {
        let th = <T as crate::Element>::from_f64(threshold);
        super::binary_kernel::binary_map::<T, T>(grad, &input_t, &shape, move |g, x| if x <= th { T::zero() } else { g })
    }, _ => unreachable!("relu refuses bool tensors"));
    if needs_grad(&[grad, input]) {
        record_unary("ThresholdBackwardBackward0", &[grad, input], &out, [SavedTensor::input(input)], move |ctx| {
            let x = &ctx.saved[0];
            Ok(vec![
                ctx.needs(0).then(|| threshold_backward(ctx.grad(), x, threshold)),
                ctx.needs(1).then(|| x.zeros_like()),
            ])
        });
    }
    out
}

/// A clamp bound as the number PyTorch would see: whole values count as Python ints, so an
/// integer tensor clamped to `Some(1.0)` stays int64 (`torch.clamp(t, min=1)`), while
/// `Some(1.5)` makes it float32.
fn bound_scalar(v: f64) -> Scalar {
    if v.fract() == 0.0 && v.abs() < 9.2e18 {
        Scalar::Int(v as i64)
    } else {
        Scalar::Float(v)
    }
}

impl Tensor {
    /// Clamps every element into `[min, max]` (`torch.clamp`); either bound may be `None`.
    /// Where `min > max` every element becomes `max`, and NaN stays NaN, as in PyTorch.
    ///
    /// Panics when both bounds are `None`.
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[-2.0f32, 0.5, 3.0]);
    /// assert_eq!(t.clamp(Some(-1.0), Some(1.0)).to_vec::<f32>(), vec![-1.0, 0.5, 1.0]);
    /// ```
    #[track_caller]
    pub fn clamp(&self, min: Option<f64>, max: Option<f64>) -> Tensor {
        crate::error::unwrap(self.try_clamp(min, max))
    }

    /// Fallible twin of [`Tensor::clamp`].
    ///
    /// ```
    /// let t = torchlight::Tensor::from_slice(&[1.0f32]);
    /// assert!(t.try_clamp(None, None).is_err());
    /// ```
    pub fn try_clamp(&self, min: Option<f64>, max: Option<f64>) -> Result<Tensor> {
        let out = self.clamp_kernel(min, max)?;
        if needs_grad(&[self]) {
            let name = match (min, max) {
                (Some(_), None) => "ClampMinBackward0",
                (None, Some(_)) => "ClampMaxBackward0",
                _ => "ClampBackward1",
            };
            record_unary(name, &[self], &out, [SavedTensor::input(self)], move |ctx| {
                let x = &ctx.saved[0];
                // The gradient passes where min <= x <= max (NaN inputs get none).
                let keep = match (min, max) {
                    (Some(lo), Some(hi)) => x.ge(lo).logical_and(&x.le(hi)),
                    (Some(lo), None) => x.ge(lo),
                    (_, Some(hi)) => x.le(hi),
                    (None, None) => unreachable!("checked in forward"),
                };
                Ok(vec![Some(ctx.grad() * &keep.to_dtype(ctx.grad().dtype()))])
            });
        }
        Ok(out)
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

    /// The dtype `clamp` computes in: the bounds take part in type promotion as numbers.
    pub(crate) fn clamp_dtype(&self, min: Option<f64>, max: Option<f64>) -> DType {
        let mut ops = vec![Operand::Tensor(self)];
        ops.extend(min.into_iter().chain(max).map(|v| Operand::Scalar(bound_scalar(v))));
        result_type(&ops)
    }

    pub(crate) fn clamp_kernel(&self, min: Option<f64>, max: Option<f64>) -> Result<Tensor> {
        if min.is_none() && max.is_none() {
            return Err(Error::Runtime("torch.clamp: At least one of 'min' or 'max' must not be None".into()));
        }
        let x = self.to_dtype(self.clamp_dtype(min, max));
        Ok(dispatch_num!(x.dtype(), T => {
            let lo = min.map(|v| bound_scalar(v).to_elem::<T>());
            let hi = max.map(|v| bound_scalar(v).to_elem::<T>());
            unary_map::<T, T>(&x, move |v| {
                if v != v { return v; }
                let v = match lo { Some(l) if v < l => l, _ => v };
                match hi { Some(h) if v > h => h, _ => v }
            })
        }, _ => unreachable!("bool promotes to int64 with any bound")))
    }
}
