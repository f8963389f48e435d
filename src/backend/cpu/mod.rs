//! CPU kernels over slices.

pub mod parallel;
pub mod sum;

#[cfg(test)]
mod fixtures;
