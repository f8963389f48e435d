//! Layers, one file per family: linear, convolution, pooling, activations, flatten/reshape,
//! dropout, embedding, normalization, padding.

mod activation;
mod batchnorm;
mod conv;
mod dropout;
mod embedding;
mod flatten;
mod linear;
mod normalization;
mod padding;
mod pooling;

pub use activation::{LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh, ELU, GELU};
pub use batchnorm::{BatchNorm1d, BatchNorm2d};
pub use conv::{Conv1d, Conv2d, ConvOptions, ConvTranspose2d};
pub use dropout::{Dropout, Dropout2d};
pub use embedding::Embedding;
pub use flatten::{Flatten, Unflatten};
pub use linear::{Identity, Linear};
pub use normalization::{GroupNorm, LayerNorm};
pub use padding::{
    CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d,
    ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d,
    ZeroPad3d,
};
pub use pooling::{AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d, Upsample};

/// A shape as Python prints a tuple: `()`, `(4,)`, `(2, 3)`.
pub(crate) fn py_tuple<T: std::fmt::Display>(items: &[T]) -> String {
    match items {
        [one] => format!("({one},)"),
        _ => format!("({})", items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

/// Python's `True` / `False`.
pub(crate) fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Passes a layer's `weight` and `bias` parameters, those it has, to `v` in that order (the
/// registration order of every PyTorch layer with both).
pub(crate) fn visit_params<'a>(
    v: &mut dyn crate::nn::Visitor<'a>,
    weight: Option<&'a crate::Tensor>,
    bias: Option<&'a crate::Tensor>,
) {
    for (name, t) in [("weight", weight), ("bias", bias)] {
        if let Some(t) = t {
            v.param(name, t);
        }
    }
}

/// [`visit_params`] with mutable access.
pub(crate) fn visit_params_mut(
    v: &mut dyn crate::nn::VisitorMut,
    weight: Option<&mut crate::Tensor>,
    bias: Option<&mut crate::Tensor>,
) {
    for (name, t) in [("weight", weight), ("bias", bias)] {
        if let Some(t) = t {
            v.param(name, t);
        }
    }
}
