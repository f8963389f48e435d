//! Weight initialisation (`torch.nn.init`). Every function fills a tensor in place without
//! recording autograd history, drawing from the default generator in PyTorch's order, so that
//! `manual_seed` gives PyTorch's numbers (bit for bit for the uniform and normal based ones).

mod math;

use crate::error::unwrap;
use crate::{DType, Error, Result, Tensor};
use std::str::FromStr;

/// Which fan scales a Kaiming initialisation (`mode='fan_in'` / `'fan_out'`).
///
/// ```
/// use torchlight::nn::init::FanMode;
/// assert_eq!("fan_out".parse::<FanMode>().unwrap(), FanMode::FanOut);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FanMode {
    /// Preserves the variance of activations in the forward pass.
    FanIn,
    /// Preserves the variance of gradients in the backward pass.
    FanOut,
}

impl FromStr for FanMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<FanMode> {
        match s.to_lowercase().as_str() {
            "fan_in" => Ok(FanMode::FanIn),
            "fan_out" => Ok(FanMode::FanOut),
            other => Err(Error::Value(format!("Mode {other} not supported, please use one of ['fan_in', 'fan_out']"))),
        }
    }
}

/// The nonlinearity a gain is computed for (the strings of `calculate_gain`).
///
/// ```
/// use torchlight::nn::init::Nonlinearity;
/// assert_eq!("leaky_relu".parse::<Nonlinearity>().unwrap(), Nonlinearity::LeakyRelu);
/// assert_eq!("swish".parse::<Nonlinearity>().unwrap_err().to_string(), "Unsupported nonlinearity swish");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Nonlinearity {
    Linear,
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Selu,
}

impl FromStr for Nonlinearity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Nonlinearity> {
        use Nonlinearity::*;
        Ok(match s {
            "linear" => Linear,
            "conv1d" => Conv1d,
            "conv2d" => Conv2d,
            "conv3d" => Conv3d,
            "conv_transpose1d" => ConvTranspose1d,
            "conv_transpose2d" => ConvTranspose2d,
            "conv_transpose3d" => ConvTranspose3d,
            "sigmoid" => Sigmoid,
            "tanh" => Tanh,
            "relu" => Relu,
            "leaky_relu" => LeakyRelu,
            "selu" => Selu,
            other => return Err(Error::Value(format!("Unsupported nonlinearity {other}"))),
        })
    }
}

/// The recommended gain for a nonlinearity (`nn.init.calculate_gain`); `param` is the
/// negative slope of `LeakyRelu` (0.01 when `None`) and is ignored otherwise.
///
/// ```
/// use torchlight::nn::init::{calculate_gain, Nonlinearity};
/// assert_eq!(calculate_gain(Nonlinearity::Relu, None), 2f64.sqrt());
/// assert_eq!(calculate_gain(Nonlinearity::Tanh, None), 5.0 / 3.0);
/// ```
pub fn calculate_gain(nonlinearity: Nonlinearity, param: Option<f64>) -> f64 {
    use Nonlinearity::*;
    match nonlinearity {
        Linear | Conv1d | Conv2d | Conv3d | ConvTranspose1d | ConvTranspose2d | ConvTranspose3d | Sigmoid => 1.0,
        Tanh => 5.0 / 3.0,
        Relu => 2f64.sqrt(),
        LeakyRelu => {
            let slope = param.unwrap_or(0.01);
            // Python's `negative_slope**2` on a float is a correctly rounded square.
            (2.0 / (1.0 + slope * slope)).sqrt()
        }
        Selu => 3.0 / 4.0,
    }
}

/// `(fan_in, fan_out)` of a weight: `fan_in = size(1) * receptive field`,
/// `fan_out = size(0) * receptive field`, the receptive field being the product of the
/// sizes after the first two (`nn.init._calculate_fan_in_and_fan_out`).
///
/// Panics for tensors with fewer than 2 dims, as PyTorch raises.
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// assert_eq!(init::calculate_fan_in_and_fan_out(&Tensor::empty(&[8, 3, 5, 5])), (75, 200));
/// ```
#[track_caller]
pub fn calculate_fan_in_and_fan_out(tensor: &Tensor) -> (usize, usize) {
    unwrap(try_calculate_fan_in_and_fan_out(tensor))
}

