//! [`BatchNorm1d`] and [`BatchNorm2d`]: normalisation with batch statistics in training and
//! running statistics in evaluation.

use super::py_bool;
use crate::format::python_repr;
use crate::nn::functional as F;
use crate::nn::{Module, Parameter, TrainingFlag, Visitor, VisitorMut};
use crate::{Error, Result, Tensor};

macro_rules! batch_norm {
    ($(#[$doc:meta])* $name:ident, $dims:expr, $dims_msg:expr) => {
        $(#[$doc])*
        pub struct $name {
            /// Channels (`C` of `[N, C, ...]`).
            pub num_features: usize,
            /// Added to the variance for stability (default `1e-5`).
            pub eps: f64,
            /// Weight of the new batch in the running statistics (default `Some(0.1)`);
            /// `None` gives a cumulative average.
            pub momentum: Option<f64>,
            /// Per-channel scale (ones), if `affine`.
            pub weight: Option<Tensor>,
            /// Per-channel shift (zeros), if `affine`.
            pub bias: Option<Tensor>,
            /// Running mean (buffer, zeros), if `track_running_stats`.
            pub running_mean: Option<Tensor>,
            /// Running variance (buffer, ones), if `track_running_stats`.
            pub running_var: Option<Tensor>,
            /// Batches seen in training (int64 buffer), if `track_running_stats`.
            pub num_batches_tracked: Option<Tensor>,
            training: TrainingFlag,
        }

        impl $name {
            /// The layer with PyTorch's defaults: `eps = 1e-5`, `momentum = 0.1`, affine,
            /// tracking running statistics.
            ///
            /// ```
            #[doc = concat!("let bn = torchlight::nn::", stringify!($name), "::new(4);")]
            /// assert_eq!(bn.running_var.as_ref().unwrap().to_vec::<f32>(), vec![1.0; 4]);
            /// ```
            pub fn new(num_features: usize) -> $name {
                $name {
                    num_features,
                    eps: 1e-5,
                    momentum: Some(0.1),
                    weight: Some(Parameter(Tensor::ones(&[num_features]))),
                    bias: Some(Parameter(Tensor::zeros(&[num_features]))),
                    running_mean: Some(Tensor::zeros(&[num_features])),
                    running_var: Some(Tensor::ones(&[num_features])),
                    num_batches_tracked: Some(Tensor::scalar(0i64)),
                    training: TrainingFlag::default(),
                }
            }

            /// Sets `eps`.
            ///
            /// ```
            #[doc = concat!("assert_eq!(torchlight::nn::", stringify!($name), "::new(4).eps(1e-3).eps, 1e-3);")]
            /// ```
            pub fn eps(mut self, eps: f64) -> $name {
                self.eps = eps;
                self
            }

            /// Sets `momentum` (`None` for a cumulative moving average).
            ///
            /// ```
            #[doc = concat!("assert_eq!(torchlight::nn::", stringify!($name), "::new(4).momentum(None).momentum, None);")]
            /// ```
            pub fn momentum(mut self, momentum: Option<f64>) -> $name {
                self.momentum = momentum;
                self
            }

            /// With `false`, no weight and bias (`affine=False`).
            ///
            /// ```
            #[doc = concat!("assert!(torchlight::nn::", stringify!($name), "::new(4).affine(false).weight.is_none());")]
            /// ```
            pub fn affine(mut self, affine: bool) -> $name {
                let c = self.num_features;
                self.weight = affine.then(|| self.weight.take().unwrap_or_else(|| Parameter(Tensor::ones(&[c]))));
                self.bias = affine.then(|| self.bias.take().unwrap_or_else(|| Parameter(Tensor::zeros(&[c]))));
                self
            }

            /// With `false`, no running statistics: batch statistics are used in evaluation
            /// too (`track_running_stats=False`).
            ///
            /// ```
            #[doc = concat!("assert!(torchlight::nn::", stringify!($name), "::new(4).track_running_stats(false).running_mean.is_none());")]
            /// ```
            pub fn track_running_stats(mut self, track: bool) -> $name {
                let c = self.num_features;
                if !track {
                    (self.running_mean, self.running_var, self.num_batches_tracked) = (None, None, None);
                } else if self.running_mean.is_none() {
                    self.running_mean = Some(Tensor::zeros(&[c]));
                    self.running_var = Some(Tensor::ones(&[c]));
                    self.num_batches_tracked = Some(Tensor::scalar(0i64));
                }
                self
            }

            /// Fallible twin of `forward`.
            ///
            /// ```
            /// use torchlight::Tensor;
            #[doc = concat!("let bn = torchlight::nn::", stringify!($name), "::new(4);")]
            /// assert!(bn.try_forward(&Tensor::ones(&[2])).is_err());
            /// ```
            pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
                if !$dims.contains(&input.dim()) {
                    return Err(Error::Value(format!("expected {} input (got {}D input)", $dims_msg, input.dim())));
                }
                let training = self.is_training();
                let mut factor = self.momentum.unwrap_or(0.0);
                if training {
                    if let Some(n) = &self.num_batches_tracked {
                        crate::no_grad(|| n.add_(1i64));
                        if self.momentum.is_none() {
                            factor = 1.0 / n.item();
                        }
                    }
                }
                // Batch statistics in training, or whenever there are no running statistics.
                let bn_training = training || self.running_mean.is_none();
                let use_running = !training || self.running_mean.is_some();
                let (rm, rv) = if use_running { (self.running_mean.as_ref(), self.running_var.as_ref()) } else { (None, None) };
                F::try_batch_norm(input, rm, rv, self.weight.as_ref(), self.bias.as_ref(), bn_training, factor, self.eps)
            }
        }

        impl Module for $name {
            #[track_caller]
            fn forward(&self, input: &Tensor) -> Tensor {
                crate::error::unwrap(self.try_forward(input))
            }
            fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
                super::visit_params(v, self.weight.as_ref(), self.bias.as_ref());
                for (name, t) in [("running_mean", &self.running_mean), ("running_var", &self.running_var), ("num_batches_tracked", &self.num_batches_tracked)] {
                    if let Some(t) = t {
                        v.buffer(name, t, true);
                    }
                }
            }
            fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
                super::visit_params_mut(v, self.weight.as_mut(), self.bias.as_mut());
                for (name, t) in [("running_mean", &mut self.running_mean), ("running_var", &mut self.running_var), ("num_batches_tracked", &mut self.num_batches_tracked)] {
                    if let Some(t) = t {
                        v.buffer(name, t, true);
                    }
                }
            }
            fn training_flag(&self) -> Option<&TrainingFlag> {
                Some(&self.training)
            }
            fn type_name(&self) -> String {
                stringify!($name).into()
            }
            fn extra_repr(&self) -> String {
                format!(
                    "{}, eps={}, momentum={}, affine={}, bias={}, track_running_stats={}",
                    self.num_features,
                    python_repr(self.eps),
                    self.momentum.map_or("None".to_string(), python_repr),
                    py_bool(self.weight.is_some()),
                    py_bool(self.bias.is_some()),
                    py_bool(self.running_mean.is_some())
                )
            }
        }
    };
}

