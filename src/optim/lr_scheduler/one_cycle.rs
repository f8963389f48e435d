//! The 1cycle policy (`torch.optim.lr_scheduler.OneCycleLR`): the learning rate rises to
//! `max_lr` and anneals far below the start, while momentum (or Adam's beta1) moves the
//! other way.

use super::{per_group, LRScheduler, SchedulerBase};
use crate::error::unwrap;
use crate::format::python_repr;
use crate::optim::{Dict, Optimizer, Value};
use crate::{Error, Result};
use std::f64::consts::PI;

/// How OneCycleLR moves between a phase's start and end values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnnealStrategy {
    /// Cosine annealing (`"cos"`, the default).
    Cos,
    /// Linear annealing (`"linear"`).
    Linear,
}

impl AnnealStrategy {
    fn name(self) -> &'static str {
        match self {
            AnnealStrategy::Cos => "cos",
            AnnealStrategy::Linear => "linear",
        }
    }

    fn anneal(self, start: f64, end: f64, pct: f64) -> f64 {
        match self {
            AnnealStrategy::Cos => {
                let cos_out = (PI * pct).cos() + 1.0;
                end + (start - end) / 2.0 * cos_out
            }
            AnnealStrategy::Linear => (end - start) * pct + start,
        }
    }
}

/// The arguments of [`OneCycleLR`], with PyTorch's defaults.
///
/// `max_lr`, `base_momentum` and `max_momentum` hold one value for every group or one per
/// group.
///
/// ```
/// use torchlight::optim::lr_scheduler::OneCycleOptions;
/// let o = OneCycleOptions { three_phase: true, ..OneCycleOptions::new(0.1, 100) };
/// assert_eq!((o.pct_start, o.div_factor, o.final_div_factor), (0.3, 25.0, 1e4));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct OneCycleOptions {
    /// Peak learning rate(s).
    pub max_lr: Vec<f64>,
    /// Length of the cycle in steps; or give `epochs` and `steps_per_epoch`.
    pub total_steps: Option<i64>,
    /// Number of epochs (with `steps_per_epoch`, when `total_steps` is `None`).
    pub epochs: Option<i64>,
    /// Steps per epoch (with `epochs`).
    pub steps_per_epoch: Option<i64>,
    /// Fraction of the cycle spent increasing the learning rate (default 0.3).
    pub pct_start: f64,
    /// Cosine or linear annealing (default cosine).
    pub anneal_strategy: AnnealStrategy,
    /// Cycle momentum (or beta1) inversely to the learning rate (default true).
    pub cycle_momentum: bool,
    /// Lowest momentum (default 0.85).
    pub base_momentum: Vec<f64>,
    /// Highest momentum (default 0.95).
    pub max_momentum: Vec<f64>,
    /// `initial_lr = max_lr / div_factor` (default 25).
    pub div_factor: f64,
    /// `min_lr = initial_lr / final_div_factor` (default 1e4).
    pub final_div_factor: f64,
    /// Three phases: up, back down to `initial_lr`, then down to `min_lr` (default false).
    pub three_phase: bool,
    /// `-1` to start; otherwise resumes (the groups must already hold the schedule's keys).
    pub last_epoch: i64,
}

impl OneCycleOptions {
    /// The defaults with the peak learning rate and the cycle length.
    ///
    /// ```
    /// let o = torchlight::optim::lr_scheduler::OneCycleOptions::new(0.1, 100);
    /// assert_eq!((o.max_lr, o.total_steps), (vec![0.1], Some(100)));
    /// ```
    pub fn new(max_lr: f64, total_steps: i64) -> OneCycleOptions {
        OneCycleOptions {
            max_lr: vec![max_lr],
            total_steps: Some(total_steps),
            epochs: None,
            steps_per_epoch: None,
            pct_start: 0.3,
            anneal_strategy: AnnealStrategy::Cos,
            cycle_momentum: true,
            base_momentum: vec![0.85],
            max_momentum: vec![0.95],
            div_factor: 25.0,
            final_div_factor: 1e4,
            three_phase: false,
            last_epoch: -1,
        }
    }
}

/// One phase of the cycle: annealing between two group keys until `end_step`.
#[derive(Clone, Debug, PartialEq)]
struct Phase {
    end_step: f64,
    keys: [String; 4], // start_lr, end_lr, start_momentum, end_momentum
}

const PHASE_KEYS: [&str; 4] = ["start_lr", "end_lr", "start_momentum", "end_momentum"];

fn phase(end_step: f64, keys: [&str; 4]) -> Phase {
    Phase { end_step, keys: keys.map(str::to_string) }
}

