//! Neural-network building blocks (`torch.nn`): the functional interface and the losses.

pub mod functional;
pub mod loss;

pub use functional::Reduction;
pub use loss::{
    BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss,
};