batch_norm!(
    /// Batch normalisation of `[N, C]` or `[N, C, L]` inputs over `N` (and `L`)
    /// (`torch.nn.BatchNorm1d`). In training it normalises with the batch's statistics and
    /// updates `running_mean` / `running_var`; in evaluation it uses the running ones.
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, Tensor};
    /// let bn = nn::BatchNorm1d::new(2);
    /// bn.forward(&Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 6.0, 5.0, 7.0], &[3, 2]));
    /// assert_eq!(bn.running_mean.as_ref().unwrap().to_vec::<f32>(), vec![0.3, 0.5]);
    /// assert_eq!(bn.num_batches_tracked.as_ref().unwrap().item(), 1.0);
    /// assert_eq!(bn.repr(), "BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)");
    /// ```
    BatchNorm1d,
    [2usize, 3],
    "2D or 3D"
);

batch_norm!(
    /// Batch normalisation of `[N, C, H, W]` inputs per channel (`torch.nn.BatchNorm2d`).
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, Tensor};
    /// let bn = nn::BatchNorm2d::new(3);
    /// let y = bn.forward(&Tensor::randn(&[4, 3, 5, 5]));
    /// assert!(y.mean().item().abs() < 1e-5);
    /// bn.eval();
    /// let sd = bn.state_dict();
    /// let names: Vec<&str> = sd.keys().collect();
    /// assert_eq!(names, ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    /// ```
    BatchNorm2d,
    [4usize],
    "4D"
);