/// The 1cycle learning-rate policy (`torch.optim.lr_scheduler.OneCycleLR`); step it after
/// every batch. It stores `initial_lr`, `max_lr`, `min_lr` (and `max_momentum`,
/// `base_momentum`) in the optimizer's groups, as PyTorch does.
///
/// ```
/// use torchlight::{optim::{self, lr_scheduler::{LRScheduler, OneCycleLR}}, Tensor};
/// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1).momentum(0.9);
/// let mut s = OneCycleLR::new(&mut opt, 0.5, 10);
/// assert_eq!(s.get_last_lr(), &[0.020000000000000018]);
/// for _ in 0..2 { s.step(&mut opt); } // the peak: step pct_start * 10 - 1
/// assert_eq!(s.get_last_lr(), &[0.5]);
/// ```
pub struct OneCycleLR {
    base: SchedulerBase,
    total_steps: i64,
    phases: Vec<Phase>,
    anneal: AnnealStrategy,
    cycle_momentum: bool,
    use_beta1: bool,
}

impl OneCycleLR {
    /// A OneCycleLR with peak `max_lr` over `total_steps` steps, other options at defaults.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::OneCycleLR}, Tensor};
    /// let mut opt = optim::Adam::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 1e-3);
    /// let _ = OneCycleLR::new(&mut opt, 1e-2, 1000);
    /// ```
    #[track_caller]
    pub fn new(optimizer: &mut dyn Optimizer, max_lr: f64, total_steps: i64) -> OneCycleLR {
        unwrap(OneCycleLR::try_new(optimizer, OneCycleOptions::new(max_lr, total_steps)))
    }

    /// Fallible constructor with every option, checked with PyTorch's messages.
    ///
    /// ```
    /// use torchlight::{optim::{self, lr_scheduler::{OneCycleLR, OneCycleOptions}}, Tensor};
    /// let mut opt = optim::Adagrad::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 1e-3);
    /// let err = OneCycleLR::try_new(&mut opt, OneCycleOptions::new(0.1, 10)).err().unwrap();
    /// assert_eq!(err.to_string(), "optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
    /// ```
    pub fn try_new(optimizer: &mut dyn Optimizer, o: OneCycleOptions) -> Result<OneCycleLR> {
        let total_steps = match (o.total_steps, o.epochs, o.steps_per_epoch) {
            (Some(t), _, _) if t <= 0 => {
                return Err(Error::Value(format!("Expected positive integer total_steps, but got {t}")))
            }
            (Some(t), _, _) => t,
            (None, Some(e), Some(s)) => {
                if e <= 0 {
                    return Err(Error::Value(format!("Expected positive integer epochs, but got {e}")));
                }
                if s <= 0 {
                    return Err(Error::Value(format!("Expected positive integer steps_per_epoch, but got {s}")));
                }
                e * s
            }
            _ => return Err(Error::Value("You must define either total_steps OR (epochs AND steps_per_epoch)".into())),
        };
        let up_end = o.pct_start * total_steps as f64 - 1.0;
        let last = (total_steps - 1) as f64;
        let phases = if o.three_phase {
            vec![
                phase(up_end, ["initial_lr", "max_lr", "max_momentum", "base_momentum"]),
                phase(
                    2.0 * o.pct_start * total_steps as f64 - 2.0,
                    ["max_lr", "initial_lr", "base_momentum", "max_momentum"],
                ),
                phase(last, ["initial_lr", "min_lr", "max_momentum", "max_momentum"]),
            ]
        } else {
            vec![
                phase(up_end, ["initial_lr", "max_lr", "max_momentum", "base_momentum"]),
                phase(last, ["max_lr", "min_lr", "base_momentum", "max_momentum"]),
            ]
        };
        #[allow(clippy::manual_range_contains)] // NaN passes, as in PyTorch
        if o.pct_start < 0.0 || o.pct_start > 1.0 {
            return Err(Error::Value(format!(
                "Expected float between 0 and 1 pct_start, but got {}",
                python_repr(o.pct_start)
            )));
        }
        let n = optimizer.param_groups().len();
        let max_lrs = per_group("max_lr", &o.max_lr, n)?;
        if o.last_epoch == -1 {
            for (g, max_lr) in optimizer.param_groups_mut().iter_mut().zip(&max_lrs) {
                let initial = max_lr / o.div_factor;
                g.set("initial_lr", initial);
                g.set("max_lr", *max_lr);
                g.set("min_lr", initial / o.final_div_factor);
            }
        }
        let mut use_beta1 = false;
        if o.cycle_momentum {
            let defaults = optimizer.defaults();
            if !defaults.contains("momentum") && !defaults.contains("betas") {
                return Err(Error::Value(
                    "optimizer must support momentum or beta1 with `cycle_momentum` option enabled".into(),
                ));
            }
            use_beta1 = defaults.contains("betas");
            let max_m = per_group("max_momentum", &o.max_momentum, n)?;
            let base_m = per_group("base_momentum", &o.base_momentum, n)?;
            if o.last_epoch == -1 {
                for ((g, m), b) in optimizer.param_groups_mut().iter_mut().zip(max_m).zip(base_m) {
                    set_momentum(&mut g.options, use_beta1, m)?;
                    g.set("max_momentum", m);
                    g.set("base_momentum", b);
                }
            }
        }
        let base = SchedulerBase::new(optimizer, o.last_epoch)?;
        let mut s = OneCycleLR {
            base,
            total_steps,
            phases,
            anneal: o.anneal_strategy,
            cycle_momentum: o.cycle_momentum,
            use_beta1,
        };
        s.initial_step(optimizer)?;
        Ok(s)
    }
}

