//! Activation functions (`F.relu`, `F.gelu`, ...). Each forward is one fused pass with
//! PyTorch's CPU formula. Each backward is one fused pass too, except under
//! `create_graph`, where it is composed from tensor ops so it can be differentiated again.

use super::{map_each, zip_each};
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::{is_grad_enabled, Error, Result, Tensor};
use std::f64::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI, SQRT_2};

/// `erf` at either precision (libm's, as the standard pure-Rust implementation).
trait Erf {
    fn erf_libm(self) -> Self;
}
impl Erf for f32 {
    fn erf_libm(self) -> f32 {
        libm::erff(self)
    }
}
impl Erf for f64 {
    fn erf_libm(self) -> f64 {
        libm::erf(self)
    }
}

/// `sqrt(2/π)`, PyTorch's `kBeta` for the tanh GELU.
const K_BETA: f64 = SQRT_2 * FRAC_2_SQRT_PI * 0.5;
const K_KAPPA: f64 = 0.044715;
/// `1/sqrt(2π)`, the normal density's constant (PyTorch's `kAlpha` in the GELU backward).
const K_ALPHA: f64 = FRAC_2_SQRT_PI * FRAC_1_SQRT_2 * 0.5;

/// Fails with PyTorch's message for an activation that has no integer kernel.
fn float_only(x: &Tensor, kernel: &str) -> Result<()> {
    if x.dtype().is_floating_point() {
        Ok(())
    } else {
        Err(crate::error::not_implemented(kernel, x.dtype()))
    }
}

/// Records a unary activation whose gradient is `g * d(x)`: `fused(x, g)` computes it in one
/// pass; `composed(x)` builds `d(x)` from differentiable tensor ops for double backward.
fn record_activation(
    name: &'static str,
    x: &Tensor,
    out: &Tensor,
    fused: impl Fn(&Tensor, &Tensor) -> Tensor + Send + Sync + 'static,
    composed: impl Fn(&Tensor) -> Tensor + Send + Sync + 'static,
) {
    if !needs_grad(&[x]) {
        return;
    }
    record_unary(name, &[x], out, [SavedTensor::input(x)], move |ctx| {
        let (g, x) = (ctx.grad(), &ctx.saved[0]);
        Ok(vec![Some(if is_grad_enabled() { g * &composed(x) } else { fused(x, g) })])
    });
}

/// `max(x, 0)` (`F.relu`); NaN propagates.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert_eq!(F::relu(&Tensor::from_slice(&[-1.0f32, 3.0])).to_vec::<f32>(), vec![0.0, 3.0]);
/// ```
pub fn relu(input: &Tensor) -> Tensor {
    input.relu()
}

/// `x` where `x > 0`, else `negative_slope * x` (`F.leaky_relu`; PyTorch's default slope
/// is 0.01). The gradient at 0 is `negative_slope`, as in PyTorch.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let y = F::leaky_relu(&Tensor::from_slice(&[-2.0f32, 3.0]), 0.5);
/// assert_eq!(y.to_vec::<f32>(), vec![-1.0, 3.0]);
/// ```
#[track_caller]
pub fn leaky_relu(input: &Tensor, negative_slope: f64) -> Tensor {
    unwrap(try_leaky_relu(input, negative_slope))
}

/// Fallible twin of [`leaky_relu`]: fails on an integer tensor, as PyTorch does.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_leaky_relu(&Tensor::from_slice(&[1i64]), 0.01).unwrap_err();
/// assert_eq!(e.to_string(), "\"leaky_relu_cpu\" not implemented for 'Long'");
/// ```
pub fn try_leaky_relu(input: &Tensor, negative_slope: f64) -> Result<Tensor> {
    float_only(input, "leaky_relu_cpu")?;
    let s = negative_slope;
    let out = map_each!(input, T, |v| if v > 0.0 { v } else { v * s as T });
    if needs_grad(&[input]) {
        record_unary("LeakyReluBackward0", &[input], &out, [SavedTensor::input(input)], move |ctx| {
            // The slope is piecewise constant, so `g * slope(x)` differentiates again as is.
            let d = map_each!(&ctx.saved[0], T, |v| if v > 0.0 { 1.0 } else { s as T });
            Ok(vec![Some(ctx.grad() * &d)])
        });
    }
    Ok(out)
}

