//! Optimizers (`torch.optim`): [`SGD`], [`RMSprop`], [`Adam`], [`AdamW`], [`Adagrad`], learning
//! rate schedulers in [`lr_scheduler`], and gradient clipping.
//!
//! Each update is written operation by operation as torch's single-tensor CPU path, with the
//! same fused kernels, so trajectories match PyTorch's to float rounding (only `sqrt` differs:
//! torch's MKL square root is not correctly rounded).
//!
//! ```
//! use torchlight::{optim::{self, Optimizer}, Tensor};
//! let w = Tensor::from_slice(&[1.0f32, -2.0]).requires_grad_(true);
//! let mut opt = optim::SGD::new(vec![w.clone()], 0.1).momentum(0.9);
//! for _ in 0..3 {
//!     opt.zero_grad();
//!     (&w * &w).sum().backward();
//!     opt.step();
//! }
//! assert!(w.to_vec::<f32>()[0] < 1.0);
//! ```
//!
//! Options are set with builder methods after the constructor, as PyTorch's keyword
//! arguments; each call checks the options with PyTorch's messages, so set `momentum` before
//! `nesterov(true)`. Fallible constructors take an options struct (`SGD::try_new`).

mod adagrad;
mod adam;
mod clip;
mod core;
mod dict;
mod fused;
pub mod lr_scheduler;
mod rmsprop;
mod sgd;

pub use self::core::{OptimizerStateDict, ParamGroup};
pub use adagrad::{Adagrad, AdagradOptions};
pub use adam::{Adam, AdamBase, AdamOptions, AdamW};
pub use clip::{clip_grad_norm_, clip_grad_value_, try_clip_grad_norm_};
pub use dict::{Dict, Value};
pub use rmsprop::{RMSprop, RMSpropOptions};
pub use sgd::{SGDOptions, SGD};

use crate::error::unwrap;
use crate::{Result, Tensor};

/// What every optimizer does (torch's `Optimizer` base class).
///
/// ```
/// use torchlight::{optim::{self, Optimizer}, Tensor};
/// let w = Tensor::ones(&[2]).requires_grad_(true);
/// let mut opt: Box<dyn Optimizer> = Box::new(optim::Adagrad::new(vec![w.clone()], 0.1));
/// w.mul(3.0).sum().backward();
/// opt.step();
/// opt.zero_grad();
/// assert!(w.grad().is_none());
/// ```
pub trait Optimizer {
    /// One update of every parameter that has a gradient, under `no_grad`; parameters
    /// whose `.grad` is `None` are skipped.
    fn try_step(&mut self) -> Result<()>;

    /// The param groups with their options.
    fn param_groups(&self) -> &[ParamGroup];

    /// Mutable access to the groups: change `lr` or any other option between steps.
    fn param_groups_mut(&mut self) -> &mut [ParamGroup];

    /// The default options new groups are filled from (`optimizer.defaults`).
    fn defaults(&self) -> &Dict;

    /// Fallible twin of [`Optimizer::add_param_group`].
    fn try_add_param_group(&mut self, group: ParamGroup) -> Result<()>;

    /// The state as plain data (copies), in torch's `state_dict()` structure.
    fn state_dict(&self) -> OptimizerStateDict;

    /// Fallible twin of [`Optimizer::load_state_dict`].
    fn try_load_state_dict(&mut self, state_dict: &OptimizerStateDict) -> Result<()>;

    /// One update (`optimizer.step()`); panics on inconsistent options or shapes.
    #[track_caller]
    fn step(&mut self) {
        unwrap(self.try_step())
    }

    /// Evaluates `closure` with grad mode on, then steps, returning the closure's loss
    /// (`optimizer.step(closure)`).
    #[track_caller]
    fn step_with_closure(&mut self, closure: &mut dyn FnMut() -> Tensor) -> Tensor {
        let loss = crate::enable_grad(closure);
        self.step();
        loss
    }

    /// Clears the gradients: sets every parameter's `.grad` to `None`
    /// (`optimizer.zero_grad()`).
    fn zero_grad(&self) {
        self.zero_grad_with(true)
    }

    /// `optimizer.zero_grad(set_to_none)`: with `false`, each gradient is cut from any graph
    /// (`detach_()` if it has a `grad_fn`, else `requires_grad_(False)`) and zeroed in place.
    fn zero_grad_with(&self, set_to_none: bool) {
        for p in self.param_groups().iter().flat_map(|g| &g.params) {
            let Some(g) = p.grad() else { continue };
            if set_to_none {
                p.set_grad(None);
            } else {
                if g.grad_fn().is_some() {
                    g.detach_();
                } else {
                    g.set_requires_grad(false);
                }
                g.zero_();
            }
        }
    }

    /// Adds a group of parameters (`optimizer.add_param_group`); options it does not set
    /// come from the defaults. Panics with PyTorch's message on a parameter that is already
    /// optimized or is not a leaf.
    #[track_caller]
    fn add_param_group(&mut self, group: ParamGroup) {
        unwrap(self.try_add_param_group(group))
    }

    /// Restores a state saved by [`Optimizer::state_dict`] into an optimizer over the same
    /// parameter layout (`optimizer.load_state_dict`). The group options are replaced by
    /// the saved ones.
    #[track_caller]
    fn load_state_dict(&mut self, state_dict: &OptimizerStateDict) {
        unwrap(self.try_load_state_dict(state_dict))
    }

    /// The learning rate of each group.
    fn get_lr(&self) -> Vec<f64> {
        self.param_groups().iter().map(|g| g.lr()).collect()
    }

    /// Sets the learning rate of every group.
    fn set_lr(&mut self, lr: f64) {
        for g in self.param_groups_mut() {
            g.set_lr(lr);
        }
    }
}
