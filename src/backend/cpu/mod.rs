//! CPU kernels over slices.

pub mod matmul;
pub mod parallel;
pub mod range;
pub mod sum;

#[cfg(test)]
mod fixtures;
