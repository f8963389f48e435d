//! Recording an operation into the graph: the one place ops call after their forward.

use super::grad_mode::is_grad_enabled;
use super::node::{BackwardCtx, Edge, InputMeta, Node, SavedTensor};
use crate::tensor::Shape;
use crate::{Result, Tensor};
use smallvec::SmallVec;
use std::borrow::Cow;
use std::sync::Arc;

/// Whether an op on these inputs must record a node: grad mode is on and an input requires
/// grad. Ops check this before saving anything, so inference pays nothing.
#[inline]
pub(crate) fn needs_grad(inputs: &[&Tensor]) -> bool {
    is_grad_enabled() && inputs.iter().any(|t| t.requires_grad())
}

/// The edge through which a gradient reaches `t`: its `grad_fn`, its `.grad` if it is a
/// leaf that requires grad, or nothing.
pub(crate) fn edge_of(t: &Tensor) -> Option<Edge> {
    super::view_rebase::refresh(t);
    edge_of_fresh(t)
}

/// [`edge_of`] without refreshing a stale view's history first.
pub(crate) fn edge_of_fresh(t: &Tensor) -> Option<Edge> {
    let m = t.0.meta.lock();
    if let Some(node) = &m.grad_fn {
        Some(Edge::Node { node: node.clone(), output_nr: m.output_nr })
    } else if m.requires_grad {
        Some(Edge::Leaf(t.clone()))
    } else {
        None
    }
}

/// Attaches a new node named `name` to `outputs`, with edges to `inputs`.
///
/// `backward` receives the output gradients and the `saved` tensors, and returns one
/// optional gradient per input, in the input's shape or broadcastable to it (the engine
/// reduces broadcast dims and casts dtypes).
pub(crate) fn record(
    name: impl Into<Cow<'static, str>>,
    inputs: &[&Tensor],
    outputs: &[&Tensor],
    saved: impl IntoIterator<Item = SavedTensor>,
    backward: impl Fn(&BackwardCtx) -> Result<Vec<Option<Tensor>>> + Send + Sync + 'static,
) {
    let next_edges: SmallVec<[Option<Edge>; 2]> = inputs.iter().map(|t| edge_of(t)).collect();
    let input_meta =
        inputs.iter().map(|t| InputMeta { shape: Shape::from_slice(t.shape()), dtype: t.dtype() }).collect();
    let output_meta =
        outputs.iter().map(|t| InputMeta { shape: Shape::from_slice(t.shape()), dtype: t.dtype() }).collect();
    let saved = saved.into_iter().collect();
    let node = Arc::new(Node::new(name.into(), next_edges, input_meta, output_meta, saved, Box::new(backward)));
    for (i, out) in outputs.iter().enumerate() {
        let mut m = out.0.meta.lock();
        m.requires_grad = true;
        m.grad_fn = Some(node.clone());
        m.output_nr = i;
    }
}

/// Shorthand for the common single-output case.
pub(crate) fn record_unary(
    name: &'static str,
    inputs: &[&Tensor],
    output: &Tensor,
    saved: impl IntoIterator<Item = SavedTensor>,
    backward: impl Fn(&BackwardCtx) -> Result<Vec<Option<Tensor>>> + Send + Sync + 'static,
) {
    record(name, inputs, &[output], saved, backward)
}
