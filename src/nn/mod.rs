//! Neural-network building blocks (`torch.nn`): the [`Module`] trait and its derive,
//! parameters, state dicts, containers, layers and initialisation.

pub mod containers;
pub mod init;
pub mod layers;
mod module;
mod parameter;
mod state_dict;

pub use containers::{ModuleDict, ModuleList, Sequential};
pub use layers::*;
pub use module::{Module, ModuleCast, TrainingFlag, Visitor, VisitorMut};
pub use parameter::Parameter;
pub use state_dict::{IncompatibleKeys, StateDict};
pub use torchlight_derive::Module;