/// Writes the cycled momentum: `momentum`, or the first of Adam's `betas`.
fn set_momentum(options: &mut Dict, use_beta1: bool, m: f64) -> Result<()> {
    if use_beta1 {
        let (_, beta2) = options.f64_pair("betas")?;
        options.set("betas", (m, beta2));
    } else {
        options.set("momentum", m);
    }
    Ok(())
}

impl LRScheduler for OneCycleLR {
    fn base(&self) -> &SchedulerBase {
        &self.base
    }

    fn base_mut(&mut self) -> &mut SchedulerBase {
        &mut self.base
    }

    fn get_lr(&mut self, optimizer: &mut dyn Optimizer) -> Result<Vec<f64>> {
        let step_num = self.base.last_epoch;
        if step_num > self.total_steps {
            return Err(Error::Value(format!(
                "Tried to step {step_num} times. The specified number of total steps is {}",
                self.total_steps
            )));
        }
        let step = step_num as f64;
        let mut lrs = vec![];
        for g in optimizer.param_groups_mut() {
            let mut start_step = 0.0;
            for (i, ph) in self.phases.iter().enumerate() {
                if step <= ph.end_step || i == self.phases.len() - 1 {
                    let pct = (step - start_step) / (ph.end_step - start_step);
                    let at = |k: usize| g.options.f64(&ph.keys[k]);
                    lrs.push(self.anneal.anneal(at(0)?, at(1)?, pct));
                    if self.cycle_momentum {
                        let m = self.anneal.anneal(at(2)?, at(3)?, pct);
                        set_momentum(&mut g.options, self.use_beta1, m)?;
                    }
                    break;
                }
                start_step = ph.end_step;
            }
        }
        Ok(lrs)
    }

    fn state_dict(&self) -> Dict {
        let phases = self
            .phases
            .iter()
            .map(|p| {
                let mut d = Dict::new().with("end_step", p.end_step);
                for (k, v) in PHASE_KEYS.iter().zip(&p.keys) {
                    d.set(k, v.as_str());
                }
                Value::Dict(d)
            })
            .collect();
        let mut d = Dict::new()
            .with("total_steps", self.total_steps)
            .with("_schedule_phases", Value::List(phases))
            .with("_anneal_func_type", self.anneal.name())
            .with("cycle_momentum", self.cycle_momentum);
        if self.cycle_momentum {
            d.set("use_beta1", self.use_beta1);
        }
        self.base.write_state(&mut d);
        d
    }

    fn try_load_state_dict(&mut self, d: &Dict) -> Result<()> {
        let total_steps = d.i64("total_steps")?;
        let anneal = match d.str("_anneal_func_type")? {
            "cos" => AnnealStrategy::Cos,
            "linear" => AnnealStrategy::Linear,
            other => return Err(Error::Value(format!("Unknown _anneal_func_type: {other}"))),
        };
        let Some(Value::List(list)) = d.get("_schedule_phases") else {
            return Err(Error::Value("KeyError: '_schedule_phases'".into()));
        };
        let mut phases = vec![];
        for p in list {
            let Value::Dict(p) = p else {
                return Err(Error::Type("'_schedule_phases' must hold dicts".into()));
            };
            let keys = [p.str("start_lr")?, p.str("end_lr")?, p.str("start_momentum")?, p.str("end_momentum")?];
            phases.push(phase(p.f64("end_step")?, keys));
        }
        let cycle_momentum = d.bool("cycle_momentum")?;
        let use_beta1 = if cycle_momentum { d.bool("use_beta1")? } else { false };
        self.base.read_state(d)?;
        *self = OneCycleLR { base: self.base.clone(), total_steps, phases, anneal, cycle_momentum, use_beta1 };
        Ok(())
    }
}