/// Fallible twin of [`calculate_fan_in_and_fan_out`].
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// let err = init::try_calculate_fan_in_and_fan_out(&Tensor::empty(&[3])).unwrap_err();
/// assert_eq!(err.to_string(), "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
/// ```
pub fn try_calculate_fan_in_and_fan_out(tensor: &Tensor) -> Result<(usize, usize)> {
    let s = tensor.shape();
    if s.len() < 2 {
        return Err(Error::Value(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions".into(),
        ));
    }
    let receptive: usize = s[2..].iter().product();
    Ok((s[1] * receptive, s[0] * receptive))
}

fn fan(tensor: &Tensor, mode: FanMode) -> Result<usize> {
    let (fan_in, fan_out) = try_calculate_fan_in_and_fan_out(tensor)?;
    Ok(match mode {
        FanMode::FanIn => fan_in,
        FanMode::FanOut => fan_out,
    })
}

fn no_grad_uniform(tensor: &Tensor, a: f64, b: f64) -> Result<&Tensor> {
    crate::no_grad(|| tensor.try_uniform_with(a, b, &crate::random::default_generator()))?;
    Ok(tensor)
}

fn no_grad_normal(tensor: &Tensor, mean: f64, std: f64) -> Result<&Tensor> {
    crate::no_grad(|| tensor.try_normal_with(mean, std, &crate::random::default_generator()))?;
    Ok(tensor)
}

/// Fills with values drawn uniformly from `[a, b)` (`nn.init.uniform_`).
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// let w = init::uniform_(&Tensor::empty(&[3]), -1.0, 1.0).clone();
/// assert!(w.to_vec::<f32>().iter().all(|v| (-1.0..1.0).contains(v)));
/// ```
#[track_caller]
pub fn uniform_(tensor: &Tensor, a: f64, b: f64) -> &Tensor {
    unwrap(no_grad_uniform(tensor, a, b))
}

/// Fills with values drawn from `N(mean, std²)` (`nn.init.normal_`).
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// torchlight::manual_seed(0);
/// let w = Tensor::empty(&[2]);
/// init::normal_(&w, 0.0, 1.0);
/// assert_eq!(w.to_vec::<f32>(), vec![1.5409961, -0.2934289]);
/// ```
#[track_caller]
pub fn normal_(tensor: &Tensor, mean: f64, std: f64) -> &Tensor {
    unwrap(no_grad_normal(tensor, mean, std))
}

/// Fills with `value` (`nn.init.constant_`).
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// assert_eq!(init::constant_(&Tensor::empty(&[2]), 0.5).to_vec::<f32>(), vec![0.5, 0.5]);
/// ```
pub fn constant_(tensor: &Tensor, value: f64) -> &Tensor {
    crate::no_grad(|| tensor.fill_(value));
    tensor
}

/// Fills with zeros (`nn.init.zeros_`).
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// assert_eq!(init::zeros_(&Tensor::ones(&[2])).to_vec::<f32>(), vec![0.0, 0.0]);
/// ```
pub fn zeros_(tensor: &Tensor) -> &Tensor {
    crate::no_grad(|| tensor.zero_());
    tensor
}

/// Fills with ones (`nn.init.ones_`).
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// assert_eq!(init::ones_(&Tensor::zeros(&[2])).to_vec::<f32>(), vec![1.0, 1.0]);
/// ```
pub fn ones_(tensor: &Tensor) -> &Tensor {
    constant_(tensor, 1.0)
}

/// Fills a 2-D tensor with the identity matrix (`nn.init.eye_`).
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// assert_eq!(init::eye_(&Tensor::empty(&[2, 3])).to_vec::<f32>(), vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
/// ```
#[track_caller]
pub fn eye_(tensor: &Tensor) -> &Tensor {
    unwrap(try_eye_(tensor))
}

/// Fallible twin of [`eye_`].
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// assert_eq!(init::try_eye_(&Tensor::empty(&[2])).unwrap_err().to_string(), "Only tensors with 2 dimensions are supported");
/// ```
pub fn try_eye_(tensor: &Tensor) -> Result<&Tensor> {
    if tensor.dim() != 2 {
        return Err(Error::Value("Only tensors with 2 dimensions are supported".into()));
    }
    let (n, m) = (tensor.shape()[0], tensor.shape()[1]);
    crate::no_grad(|| tensor.try_copy_(&Tensor::eye_m(n, m)))?;
    Ok(tensor)
}

/// Xavier/Glorot uniform: `U(-a, a)` with `a = gain·sqrt(6/(fan_in+fan_out))`
/// (`nn.init.xavier_uniform_`).
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// let w = Tensor::empty(&[3, 5]);
/// init::xavier_uniform_(&w, 1.0);
/// assert!(w.to_vec::<f32>().iter().all(|v| v.abs() < (6.0f32 / 8.0).sqrt()));
/// ```
#[track_caller]
pub fn xavier_uniform_(tensor: &Tensor, gain: f64) -> &Tensor {
    unwrap(try_xavier_uniform_(tensor, gain))
}

