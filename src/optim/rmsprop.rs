//! RMSprop, plain and centered, with momentum and weight decay (`torch/optim/rmsprop.py`,
//! `_single_tensor_rmsprop`).

use super::core::{check_nonneg, impl_optimizer, inc_step, single_group, step_tensor, Core, ParamState, Tensors};
use super::{Dict, ParamGroup, Value};
use crate::error::unwrap;
use crate::{Result, Tensor};
use std::collections::BTreeMap;

/// The options of [`RMSprop`], with PyTorch's defaults.
///
/// ```
/// let o = torchlight::optim::RMSpropOptions::default();
/// assert_eq!((o.lr, o.alpha, o.eps), (1e-2, 0.99, 1e-8));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RMSpropOptions {
    /// Learning rate (default `1e-2`).
    pub lr: f64,
    /// Smoothing constant of the squared-gradient average (default 0.99).
    pub alpha: f64,
    /// Added to the root mean square, after the square root (default `1e-8`).
    pub eps: f64,
    /// L2 penalty added to the gradient (default 0).
    pub weight_decay: f64,
    /// Momentum factor (default 0).
    pub momentum: f64,
    /// Normalise by the estimated variance instead of the second moment (default false).
    pub centered: bool,
    /// Maximize the objective (default false).
    pub maximize: bool,
}

impl Default for RMSpropOptions {
    fn default() -> Self {
        RMSpropOptions {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
            maximize: false,
        }
    }
}

impl RMSpropOptions {
    /// PyTorch's constructor checks, in its order.
    ///
    /// ```
    /// let o = torchlight::optim::RMSpropOptions { alpha: -0.5, ..Default::default() };
    /// assert_eq!(o.validate().unwrap_err().to_string(), "Invalid alpha value: -0.5");
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_nonneg(self.lr, "learning rate")?;
        check_nonneg(self.eps, "epsilon value")?;
        check_nonneg(self.momentum, "momentum value")?;
        check_nonneg(self.weight_decay, "weight_decay value")?;
        check_nonneg(self.alpha, "alpha value")
    }

    fn to_dict(&self) -> Dict {
        Dict::new()
            .with("lr", self.lr)
            .with("momentum", self.momentum)
            .with("alpha", self.alpha)
            .with("eps", self.eps)
            .with("centered", self.centered)
            .with("weight_decay", self.weight_decay)
            .with("capturable", false)
            .with("foreach", Value::None)
            .with("maximize", self.maximize)
            .with("differentiable", false)
    }

    fn from_dict(d: &Dict) -> Result<RMSpropOptions> {
        Ok(RMSpropOptions {
            lr: d.f64("lr")?,
            alpha: d.f64("alpha")?,
            eps: d.f64("eps")?,
            weight_decay: d.f64("weight_decay")?,
            momentum: d.f64("momentum")?,
            centered: d.bool("centered")?,
            maximize: d.bool("maximize")?,
        })
    }
}

struct RmsState {
    step: f64,
    square_avg: Tensor,
    momentum_buffer: Option<Tensor>,
    grad_avg: Option<Tensor>,
}

impl ParamState for RmsState {
    fn to_tensors(&self) -> BTreeMap<String, Tensor> {
        let mut m = BTreeMap::new();
        m.insert("step".to_string(), step_tensor(self.step));
        m.insert("square_avg".to_string(), self.square_avg.copy());
        if let Some(b) = &self.momentum_buffer {
            m.insert("momentum_buffer".to_string(), b.copy());
        }
        if let Some(g) = &self.grad_avg {
            m.insert("grad_avg".to_string(), g.copy());
        }
        m
    }

    fn from_tensors(t: &Tensors, p: &Tensor) -> Result<Self> {
        Ok(RmsState {
            step: t.step()?,
            square_avg: t.tensor("square_avg", p)?,
            momentum_buffer: t.optional("momentum_buffer", p)?,
            grad_avg: t.optional("grad_avg", p)?,
        })
    }
}

/// RMSprop (`torch.optim.RMSprop`): divides the gradient by the root of a running average
/// of its square, `p -= lr * g / (sqrt(v) + eps)` with `v = alpha * v + (1 - alpha) * g²`.
///
/// ```
/// use torchlight::{optim::{self, Optimizer}, Tensor};
/// let w = Tensor::from_slice(&[1.0f32]).requires_grad_(true);
/// let mut opt = optim::RMSprop::new(vec![w.clone()], 1e-3);
/// (&w * &w).sum().backward();
/// opt.step();
/// assert!((w.to_vec::<f32>()[0] - 0.99).abs() < 1e-3);
/// ```
pub struct RMSprop {
    core: Core<RmsState>,
    options: RMSpropOptions,
}

