//! `torch.optim.lr_scheduler.ReduceLROnPlateau`: lowers the learning rate when a metric
//! stops improving.

use crate::error::unwrap;
use crate::optim::{Dict, Optimizer, Value};
use crate::{Error, Result};

/// Whether the metric should go down (`"min"`) or up (`"max"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlateauMode {
    /// Lower is better (the default).
    Min,
    /// Higher is better.
    Max,
}

/// How `threshold` defines a significant improvement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThresholdMode {
    /// Relative: better than `best * (1 ∓ threshold)` (the default).
    Rel,
    /// Absolute: better than `best ∓ threshold`.
    Abs,
}

/// Reduces each group's learning rate by `factor` once the metric has not improved for
/// `patience` epochs (`torch.optim.lr_scheduler.ReduceLROnPlateau`). Options are builder
/// methods; step it with the metric.
///
/// ```
/// use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
/// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
/// let mut s = ReduceLROnPlateau::new(&opt).factor(0.5).patience(1);
/// for loss in [1.0, 1.0, 1.0] {
///     s.step(&mut opt, loss);
/// }
/// assert_eq!(s.get_last_lr(), &[0.05]);
/// ```
#[derive(Clone, Debug)]
pub struct ReduceLROnPlateau {
    factor: f64,
    default_min_lr: Option<f64>,
    min_lrs: Vec<f64>,
    patience: i64,
    cooldown: i64,
    eps: f64,
    last_epoch: i64,
    last_lr: Vec<f64>,
    mode: PlateauMode,
    threshold: f64,
    threshold_mode: ThresholdMode,
    best: f64,
    cooldown_counter: i64,
    num_bad_epochs: i64,
}

impl ReduceLROnPlateau {
    /// With PyTorch's defaults: mode min, factor 0.1, patience 10, threshold 1e-4 relative,
    /// no cooldown, min_lr 0, eps 1e-8.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// assert_eq!(ReduceLROnPlateau::new(&opt).get_last_lr(), &[0.1]);
    /// ```
    #[track_caller]
    pub fn new(optimizer: &dyn Optimizer) -> ReduceLROnPlateau {
        let n = optimizer.param_groups().len();
        ReduceLROnPlateau {
            factor: 0.1,
            default_min_lr: Some(0.0),
            min_lrs: vec![0.0; n],
            patience: 10,
            cooldown: 0,
            eps: 1e-8,
            last_epoch: 0,
            last_lr: unwrap(super::group_lrs(optimizer)),
            mode: PlateauMode::Min,
            threshold: 1e-4,
            threshold_mode: ThresholdMode::Rel,
            best: f64::INFINITY,
            cooldown_counter: 0,
            num_bad_epochs: 0,
        }
    }

    fn mode_worse(&self) -> f64 {
        match self.mode {
            PlateauMode::Min => f64::INFINITY,
            PlateauMode::Max => f64::NEG_INFINITY,
        }
    }

