//! [`LayerNorm`] (normalisation over the trailing dims) and [`GroupNorm`] (over groups of
//! channels).

use super::{py_bool, py_tuple};
use crate::format::python_repr;
use crate::nn::{Module, Parameter, TrainingFlag, Visitor, VisitorMut};
use crate::{Error, Result, Tensor};

/// Layer normalisation over the last `normalized_shape.len()` dims (`torch.nn.LayerNorm`):
/// `y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias`, with the biased variance.
///
/// `weight` starts at ones and `bias` at zeros. Builder methods set PyTorch's keyword
/// arguments: `.eps(1e-6)`, `.elementwise_affine(false)`, `.bias(false)`.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let ln = nn::LayerNorm::new(&[2]);
/// let y = ln.forward(&Tensor::from_vec(vec![1.0f32, 3.0, 0.0, 0.0], &[2, 2]));
/// assert_eq!(y.to_vec::<f32>()[2..], [0.0, 0.0]);
/// assert!((y.to_vec::<f32>()[0] + 1.0).abs() < 1e-5);
/// ```
pub struct LayerNorm {
    /// The trailing shape normalised over.
    pub normalized_shape: Vec<usize>,
    /// Added to the variance for stability.
    pub eps: f64,
    /// The elementwise scale, if `elementwise_affine`.
    pub weight: Option<Tensor>,
    /// The elementwise shift, if `elementwise_affine` and `bias`.
    pub bias: Option<Tensor>,
    training: TrainingFlag,
}

impl LayerNorm {
    /// Normalises over `normalized_shape`, with `eps = 1e-5` and a learnable weight and bias.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::LayerNorm::new(&[4]).repr(), "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)");
    /// ```
    pub fn new(normalized_shape: &[usize]) -> LayerNorm {
        LayerNorm {
            normalized_shape: normalized_shape.to_vec(),
            eps: 1e-5,
            weight: Some(Parameter(Tensor::ones(normalized_shape))),
            bias: Some(Parameter(Tensor::zeros(normalized_shape))),
            training: TrainingFlag::default(),
        }
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::LayerNorm::new(&[4]).eps(1e-6).eps, 1e-6);
    /// ```
    pub fn eps(mut self, eps: f64) -> LayerNorm {
        self.eps = eps;
        self
    }

    /// With `false`, no weight and no bias (`elementwise_affine=False`).
    ///
    /// ```
    /// let ln = torchlight::nn::LayerNorm::new(&[4]).elementwise_affine(false);
    /// assert!(ln.weight.is_none() && ln.bias.is_none());
    /// ```
    pub fn elementwise_affine(mut self, affine: bool) -> LayerNorm {
        if !affine {
            self.weight = None;
            self.bias = None;
        } else if self.weight.is_none() {
            self.weight = Some(Parameter(Tensor::ones(&self.normalized_shape)));
            self.bias = Some(Parameter(Tensor::zeros(&self.normalized_shape)));
        }
        self
    }

    /// With `false`, a weight but no bias (`bias=False`).
    ///
    /// ```
    /// let ln = torchlight::nn::LayerNorm::new(&[4]).bias(false);
    /// assert!(ln.weight.is_some() && ln.bias.is_none());
    /// ```
    pub fn bias(mut self, bias: bool) -> LayerNorm {
        self.bias = match (bias, self.weight.is_some()) {
            (true, true) => self.bias.or_else(|| Some(Parameter(Tensor::zeros(&self.normalized_shape)))),
            _ => None,
        };
        self
    }

    /// Fallible twin of `forward`.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// let err = nn::LayerNorm::new(&[4]).try_forward(&Tensor::zeros(&[2, 3])).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]"
    /// );
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        let k = self.normalized_shape.len();
        let s = input.shape();
        if s.len() < k || s[s.len() - k..] != self.normalized_shape[..] {
            let ns: Vec<String> = self.normalized_shape.iter().map(|d| d.to_string()).collect();
            return Err(Error::Runtime(format!(
                "Given normalized_shape={:?}, expected input with shape [*{}], but got input of size{:?}",
                self.normalized_shape,
                ns.iter().map(|d| format!(", {d}")).collect::<String>(),
                s
            )));
        }
        let dims: Vec<i64> = (1..=k as i64).map(|i| -i).collect();
        let mean = input.try_mean_dim(&dims, true)?;
        let centered = input - &mean;
        let var = (&centered * &centered).try_mean_dim(&dims, true)?;
        let y = centered * (var + self.eps).rsqrt();
        let y = match &self.weight {
            Some(w) => y * w,
            None => y,
        };
        Ok(match &self.bias {
            Some(b) => y + b,
            None => y,
        })
    }
}