impl RMSprop {
    /// RMSprop over `params` with learning rate `lr`, other options at their defaults.
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[3]).requires_grad_(true);
    /// let _ = torchlight::optim::RMSprop::new(vec![w], 1e-3).centered(true).momentum(0.9);
    /// ```
    #[track_caller]
    pub fn new(params: Vec<Tensor>, lr: f64) -> RMSprop {
        unwrap(RMSprop::try_new(single_group(params), RMSpropOptions { lr, ..Default::default() }))
    }

    /// RMSprop over several param groups.
    ///
    /// ```
    /// use torchlight::{optim::{self, Optimizer, ParamGroup}, Tensor};
    /// let a = Tensor::zeros(&[1]).requires_grad_(true);
    /// let opt = optim::RMSprop::from_groups(vec![ParamGroup::new(vec![a]).with("alpha", 0.9)], 0.1);
    /// assert_eq!(opt.param_groups()[0].get("alpha").unwrap().as_f64(), Some(0.9));
    /// ```
    #[track_caller]
    pub fn from_groups(groups: Vec<ParamGroup>, lr: f64) -> RMSprop {
        unwrap(RMSprop::try_new(groups, RMSpropOptions { lr, ..Default::default() }))
    }

    /// Fallible constructor from param groups and every option.
    ///
    /// ```
    /// use torchlight::{optim::{RMSprop, RMSpropOptions, ParamGroup}, Tensor};
    /// let w = Tensor::zeros(&[1]).requires_grad_(true);
    /// let o = RMSpropOptions { eps: -1.0, ..Default::default() };
    /// let err = RMSprop::try_new(vec![ParamGroup::new(vec![w])], o).err().unwrap();
    /// assert_eq!(err.to_string(), "Invalid epsilon value: -1.0");
    /// ```
    pub fn try_new(groups: Vec<ParamGroup>, options: RMSpropOptions) -> Result<RMSprop> {
        options.validate()?;
        Ok(RMSprop { core: Core::new(groups, options.to_dict())?, options })
    }

    #[track_caller]
    fn update(mut self, f: impl FnOnce(&mut RMSpropOptions)) -> RMSprop {
        f(&mut self.options);
        unwrap(self.options.validate());
        for (k, v) in self.options.to_dict().iter() {
            if self.core.defaults.get(k) != Some(v) {
                self.core.set_default(k, v.clone());
            }
        }
        self
    }

    /// Sets the smoothing constant (`alpha=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::RMSprop::new(vec![w], 0.1).alpha(0.9);
    /// ```
    #[track_caller]
    pub fn alpha(self, alpha: f64) -> RMSprop {
        self.update(|o| o.alpha = alpha)
    }

    /// Sets the term added to the denominator (`eps=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::RMSprop::new(vec![w], 0.1).eps(1e-6);
    /// ```
    #[track_caller]
    pub fn eps(self, eps: f64) -> RMSprop {
        self.update(|o| o.eps = eps)
    }

    /// Sets the L2 penalty (`weight_decay=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::RMSprop::new(vec![w], 0.1).weight_decay(1e-4);
    /// ```
    #[track_caller]
    pub fn weight_decay(self, weight_decay: f64) -> RMSprop {
        self.update(|o| o.weight_decay = weight_decay)
    }

    /// Sets the momentum factor (`momentum=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::RMSprop::new(vec![w], 0.1).momentum(0.9);
    /// ```
    #[track_caller]
    pub fn momentum(self, momentum: f64) -> RMSprop {
        self.update(|o| o.momentum = momentum)
    }

    /// Centered RMSprop (`centered=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::RMSprop::new(vec![w], 0.1).centered(true);
    /// ```
    #[track_caller]
    pub fn centered(self, centered: bool) -> RMSprop {
        self.update(|o| o.centered = centered)
    }

    /// Maximizes the objective (`maximize=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::RMSprop::new(vec![w], 0.1).maximize(true);
    /// ```
    #[track_caller]
    pub fn maximize(self, maximize: bool) -> RMSprop {
        self.update(|o| o.maximize = maximize)
    }

    fn step_impl(&mut self) -> Result<()> {
        let Core { groups, state, .. } = &mut self.core;
        for group in groups.iter() {
            let o = RMSpropOptions::from_dict(&group.options)?;
            for p in &group.params {
                let Some(grad) = p.grad() else { continue };
                let st = state.get_or_insert_with(p, || RmsState {
                    step: 0.0,
                    square_avg: p.zeros_like(),
                    momentum_buffer: (o.momentum > 0.0).then(|| p.zeros_like()),
                    grad_avg: o.centered.then(|| p.zeros_like()),
                });
                let mut g = if o.maximize { grad.neg() } else { grad };
                st.step = inc_step(st.step);
                if o.weight_decay != 0.0 {
                    g = g.add_scaled(p, o.weight_decay);
                }
                st.square_avg.mul_(o.alpha).addcmul_(&g, &g, 1.0 - o.alpha);
                let avg = if o.centered {
                    let grad_avg = st.grad_avg.get_or_insert_with(|| p.zeros_like());
                    grad_avg.lerp_(&g, 1.0 - o.alpha);
                    let v = st.square_avg.addcmul(grad_avg, grad_avg, -1.0);
                    v.sqrt_();
                    v
                } else {
                    st.square_avg.sqrt()
                };
                // eps is added after the square root.
                avg.add_(o.eps);
                if o.momentum > 0.0 {
                    let buf = st.momentum_buffer.get_or_insert_with(|| p.zeros_like());
                    buf.mul_(o.momentum).addcdiv_(&g, &avg, 1.0);
                    p.add_scaled_(&*buf, -o.lr);
                } else {
                    p.addcdiv_(&g, &avg, -o.lr);
                }
            }
        }
        Ok(())
    }
}

impl_optimizer!([] RMSprop);
