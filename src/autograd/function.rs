//! User-defined differentiable functions (PyTorch's `torch.autograd.Function`).

use super::node::SavedTensor;
use super::record::{needs_grad, record};
use crate::{Result, Tensor};
use std::sync::Arc;

/// The context a [`Function`] uses to keep tensors and values for its backward.
///
/// ```
/// let mut ctx = torchlight::autograd::FunctionCtx::default();
/// ctx.save_for_backward(&[&torchlight::Tensor::ones(&[1])]);
/// assert_eq!(ctx.saved_tensors().len(), 1);
/// ```
#[derive(Default)]
pub struct FunctionCtx {
    to_save: Vec<Tensor>,
    saved: Vec<Tensor>,
    /// Non-tensor values the forward wants to pass to the backward.
    pub values: Vec<f64>,
    needs_input_grad: Vec<bool>,
}

impl FunctionCtx {
    /// Saves tensors (inputs or outputs) for the backward (`ctx.save_for_backward`).
    ///
    /// ```
    /// let mut ctx = torchlight::autograd::FunctionCtx::default();
    /// ctx.save_for_backward(&[]);
    /// ```
    pub fn save_for_backward(&mut self, tensors: &[&Tensor]) {
        self.to_save = tensors.iter().map(|t| (*t).clone()).collect();
    }

    /// The saved tensors (`ctx.saved_tensors`); in backward they are checked against
    /// in-place modification.
    ///
    /// ```
    /// assert!(torchlight::autograd::FunctionCtx::default().saved_tensors().is_empty());
    /// ```
    pub fn saved_tensors(&self) -> &[Tensor] {
        if self.saved.is_empty() {
            &self.to_save
        } else {
            &self.saved
        }
    }

    /// Whether input `i` needs a gradient (`ctx.needs_input_grad[i]`).
    ///
    /// ```
    /// assert!(!torchlight::autograd::FunctionCtx::default().needs_input_grad(0));
    /// ```
    pub fn needs_input_grad(&self, i: usize) -> bool {
        self.needs_input_grad.get(i).copied().unwrap_or(false)
    }
}

/// A differentiable function with a hand-written backward (`torch.autograd.Function`).
///
/// ```
/// use torchlight::autograd::{apply, Function, FunctionCtx};
/// use torchlight::Tensor;
///
/// struct Cube;
/// impl Function for Cube {
///     fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
///         ctx.save_for_backward(&[&inputs[0]]);
///         vec![inputs[0].pow(3.0)]
///     }
///     fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
///         let x = &ctx.saved_tensors()[0];
///         vec![Some(&grads[0] * &(x.pow(2.0) * 3.0))]
///     }
/// }
/// let x = Tensor::from_slice(&[2.0f32]).requires_grad_(true);
/// let y = apply(Cube, &[&x]).remove(0);
/// y.sum().backward();
/// assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![12.0]);
/// ```
pub trait Function: Send + Sync + 'static {
    /// The node name shown as `grad_fn` (default: the type name + `Backward`).
    fn name(&self) -> String {
        let full = std::any::type_name::<Self>();
        format!("{}Backward", full.rsplit("::").next().unwrap_or(full))
    }
    /// Computes the outputs; runs without recording a graph.
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor>;
    /// Gradients of the inputs from gradients of the outputs (one entry per input).
    fn backward(&self, ctx: &FunctionCtx, grad_outputs: &[Tensor]) -> Vec<Option<Tensor>>;
}

/// Runs a [`Function`] on `inputs`, recording it in the graph when an input requires grad
/// (`MyFunction.apply(...)`).
///
/// ```
/// # use torchlight::autograd::{apply, Function, FunctionCtx};
/// # use torchlight::Tensor;
/// struct Double;
/// impl Function for Double {
///     fn forward(&self, _: &mut FunctionCtx, x: &[Tensor]) -> Vec<Tensor> { vec![&x[0] * 2.0] }
///     fn backward(&self, _: &FunctionCtx, g: &[Tensor]) -> Vec<Option<Tensor>> { vec![Some(&g[0] * 2.0)] }
/// }
/// let y = apply(Double, &[&Tensor::ones(&[2])]).remove(0);
/// assert_eq!(y.to_vec::<f32>(), vec![2.0, 2.0]);
/// ```
pub fn apply<F: Function>(f: F, inputs: &[&Tensor]) -> Vec<Tensor> {
    let owned: Vec<Tensor> = inputs.iter().map(|t| (*t).clone()).collect();
    let mut ctx =
        FunctionCtx { needs_input_grad: inputs.iter().map(|t| t.requires_grad()).collect(), ..Default::default() };
    let outputs: Vec<Tensor> = crate::no_grad(|| f.forward(&mut ctx, &owned));
    if !needs_grad(inputs) {
        return outputs;
    }
    // Outputs that alias inputs must become new tensors so they can carry their own grad_fn.
    let outputs: Vec<Tensor> =
        outputs.into_iter().map(|o| if inputs.iter().any(|i| i.is_same(&o)) { o.detach() } else { o }).collect();
    let saved: Vec<SavedTensor> = ctx
        .to_save
        .iter()
        .map(|t| match outputs.iter().position(|o| o.is_same(t)) {
            Some(nr) => SavedTensor::output(t, nr),
            None => SavedTensor::input(t),
        })
        .collect();
    let f = Arc::new(f);
    let values = std::mem::take(&mut ctx.values);
    let name = f.name();
    let out_refs: Vec<&Tensor> = outputs.iter().collect();
    record(name, inputs, &out_refs, saved, move |bctx| -> Result<Vec<Option<Tensor>>> {
        let ctx = FunctionCtx {
            to_save: Vec::new(),
            saved: bctx.saved.to_vec(),
            values: values.clone(),
            needs_input_grad: bctx.needs_input_grad.to_vec(),
        };
        Ok(f.backward(&ctx, bctx.grads))
    });
    outputs
}
