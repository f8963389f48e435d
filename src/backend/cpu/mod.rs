//! CPU kernels over (buffer, layout) pairs.

pub(crate) mod strided;
