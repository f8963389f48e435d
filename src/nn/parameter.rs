//! `nn::Parameter`: a module's trainable tensor. A parameter is a plain [`Tensor`] that is a
//! leaf and requires grad, so it takes part in arithmetic like any other tensor.

use crate::Tensor;

/// The type of a parameter field (`torch.nn.Parameter`): a [`Tensor`].
///
/// `#[derive(Module)]` registers `Tensor` and `Parameter` fields as parameters.
///
/// ```
/// use torchlight::{nn, Tensor};
/// let w: nn::Parameter = nn::Parameter(Tensor::zeros(&[2]));
/// assert!(w.requires_grad() && w.is_leaf());
/// ```
pub type Parameter = Tensor;

/// Makes `data` a parameter (`torch.nn.Parameter(data)`): a new leaf tensor sharing `data`'s
/// storage, cut from any graph, that requires grad.
///
/// Panics for non-floating dtypes, as PyTorch does.
///
/// ```
/// use torchlight::{nn, Tensor};
/// let x = Tensor::from_slice(&[1.0f32, 2.0]);
/// let p = nn::Parameter(x.clone());
/// assert!(p.requires_grad() && p.shares_storage(&x) && !x.requires_grad());
/// ```
#[allow(non_snake_case)]
#[track_caller]
pub fn Parameter(data: Tensor) -> Tensor {
    let p = data.detach();
    p.set_requires_grad(true);
    p
}