/// Fallible twin of [`xavier_uniform_`].
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// assert!(init::try_xavier_uniform_(&Tensor::empty(&[3]), 1.0).is_err());
/// ```
pub fn try_xavier_uniform_(tensor: &Tensor, gain: f64) -> Result<&Tensor> {
    let (fan_in, fan_out) = try_calculate_fan_in_and_fan_out(tensor)?;
    let std = gain * (2.0 / (fan_in + fan_out) as f64).sqrt();
    let a = 3f64.sqrt() * std;
    no_grad_uniform(tensor, -a, a)
}

/// Xavier/Glorot normal: `N(0, std²)` with `std = gain·sqrt(2/(fan_in+fan_out))`
/// (`nn.init.xavier_normal_`).
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// let w = Tensor::empty(&[3, 5]);
/// init::xavier_normal_(&w, 1.0);
/// ```
#[track_caller]
pub fn xavier_normal_(tensor: &Tensor, gain: f64) -> &Tensor {
    unwrap(try_xavier_normal_(tensor, gain))
}

/// Fallible twin of [`xavier_normal_`].
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// assert!(init::try_xavier_normal_(&Tensor::empty(&[3]), 1.0).is_err());
/// ```
pub fn try_xavier_normal_(tensor: &Tensor, gain: f64) -> Result<&Tensor> {
    let (fan_in, fan_out) = try_calculate_fan_in_and_fan_out(tensor)?;
    let std = gain * (2.0 / (fan_in + fan_out) as f64).sqrt();
    no_grad_normal(tensor, 0.0, std)
}

/// Kaiming/He uniform: `U(-bound, bound)` with `bound = gain·sqrt(3/fan)`, `gain` from
/// `calculate_gain(nonlinearity, a)` (`nn.init.kaiming_uniform_`). PyTorch's defaults are
/// `a = 0`, `FanIn`, `LeakyRelu`. A zero-element tensor is left as is.
///
/// ```
/// use torchlight::{nn::init::{self, FanMode, Nonlinearity}, Tensor};
/// let w = Tensor::empty(&[4, 3]);
/// init::kaiming_uniform_(&w, 0.0, FanMode::FanIn, Nonlinearity::Relu);
/// assert!(w.to_vec::<f32>().iter().all(|v| v.abs() < 2f32.sqrt()));
/// ```
#[track_caller]
pub fn kaiming_uniform_(tensor: &Tensor, a: f64, mode: FanMode, nonlinearity: Nonlinearity) -> &Tensor {
    unwrap(try_kaiming_uniform_(tensor, a, mode, nonlinearity))
}

/// Fallible twin of [`kaiming_uniform_`].
///
/// ```
/// use torchlight::{nn::init::{self, FanMode, Nonlinearity}, Tensor};
/// assert!(init::try_kaiming_uniform_(&Tensor::empty(&[4]), 0.0, FanMode::FanIn, Nonlinearity::Relu).is_err());
/// ```
pub fn try_kaiming_uniform_(tensor: &Tensor, a: f64, mode: FanMode, nonlinearity: Nonlinearity) -> Result<&Tensor> {
    if tensor.shape().contains(&0) {
        return Ok(tensor);
    }
    let fan = fan(tensor, mode)?;
    let gain = calculate_gain(nonlinearity, Some(a));
    let std = gain / (fan as f64).sqrt();
    let bound = 3f64.sqrt() * std;
    no_grad_uniform(tensor, -bound, bound)
}

/// Kaiming/He normal: `N(0, std²)` with `std = gain/sqrt(fan)` (`nn.init.kaiming_normal_`).
/// A zero-element tensor is left as is.
///
/// ```
/// use torchlight::{nn::init::{self, FanMode, Nonlinearity}, Tensor};
/// let w = Tensor::empty(&[4, 3]);
/// init::kaiming_normal_(&w, 0.0, FanMode::FanOut, Nonlinearity::Relu);
/// ```
#[track_caller]
pub fn kaiming_normal_(tensor: &Tensor, a: f64, mode: FanMode, nonlinearity: Nonlinearity) -> &Tensor {
    unwrap(try_kaiming_normal_(tensor, a, mode, nonlinearity))
}

