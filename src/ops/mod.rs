//! The public tensor operations, by family. Each op's forward and its gradient rule live
//! side by side in the op's file.

mod binary;
mod binary_kernel;
mod copy;
mod factory;
mod inplace;
mod masked;
mod operators;
mod pointwise;
mod promote;
mod random;
mod reduce;
mod shape;
mod softmax;
mod unary;

pub use binary::Operand;
