//! The public tensor operations, by family. Each op's forward and its gradient rule live
//! side by side in the op's file.

mod binary;
mod binary_kernel;
mod binary_math;
pub(crate) use binary_kernel::GRAIN_SIZE;
pub(crate) mod conv;
mod copy;
mod cumulative;
mod diagonal;
mod einsum;
mod factory;
mod float_map;
pub(crate) mod index;
mod inplace;
mod join;
mod linalg;
mod masked;
pub(crate) mod masked_index;
mod operators;
mod order_stats;
pub(crate) mod pointwise;
pub(crate) mod pool;
mod predicates;
pub(crate) mod promote;
mod random;
mod rearrange;
mod reduce;
pub(crate) mod reduce_minmax;
mod rounding;
mod shape;
pub(crate) mod slice;
mod softmax;
mod sort;
mod stats;
mod unary;
mod unique;
pub(crate) mod window;

pub use binary::Operand;
pub use einsum::{einsum, try_einsum};
pub use rounding::RoundingMode;
pub use unique::Unique;
