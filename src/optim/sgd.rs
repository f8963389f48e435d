//! Stochastic gradient descent with momentum, dampening, Nesterov and weight decay
//! (`torch/optim/sgd.py`, `_single_tensor_sgd`).

use super::core::{check_nonneg, impl_optimizer, single_group, Core, ParamState, Tensors};
use super::{Dict, ParamGroup, Value};
use crate::error::unwrap;
use crate::{Error, Result, Tensor};
use std::collections::BTreeMap;

/// The options of [`SGD`], with PyTorch's defaults.
///
/// ```
/// let o = torchlight::optim::SGDOptions::default();
/// assert_eq!((o.lr, o.momentum, o.nesterov), (1e-3, 0.0, false));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SGDOptions {
    /// Learning rate (default `1e-3`).
    pub lr: f64,
    /// Momentum factor (default 0).
    pub momentum: f64,
    /// Dampening of the momentum (default 0).
    pub dampening: f64,
    /// L2 penalty added to the gradient (default 0).
    pub weight_decay: f64,
    /// Nesterov momentum (default false).
    pub nesterov: bool,
    /// Maximize the objective instead of minimizing (default false).
    pub maximize: bool,
}

impl Default for SGDOptions {
    fn default() -> Self {
        SGDOptions { lr: 1e-3, momentum: 0.0, dampening: 0.0, weight_decay: 0.0, nesterov: false, maximize: false }
    }
}

impl SGDOptions {
    /// PyTorch's constructor checks, in its order.
    ///
    /// ```
    /// let o = torchlight::optim::SGDOptions { lr: -0.1, ..Default::default() };
    /// assert_eq!(o.validate().unwrap_err().to_string(), "Invalid learning rate: -0.1");
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_nonneg(self.lr, "learning rate")?;
        check_nonneg(self.momentum, "momentum value")?;
        check_nonneg(self.weight_decay, "weight_decay value")?;
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            return Err(Error::Value("Nesterov momentum requires a momentum and zero dampening".into()));
        }
        Ok(())
    }

    /// The options as torch's `defaults` dict.
    fn to_dict(&self) -> Dict {
        Dict::new()
            .with("lr", self.lr)
            .with("momentum", self.momentum)
            .with("dampening", self.dampening)
            .with("weight_decay", self.weight_decay)
            .with("nesterov", self.nesterov)
            .with("maximize", self.maximize)
            .with("foreach", Value::None)
            .with("differentiable", false)
            .with("fused", Value::None)
    }

    fn from_dict(d: &Dict) -> Result<SGDOptions> {
        Ok(SGDOptions {
            lr: d.f64("lr")?,
            momentum: d.f64("momentum")?,
            dampening: d.f64("dampening")?,
            weight_decay: d.f64("weight_decay")?,
            nesterov: d.bool("nesterov")?,
            maximize: d.bool("maximize")?,
        })
    }
}

/// `state["momentum_buffer"]`, present once a step with momentum has run.
#[derive(Default)]
struct SgdState {
    momentum_buffer: Option<Tensor>,
}

impl ParamState for SgdState {
    fn to_tensors(&self) -> BTreeMap<String, Tensor> {
        self.momentum_buffer.iter().map(|b| ("momentum_buffer".to_string(), b.copy())).collect()
    }

    fn from_tensors(t: &Tensors, param: &Tensor) -> Result<Self> {
        Ok(SgdState { momentum_buffer: t.optional("momentum_buffer", param)? })
    }
}

/// Stochastic gradient descent (`torch.optim.SGD`).
///
/// With momentum `m`, dampening `d` and the gradient `g` (plus `weight_decay * p`):
/// `buf = g` on the first step, then `buf = m * buf + (1 - d) * g`; the step is
/// `p -= lr * (nesterov ? g + m * buf : buf)`.
///
/// ```
/// use torchlight::{optim::{self, Optimizer}, Tensor};
/// let w = Tensor::from_slice(&[1.0f32]).requires_grad_(true);
/// let mut opt = optim::SGD::new(vec![w.clone()], 0.5);
/// (&w * &w).sum().backward(); // grad 2
/// opt.step();
/// assert_eq!(w.to_vec::<f32>(), vec![0.0]);
/// ```
pub struct SGD {
    core: Core<SgdState>,
    options: SGDOptions,
}