/// Fallible twin of [`kaiming_normal_`].
///
/// ```
/// use torchlight::{nn::init::{self, FanMode, Nonlinearity}, Tensor};
/// assert!(init::try_kaiming_normal_(&Tensor::empty(&[4]), 0.0, FanMode::FanIn, Nonlinearity::Relu).is_err());
/// ```
pub fn try_kaiming_normal_(tensor: &Tensor, a: f64, mode: FanMode, nonlinearity: Nonlinearity) -> Result<&Tensor> {
    if tensor.shape().contains(&0) {
        return Ok(tensor);
    }
    let fan = fan(tensor, mode)?;
    let gain = calculate_gain(nonlinearity, Some(a));
    let std = gain / (fan as f64).sqrt();
    no_grad_normal(tensor, 0.0, std)
}

/// Fills with values from `N(mean, std²)` truncated to `[a, b]` (`nn.init.trunc_normal_`;
/// PyTorch's defaults are `0, 1, -2, 2`).
///
/// Follows PyTorch's two rejection samplers and their draws: when `[a, b]` holds more than
/// 30% of the mass, out-of-range values are redrawn from the normal; otherwise uniform
/// candidates are accepted against the density.
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// let w = Tensor::empty(&[100]);
/// init::trunc_normal_(&w, 0.0, 1.0, -2.0, 2.0);
/// assert!(w.to_vec::<f32>().iter().all(|v| (-2.0..=2.0).contains(v)));
/// ```
#[track_caller]
pub fn trunc_normal_(tensor: &Tensor, mean: f64, std: f64, a: f64, b: f64) -> &Tensor {
    unwrap(try_trunc_normal_(tensor, mean, std, a, b))
}

/// Fallible twin of [`trunc_normal_`].
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// let err = init::try_trunc_normal_(&Tensor::empty(&[3]), 0.0, 0.0, -2.0, 2.0).unwrap_err();
/// assert_eq!(err.to_string(), "float division by zero");
/// ```
pub fn try_trunc_normal_(tensor: &Tensor, mean: f64, std: f64, a: f64, b: f64) -> Result<&Tensor> {
    if !tensor.dtype().is_floating_point() {
        return Err(Error::Runtime(format!("normal_ expects a floating point tensor, got {}", tensor.dtype())));
    }
    crate::no_grad(|| match tensor.dtype() {
        DType::F32 => math::trunc_normal::<f32>(tensor, mean, std, a, b),
        _ => math::trunc_normal::<f64>(tensor, mean, std, a, b),
    })?;
    Ok(tensor)
}

/// Fills with a (semi-)orthogonal matrix, trailing dims flattened, scaled by `gain`
/// (`nn.init.orthogonal_`). The QR factorisation runs in f64, so values agree with PyTorch's
/// to float tolerance rather than bit for bit.
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// let w = Tensor::empty(&[3, 3]);
/// init::orthogonal_(&w, 1.0);
/// let wwt: f32 = (&w * &w).sum().item() as f32;
/// assert!((wwt - 3.0).abs() < 1e-5);
/// ```
#[track_caller]
pub fn orthogonal_(tensor: &Tensor, gain: f64) -> &Tensor {
    unwrap(try_orthogonal_(tensor, gain))
}

/// Fallible twin of [`orthogonal_`].
///
/// ```
/// use torchlight::{nn::init, Tensor};
/// let err = init::try_orthogonal_(&Tensor::empty(&[3]), 1.0).unwrap_err();
/// assert_eq!(err.to_string(), "Only tensors with 2 or more dimensions are supported");
/// ```
pub fn try_orthogonal_(tensor: &Tensor, gain: f64) -> Result<&Tensor> {
    if tensor.dim() < 2 {
        return Err(Error::Value("Only tensors with 2 or more dimensions are supported".into()));
    }
    if tensor.numel() == 0 {
        return Ok(tensor);
    }
    let rows = tensor.shape()[0];
    let cols = tensor.numel() / rows;
    let flat = Tensor::empty_dtype(&[rows, cols], tensor.dtype());
    no_grad_normal(&flat, 0.0, 1.0)?;
    let values = flat.to_vec::<f64>();
    let q = if rows < cols {
        let t = math::transpose(&values, rows, cols);
        math::transpose(&math::orthonormal_q(&t, cols, rows), cols, rows)
    } else {
        math::orthonormal_q(&values, rows, cols)
    };
    // PyTorch rounds Q to the tensor's dtype before scaling it by the gain.
    let q = Tensor::from_vec(q, tensor.shape()).to_dtype(tensor.dtype());
    crate::no_grad(|| -> Result<()> {
        tensor.try_copy_(&q)?;
        tensor.try_mul_(gain)
    })?;
    Ok(tensor)
}
