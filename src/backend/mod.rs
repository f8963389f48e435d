//! Compute backends: kernels over raw buffers that the tensor layer calls.

pub mod cpu;
