//! Stateless functions mirroring `torch.nn.functional`: activations, convolution, pooling,
//! normalisation, dropout and losses.
//!
//! Rust has no default arguments, so every function takes all of PyTorch's parameters in
//! PyTorch's order (without the deprecated `size_average`/`reduce`); the docs give PyTorch's
//! defaults. The loss structs in [`crate::nn::loss`] carry those defaults for you.
//!
//! ```
//! use torchlight::nn::functional as F;
//! use torchlight::Tensor;
//! let x = Tensor::from_slice(&[-1.0f32, 0.0, 2.0]);
//! assert_eq!(F::relu(&x).to_vec::<f32>(), vec![0.0, 0.0, 2.0]);
//! let loss = F::mse_loss(&x, &Tensor::zeros(&[3]), F::Reduction::Sum);
//! assert_eq!(loss.item(), 5.0);
//! ```

mod activation;
mod bce;
mod conv;
mod distance;
mod dropout;
mod encoding;
mod linear;
mod loss;
mod nll;
mod norm;
mod padding;
mod pooling;

pub use activation::{
    elu, gelu, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus, tanh, try_elu, try_gelu,
    try_leaky_relu, try_log_softmax, try_silu, try_softmax, try_softplus,
};
pub use bce::{
    binary_cross_entropy, binary_cross_entropy_with_logits, try_binary_cross_entropy,
    try_binary_cross_entropy_with_logits,
};
pub use conv::{
    conv1d, conv2d, conv_transpose2d, fold, try_conv1d, try_conv2d, try_conv_transpose2d, try_fold, try_unfold, unfold,
    Padding, Size2,
};
pub use distance::{
    cosine_similarity, normalize, pairwise_distance, try_cosine_similarity, try_normalize, try_pairwise_distance,
};
pub use dropout::{dropout, dropout2d, try_dropout, try_dropout2d};
pub use encoding::{one_hot, try_one_hot};
pub use linear::{linear, try_linear};
pub use loss::{
    huber_loss, kl_div, l1_loss, mse_loss, smooth_l1_loss, try_huber_loss, try_kl_div, try_l1_loss, try_mse_loss,
    try_smooth_l1_loss, Reduction,
};
pub use nll::{cross_entropy, nll_loss, try_cross_entropy, try_nll_loss};
pub use norm::{batch_norm, group_norm, try_batch_norm, try_group_norm};
pub use padding::{pad, try_pad, PadMode};
pub use pooling::{
    adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool1d_with_indices, max_pool2d,
    max_pool2d_with_indices, try_adaptive_avg_pool2d, try_avg_pool1d, try_avg_pool2d, try_max_pool1d,
    try_max_pool1d_with_indices, try_max_pool2d, try_max_pool2d_with_indices, try_upsample_nearest, upsample_nearest,
};

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
