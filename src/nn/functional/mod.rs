//! Stateless functions mirroring `torch.nn.functional`: activations and dropout.
//!
//! Rust has no default arguments, so every function takes all of PyTorch's parameters in
//! PyTorch's order (without the deprecated `size_average`/`reduce`); the docs give PyTorch's
//! defaults.
//!
//! ```
//! use torchlight::nn::functional as F;
//! use torchlight::Tensor;
//! let x = Tensor::from_slice(&[-1.0f32, 0.0, 2.0]);
//! assert_eq!(F::relu(&x).to_vec::<f32>(), vec![0.0, 0.0, 2.0]);
//! ```

mod activation;
mod dropout;

pub use activation::{
    elu, gelu, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus, tanh, try_elu, try_gelu,
    try_leaky_relu, try_log_softmax, try_silu, try_softmax, try_softplus,
};
pub use dropout::{dropout, try_dropout};

/// Maps every element of a float tensor with one formula written once for both precisions:
/// `$T` is bound to `f32`, then `f64`.
macro_rules! map_each {
    ($x:expr, $T:ident, |$v:ident| $body:expr) => {{
        #[allow(clippy::unnecessary_cast)]
        let out = $x.map_float(
            {
                type $T = f32;
                move |$v: $T| -> $T { $body }
            },
            {
                type $T = f64;
                move |$v: $T| -> $T { $body }
            },
        );
        out
    }};
}

/// Like `map_each!` for two broadcast operands; returns a `Result`.
macro_rules! zip_each {
    ($a:expr, $b:expr, $T:ident, |$u:ident, $v:ident| $body:expr) => {{
        #[allow(clippy::unnecessary_cast)]
        let out = $a.zip_float(
            $b,
            {
                type $T = f32;
                move |$u: $T, $v: $T| -> $T { $body }
            },
            {
                type $T = f64;
                move |$u: $T, $v: $T| -> $T { $body }
            },
        );
        out
    }};
}

pub(crate) use {map_each, zip_each};