//! Reverse-mode automatic differentiation with PyTorch's semantics.

pub(crate) mod engine;
mod function;
mod functional;
pub mod grad_mode;
mod gradcheck;
pub mod node;
pub(crate) mod record;
mod tensor_api;
pub(crate) mod view_rebase;

pub use function::{apply, Function, FunctionCtx};
pub use functional::{grad, GradOptions};
pub use gradcheck::{gradcheck, GradcheckOptions};
pub use node::{BackwardCtx, Node};
pub use tensor_api::BackwardOptions;
