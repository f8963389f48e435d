//! torchlight: PyTorch's eager training workflow in pure Rust.

pub mod backend;
