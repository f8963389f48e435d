//! Layers, one file per family: linear, activations, flatten/reshape, dropout, embedding,
//! normalization.

mod activation;
mod dropout;
mod embedding;
mod flatten;
mod linear;
mod normalization;

pub use activation::{LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh, ELU, GELU};
pub use dropout::Dropout;
pub use embedding::Embedding;
pub use flatten::{Flatten, Unflatten};
pub use linear::{Identity, Linear};
pub use normalization::LayerNorm;

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
