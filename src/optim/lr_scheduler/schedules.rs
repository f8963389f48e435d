//! The epoch-indexed schedulers: StepLR, MultiStepLR, ExponentialLR, LinearLR and
//! CosineAnnealingLR, each with torch's chainable `get_lr` written term by term.

use super::{group_lrs, py_mod, LRScheduler, SchedulerBase};
use crate::error::unwrap;
use crate::optim::{Dict, Optimizer};
use crate::{Error, Result};
use std::f64::consts::PI;

/// Implements the state methods of [`LRScheduler`] from a list of `(key, field)` entries.
macro_rules! scheduler_state {
    ($ty:ty, $( $key:literal => $field:ident : $get:ident ),* ) => {
        impl LRScheduler for $ty {
            fn base(&self) -> &SchedulerBase {
                &self.base
            }
            fn base_mut(&mut self) -> &mut SchedulerBase {
                &mut self.base
            }
            fn get_lr(&mut self, optimizer: &mut dyn Optimizer) -> Result<Vec<f64>> {
                self.compute_lr(optimizer)
            }
            fn state_dict(&self) -> Dict {
                let mut d = Dict::new();
                $( d.set($key, self.$field.clone()); )*
                self.base.write_state(&mut d);
                d
            }
            fn try_load_state_dict(&mut self, d: &Dict) -> Result<()> {
                $( let $field = d.$get($key)?; )*
                self.base.read_state(d)?;
                $( self.$field = $field; )*
                Ok(())
            }
        }
    };
}

/// Multiplies the learning rate by `gamma` every `step_size` epochs
/// (`torch.optim.lr_scheduler.StepLR`).
///
/// ```
/// use torchlight::{optim::{self, lr_scheduler::{LRScheduler, StepLR}}, Tensor};
/// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
/// let mut s = StepLR::new(&mut opt, 3, 0.5);
/// let lrs: Vec<f64> = (0..4).map(|_| { s.step(&mut opt); s.get_last_lr()[0] }).collect();
/// assert_eq!(lrs, vec![0.1, 0.1, 0.05, 0.05]);
/// ```
pub struct StepLR {
    base: SchedulerBase,
    step_size: i64,
    gamma: f64,
}

impl StepLR {
    /// A StepLR starting now (`last_epoch=-1`); sets each group's `initial_lr`.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::StepLR}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = StepLR::new(&mut opt, 30, 0.1);
    /// ```
    #[track_caller]
    pub fn new(optimizer: &mut dyn Optimizer, step_size: i64, gamma: f64) -> StepLR {
        unwrap(StepLR::try_new(optimizer, step_size, gamma, -1))
    }

    /// Fallible constructor; `last_epoch >= 0` resumes a schedule.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::StepLR}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// assert!(StepLR::try_new(&mut opt, 30, 0.1, 5).is_err()); // no initial_lr yet
    /// ```
    pub fn try_new(optimizer: &mut dyn Optimizer, step_size: i64, gamma: f64, last_epoch: i64) -> Result<StepLR> {
        let mut s = StepLR { base: SchedulerBase::new(optimizer, last_epoch)?, step_size, gamma };
        s.initial_step(optimizer)?;
        Ok(s)
    }

    fn compute_lr(&mut self, optimizer: &mut dyn Optimizer) -> Result<Vec<f64>> {
        let lrs = group_lrs(optimizer)?;
        let e = self.base.last_epoch;
        if e == 0 || py_mod(e, self.step_size)? != 0 {
            return Ok(lrs);
        }
        Ok(lrs.into_iter().map(|lr| lr * self.gamma).collect())
    }
}
scheduler_state!(StepLR, "step_size" => step_size: i64, "gamma" => gamma: f64);

/// Multiplies the learning rate by `gamma` at each milestone epoch; a milestone listed `k`
/// times multiplies by `gamma^k` (`torch.optim.lr_scheduler.MultiStepLR`).
///
/// The state dict stores the milestones as a sorted list with repeats (torch: a `Counter`).
///
/// ```
/// use torchlight::{optim::{self, lr_scheduler::{LRScheduler, MultiStepLR}}, Tensor};
/// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 1.0);
/// let mut s = MultiStepLR::new(&mut opt, &[1, 3], 0.5);
/// let lrs: Vec<f64> = (0..3).map(|_| { s.step(&mut opt); s.get_last_lr()[0] }).collect();
/// assert_eq!(lrs, vec![0.5, 0.5, 0.25]);
/// ```
pub struct MultiStepLR {
    base: SchedulerBase,
    milestones: Vec<i64>,
    gamma: f64,
}

impl MultiStepLR {
    /// A MultiStepLR starting now.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::MultiStepLR}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = MultiStepLR::new(&mut opt, &[30, 80], 0.1);
    /// ```
    #[track_caller]
    pub fn new(optimizer: &mut dyn Optimizer, milestones: &[i64], gamma: f64) -> MultiStepLR {
        unwrap(MultiStepLR::try_new(optimizer, milestones, gamma, -1))
    }

