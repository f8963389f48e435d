//! Neural-network building blocks (`torch.nn`): the [`Module`] trait and its derive,
//! parameters, state dicts, containers, layers, initialisation, the functional interface
//! and the losses.

pub mod containers;
pub mod functional;
pub mod init;
pub mod layers;
pub mod loss;
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
