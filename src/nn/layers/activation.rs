//! Activation modules: thin wrappers around the `nn::functional` functions, holding their
//! settings (`torch.nn.ReLU`, `GELU`, `Softmax`, ...).

use crate::format::python_repr;
use crate::nn::functional as F;
use crate::nn::{Module, TrainingFlag, Visitor, VisitorMut};
use crate::Tensor;

/// The `Module` impl of a parameterless layer: `forward` and `extra_repr` from closures over
/// `self`.
macro_rules! stateless_module {
    ($name:ident, |$s:ident, $x:ident| $forward:expr, |$r:ident| $repr:expr) => {
        impl Module for $name {
            #[track_caller]
            fn forward(&self, input: &Tensor) -> Tensor {
                let ($s, $x) = (self, input);
                $forward
            }
            fn visit<'a>(&'a self, _: &mut dyn Visitor<'a>) {}
            fn visit_mut(&mut self, _: &mut dyn VisitorMut) {}
            fn training_flag(&self) -> Option<&TrainingFlag> {
                Some(&self.training)
            }
            fn type_name(&self) -> String {
                stringify!($name).into()
            }
            fn extra_repr(&self) -> String {
                let $r = self;
                $repr
            }
        }
    };
}

/// `max(x, 0)` (`torch.nn.ReLU`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let y = nn::ReLU::new().forward(&Tensor::from_slice(&[-1.0f32, 2.0]));
/// assert_eq!(y.to_vec::<f32>(), vec![0.0, 2.0]);
/// ```
#[derive(Default)]
pub struct ReLU {
    training: TrainingFlag,
}

impl ReLU {
    /// The module.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::ReLU::new().repr(), "ReLU()");
    /// ```
    pub fn new() -> ReLU {
        ReLU::default()
    }
}

stateless_module!(ReLU, |_s, x| F::relu(x), |_r| String::new());

/// `x` for `x > 0`, else `negative_slope·x` (`torch.nn.LeakyReLU`; the default slope is
/// 0.01).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let y = nn::LeakyReLU::new(0.5).forward(&Tensor::from_slice(&[-2.0f32, 2.0]));
/// assert_eq!(y.to_vec::<f32>(), vec![-1.0, 2.0]);
/// ```
pub struct LeakyReLU {
    /// The slope for negative inputs.
    pub negative_slope: f64,
    training: TrainingFlag,
}

impl LeakyReLU {
    /// With the given negative slope.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::LeakyReLU::new(0.2).repr(), "LeakyReLU(negative_slope=0.2)");
    /// ```
    pub fn new(negative_slope: f64) -> LeakyReLU {
        LeakyReLU { negative_slope, training: TrainingFlag::default() }
    }
}

impl Default for LeakyReLU {
    /// `nn.LeakyReLU()`: slope 0.01.
    fn default() -> LeakyReLU {
        LeakyReLU::new(0.01)
    }
}

stateless_module!(LeakyReLU, |s, x| F::leaky_relu(x, s.negative_slope), |r| format!(
    "negative_slope={}",
    python_repr(r.negative_slope)
));

/// `x` for `x > 0`, else `alpha·(eˣ - 1)` (`torch.nn.ELU`; the default alpha is 1).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let y = nn::ELU::default().forward(&Tensor::from_slice(&[0.0f32, 2.0]));
/// assert_eq!(y.to_vec::<f32>(), vec![0.0, 2.0]);
/// ```
pub struct ELU {
    /// The scale of the negative part.
    pub alpha: f64,
    training: TrainingFlag,
}

impl ELU {
    /// With the given alpha.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::ELU::new(0.5).repr(), "ELU(alpha=0.5)");
    /// ```
    pub fn new(alpha: f64) -> ELU {
        ELU { alpha, training: TrainingFlag::default() }
    }
}

impl Default for ELU {
    /// `nn.ELU()`: alpha 1.
    fn default() -> ELU {
        ELU::new(1.0)
    }
}

stateless_module!(ELU, |s, x| F::elu(x, s.alpha), |r| format!("alpha={}", python_repr(r.alpha)));

/// The Gaussian error linear unit (`torch.nn.GELU`): exact (`x·Φ(x)`, the default) or its
/// tanh approximation.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let y = nn::GELU::new().approximate("tanh").forward(&Tensor::from_slice(&[0.0f32]));
/// assert_eq!(y.to_vec::<f32>(), vec![0.0]);
/// ```
pub struct GELU {
    /// `"none"` or `"tanh"`; anything else fails at `forward`, as in PyTorch.
    pub approximate: String,
    training: TrainingFlag,
}

impl GELU {
    /// The exact GELU.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::GELU::new().repr(), "GELU(approximate='none')");
    /// ```
    pub fn new() -> GELU {
        GELU { approximate: "none".into(), training: TrainingFlag::default() }
    }

    /// Sets `approximate` (`nn.GELU(approximate='tanh')`).
    ///
    /// ```
    /// assert_eq!(torchlight::nn::GELU::new().approximate("tanh").approximate, "tanh");
    /// ```
    pub fn approximate(mut self, approximate: &str) -> GELU {
        self.approximate = approximate.into();
        self
    }
}

