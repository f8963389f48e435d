//! Adagrad with learning-rate decay (`torch/optim/adagrad.py`, dense `_single_tensor_adagrad`).

use super::core::{check_nonneg, impl_optimizer, inc_step, single_group, step_tensor, Core, ParamState, Tensors};
use super::{Dict, ParamGroup, Value};
use crate::error::unwrap;
use crate::{Result, Tensor};
use std::collections::BTreeMap;

/// The options of [`Adagrad`], with PyTorch's defaults.
///
/// ```
/// let o = torchlight::optim::AdagradOptions::default();
/// assert_eq!((o.lr, o.eps), (1e-2, 1e-10));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AdagradOptions {
    /// Learning rate (default `1e-2`).
    pub lr: f64,
    /// Learning-rate decay: step `t` uses `lr / (1 + (t - 1) * lr_decay)` (default 0).
    pub lr_decay: f64,
    /// L2 penalty added to the gradient (default 0).
    pub weight_decay: f64,
    /// Starting value of the sum of squared gradients (default 0).
    pub initial_accumulator_value: f64,
    /// Added to the denominator (default `1e-10`).
    pub eps: f64,
    /// Maximize the objective (default false).
    pub maximize: bool,
}

impl Default for AdagradOptions {
    fn default() -> Self {
        AdagradOptions {
            lr: 1e-2,
            lr_decay: 0.0,
            weight_decay: 0.0,
            initial_accumulator_value: 0.0,
            eps: 1e-10,
            maximize: false,
        }
    }
}

impl AdagradOptions {
    /// PyTorch's constructor checks, in its order.
    ///
    /// ```
    /// let o = torchlight::optim::AdagradOptions { lr_decay: -1.0, ..Default::default() };
    /// assert_eq!(o.validate().unwrap_err().to_string(), "Invalid lr_decay value: -1.0");
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_nonneg(self.lr, "learning rate")?;
        check_nonneg(self.lr_decay, "lr_decay value")?;
        check_nonneg(self.weight_decay, "weight_decay value")?;
        check_nonneg(self.initial_accumulator_value, "initial_accumulator_value value")?;
        check_nonneg(self.eps, "epsilon value")
    }

    fn to_dict(&self) -> Dict {
        Dict::new()
            .with("lr", self.lr)
            .with("lr_decay", self.lr_decay)
            .with("eps", self.eps)
            .with("weight_decay", self.weight_decay)
            .with("initial_accumulator_value", self.initial_accumulator_value)
            .with("foreach", Value::None)
            .with("maximize", self.maximize)
            .with("differentiable", false)
            .with("fused", Value::None)
    }

    fn from_dict(d: &Dict) -> Result<AdagradOptions> {
        Ok(AdagradOptions {
            lr: d.f64("lr")?,
            lr_decay: d.f64("lr_decay")?,
            weight_decay: d.f64("weight_decay")?,
            initial_accumulator_value: d.f64("initial_accumulator_value")?,
            eps: d.f64("eps")?,
            maximize: d.bool("maximize")?,
        })
    }
}

struct AdagradState {
    step: f64,
    sum: Tensor,
}

impl AdagradState {
    fn fresh(p: &Tensor, initial_accumulator_value: f64) -> AdagradState {
        AdagradState { step: 0.0, sum: p.full_like(initial_accumulator_value) }
    }
}

impl ParamState for AdagradState {
    fn to_tensors(&self) -> BTreeMap<String, Tensor> {
        let mut m = BTreeMap::new();
        m.insert("step".to_string(), step_tensor(self.step));
        m.insert("sum".to_string(), self.sum.copy());
        m
    }

    fn from_tensors(t: &Tensors, p: &Tensor) -> Result<Self> {
        Ok(AdagradState { step: t.step()?, sum: t.tensor("sum", p)? })
    }
}

/// Adagrad (`torch.optim.Adagrad`): `p -= clr * g / (sqrt(sum) + eps)` with `sum` the running
/// sum of squared gradients and `clr = lr / (1 + (step - 1) * lr_decay)`.
///
/// As in PyTorch, the state of the constructor's parameters is created at construction
/// (`sum = initial_accumulator_value`); parameters added later get theirs at their first step.
///
/// ```
/// use torchlight::{optim::{self, Optimizer}, Tensor};
/// let w = Tensor::from_slice(&[1.0f32]).requires_grad_(true);
/// let mut opt = optim::Adagrad::new(vec![w.clone()], 0.5);
/// assert_eq!(opt.state_dict().state.len(), 1);
/// (&w * &w).sum().backward();
/// opt.step(); // sum = 4, step = 0.5 * 2 / 2
/// assert_eq!(w.to_vec::<f32>(), vec![0.5]);
/// ```
pub struct Adagrad {
    core: Core<AdagradState>,
    options: AdagradOptions,
}

