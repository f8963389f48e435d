//! Loss modules (`nn.MSELoss`, `nn.CrossEntropyLoss`, ...): PyTorch's constructor defaults,
//! builder setters for the options, and `forward(&input, &target)`. Each is an
//! [`nn::Module`](super::Module), as in PyTorch: a class weight is a buffer (so it is in the
//! state dict and follows dtype conversion), and `train`/`eval` and printing work.
//!
//! ```
//! use torchlight::{nn, Tensor};
//! let loss_fn = nn::MSELoss::new().reduction(nn::Reduction::Sum);
//! let loss = loss_fn.forward(&Tensor::from_slice(&[1.0f32, 2.0]), &Tensor::zeros(&[2]));
//! assert_eq!(loss.item(), 5.0);
//! ```

use super::functional as F;
use super::functional::Reduction;
use super::module::{TrainingFlag, Visitor, VisitorMut};
use crate::error::unwrap;
use crate::{Result, Tensor};

/// How a loss option takes part in module traversal: a tensor option is a persistent buffer
/// (PyTorch registers a loss's `weight` and `pos_weight` with `register_buffer`, and leaves
/// an unset one out of the state dict); plain settings are not visited.
trait LossOption {
    fn visit<'a>(&'a self, _name: &str, _v: &mut dyn Visitor<'a>) {}
    fn visit_mut(&mut self, _name: &str, _v: &mut dyn VisitorMut) {}
}

impl LossOption for Reduction {}
impl LossOption for f64 {}
impl LossOption for i64 {}
impl LossOption for bool {}

impl LossOption for Option<Tensor> {
    fn visit<'a>(&'a self, name: &str, v: &mut dyn Visitor<'a>) {
        if let Some(t) = self {
            v.buffer(name, t, true);
        }
    }
    fn visit_mut(&mut self, name: &str, v: &mut dyn VisitorMut) {
        if let Some(t) = self {
            v.buffer(name, t, true);
        }
    }
}

