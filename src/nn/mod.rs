//! Neural-network building blocks (`torch.nn`).

pub mod functional;