impl Default for GELU {
    fn default() -> GELU {
        GELU::new()
    }
}

stateless_module!(GELU, |s, x| F::gelu(x, &s.approximate), |r| format!("approximate='{}'", r.approximate));

/// `x·σ(x)` (`torch.nn.SiLU`, also called swish).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// assert_eq!(nn::SiLU::new().forward(&Tensor::zeros(&[1])).to_vec::<f32>(), vec![0.0]);
/// ```
#[derive(Default)]
pub struct SiLU {
    training: TrainingFlag,
}

impl SiLU {
    /// The module.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::SiLU::new().repr(), "SiLU()");
    /// ```
    pub fn new() -> SiLU {
        SiLU::default()
    }
}

stateless_module!(SiLU, |_s, x| F::silu(x), |_r| String::new());

/// `1/(1+e⁻ˣ)` (`torch.nn.Sigmoid`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// assert_eq!(nn::Sigmoid::new().forward(&Tensor::zeros(&[1])).to_vec::<f32>(), vec![0.5]);
/// ```
#[derive(Default)]
pub struct Sigmoid {
    training: TrainingFlag,
}

impl Sigmoid {
    /// The module.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::Sigmoid::new().repr(), "Sigmoid()");
    /// ```
    pub fn new() -> Sigmoid {
        Sigmoid::default()
    }
}

stateless_module!(Sigmoid, |_s, x| F::sigmoid(x), |_r| String::new());

/// The hyperbolic tangent (`torch.nn.Tanh`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// assert_eq!(nn::Tanh::new().forward(&Tensor::zeros(&[1])).to_vec::<f32>(), vec![0.0]);
/// ```
#[derive(Default)]
pub struct Tanh {
    training: TrainingFlag,
}

impl Tanh {
    /// The module.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::Tanh::new().repr(), "Tanh()");
    /// ```
    pub fn new() -> Tanh {
        Tanh::default()
    }
}

stateless_module!(Tanh, |_s, x| F::tanh(x), |_r| String::new());

/// `exp(x) / Σ exp(x)` along `dim` (`torch.nn.Softmax(dim)`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let y = nn::Softmax::new(-1).forward(&Tensor::zeros(&[2, 4]));
/// assert_eq!(y.to_vec::<f32>(), vec![0.25; 8]);
/// ```
pub struct Softmax {
    /// The dim normalised over.
    pub dim: i64,
    training: TrainingFlag,
}

impl Softmax {
    /// Softmax along `dim`; negative dims count from the end.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::Softmax::new(1).repr(), "Softmax(dim=1)");
    /// ```
    pub fn new(dim: i64) -> Softmax {
        Softmax { dim, training: TrainingFlag::default() }
    }
}

stateless_module!(Softmax, |s, x| F::softmax(x, s.dim), |r| format!("dim={}", r.dim));

/// `log(softmax(x))` along `dim`, computed stably (`torch.nn.LogSoftmax(dim)`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let y = nn::LogSoftmax::new(0).forward(&Tensor::zeros(&[2]));
/// assert!((y.to_vec::<f32>()[0] + 2f32.ln()).abs() < 1e-6);
/// ```
pub struct LogSoftmax {
    /// The dim normalised over.
    pub dim: i64,
    training: TrainingFlag,
}

impl LogSoftmax {
    /// Log-softmax along `dim`; negative dims count from the end.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::LogSoftmax::new(-1).repr(), "LogSoftmax(dim=-1)");
    /// ```
    pub fn new(dim: i64) -> LogSoftmax {
        LogSoftmax { dim, training: TrainingFlag::default() }
    }
}

stateless_module!(LogSoftmax, |s, x| F::log_softmax(x, s.dim), |r| format!("dim={}", r.dim));

/// `log(1 + e^(βx))/β`, linear above `threshold` (`torch.nn.Softplus`; defaults `β = 1`,
/// `threshold = 20`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let y = nn::Softplus::default().forward(&Tensor::from_slice(&[30.0f32]));
/// assert_eq!(y.to_vec::<f32>(), vec![30.0]);
/// ```
pub struct Softplus {
    /// The sharpness β.
    pub beta: f64,
    /// Above `β·x > threshold` the function is the identity.
    pub threshold: f64,
    training: TrainingFlag,
}

impl Softplus {
    /// With the given β and threshold.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::Softplus::new(2.0, 10.0).repr(), "Softplus(beta=2.0, threshold=10.0)");
    /// ```
    pub fn new(beta: f64, threshold: f64) -> Softplus {
        Softplus { beta, threshold, training: TrainingFlag::default() }
    }
}

impl Default for Softplus {
    /// `nn.Softplus()`: β = 1, threshold = 20.
    fn default() -> Softplus {
        Softplus::new(1.0, 20.0)
    }
}

stateless_module!(Softplus, |s, x| F::softplus(x, s.beta, s.threshold), |r| format!(
    "beta={}, threshold={}",
    python_repr(r.beta),
    python_repr(r.threshold)
));
