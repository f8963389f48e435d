//! `torch.autograd.grad`: gradients of outputs with respect to chosen inputs, returned
//! instead of accumulated.

use super::engine::{run_backward, Target};
use super::tensor_api::make_grads;
use crate::{Error, Result, Tensor};

/// Options of [`grad`] (PyTorch's keyword arguments).
///
/// ```
/// let o = torchlight::autograd::GradOptions { allow_unused: true, ..Default::default() };
/// assert!(!o.create_graph);
/// ```
#[derive(Clone, Default)]
pub struct GradOptions {
    /// Gradients of the outputs; required for outputs with more than one element.
    pub grad_outputs: Option<Vec<Tensor>>,
    /// Keep the graph for another backward (defaults to `create_graph`).
    pub retain_graph: Option<bool>,
    /// Make the returned gradients differentiable (higher-order derivatives).
    pub create_graph: bool,
    /// Return `None` for inputs the outputs do not depend on, instead of failing.
    pub allow_unused: bool,
    /// Return zeros instead of `None` for unused inputs.
    pub materialize_grads: bool,
}

/// Gradients of `outputs` with respect to `inputs` (`torch.autograd.grad`); `.grad` fields
/// are left untouched.
///
/// ```
/// use torchlight::{autograd, Tensor};
/// let x = Tensor::from_slice(&[3.0f64]).requires_grad_(true);
/// let y = (&x * &x * &x).sum();
/// let g = autograd::grad(&[y], &[x.clone()], autograd::GradOptions { create_graph: true, ..Default::default() })
///     .unwrap();
/// let dx = g[0].clone().unwrap();
/// assert_eq!(dx.item(), 27.0); // 3x²
/// let g2 = autograd::grad(&[dx.sum()], &[x], Default::default()).unwrap();
/// assert_eq!(g2[0].as_ref().unwrap().item(), 18.0); // 6x
/// ```
pub fn grad(outputs: &[Tensor], inputs: &[Tensor], opts: GradOptions) -> Result<Vec<Option<Tensor>>> {
    for t in inputs {
        if !t.requires_grad() {
            return Err(Error::Runtime("One of the differentiated Tensors does not require grad".into()));
        }
    }
    let grads = make_grads(outputs, opts.grad_outputs.as_deref())?;
    let retain = opts.retain_graph.unwrap_or(opts.create_graph);
    let mut result = run_backward(outputs, grads, retain, opts.create_graph, Target::Inputs(inputs))?;
    for (i, r) in result.iter_mut().enumerate() {
        if r.is_none() {
            if opts.materialize_grads {
                *r = Some(inputs[i].zeros_like());
            } else if !opts.allow_unused {
                return Err(Error::Runtime(format!(
                    "The differentiated Tensor at index {i} appears to not have been used in the graph. \
                     Set allow_unused=True if this is the desired behavior."
                )));
            }
        }
    }
    Ok(result)
}