/// `x` where `x > 0`, else `alpha * (exp(x) - 1)` (`F.elu`; PyTorch's default alpha is 1).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let y = F::elu(&Tensor::from_slice(&[0.0f64, 2.0]), 1.0);
/// assert_eq!(y.to_vec::<f64>(), vec![0.0, 2.0]);
/// ```
#[track_caller]
pub fn elu(input: &Tensor, alpha: f64) -> Tensor {
    unwrap(try_elu(input, alpha))
}

/// Fallible twin of [`elu`]: fails on an integer tensor.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_elu(&Tensor::from_slice(&[1i64]), 1.0).is_err());
/// ```
pub fn try_elu(input: &Tensor, alpha: f64) -> Result<Tensor> {
    float_only(input, "elu_cpu")?;
    let out = map_each!(input, T, |v| if v > 0.0 { v } else { v.exp_m1() * alpha as T });
    record_activation(
        "EluBackward0",
        input,
        &out,
        move |x, g| unwrap(zip_each!(x, g, T, |v, g| if v > 0.0 { g } else { g * alpha as T * v.exp() })),
        move |x| (x.clamp_max(0.0).exp() * alpha).masked_fill(&x.gt(0.0), 1.0),
    );
    Ok(out)
}

/// Gaussian error linear unit (`F.gelu`): `approximate` is `"none"` (PyTorch's default,
/// `x·Φ(x)` with `erf`) or `"tanh"` (`0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))`).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let y = F::gelu(&Tensor::from_slice(&[0.0f32, 1.0]), "none");
/// assert!((y.to_vec::<f32>()[1] - 0.8413447).abs() < 1e-6);
/// ```
#[track_caller]
pub fn gelu(input: &Tensor, approximate: &str) -> Tensor {
    unwrap(try_gelu(input, approximate))
}

/// Fallible twin of [`gelu`]: fails on an unknown `approximate`.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_gelu(&Tensor::ones(&[1]), "fast").unwrap_err();
/// assert_eq!(e.to_string(), "approximate argument must be either none or tanh.");
/// ```
pub fn try_gelu(input: &Tensor, approximate: &str) -> Result<Tensor> {
    let tanh = match approximate {
        "none" => false,
        "tanh" => true,
        _ => return Err(Error::Runtime("approximate argument must be either none or tanh.".into())),
    };
    float_only(input, "GeluKernelImpl")?;
    if tanh {
        let out = map_each!(input, T, |x| {
            let inner = K_BETA as T * (x + K_KAPPA as T * (x * x * x));
            0.5 * x * (1.0 + inner.tanh())
        });
        let fused = |x: &Tensor, g: &Tensor| {
            unwrap(zip_each!(x, g, T, |x, g| {
                let (beta, kappa) = (K_BETA as T, K_KAPPA as T);
                let x_sq = x * x;
                let t = (beta * (x + kappa * x_sq * x)).tanh();
                let left = 0.5 * x;
                let right = 1.0 + t;
                let right_derivative = left * (1.0 - t * t) * beta * (1.0 + 3.0 * kappa * x_sq);
                g * (0.5 * right + right_derivative)
            }))
        };
        let composed = |x: &Tensor| {
            let t = ((x + &(x.pow(3.0) * K_KAPPA)) * K_BETA).tanh();
            let right_derivative = (x * 0.5) * &(t.pow(2.0).neg() + 1.0) * &((x * x * (3.0 * K_KAPPA) + 1.0) * K_BETA);
            (t + 1.0) * 0.5 + right_derivative
        };
        record_activation("GeluBackward0", input, &out, fused, composed);
        Ok(out)
    } else {
        let out = map_each!(input, T, |x| x * 0.5 * (1.0 + (x * FRAC_1_SQRT_2 as T).erf_libm()));
        let fused = |x: &Tensor, g: &Tensor| {
            unwrap(zip_each!(x, g, T, |x, g| {
                let cdf = 0.5 * (1.0 + (x * FRAC_1_SQRT_2 as T).erf_libm());
                let pdf = K_ALPHA as T * (-0.5 * x * x).exp();
                g * (cdf + x * pdf)
            }))
        };
        let composed = |x: &Tensor| {
            let cdf = ((x * FRAC_1_SQRT_2).erf() + 1.0) * 0.5;
            let pdf = (x * x * -0.5f64).exp() * K_ALPHA;
            cdf + x * &pdf
        };
        record_activation("GeluBackward0", input, &out, fused, composed);
        Ok(out)
    }
}

/// `x * sigmoid(x)` (`F.silu`, also called swish).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert_eq!(F::silu(&Tensor::from_slice(&[0.0f32])).to_vec::<f32>(), vec![0.0]);
/// ```
#[track_caller]
pub fn silu(input: &Tensor) -> Tensor {
    unwrap(try_silu(input))
}

