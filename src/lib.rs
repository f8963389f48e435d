//! torchlight: PyTorch's eager training workflow in pure Rust.
//!
//! Tensors with strides and views, autograd, and PyTorch's names, defaults, error
//! messages and random streams.
//!
//! ```
//! use torchlight::Tensor;
//! let x = Tensor::from_slice(&[1.0f32, 2.0, 3.0]).requires_grad_(true);
//! let y = (&x * &x).sum();
//! y.backward();
//! assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![2.0, 4.0, 6.0]);
//! ```

pub mod autograd;
pub mod backend;
pub mod data;
mod display;
mod dtype;
mod error;
pub mod format;
pub mod nn;
mod ops;
pub mod optim;
pub mod random;
mod scalar;
pub mod serialize;
mod tensor;
mod threads;

pub use autograd::grad_mode::{enable_grad, is_grad_enabled, no_grad, set_grad_enabled, GradModeGuard, NoGradGuard};
pub use autograd::BackwardOptions;
pub use dtype::{DType, Element, FloatElement, NumElement};
pub use error::{Error, Result};
pub use ops::masked_index::{try_where, where_};
pub use ops::slice::{Ellipsis, IndexArg, NewAxis, TensorIndex};
pub use ops::{einsum, try_einsum, Operand, RoundingMode, Unique};
pub use random::{manual_seed, Generator};
pub use scalar::Scalar;
pub use serialize::{load_file, save_file, Checkpoint};
pub use tensor::{AlignedVec, Buffer, Layout, Shape, Tensor, TensorData};
pub use threads::{get_num_threads, set_num_threads};

use std::sync::atomic::{AtomicU8, Ordering};

/// The device a tensor lives on. torchlight computes on the CPU; other backends plug in
/// behind cargo features.
///
/// ```
/// assert_eq!(torchlight::Device::Cpu.to_string(), "cpu");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    /// The host CPU.
    Cpu,
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cpu")
    }
}

static DEFAULT_DTYPE: AtomicU8 = AtomicU8::new(0);

/// The dtype of float tensors made without an explicit dtype (`torch.get_default_dtype()`).
///
/// ```
/// assert_eq!(torchlight::get_default_dtype(), torchlight::DType::F32);
/// ```
pub fn get_default_dtype() -> DType {
    match DEFAULT_DTYPE.load(Ordering::Relaxed) {
        1 => DType::F64,
        _ => DType::F32,
    }
}

/// Sets the default float dtype (`torch.set_default_dtype`); F32 or F64.
///
/// Panics on a non-floating dtype, as PyTorch raises.
///
/// ```
/// torchlight::set_default_dtype(torchlight::DType::F32);
/// ```
#[track_caller]
pub fn set_default_dtype(dtype: DType) {
    let v = match dtype {
        DType::F32 => 0,
        DType::F64 => 1,
        other => panic!("only floating-point types are supported as the default type, got {other}"),
    };
    DEFAULT_DTYPE.store(v, Ordering::Relaxed);
}