impl SGD {
    /// SGD over `params` with learning rate `lr` and the other options at their defaults.
    ///
    /// Panics with PyTorch's message on a negative `lr`, an empty parameter list or a
    /// non-leaf parameter.
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[3]).requires_grad_(true);
    /// let opt = torchlight::optim::SGD::new(vec![w], 1e-2).momentum(0.9).nesterov(true);
    /// ```
    #[track_caller]
    pub fn new(params: Vec<Tensor>, lr: f64) -> SGD {
        unwrap(SGD::try_new(single_group(params), SGDOptions { lr, ..Default::default() }))
    }

    /// SGD over several param groups, each taking the options it does not set from these
    /// defaults.
    ///
    /// ```
    /// use torchlight::{optim::{self, Optimizer, ParamGroup}, Tensor};
    /// let a = Tensor::zeros(&[1]).requires_grad_(true);
    /// let opt = optim::SGD::from_groups(vec![ParamGroup::new(vec![a]).with("lr", 0.5)], 0.1);
    /// assert_eq!(opt.get_lr(), vec![0.5]);
    /// ```
    #[track_caller]
    pub fn from_groups(groups: Vec<ParamGroup>, lr: f64) -> SGD {
        unwrap(SGD::try_new(groups, SGDOptions { lr, ..Default::default() }))
    }

    /// Fallible constructor from param groups and every option.
    ///
    /// ```
    /// use torchlight::optim::{SGDOptions, SGD};
    /// let err = SGD::try_new(vec![], SGDOptions::default()).err().unwrap();
    /// assert_eq!(err.to_string(), "optimizer got an empty parameter list");
    /// ```
    pub fn try_new(groups: Vec<ParamGroup>, options: SGDOptions) -> Result<SGD> {
        options.validate()?;
        Ok(SGD { core: Core::new(groups, options.to_dict())?, options })
    }

    #[track_caller]
    fn update(mut self, f: impl FnOnce(&mut SGDOptions)) -> SGD {
        f(&mut self.options);
        unwrap(self.options.validate());
        for (k, v) in self.options.to_dict().iter() {
            if self.core.defaults.get(k) != Some(v) {
                self.core.set_default(k, v.clone());
            }
        }
        self
    }

    /// Sets the momentum factor (`momentum=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::SGD::new(vec![w], 0.1).momentum(0.9);
    /// ```
    #[track_caller]
    pub fn momentum(self, momentum: f64) -> SGD {
        self.update(|o| o.momentum = momentum)
    }

    /// Sets the dampening of the momentum (`dampening=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::SGD::new(vec![w], 0.1).momentum(0.9).dampening(0.1);
    /// ```
    #[track_caller]
    pub fn dampening(self, dampening: f64) -> SGD {
        self.update(|o| o.dampening = dampening)
    }

    /// Sets the L2 penalty (`weight_decay=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::SGD::new(vec![w], 0.1).weight_decay(1e-4);
    /// ```
    #[track_caller]
    pub fn weight_decay(self, weight_decay: f64) -> SGD {
        self.update(|o| o.weight_decay = weight_decay)
    }

    /// Enables Nesterov momentum (`nesterov=`); set a momentum first.
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::SGD::new(vec![w], 0.1).momentum(0.9).nesterov(true);
    /// ```
    #[track_caller]
    pub fn nesterov(self, nesterov: bool) -> SGD {
        self.update(|o| o.nesterov = nesterov)
    }

    /// Maximizes the objective (`maximize=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::SGD::new(vec![w], 0.1).maximize(true);
    /// ```
    #[track_caller]
    pub fn maximize(self, maximize: bool) -> SGD {
        self.update(|o| o.maximize = maximize)
    }

    fn step_impl(&mut self) -> Result<()> {
        let Core { groups, state, .. } = &mut self.core;
        for group in groups.iter() {
            let o = SGDOptions::from_dict(&group.options)?;
            for p in &group.params {
                let Some(grad) = p.grad() else { continue };
                let mut g = if o.maximize { grad.neg() } else { grad };
                if o.weight_decay != 0.0 {
                    g = g.add_scaled(p, o.weight_decay);
                }
                if o.momentum != 0.0 {
                    let st = state.get_or_insert_with(p, SgdState::default);
                    let buf = match &st.momentum_buffer {
                        // The first step takes the gradient as the buffer, without dampening.
                        None => st.momentum_buffer.insert(g.detach().copy()).clone(),
                        Some(buf) => {
                            buf.mul_(o.momentum).add_scaled_(&g, 1.0 - o.dampening);
                            buf.clone()
                        }
                    };
                    g = if o.nesterov { g.add_scaled(&buf, o.momentum) } else { buf };
                }
                p.add_scaled_(&g, -o.lr);
            }
        }
        Ok(())
    }
}

impl_optimizer!([] SGD);