/// Fallible twin of [`silu`]: fails on an integer tensor.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_silu(&Tensor::from_slice(&[1i64])).is_err());
/// ```
pub fn try_silu(input: &Tensor) -> Result<Tensor> {
    float_only(input, "silu_cpu")?;
    let out = map_each!(input, T, |x| x / (1.0 + (-x).exp()));
    record_activation(
        "SiluBackward0",
        input,
        &out,
        |x, g| {
            unwrap(zip_each!(x, g, T, |x, g| {
                let s = 1.0 / (1.0 + (-x).exp());
                g * s * (1.0 + x * (1.0 - s))
            }))
        },
        |x| {
            let s = x.sigmoid();
            &s * &((x * &(s.neg() + 1.0)) + 1.0)
        },
    );
    Ok(out)
}

/// `1 / (1 + exp(-x))` (`F.sigmoid`).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert_eq!(F::sigmoid(&Tensor::from_slice(&[0.0f32])).to_vec::<f32>(), vec![0.5]);
/// ```
pub fn sigmoid(input: &Tensor) -> Tensor {
    input.sigmoid()
}

/// Hyperbolic tangent (`F.tanh`).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert_eq!(F::tanh(&Tensor::from_slice(&[0.0f32])).to_vec::<f32>(), vec![0.0]);
/// ```
pub fn tanh(input: &Tensor) -> Tensor {
    input.tanh()
}

/// Softmax along `dim` (`F.softmax(x, dim)`); see [`Tensor::softmax`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert_eq!(F::softmax(&Tensor::zeros(&[2]), 0).to_vec::<f32>(), vec![0.5, 0.5]);
/// ```
#[track_caller]
pub fn softmax(input: &Tensor, dim: i64) -> Tensor {
    input.softmax(dim)
}

/// Fallible twin of [`softmax`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_softmax(&Tensor::zeros(&[2]), 1).is_err());
/// ```
pub fn try_softmax(input: &Tensor, dim: i64) -> Result<Tensor> {
    input.try_softmax(dim)
}

/// Log-softmax along `dim` (`F.log_softmax(x, dim)`); see [`Tensor::log_softmax`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert_eq!(F::log_softmax(&Tensor::zeros(&[1]), 0).to_vec::<f32>(), vec![0.0]);
/// ```
#[track_caller]
pub fn log_softmax(input: &Tensor, dim: i64) -> Tensor {
    input.log_softmax(dim)
}

/// Fallible twin of [`log_softmax`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_log_softmax(&Tensor::zeros(&[2]), -2).is_err());
/// ```
pub fn try_log_softmax(input: &Tensor, dim: i64) -> Result<Tensor> {
    input.try_log_softmax(dim)
}

/// `log(1 + exp(beta·x)) / beta`, and `x` itself where `beta·x > threshold`
/// (`F.softplus`; PyTorch's defaults are `beta = 1`, `threshold = 20`).
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let y = F::softplus(&Tensor::from_slice(&[0.0f64, 30.0]), 1.0, 20.0);
/// assert_eq!(y.to_vec::<f64>(), vec![2.0f64.ln(), 30.0]);
/// ```
#[track_caller]
pub fn softplus(input: &Tensor, beta: f64, threshold: f64) -> Tensor {
    unwrap(try_softplus(input, beta, threshold))
}

/// Fallible twin of [`softplus`]: fails on an integer tensor.
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// assert!(F::try_softplus(&Tensor::from_slice(&[1i64]), 1.0, 20.0).is_err());
/// ```
pub fn try_softplus(input: &Tensor, beta: f64, threshold: f64) -> Result<Tensor> {
    float_only(input, "softplus_cpu")?;
    let out = map_each!(input, T, |x| {
        let (b, th) = (beta as T, threshold as T);
        if x * b > th {
            x
        } else {
            (x * b).exp().ln_1p() / b
        }
    });
    record_activation(
        "SoftplusBackward0",
        input,
        &out,
        move |x, g| {
            unwrap(zip_each!(x, g, T, |x, g| {
                let (b, th) = (beta as T, threshold as T);
                let z = (x * b).exp();
                if x * b > th {
                    g
                } else {
                    g * z / (z + 1.0)
                }
            }))
        },
        move |x| {
            let xb = x * beta;
            xb.sigmoid().masked_fill(&xb.gt(threshold), 1.0)
        },
    );
    Ok(out)
}
