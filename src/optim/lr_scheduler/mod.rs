//! Learning-rate schedulers (`torch.optim.lr_scheduler`), with PyTorch's recursive
//! ("chainable") update rules so that the learning rates match PyTorch's to the last bit.
//!
//! A scheduler does not hold its optimizer: it takes `&mut` to it in the constructor and in
//! [`LRScheduler::step`]. The optimizer stays free for `zero_grad` and `step` in between, and
//! no shared ownership is needed:
//!
//! ```
//! use torchlight::{optim::{self, lr_scheduler::{LRScheduler, StepLR}, Optimizer}, Tensor};
//! let w = Tensor::ones(&[1]).requires_grad_(true);
//! let mut opt = optim::SGD::new(vec![w.clone()], 0.1);
//! let mut sched = StepLR::new(&mut opt, 2, 0.5);
//! for _epoch in 0..4 {
//!     opt.zero_grad();
//!     (&w * &w).sum().backward();
//!     opt.step();
//!     sched.step(&mut opt);
//! }
//! assert_eq!(sched.get_last_lr(), &[0.025]);
//! ```
//!
//! Not reproduced: the deprecated `step(epoch)` form, and the warning when the scheduler
//! steps before the optimizer.

mod one_cycle;
mod plateau;
mod schedules;

pub use one_cycle::{AnnealStrategy, OneCycleLR, OneCycleOptions};
pub use plateau::{PlateauMode, ReduceLROnPlateau, ThresholdMode};
pub use schedules::{CosineAnnealingLR, ExponentialLR, LinearLR, MultiStepLR, StepLR};

use super::{Dict, Optimizer};
use crate::error::unwrap;
use crate::{Error, Result};

/// The bookkeeping every scheduler shares (the attributes of torch's `LRScheduler`).
///
/// ```
/// use torchlight::{optim::{self, lr_scheduler::SchedulerBase}, Tensor};
/// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
/// let base = SchedulerBase::new(&mut opt, -1).unwrap();
/// assert_eq!((base.base_lrs.clone(), base.last_epoch), (vec![0.1], -1));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SchedulerBase {
    /// Each group's `initial_lr`.
    pub base_lrs: Vec<f64>,
    /// The epoch of the last step; 0 after construction.
    pub last_epoch: i64,
    /// Steps taken, the constructor's initial step included (`_step_count`).
    pub step_count: i64,
    /// The learning rates the last step set (`get_last_lr()`).
    pub last_lr: Vec<f64>,
    /// True only during the constructor's initial step (`_is_initial`).
    pub is_initial: bool,
}

impl SchedulerBase {
    /// torch's `LRScheduler.__init__` before the initial step: with `last_epoch == -1`,
    /// records each group's `lr` as `initial_lr` (unless set); otherwise every group must
    /// already have one.
    ///
    /// ```
    /// use torchlight::{optim::{self, lr_scheduler::SchedulerBase}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// assert!(SchedulerBase::new(&mut opt, 3).is_err());
    /// ```
    pub fn new(optimizer: &mut dyn Optimizer, last_epoch: i64) -> Result<SchedulerBase> {
        if last_epoch == -1 {
            for g in optimizer.param_groups_mut() {
                let lr = g.options.require("lr")?.clone();
                g.options.setdefault("initial_lr", lr);
            }
        } else if let Some(i) = optimizer.param_groups().iter().position(|g| !g.options.contains("initial_lr")) {
            return Err(Error::Value(format!(
                "param 'initial_lr' is not specified in param_groups[{i}] when resuming scheduler with last_epoch >= \
                 0.\nThis typically happens when:\n1. You're trying to resume training from a checkpoint but haven't \
                 properly loaded the optimizer state\n2. You're using last_epoch >= 0 for a fresh training run (not \
                 recommended)"
            )));
        }
        let base_lrs = optimizer.param_groups().iter().map(|g| g.options.f64("initial_lr")).collect::<Result<_>>()?;
        Ok(SchedulerBase { base_lrs, last_epoch, step_count: 0, last_lr: vec![], is_initial: false })
    }

    /// Writes the shared entries of a scheduler's state dict, with torch's names.
    pub fn write_state(&self, d: &mut Dict) {
        d.set("base_lrs", self.base_lrs.clone());
        d.set("last_epoch", self.last_epoch);
        d.set("_step_count", self.step_count);
        d.set("_is_initial", false);
        d.set("_get_lr_called_within_step", false);
        d.set("_last_lr", self.last_lr.clone());
    }