impl Adagrad {
    /// Adagrad over `params` with learning rate `lr`, other options at their defaults.
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[3]).requires_grad_(true);
    /// let _ = torchlight::optim::Adagrad::new(vec![w], 1e-2).lr_decay(1e-3);
    /// ```
    #[track_caller]
    pub fn new(params: Vec<Tensor>, lr: f64) -> Adagrad {
        unwrap(Adagrad::try_new(single_group(params), AdagradOptions { lr, ..Default::default() }))
    }

    /// Adagrad over several param groups.
    ///
    /// ```
    /// use torchlight::{optim::{self, Optimizer, ParamGroup}, Tensor};
    /// let a = Tensor::zeros(&[1]).requires_grad_(true);
    /// let opt = optim::Adagrad::from_groups(vec![ParamGroup::new(vec![a]).with("lr", 0.5)], 0.1);
    /// assert_eq!(opt.get_lr(), vec![0.5]);
    /// ```
    #[track_caller]
    pub fn from_groups(groups: Vec<ParamGroup>, lr: f64) -> Adagrad {
        unwrap(Adagrad::try_new(groups, AdagradOptions { lr, ..Default::default() }))
    }

    /// Fallible constructor from param groups and every option.
    ///
    /// ```
    /// use torchlight::{optim::{Adagrad, AdagradOptions, ParamGroup}, Tensor};
    /// let w = Tensor::zeros(&[1]).requires_grad_(true);
    /// let o = AdagradOptions { initial_accumulator_value: -1.0, ..Default::default() };
    /// let err = Adagrad::try_new(vec![ParamGroup::new(vec![w])], o).err().unwrap();
    /// assert_eq!(err.to_string(), "Invalid initial_accumulator_value value: -1.0");
    /// ```
    pub fn try_new(groups: Vec<ParamGroup>, options: AdagradOptions) -> Result<Adagrad> {
        options.validate()?;
        let mut opt = Adagrad { core: Core::new(groups, options.to_dict())?, options };
        opt.init_state();
        Ok(opt)
    }

    /// torch's constructor creates `step` and `sum` for every parameter of its groups.
    fn init_state(&mut self) {
        let init = self.options.initial_accumulator_value;
        self.core.state.clear();
        for p in self.core.groups.iter().flat_map(|g| &g.params) {
            self.core.state.insert(p, AdagradState::fresh(p, init));
        }
    }

    #[track_caller]
    fn update(mut self, f: impl FnOnce(&mut AdagradOptions)) -> Adagrad {
        let before = self.options.initial_accumulator_value;
        f(&mut self.options);
        unwrap(self.options.validate());
        for (k, v) in self.options.to_dict().iter() {
            if self.core.defaults.get(k) != Some(v) {
                self.core.set_default(k, v.clone());
            }
        }
        if self.options.initial_accumulator_value != before {
            self.init_state();
        }
        self
    }

    /// Sets the learning-rate decay (`lr_decay=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::Adagrad::new(vec![w], 0.1).lr_decay(0.01);
    /// ```
    #[track_caller]
    pub fn lr_decay(self, lr_decay: f64) -> Adagrad {
        self.update(|o| o.lr_decay = lr_decay)
    }

    /// Sets the L2 penalty (`weight_decay=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::Adagrad::new(vec![w], 0.1).weight_decay(1e-4);
    /// ```
    #[track_caller]
    pub fn weight_decay(self, weight_decay: f64) -> Adagrad {
        self.update(|o| o.weight_decay = weight_decay)
    }

    /// Sets the starting value of the accumulators (`initial_accumulator_value=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::Adagrad::new(vec![w], 0.1).initial_accumulator_value(0.1);
    /// ```
    #[track_caller]
    pub fn initial_accumulator_value(self, value: f64) -> Adagrad {
        self.update(|o| o.initial_accumulator_value = value)
    }

    /// Sets the term added to the denominator (`eps=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::Adagrad::new(vec![w], 0.1).eps(1e-8);
    /// ```
    #[track_caller]
    pub fn eps(self, eps: f64) -> Adagrad {
        self.update(|o| o.eps = eps)
    }

    /// Maximizes the objective (`maximize=`).
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[1]).requires_grad_(true);
    /// let _ = torchlight::optim::Adagrad::new(vec![w], 0.1).maximize(true);
    /// ```
    #[track_caller]
    pub fn maximize(self, maximize: bool) -> Adagrad {
        self.update(|o| o.maximize = maximize)
    }

    fn step_impl(&mut self) -> Result<()> {
        // Lazily created state uses the constructor's accumulator value, not the group's
        // (torch reads `self.defaults` there).
        let init = self.core.defaults.f64("initial_accumulator_value")?;
        let Core { groups, state, .. } = &mut self.core;
        for group in groups.iter() {
            let o = AdagradOptions::from_dict(&group.options)?;
            for p in &group.params {
                let Some(grad) = p.grad() else { continue };
                let st = state.get_or_insert_with(p, || AdagradState::fresh(p, init));
                st.step = inc_step(st.step);
                let mut g = if o.maximize { grad.neg() } else { grad };
                if o.weight_decay != 0.0 {
                    g = g.add_scaled(p, o.weight_decay);
                }
                let clr = o.lr / (1.0 + (st.step - 1.0) * o.lr_decay);
                st.sum.addcmul_(&g, &g, 1.0);
                let std = st.sum.sqrt();
                std.add_(o.eps);
                p.addcdiv_(&g, &std, -clr);
            }
        }
        Ok(())
    }
}

impl_optimizer!([] Adagrad);