/// Defines a loss module: its fields (with PyTorch's defaults), `new`, one builder setter
/// per field, and `forward`/`try_forward` calling the functional form.
macro_rules! loss_module {
    (
        $(#[$doc:meta])*
        $name:ident {
            $( $(#[$fdoc:meta])* $field:ident : $ty:ty = $default:expr, set($arg:ty) |$v:ident| $conv:expr, ex $ex:literal; )*
        }
        forward |$s:ident, $input:ident, $target:ident| $call:expr;
        example $fwd_ex:literal
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            $( $(#[$fdoc])* pub $field: $ty, )*
            /// The mode flag (`module.training`); public so that struct literals can still
            /// be completed with `..Default::default()`.
            pub training: TrainingFlag,
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $( $field: $default, )* training: TrainingFlag::default() }
            }
        }

        impl super::Module for $name {
            fn visit<'a>(&'a self, _v: &mut dyn Visitor<'a>) {
                $( LossOption::visit(&self.$field, stringify!($field), _v); )*
            }
            fn visit_mut(&mut self, _v: &mut dyn VisitorMut) {
                $( LossOption::visit_mut(&mut self.$field, stringify!($field), _v); )*
            }
            fn training_flag(&self) -> Option<&TrainingFlag> {
                Some(&self.training)
            }
        }

        impl $name {
            #[doc = concat!("A `", stringify!($name), "` with PyTorch's defaults.")]
            ///
            /// ```
            #[doc = concat!("let _ = torchlight::nn::", stringify!($name), "::new();")]
            /// ```
            pub fn new() -> Self {
                Self::default()
            }

            $(
                #[doc = concat!("Sets `", stringify!($field), "` (builder style).")]
                ///
                /// ```
                /// # use torchlight::{nn, Tensor};
                #[doc = concat!("let _ = nn::", stringify!($name), "::new().", stringify!($field), "(", $ex, ");")]
                /// ```
                pub fn $field(mut self, $v: $arg) -> Self {
                    self.$field = $conv;
                    self
                }
            )*

            /// The loss of `input` against `target`; panics with PyTorch's message on bad
            /// shapes, dtypes or values.
            ///
            /// ```
            /// # use torchlight::{nn, Tensor};
            #[doc = $fwd_ex]
            /// ```
            #[track_caller]
            pub fn forward(&self, input: &Tensor, target: &Tensor) -> Tensor {
                unwrap(self.try_forward(input, target))
            }

            /// Fallible twin of `forward`.
            ///
            /// ```
            /// # use torchlight::{nn, Tensor};
            #[doc = concat!("let m = nn::", stringify!($name), "::new();")]
            /// assert!(m.try_forward(&Tensor::ones(&[2, 3]), &Tensor::ones(&[4, 5])).is_err());
            /// ```
            pub fn try_forward(&self, input: &Tensor, target: &Tensor) -> Result<Tensor> {
                let ($s, $input, $target) = (self, input, target);
                $call
            }
        }
    };
}

loss_module! {
    /// Mean squared error (`nn.MSELoss(reduction='mean')`).
    MSELoss {
        /// How the per-element losses are reduced.
        reduction: Reduction = Reduction::Mean, set(Reduction) |r| r, ex "nn::Reduction::Sum";
    }
    forward |s, x, y| F::try_mse_loss(x, y, s.reduction);
    example "assert_eq!(nn::MSELoss::new().forward(&Tensor::ones(&[2]), &Tensor::zeros(&[2])).item(), 1.0);"
}

loss_module! {
    /// Mean absolute error (`nn.L1Loss(reduction='mean')`).
    L1Loss {
        /// How the per-element losses are reduced.
        reduction: Reduction = Reduction::Mean, set(Reduction) |r| r, ex "nn::Reduction::Sum";
    }
    forward |s, x, y| F::try_l1_loss(x, y, s.reduction);
    example "assert_eq!(nn::L1Loss::new().forward(&Tensor::ones(&[2]), &Tensor::zeros(&[2])).item(), 1.0);"
}

loss_module! {
    /// Smooth L1 loss (`nn.SmoothL1Loss(reduction='mean', beta=1.0)`).
    SmoothL1Loss {
        /// How the per-element losses are reduced.
        reduction: Reduction = Reduction::Mean, set(Reduction) |r| r, ex "nn::Reduction::Sum";
        /// Where the loss turns from quadratic to linear.
        beta: f64 = 1.0, set(f64) |b| b, ex "0.5";
    }
    forward |s, x, y| F::try_smooth_l1_loss(x, y, s.reduction, s.beta);
    example "assert_eq!(nn::SmoothL1Loss::new().forward(&Tensor::ones(&[2]), &Tensor::zeros(&[2])).item(), 0.5);"
}

loss_module! {
    /// Huber loss (`nn.HuberLoss(reduction='mean', delta=1.0)`).
    HuberLoss {
        /// How the per-element losses are reduced.
        reduction: Reduction = Reduction::Mean, set(Reduction) |r| r, ex "nn::Reduction::Sum";
        /// Where the loss turns from quadratic to linear.
        delta: f64 = 1.0, set(f64) |d| d, ex "2.0";
    }
    forward |s, x, y| F::try_huber_loss(x, y, s.reduction, s.delta);
    example "assert_eq!(nn::HuberLoss::new().forward(&Tensor::ones(&[2]), &Tensor::zeros(&[2])).item(), 0.5);"
}

loss_module! {
    /// Cross-entropy of logits against class indices or probabilities
    /// (`nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)`).
    /// The weight is kept with the module, as PyTorch's buffer is.
    CrossEntropyLoss {
        /// A weight per class.
        weight: Option<Tensor> = None, set(&Tensor) |w| Some(w.clone()), ex "&Tensor::ones(&[3])";
        /// The target value that contributes nothing.
        ignore_index: i64 = -100, set(i64) |i| i, ex "0";
        /// How the per-sample losses are reduced.
        reduction: Reduction = Reduction::Mean, set(Reduction) |r| r, ex "nn::Reduction::Sum";
        /// How much probability mass is spread uniformly over the classes.
        label_smoothing: f64 = 0.0, set(f64) |l| l, ex "0.1";
    }
    forward |s, x, y| F::try_cross_entropy(x, y, s.weight.as_ref(), s.ignore_index, s.reduction, s.label_smoothing);
    example "let l = nn::CrossEntropyLoss::new().forward(&Tensor::zeros(&[1, 2]), &Tensor::from_slice(&[0i64]));
assert!((l.item() - 2f64.ln()).abs() < 1e-6);"
}

loss_module! {
    /// Negative log-likelihood of log-probabilities
    /// (`nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')`).
    NLLLoss {
        /// A weight per class.
        weight: Option<Tensor> = None, set(&Tensor) |w| Some(w.clone()), ex "&Tensor::ones(&[3])";
        /// The target value that contributes nothing.
        ignore_index: i64 = -100, set(i64) |i| i, ex "0";
        /// How the per-sample losses are reduced.
        reduction: Reduction = Reduction::Mean, set(Reduction) |r| r, ex "nn::Reduction::Sum";
    }
    forward |s, x, y| F::try_nll_loss(x, y, s.weight.as_ref(), s.ignore_index, s.reduction);
    example "let l = nn::NLLLoss::new().forward(&Tensor::from_vec(vec![-1.0f32, -2.0], &[1, 2]), &Tensor::from_slice(&[1i64]));
assert_eq!(l.item(), 2.0);"
}

loss_module! {
    /// Binary cross-entropy of probabilities (`nn.BCELoss(weight=None, reduction='mean')`).
    BCELoss {
        /// A weight per element, broadcast to the target.
        weight: Option<Tensor> = None, set(&Tensor) |w| Some(w.clone()), ex "&Tensor::ones(&[3])";
        /// How the per-element losses are reduced.
        reduction: Reduction = Reduction::Mean, set(Reduction) |r| r, ex "nn::Reduction::Sum";
    }
    forward |s, x, y| F::try_binary_cross_entropy(x, y, s.weight.as_ref(), s.reduction);
    example "let l = nn::BCELoss::new().forward(&Tensor::full(&[2], 0.5), &Tensor::ones(&[2]));
assert!((l.item() - 2f64.ln()).abs() < 1e-6);"
}

loss_module! {
    /// Binary cross-entropy on logits
    /// (`nn.BCEWithLogitsLoss(weight=None, reduction='mean', pos_weight=None)`).
    BCEWithLogitsLoss {
        /// A weight per element.
        weight: Option<Tensor> = None, set(&Tensor) |w| Some(w.clone()), ex "&Tensor::ones(&[3])";
        /// How the per-element losses are reduced.
        reduction: Reduction = Reduction::Mean, set(Reduction) |r| r, ex "nn::Reduction::Sum";
        /// A weight for the positive term, broadcast against the target (one per class).
        pos_weight: Option<Tensor> = None, set(&Tensor) |w| Some(w.clone()), ex "&Tensor::full(&[3], 2.0)";
    }
    forward |s, x, y| F::try_binary_cross_entropy_with_logits(x, y, s.weight.as_ref(), s.reduction, s.pos_weight.as_ref());
    example "let l = nn::BCEWithLogitsLoss::new().forward(&Tensor::zeros(&[2]), &Tensor::ones(&[2]));
assert!((l.item() - 2f64.ln()).abs() < 1e-6);"
}

loss_module! {
    /// Kullback-Leibler divergence with log-probability inputs
    /// (`nn.KLDivLoss(reduction='mean', log_target=False)`).
    KLDivLoss {
        /// How the per-element losses are reduced (`BatchMean` is the recommended one).
        reduction: Reduction = Reduction::Mean, set(Reduction) |r| r, ex "nn::Reduction::BatchMean";
        /// Whether the target is given as log-probabilities.
        log_target: bool = false, set(bool) |b| b, ex "true";
    }
    forward |s, x, y| F::try_kl_div(x, y, s.reduction, s.log_target);
    example "let p = Tensor::from_slice(&[0.25f64, 0.75]);
assert_eq!(nn::KLDivLoss::new().forward(&p.log(), &p).item(), 0.0);"
}