    /// Sets the direction of improvement (`mode=`).
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::{PlateauMode, ReduceLROnPlateau}}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = ReduceLROnPlateau::new(&opt).mode(PlateauMode::Max);
    /// ```
    pub fn mode(mut self, mode: PlateauMode) -> Self {
        self.mode = mode;
        self.best = self.mode_worse();
        self
    }

    /// Sets the reduction factor (`factor=`); panics unless it is below 1.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = ReduceLROnPlateau::new(&opt).factor(0.5);
    /// ```
    #[track_caller]
    pub fn factor(self, factor: f64) -> Self {
        unwrap(self.try_factor(factor))
    }

    /// Fallible twin of [`ReduceLROnPlateau::factor`].
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// assert_eq!(ReduceLROnPlateau::new(&opt).try_factor(1.0).err().unwrap().to_string(), "Factor should be < 1.0.");
    /// ```
    pub fn try_factor(mut self, factor: f64) -> Result<Self> {
        if factor >= 1.0 {
            return Err(Error::Value("Factor should be < 1.0.".into()));
        }
        self.factor = factor;
        Ok(self)
    }

    /// Sets how many epochs without improvement are tolerated (`patience=`).
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = ReduceLROnPlateau::new(&opt).patience(3);
    /// ```
    pub fn patience(mut self, patience: i64) -> Self {
        self.patience = patience;
        self
    }

    /// Sets the improvement threshold (`threshold=`).
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = ReduceLROnPlateau::new(&opt).threshold(1e-3);
    /// ```
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }

    /// Sets relative or absolute thresholds (`threshold_mode=`).
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::{ReduceLROnPlateau, ThresholdMode}}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = ReduceLROnPlateau::new(&opt).threshold_mode(ThresholdMode::Abs);
    /// ```
    pub fn threshold_mode(mut self, threshold_mode: ThresholdMode) -> Self {
        self.threshold_mode = threshold_mode;
        self
    }

    /// Sets the epochs to wait after a reduction before counting again (`cooldown=`).
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = ReduceLROnPlateau::new(&opt).cooldown(2);
    /// ```
    pub fn cooldown(mut self, cooldown: i64) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// Sets one lower bound for every group's learning rate (`min_lr=0.001`).
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = ReduceLROnPlateau::new(&opt).min_lr(1e-5);
    /// ```
    pub fn min_lr(mut self, min_lr: f64) -> Self {
        self.default_min_lr = Some(min_lr);
        self.min_lrs = vec![min_lr; self.min_lrs.len()];
        self
    }

    /// Sets a lower bound per group (`min_lr=[...]`); panics unless there is one per group.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = ReduceLROnPlateau::new(&opt).min_lrs(vec![1e-5]);
    /// ```
    #[track_caller]
    pub fn min_lrs(self, min_lrs: Vec<f64>) -> Self {
        unwrap(self.try_min_lrs(min_lrs))
    }

    /// Fallible twin of [`ReduceLROnPlateau::min_lrs`].
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let err = ReduceLROnPlateau::new(&opt).try_min_lrs(vec![0.0, 0.0]).err().unwrap();
    /// assert_eq!(err.to_string(), "expected 1 min_lrs, got 2");
    /// ```
    pub fn try_min_lrs(mut self, min_lrs: Vec<f64>) -> Result<Self> {
        if min_lrs.len() != self.min_lrs.len() {
            return Err(Error::Value(format!("expected {} min_lrs, got {}", self.min_lrs.len(), min_lrs.len())));
        }
        self.default_min_lr = None;
        self.min_lrs = min_lrs;
        Ok(self)
    }

    /// Sets the smallest change of learning rate that is applied (`eps=`).
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let _ = ReduceLROnPlateau::new(&opt).eps(0.0);
    /// ```
    pub fn eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }

    fn is_better(&self, a: f64, best: f64) -> bool {
        match (self.mode, self.threshold_mode) {
            (PlateauMode::Min, ThresholdMode::Rel) => a < best * (1.0 - self.threshold),
            (PlateauMode::Min, ThresholdMode::Abs) => a < best - self.threshold,
            (PlateauMode::Max, ThresholdMode::Rel) => a > best * (self.threshold + 1.0),
            (PlateauMode::Max, ThresholdMode::Abs) => a > best + self.threshold,
        }
    }

    /// Records one epoch's `metric` and reduces the learning rates if it has plateaued
    /// (`scheduler.step(metric)`).
    #[track_caller]
    pub fn step(&mut self, optimizer: &mut dyn Optimizer, metric: f64) {
        unwrap(self.try_step(optimizer, metric))
    }

    /// Fallible twin of [`ReduceLROnPlateau::step`].
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let mut opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let mut s = ReduceLROnPlateau::new(&opt);
    /// assert!(s.try_step(&mut opt, 0.5).is_ok());
    /// ```
    pub fn try_step(&mut self, optimizer: &mut dyn Optimizer, metric: f64) -> Result<()> {
        self.last_epoch += 1;
        if self.is_better(metric, self.best) {
            self.best = metric;
            self.num_bad_epochs = 0;
        } else {
            self.num_bad_epochs += 1;
        }
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.num_bad_epochs = 0; // bad epochs in cooldown do not count
        }
        if self.num_bad_epochs > self.patience {
            self.reduce_lr(optimizer)?;
            self.cooldown_counter = self.cooldown;
            self.num_bad_epochs = 0;
        }
        self.last_lr = super::group_lrs(optimizer)?;
        Ok(())
    }

    fn reduce_lr(&mut self, optimizer: &mut dyn Optimizer) -> Result<()> {
        let n = optimizer.param_groups().len();
        if n != self.min_lrs.len() {
            match self.default_min_lr {
                None => {
                    return Err(Error::Runtime(format!(
                        "The number of param groups in the `optimizer` ({n}) differs from when `ReduceLROnPlateau` \
                         was initialized ({}), usually due to a new param group being added to the optimizer. \
                         Please modify the `min_lrs` field to match the length of the `optimizer` param groups.",
                        self.min_lrs.len()
                    )))
                }
                Some(m) => self.min_lrs = vec![m; n],
            }
        }
        for (g, min_lr) in optimizer.param_groups_mut().iter_mut().zip(&self.min_lrs) {
            let old_lr = g.options.f64("lr")?;
            // Python's max(a, b): b only if b > a.
            let reduced = old_lr * self.factor;
            let new_lr = if *min_lr > reduced { *min_lr } else { reduced };
            if old_lr - new_lr > self.eps {
                g.set_lr(new_lr);
            }
        }
        Ok(())
    }

    /// The learning rates after the last step.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// assert_eq!(ReduceLROnPlateau::new(&opt).get_last_lr(), &[0.1]);
    /// ```
    pub fn get_last_lr(&self) -> &[f64] {
        &self.last_lr
    }

    /// The epochs counted so far.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// assert_eq!(ReduceLROnPlateau::new(&opt).last_epoch(), 0);
    /// ```
    pub fn last_epoch(&self) -> i64 {
        self.last_epoch
    }

    /// The state as plain data, with torch's keys.
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// assert_eq!(ReduceLROnPlateau::new(&opt).state_dict().str("mode").unwrap(), "min");
    /// ```
    pub fn state_dict(&self) -> Dict {
        Dict::new()
            .with("factor", self.factor)
            .with("default_min_lr", self.default_min_lr.map_or(Value::None, Value::Float))
            .with("min_lrs", self.min_lrs.clone())
            .with("patience", self.patience)
            .with("cooldown", self.cooldown)
            .with("eps", self.eps)
            .with("last_epoch", self.last_epoch)
            .with("_last_lr", self.last_lr.clone())
            .with("mode_worse", self.mode_worse())
            .with("mode", if self.mode == PlateauMode::Min { "min" } else { "max" })
            .with("threshold", self.threshold)
            .with("threshold_mode", if self.threshold_mode == ThresholdMode::Rel { "rel" } else { "abs" })
            .with("best", self.best)
            .with("cooldown_counter", self.cooldown_counter)
            .with("num_bad_epochs", self.num_bad_epochs)
    }

    /// Restores a state saved by [`ReduceLROnPlateau::state_dict`].
    #[track_caller]
    pub fn load_state_dict(&mut self, state_dict: &Dict) {
        unwrap(self.try_load_state_dict(state_dict))
    }

    /// Fallible twin of [`ReduceLROnPlateau::load_state_dict`].
    ///
    /// ```
    /// # use torchlight::{optim::{self, lr_scheduler::ReduceLROnPlateau}, Tensor};
    /// let opt = optim::SGD::new(vec![Tensor::zeros(&[1]).requires_grad_(true)], 0.1);
    /// let mut s = ReduceLROnPlateau::new(&opt);
    /// let mut sd = s.state_dict();
    /// sd.set("mode", "median");
    /// assert_eq!(s.try_load_state_dict(&sd).unwrap_err().to_string(), "mode median is unknown!");
    /// ```
    pub fn try_load_state_dict(&mut self, d: &Dict) -> Result<()> {
        let mode = match d.str("mode")? {
            "min" => PlateauMode::Min,
            "max" => PlateauMode::Max,
            other => return Err(Error::Value(format!("mode {other} is unknown!"))),
        };
        let threshold_mode = match d.str("threshold_mode")? {
            "rel" => ThresholdMode::Rel,
            "abs" => ThresholdMode::Abs,
            other => return Err(Error::Value(format!("threshold mode {other} is unknown!"))),
        };
        let default_min_lr = match d.require("default_min_lr")? {
            Value::None => None,
            v => Some(v.as_f64().ok_or_else(|| Error::Type("'default_min_lr' must be a number or None".into()))?),
        };
        *self = ReduceLROnPlateau {
            factor: d.f64("factor")?,
            default_min_lr,
            min_lrs: d.f64_list("min_lrs")?,
            patience: d.i64("patience")?,
            cooldown: d.i64("cooldown")?,
            eps: d.f64("eps")?,
            last_epoch: d.i64("last_epoch")?,
            last_lr: d.f64_list("_last_lr")?,
            mode,
            threshold: d.f64("threshold")?,
            threshold_mode,
            best: d.f64("best")?,
            cooldown_counter: d.i64("cooldown_counter")?,
            num_bad_epochs: d.i64("num_bad_epochs")?,
        };
        Ok(())
    }
}