impl Module for LayerNorm {
    #[track_caller]
    fn forward(&self, input: &Tensor) -> Tensor {
        crate::error::unwrap(self.try_forward(input))
    }
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
        super::visit_params(v, self.weight.as_ref(), self.bias.as_ref());
    }
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        super::visit_params_mut(v, self.weight.as_mut(), self.bias.as_mut());
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "LayerNorm".into()
    }
    fn extra_repr(&self) -> String {
        format!(
            "{}, eps={}, elementwise_affine={}, bias={}",
            py_tuple(&self.normalized_shape),
            python_repr(self.eps),
            py_bool(self.weight.is_some()),
            py_bool(self.bias.is_some())
        )
    }
}

/// Group normalisation (`torch.nn.GroupNorm`): the channels of `[N, C, *]` are split into
/// `num_groups` groups, each normalised over its channels and positions, then scaled and
/// shifted per channel (`weight` ones and `bias` zeros when `affine`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let gn = nn::GroupNorm::new(2, 4);
/// assert_eq!(gn.forward(&Tensor::randn(&[3, 4, 5])).shape(), &[3, 4, 5]);
/// assert_eq!(gn.repr(), "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)");
/// ```
pub struct GroupNorm {
    /// Number of channel groups.
    pub num_groups: usize,
    /// Number of channels.
    pub num_channels: usize,
    /// Added to the variance for stability.
    pub eps: f64,
    /// Per-channel scale, if `affine`.
    pub weight: Option<Tensor>,
    /// Per-channel shift, if `affine`.
    pub bias: Option<Tensor>,
    training: TrainingFlag,
}

impl GroupNorm {
    /// `nn.GroupNorm(num_groups, num_channels)` with `eps = 1e-5` and `affine`; panics when
    /// the channels do not split into the groups, as PyTorch raises.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::GroupNorm::new(2, 4).weight.unwrap().shape(), &[4]);
    /// ```
    #[track_caller]
    pub fn new(num_groups: usize, num_channels: usize) -> GroupNorm {
        assert!(num_groups > 0 && num_channels % num_groups == 0, "num_channels must be divisible by num_groups");
        GroupNorm {
            num_groups,
            num_channels,
            eps: 1e-5,
            weight: Some(Parameter(Tensor::ones(&[num_channels]))),
            bias: Some(Parameter(Tensor::zeros(&[num_channels]))),
            training: TrainingFlag::default(),
        }
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::GroupNorm::new(2, 4).eps(1e-3).eps, 1e-3);
    /// ```
    pub fn eps(mut self, eps: f64) -> GroupNorm {
        self.eps = eps;
        self
    }

    /// With `false`, no weight and bias (`affine=False`).
    ///
    /// ```
    /// assert!(torchlight::nn::GroupNorm::new(2, 4).affine(false).bias.is_none());
    /// ```
    pub fn affine(mut self, affine: bool) -> GroupNorm {
        let c = self.num_channels;
        self.weight = affine.then(|| self.weight.take().unwrap_or_else(|| Parameter(Tensor::ones(&[c]))));
        self.bias = affine.then(|| self.bias.take().unwrap_or_else(|| Parameter(Tensor::zeros(&[c]))));
        self
    }

    /// Fallible twin of `forward`.
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// assert!(nn::GroupNorm::new(2, 4).try_forward(&Tensor::ones(&[2, 6])).is_err());
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        crate::nn::functional::try_group_norm(
            input,
            self.num_groups,
            self.weight.as_ref(),
            self.bias.as_ref(),
            self.eps,
        )
    }
}

impl Module for GroupNorm {
    #[track_caller]
    fn forward(&self, input: &Tensor) -> Tensor {
        crate::error::unwrap(self.try_forward(input))
    }
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
        super::visit_params(v, self.weight.as_ref(), self.bias.as_ref());
    }
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        super::visit_params_mut(v, self.weight.as_mut(), self.bias.as_mut());
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "GroupNorm".into()
    }
    fn extra_repr(&self) -> String {
        format!(
            "{}, {}, eps={}, affine={}, bias={}",
            self.num_groups,
            self.num_channels,
            python_repr(self.eps),
            py_bool(self.weight.is_some()),
            py_bool(self.bias.is_some())
        )
    }
}