    /// Fallible constructor; `last_epoch >= 0` resumes a schedule.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::MultiStepLR}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// assert!(MultiStepLR::try_new(&mut opt, &[2], 0.1, -1).is_ok());
    /// ```
    pub fn try_new(
        optimizer: &mut dyn Optimizer,
        milestones: &[i64],
        gamma: f64,
        last_epoch: i64,
    ) -> Result<MultiStepLR> {
        let mut milestones = milestones.to_vec();
        milestones.sort_unstable();
        let mut s = MultiStepLR { base: SchedulerBase::new(optimizer, last_epoch)?, milestones, gamma };
        s.initial_step(optimizer)?;
        Ok(s)
    }

    fn compute_lr(&mut self, optimizer: &mut dyn Optimizer) -> Result<Vec<f64>> {
        let lrs = group_lrs(optimizer)?;
        let count = self.milestones.iter().filter(|&&m| m == self.base.last_epoch).count();
        if count == 0 {
            return Ok(lrs);
        }
        // Python `gamma ** count` is C pow on doubles.
        let factor = self.gamma.powf(count as f64);
        Ok(lrs.into_iter().map(|lr| lr * factor).collect())
    }
}
scheduler_state!(MultiStepLR, "milestones" => milestones: i64_list, "gamma" => gamma: f64);

trait I64List {
    fn i64_list(&self, key: &str) -> Result<Vec<i64>>;
}
impl I64List for Dict {
    fn i64_list(&self, key: &str) -> Result<Vec<i64>> {
        match self.require(key)? {
            crate::optim::Value::List(v) => v
                .iter()
                .map(|x| x.as_i64())
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| Error::Type(format!("'{key}' must be a list of ints"))),
            _ => Err(Error::Type(format!("'{key}' must be a list of ints"))),
        }
    }
}

/// Multiplies the learning rate by `gamma` every epoch
/// (`torch.optim.lr_scheduler.ExponentialLR`).
///
/// ```
/// use torchlight::{optim::{self, lr_scheduler::{ExponentialLR, LRScheduler}}, Tensor};
/// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
/// let mut s = ExponentialLR::new(&mut opt, 0.9);
/// s.step(&mut opt);
/// s.step(&mut opt);
/// assert_eq!(s.get_last_lr(), &[0.08100000000000002]); // the recursive product
/// ```
pub struct ExponentialLR {
    base: SchedulerBase,
    gamma: f64,
}

impl ExponentialLR {
    /// An ExponentialLR starting now.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ExponentialLR}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = ExponentialLR::new(&mut opt, 0.95);
    /// ```
    #[track_caller]
    pub fn new(optimizer: &mut dyn Optimizer, gamma: f64) -> ExponentialLR {
        unwrap(ExponentialLR::try_new(optimizer, gamma, -1))
    }

    /// Fallible constructor; `last_epoch >= 0` resumes a schedule.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ExponentialLR}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// assert!(ExponentialLR::try_new(&mut opt, 0.95, -1).is_ok());
    /// ```
    pub fn try_new(optimizer: &mut dyn Optimizer, gamma: f64, last_epoch: i64) -> Result<ExponentialLR> {
        let mut s = ExponentialLR { base: SchedulerBase::new(optimizer, last_epoch)?, gamma };
        s.initial_step(optimizer)?;
        Ok(s)
    }

    fn compute_lr(&mut self, optimizer: &mut dyn Optimizer) -> Result<Vec<f64>> {
        let lrs = group_lrs(optimizer)?;
        if self.base.is_initial {
            return Ok(lrs);
        }
        Ok(lrs.into_iter().map(|lr| lr * self.gamma).collect())
    }
}
scheduler_state!(ExponentialLR, "gamma" => gamma: f64);

/// Scales the learning rate by a factor going linearly from `start_factor` to `end_factor`
/// over `total_iters` epochs (`torch.optim.lr_scheduler.LinearLR`). The constructor applies
/// `start_factor` at once.
///
/// ```
/// use torchlight::{optim::{self, lr_scheduler::{LinearLR, LRScheduler}}, Tensor};
/// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 1.0);
/// let mut s = LinearLR::new(&mut opt, 0.5, 1.0, 2);
/// assert_eq!(s.get_last_lr(), &[0.5]);
/// s.step(&mut opt);
/// s.step(&mut opt);
/// assert_eq!(s.get_last_lr(), &[1.0]);
/// ```
pub struct LinearLR {
    base: SchedulerBase,
    start_factor: f64,
    end_factor: f64,
    total_iters: i64,
}