    /// Reads the entries written by [`SchedulerBase::write_state`].
    pub fn read_state(&mut self, d: &Dict) -> Result<()> {
        self.base_lrs = d.f64_list("base_lrs")?;
        self.last_epoch = d.i64("last_epoch")?;
        self.step_count = d.i64("_step_count")?;
        self.last_lr = d.f64_list("_last_lr")?;
        self.is_initial = false;
        Ok(())
    }
}

/// The current learning rate of each group.
pub(crate) fn group_lrs(optimizer: &dyn Optimizer) -> Result<Vec<f64>> {
    optimizer.param_groups().iter().map(|g| g.options.f64("lr")).collect()
}

/// A learning-rate scheduler driven by [`LRScheduler::step`] (torch's `LRScheduler`).
/// Implement [`LRScheduler::get_lr`] and the state methods to write your own.
///
/// ```
/// use torchlight::{optim::{self, lr_scheduler::{ExponentialLR, LRScheduler}}, Tensor};
/// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
/// let mut sched: Box<dyn LRScheduler> = Box::new(ExponentialLR::new(&mut opt, 0.9));
/// sched.step(&mut opt);
/// assert_eq!(sched.get_last_lr(), &[0.09000000000000001]);
/// ```
pub trait LRScheduler {
    /// The shared bookkeeping.
    fn base(&self) -> &SchedulerBase;

    /// Mutable shared bookkeeping.
    fn base_mut(&mut self) -> &mut SchedulerBase;

    /// The next learning rate of each group, from the current ones (`get_lr()`); called by
    /// `step` after it advanced `last_epoch`.
    fn get_lr(&mut self, optimizer: &mut dyn Optimizer) -> Result<Vec<f64>>;

    /// The scheduler's state as plain data, with torch's keys (`state_dict()`).
    fn state_dict(&self) -> Dict;

    /// Fallible twin of [`LRScheduler::load_state_dict`].
    fn try_load_state_dict(&mut self, state_dict: &Dict) -> Result<()>;

    /// Restores a state saved by [`LRScheduler::state_dict`].
    #[track_caller]
    fn load_state_dict(&mut self, state_dict: &Dict) {
        unwrap(self.try_load_state_dict(state_dict))
    }

    /// Fallible twin of [`LRScheduler::step`].
    fn try_step(&mut self, optimizer: &mut dyn Optimizer) -> Result<()> {
        let base = self.base_mut();
        base.step_count += 1;
        base.last_epoch += 1;
        let lrs = self.get_lr(optimizer)?;
        let groups = optimizer.param_groups_mut();
        if lrs.len() != groups.len() {
            return Err(Error::Value(format!(
                "zip() argument 2 is shorter than argument 1: {} learning rates for {} param groups",
                lrs.len(),
                groups.len()
            )));
        }
        for (g, lr) in groups.iter_mut().zip(&lrs) {
            g.set_lr(*lr);
        }
        self.base_mut().last_lr = group_lrs(optimizer)?;
        Ok(())
    }

    /// Advances one epoch and writes the new learning rates into the optimizer's groups
    /// (`scheduler.step()`); call it after `optimizer.step()`.
    #[track_caller]
    fn step(&mut self, optimizer: &mut dyn Optimizer) {
        unwrap(self.try_step(optimizer))
    }

    /// The constructor's first step (`_initial_step`), with `base().is_initial` set.
    fn initial_step(&mut self, optimizer: &mut dyn Optimizer) -> Result<()> {
        self.base_mut().step_count = 0;
        self.base_mut().is_initial = true;
        let r = self.try_step(optimizer);
        self.base_mut().is_initial = false;
        r
    }

    /// The learning rates set by the last step (`get_last_lr()`).
    fn get_last_lr(&self) -> &[f64] {
        &self.base().last_lr
    }

    /// The epoch of the last step (`last_epoch`).
    fn last_epoch(&self) -> i64 {
        self.base().last_epoch
    }
}

/// Python's `%` for integers (the result takes the divisor's sign), refusing zero.
pub(crate) fn py_mod(a: i64, b: i64) -> Result<i64> {
    if b == 0 {
        return Err(Error::Runtime("ZeroDivisionError: integer modulo by zero".into()));
    }
    Ok(((a % b) + b) % b)
}

/// A per-group value given once for all groups or once per group (`_format_param`).
pub(crate) fn per_group(name: &str, values: &[f64], n_groups: usize) -> Result<Vec<f64>> {
    match values.len() {
        1 => Ok(vec![values[0]; n_groups]),
        n if n == n_groups => Ok(values.to_vec()),
        n => Err(Error::Value(format!(
            "{name} must have the same length as optimizer.param_groups. {name} has {n} values, param_groups has \
             {n_groups}."
        ))),
    }
}
