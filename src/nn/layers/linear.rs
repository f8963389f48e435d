//! [`Linear`] (`y = x Wᵀ + b`) and [`Identity`].

use super::py_bool;
use crate::nn::init::{self, FanMode, Nonlinearity};
use crate::nn::{Module, Parameter, TrainingFlag, Visitor, VisitorMut};
use crate::{Result, Tensor};

/// A fully connected layer, `y = x Wᵀ + b` (`torch.nn.Linear`).
///
/// `weight` has shape `(out_features, in_features)` and `bias` `(out_features)`. Both are drawn
/// as PyTorch draws them (Kaiming-uniform with `a = √5`, then `U(-1/√in, 1/√in)` for the
/// bias, in that order), so `manual_seed` gives PyTorch's initial values.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// torchlight::manual_seed(0);
/// let lin = nn::Linear::new(3, 2);
/// assert_eq!(lin.bias.as_ref().unwrap().to_vec::<f32>(), vec![-0.011439145, 0.45777494]);
/// assert_eq!(lin.forward(&Tensor::ones(&[5, 3])).shape(), &[5, 2]);
/// ```
pub struct Linear {
    /// The weight, `(out_features, in_features)`.
    pub weight: Tensor,
    /// The bias, `(out_features)`, or `None` for a layer without one.
    pub bias: Option<Tensor>,
    /// Size of each input sample.
    pub in_features: usize,
    /// Size of each output sample.
    pub out_features: usize,
    training: TrainingFlag,
}

impl Linear {
    /// A layer with a bias (`nn.Linear(in_features, out_features)`).
    ///
    /// ```
    /// let lin = torchlight::nn::Linear::new(4, 3);
    /// assert_eq!(lin.weight.shape(), &[3, 4]);
    /// ```
    pub fn new(in_features: usize, out_features: usize) -> Linear {
        Linear::with_bias(in_features, out_features, true)
    }

    /// A layer without a bias (`nn.Linear(in_features, out_features, bias=False)`).
    ///
    /// ```
    /// assert!(torchlight::nn::Linear::no_bias(4, 3).bias.is_none());
    /// ```
    pub fn no_bias(in_features: usize, out_features: usize) -> Linear {
        Linear::with_bias(in_features, out_features, false)
    }

    /// A layer with or without a bias (`nn.Linear(in_features, out_features, bias=bias)`).
    ///
    /// ```
    /// assert!(torchlight::nn::Linear::with_bias(4, 3, true).bias.is_some());
    /// ```
    pub fn with_bias(in_features: usize, out_features: usize, bias: bool) -> Linear {
        let lin = Linear {
            weight: Parameter(Tensor::empty(&[out_features, in_features])),
            bias: bias.then(|| Parameter(Tensor::empty(&[out_features]))),
            in_features,
            out_features,
            training: TrainingFlag::default(),
        };
        lin.reset_parameters();
        lin
    }

    /// A layer around existing tensors, e.g. to tie weights between layers. The weight must
    /// be 2-D and the bias, if any, match its first dim.
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, Tensor};
    /// let enc = nn::Linear::new(4, 3);
    /// let dec = nn::Linear::from_parts(enc.weight.clone(), None);
    /// assert!(dec.weight.is_same(&enc.weight));
    /// ```
    #[track_caller]
    pub fn from_parts(weight: Tensor, bias: Option<Tensor>) -> Linear {
        assert_eq!(weight.dim(), 2, "Linear weight must be 2-D, got shape {:?}", weight.shape());
        let (out_features, in_features) = (weight.shape()[0], weight.shape()[1]);
        if let Some(b) = &bias {
            assert_eq!(b.shape(), [out_features], "Linear bias must have shape [{out_features}]");
        }
        Linear { weight, bias, in_features, out_features, training: TrainingFlag::default() }
    }

    /// Draws new initial values, as the constructor does (`reset_parameters()`).
    ///
    /// ```
    /// use torchlight::nn;
    /// torchlight::manual_seed(0);
    /// let a = nn::Linear::new(3, 2);
    /// torchlight::manual_seed(0);
    /// a.reset_parameters();
    /// assert_eq!(a.weight.to_vec::<f32>()[0], -0.0043225177);
    /// ```
    pub fn reset_parameters(&self) {
        init::kaiming_uniform_(&self.weight, 5f64.sqrt(), FanMode::FanIn, Nonlinearity::LeakyRelu);
        if let Some(b) = &self.bias {
            let (fan_in, _) = init::calculate_fan_in_and_fan_out(&self.weight);
            let bound = if fan_in > 0 { 1.0 / (fan_in as f64).sqrt() } else { 0.0 };
            init::uniform_(b, -bound, bound);
        }
    }

    /// Fallible twin of `forward`: `x Wᵀ + b` over the last dim of `input`.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// let err = nn::Linear::new(3, 2).try_forward(&Tensor::ones(&[2, 4])).unwrap_err();
    /// assert_eq!(err.to_string(), "addmm: mat1 and mat2 shapes cannot be multiplied (2x4 and 3x2)");
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        crate::nn::functional::try_linear(input, &self.weight, self.bias.as_ref())
    }
}

impl Module for Linear {
    #[track_caller]
    fn forward(&self, input: &Tensor) -> Tensor {
        crate::error::unwrap(self.try_forward(input))
    }
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
        super::visit_params(v, Some(&self.weight), self.bias.as_ref());
    }
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        super::visit_params_mut(v, Some(&mut self.weight), self.bias.as_mut());
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "Linear".into()
    }
    fn extra_repr(&self) -> String {
        format!(
            "in_features={}, out_features={}, bias={}",
            self.in_features,
            self.out_features,
            py_bool(self.bias.is_some())
        )
    }
}

/// Returns its input unchanged (`torch.nn.Identity`); a placeholder in architectures.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let x = Tensor::ones(&[2]);
/// assert!(nn::Identity::new().forward(&x).is_same(&x));
/// ```
#[derive(Default)]
pub struct Identity {
    training: TrainingFlag,
}

impl Identity {
    /// The identity module.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::Identity::new().repr(), "Identity()");
    /// ```
    pub fn new() -> Identity {
        Identity::default()
    }
}

impl Module for Identity {
    fn forward(&self, input: &Tensor) -> Tensor {
        input.clone()
    }
    fn visit<'a>(&'a self, _: &mut dyn Visitor<'a>) {}
    fn visit_mut(&mut self, _: &mut dyn VisitorMut) {}
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "Identity".into()
    }
}