impl LinearLR {
    /// A LinearLR starting now (torch's defaults are `1/3, 1.0, 5`).
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::LinearLR}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = LinearLR::new(&mut opt, 1.0 / 3.0, 1.0, 5);
    /// ```
    #[track_caller]
    pub fn new(optimizer: &mut dyn Optimizer, start_factor: f64, end_factor: f64, total_iters: i64) -> LinearLR {
        unwrap(LinearLR::try_new(optimizer, start_factor, end_factor, total_iters, -1))
    }

    /// Fallible constructor, with PyTorch's checks of the factors.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::LinearLR}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let err = LinearLR::try_new(&mut opt, 0.0, 1.0, 5, -1).err().unwrap();
    /// assert_eq!(err.to_string(), "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
    /// ```
    pub fn try_new(
        optimizer: &mut dyn Optimizer,
        start_factor: f64,
        end_factor: f64,
        total_iters: i64,
        last_epoch: i64,
    ) -> Result<LinearLR> {
        if start_factor > 1.0 || start_factor <= 0.0 {
            return Err(Error::Value(
                "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.".into(),
            ));
        }
        #[allow(clippy::manual_range_contains)] // NaN passes, as in PyTorch
        if end_factor > 1.0 || end_factor < 0.0 {
            return Err(Error::Value("Ending multiplicative factor expected to be between 0 and 1.".into()));
        }
        let base = SchedulerBase::new(optimizer, last_epoch)?;
        let mut s = LinearLR { base, start_factor, end_factor, total_iters };
        s.initial_step(optimizer)?;
        Ok(s)
    }

    fn compute_lr(&mut self, optimizer: &mut dyn Optimizer) -> Result<Vec<f64>> {
        let lrs = group_lrs(optimizer)?;
        let e = self.base.last_epoch;
        if e == 0 {
            return Ok(lrs.into_iter().map(|lr| lr * self.start_factor).collect());
        }
        if self.base.is_initial || e > self.total_iters {
            return Ok(lrs);
        }
        let (sf, ef) = (self.start_factor, self.end_factor);
        let factor = 1.0 + (ef - sf) / (self.total_iters as f64 * sf + (e - 1) as f64 * (ef - sf));
        Ok(lrs.into_iter().map(|lr| lr * factor).collect())
    }
}
scheduler_state!(LinearLR, "start_factor" => start_factor: f64, "end_factor" => end_factor: f64,
    "total_iters" => total_iters: i64);

/// Cosine annealing from the initial learning rate down to `eta_min` over `t_max` epochs,
/// then back up, periodically (`torch.optim.lr_scheduler.CosineAnnealingLR`, recursive form).
///
/// ```
/// use torchlight::{optim::{self, lr_scheduler::{CosineAnnealingLR, LRScheduler}}, Tensor};
/// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
/// let mut s = CosineAnnealingLR::new(&mut opt, 5, 0.01);
/// s.step(&mut opt);
/// assert_eq!(s.get_last_lr(), &[0.09140576474687263]);
/// ```
pub struct CosineAnnealingLR {
    base: SchedulerBase,
    t_max: i64,
    eta_min: f64,
}

impl CosineAnnealingLR {
    /// A CosineAnnealingLR starting now.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::CosineAnnealingLR}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = CosineAnnealingLR::new(&mut opt, 100, 0.0);
    /// ```
    #[track_caller]
    pub fn new(optimizer: &mut dyn Optimizer, t_max: i64, eta_min: f64) -> CosineAnnealingLR {
        unwrap(CosineAnnealingLR::try_new(optimizer, t_max, eta_min, -1))
    }

    /// Fallible constructor; `last_epoch >= 0` resumes a schedule.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::CosineAnnealingLR}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// assert!(CosineAnnealingLR::try_new(&mut opt, 10, 0.0, -1).is_ok());
    /// ```
    pub fn try_new(
        optimizer: &mut dyn Optimizer,
        t_max: i64,
        eta_min: f64,
        last_epoch: i64,
    ) -> Result<CosineAnnealingLR> {
        let mut s = CosineAnnealingLR { base: SchedulerBase::new(optimizer, last_epoch)?, t_max, eta_min };
        s.initial_step(optimizer)?;
        Ok(s)
    }

    fn compute_lr(&mut self, optimizer: &mut dyn Optimizer) -> Result<Vec<f64>> {
        let lrs = group_lrs(optimizer)?;
        let (e, t, eta) = (self.base.last_epoch, self.t_max as f64, self.eta_min);
        let ef = e as f64;
        if self.base.is_initial {
            return Ok(lrs);
        }
        if self.base.step_count == 1 && e > 0 {
            return Ok(self
                .base
                .base_lrs
                .iter()
                .map(|b| eta + (b - eta) * (1.0 + (ef * PI / t).cos()) / 2.0)
                .collect());
        }
        if py_mod(e - 1 - self.t_max, 2 * self.t_max)? == 0 {
            let c = (PI / t).cos();
            return Ok(lrs.iter().zip(&self.base.base_lrs).map(|(lr, b)| lr + (b - eta) * (1.0 - c) / 2.0).collect());
        }
        let ratio = (1.0 + (PI * ef / t).cos()) / (1.0 + (PI * (ef - 1.0) / t).cos());
        Ok(lrs.into_iter().map(|lr| ratio * (lr - eta) + eta).collect())
    }
}
scheduler_state!(CosineAnnealingLR, "T_max" => t_max: i64, "eta_min" => eta_min: f64);
