//! Neural-network building blocks (`torch.nn`): the [`Module`] trait and its derive,
//! parameters, state dicts, containers, layers, initialisation, the functional interface
//! and the losses.

pub mod containers;
pub mod functional;
pub mod init;
pub mod layers;
pub mod loss;

/// `torch.nn.utils`: gradient clipping, where PyTorch users look for it (the same functions
/// as in [`optim`](crate::optim)).
///
/// ```
/// use torchlight::{nn, Tensor};
/// let w = Tensor::ones(&[2]).requires_grad_(true);
/// (&w * 10.0).sum().backward();
/// let total = nn::utils::clip_grad_norm_(&[w.clone()], 1.0, 2.0);
/// assert!((total.item() - 200f64.sqrt()).abs() < 1e-4);
/// ```
pub mod utils {
    pub use crate::optim::{clip_grad_norm_, clip_grad_value_, try_clip_grad_norm_};
}
mod module;
mod parameter;
mod state_dict;
mod traverse;

pub use containers::{ModuleDict, ModuleList, Sequential};
pub use functional::Reduction;
pub use layers::*;
pub use loss::{
    BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss,
};
pub use module::{Module, ModuleCast, TrainingFlag, Visitor, VisitorMut};
pub use parameter::Parameter;
pub use state_dict::{IncompatibleKeys, StateDict};
pub use torchlight_derive::Module;
