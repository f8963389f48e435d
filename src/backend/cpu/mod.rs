//! CPU kernels over (buffer, layout) pairs and raw slices.

pub mod conv;
pub mod matmul;
pub mod parallel;
pub mod pool;
pub mod range;
pub(crate) mod strided;
pub mod sum;
pub(crate) mod transpose;
pub mod window;

#[cfg(test)]
mod fixtures;
