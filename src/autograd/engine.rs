//! The backward pass: a dependency-counting walk over the graph, run in PyTorch's order
//! (among ready nodes, the most recently created first), summing gradients that meet at a
//! node input and reducing broadcast gradients to each input's shape in one place.

use super::grad_mode::set_grad_enabled;
use super::node::{BackwardCtx, Edge, Node};
use super::record::edge_of;
use crate::tensor::TensorImpl;
use crate::{Error, Result, Tensor};
use smallvec::SmallVec;
use std::collections::BinaryHeap;
use std::hash::{BuildHasherDefault, Hasher};

/// Nodes are keyed by address: a multiplicative hash of the pointer is all the hashing
/// needed, and SipHash would cost more than the backward of a small op.
#[derive(Default)]
struct PtrHasher(u64);
impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_right(29);
    }
}
type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<PtrHasher>>;
use std::sync::Arc;

type NodeKey = *const Node;

/// What a backward call computes gradients for.
pub(crate) enum Target<'a> {
    /// `tensor.backward()`: accumulate into every reachable leaf's `.grad`.
    Leaves,
    /// `autograd::grad(outputs, inputs)`: return the gradients of these tensors only.
    Inputs(&'a [Tensor]),
}

struct Ready(u64, Arc<Node>);
impl PartialEq for Ready {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl Eq for Ready {}
impl PartialOrd for Ready {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ready {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.cmp(&o.0)
    }
}

/// A reachable node during a backward pass.
struct Slot {
    node: Arc<Node>,
    /// Edges into this node from reachable nodes not yet run.
    deps: usize,
    /// The gradient arriving at each output, summed as they meet.
    grads: SmallVec<[Option<Tensor>; 1]>,
}

impl Slot {
    fn new(node: &Arc<Node>) -> Slot {
        Slot { node: node.clone(), deps: 0, grads: SmallVec::from_elem(None, node.output_meta.len()) }
    }
}

/// Where a captured input's gradient arrives.
enum CaptureAt {
    Leaf(*const TensorImpl),
    Output(NodeKey, usize),
}

fn add_grad(slot: &mut Option<Tensor>, g: Tensor) {
    *slot = Some(match slot.take() {
        None => g,
        Some(prev) => &prev + &g,
    });
}

/// Runs backward from `roots` with gradients `grads` (one per root, already checked).
pub(crate) fn run_backward(
    roots: &[Tensor],
    grads: Vec<Tensor>,
    retain_graph: bool,
    create_graph: bool,
    target: Target,
) -> Result<Vec<Option<Tensor>>> {
    let mut root_edges = Vec::with_capacity(roots.len());
    for (i, r) in roots.iter().enumerate() {
        match edge_of(r) {
            Some(e) => root_edges.push(e),
            None => {
                return Err(Error::Runtime(format!(
                    "element {i} of tensors does not require grad and does not have a grad_fn"
                )))
            }
        }
    }

    // The reachable graph, one slot per node: its dependency count (edges into it from
    // other reachable nodes) and the gradients arriving at its outputs. One map, sized for
    // the graphs of a training step, so a small backward allocates it once.
    let mut graph: HashMap<NodeKey, Slot> = HashMap::with_capacity_and_hasher(64, Default::default());
    let mut stack: Vec<Arc<Node>> = Vec::with_capacity(16);
    for e in &root_edges {
        if let Edge::Node { node, .. } = e {
            graph.entry(Arc::as_ptr(node)).or_insert_with(|| {
                stack.push(node.clone());
                Slot::new(node)
            });
        }
    }
    // Iterative: graphs can be deep.
    while let Some(n) = stack.pop() {
        for e in n.next_edges.iter().flatten() {
            if let Edge::Node { node, .. } = e {
                graph
                    .entry(Arc::as_ptr(node))
                    .or_insert_with(|| {
                        stack.push(node.clone());
                        Slot::new(node)
                    })
                    .deps += 1;
            }
        }
    }

    // For autograd::grad: where each input's gradient is read, and which nodes lead there.
    let captures: Vec<CaptureAt> = match &target {
        Target::Leaves => Vec::new(),
        Target::Inputs(inputs) => inputs
            .iter()
            .map(|t| {
                super::view_rebase::refresh(t);
                let m = t.0.meta.lock();
                match &m.grad_fn {
                    Some(n) => CaptureAt::Output(Arc::as_ptr(n), m.output_nr),
                    None => CaptureAt::Leaf(Arc::as_ptr(&t.0)),
                }
            })
            .collect(),
    };
    let capture_mode = matches!(target, Target::Inputs(_));
    let needed = if capture_mode { Some(needed_nodes(&graph, &captures)) } else { None };
    let mut captured: Vec<Option<Tensor>> = vec![None; captures.len()];

    let _mode = set_grad_enabled(create_graph);

    let deliver =
        |edge: &Edge, g: Tensor, graph: &mut HashMap<NodeKey, Slot>, captured: &mut Vec<Option<Tensor>>| match edge {
            Edge::Node { node, output_nr } => {
                let slot = graph.get_mut(&Arc::as_ptr(node)).expect("edge into the reachable graph");
                add_grad(&mut slot.grads[*output_nr], g);
            }
            Edge::Leaf(leaf) => {
                if capture_mode {
                    let p = Arc::as_ptr(&leaf.0);
                    for (i, c) in captures.iter().enumerate() {
                        if matches!(c, CaptureAt::Leaf(q) if *q == p) {
                            add_grad(&mut captured[i], g.clone());
                        }
                    }
                } else {
                    accumulate_grad(leaf, g, create_graph);
                }
            }
        };

    for (e, g) in root_edges.iter().zip(grads) {
        deliver(e, g, &mut graph, &mut captured);
    }

    let mut heap = BinaryHeap::with_capacity(16);
    for slot in graph.values() {
        if slot.deps == 0 {
            heap.push(Ready(slot.node.seq, slot.node.clone()));
        }
    }

    while let Some(Ready(_, node)) = heap.pop() {
        let key = Arc::as_ptr(&node);
        let inputs = std::mem::take(&mut graph.get_mut(&key).expect("ready node in the graph").grads);
        for (i, c) in captures.iter().enumerate() {
            if let CaptureAt::Output(k, nr) = c {
                if *k == key {
                    if let Some(g) = &inputs[*nr] {
                        add_grad(&mut captured[i], g.clone());
                    }
                }
            }
        }
        retain_grads(&node, &inputs, create_graph);
        let is_needed = needed.as_ref().is_none_or(|s| s.contains_key(&key));
        if is_needed && inputs.iter().any(|g| g.is_some()) {
            let grads: SmallVec<[Tensor; 1]> = inputs
                .into_iter()
                .zip(&node.output_meta)
                .map(|(g, m)| g.unwrap_or_else(|| Tensor::zeros_dtype(&m.shape, m.dtype)))
                .collect();
            let saved = node.unpack_saved(create_graph)?;
            let needs: SmallVec<[bool; 2]> = node
                .next_edges
                .iter()
                .map(|e| match (e, &needed) {
                    (None, _) => false,
                    (Some(_), None) => true,
                    (Some(Edge::Leaf(l)), Some(_)) => {
                        let p = Arc::as_ptr(&l.0);
                        captures.iter().any(|c| matches!(c, CaptureAt::Leaf(q) if *q == p))
                    }
                    (Some(Edge::Node { node, .. }), Some(s)) => s.contains_key(&Arc::as_ptr(node)),
                })
                .collect();
            let ctx = BackwardCtx { grads: &grads, saved: &saved, needs_input_grad: &needs };
            let outs = (node.backward)(&ctx)?;
            debug_assert_eq!(outs.len(), node.next_edges.len(), "{}: wrong number of gradients", node.name);
            for (i, g) in outs.into_iter().enumerate() {
                let (Some(edge), Some(g), true) = (&node.next_edges[i], g, needs[i]) else { continue };
                let meta = &node.input_meta[i];
                let g = conform(g, meta, &node.name)?;
                deliver(edge, g, &mut graph, &mut captured);
            }
        }
        if !retain_graph {
            node.release();
        }
        for e in node.next_edges.iter().flatten() {
            if let Edge::Node { node: next, .. } = e {
                let slot = graph.get_mut(&Arc::as_ptr(next)).expect("dependency counted");
                slot.deps -= 1;
                if slot.deps == 0 {
                    heap.push(Ready(next.seq, next.clone()));
                }
            }
        }
    }
    Ok(captured)
}

/// Reduces a gradient to the input's shape (summing broadcast dims) and dtype.
pub(crate) fn conform(g: Tensor, meta: &super::node::InputMeta, name: &str) -> Result<Tensor> {
    let g = if g.shape() != meta.shape.as_slice() {
        g.try_sum_to_size(&meta.shape)
            .map_err(|e| Error::Runtime(format!("Function {name} returned an invalid gradient: {e}")))?
    } else {
        g
    };
    Ok(if g.dtype() != meta.dtype { g.to_dtype(meta.dtype) } else { g })
}

/// Nodes from which a captured input can be reached.
fn needed_nodes(graph: &HashMap<NodeKey, Slot>, captures: &[CaptureAt]) -> HashMap<NodeKey, ()> {
    // Reverse edges, then flood from the capture points.
    let mut parents: HashMap<NodeKey, Vec<NodeKey>> = HashMap::default();
    let mut out: HashMap<NodeKey, ()> = HashMap::default();
    let mut stack = Vec::new();
    for (k, slot) in graph {
        for e in slot.node.next_edges.iter().flatten() {
            match e {
                Edge::Node { node, .. } => parents.entry(Arc::as_ptr(node)).or_default().push(*k),
                Edge::Leaf(l) => {
                    let p = Arc::as_ptr(&l.0);
                    if captures.iter().any(|c| matches!(c, CaptureAt::Leaf(q) if *q == p)) {
                        stack.push(*k);
                    }
                }
            }
        }
    }
    for c in captures {
        if let CaptureAt::Output(k, _) = c {
            if let Some(ps) = parents.get(k) {
                stack.extend(ps.iter().copied());
            }
        }
    }
    while let Some(k) = stack.pop() {
        if out.insert(k, ()).is_none() {
            if let Some(ps) = parents.get(&k) {
                stack.extend(ps.iter().copied());
            }
        }
    }
    out
}

/// Populates `.grad` of non-leaf outputs that called `retain_grad()`.
fn retain_grads(node: &Arc<Node>, inputs: &[Option<Tensor>], create_graph: bool) {
    let retained = node.retained.lock();
    for (nr, weak) in retained.iter() {
        let (Some(t), Some(g)) = (weak.upgrade(), &inputs[*nr]) else { continue };
        let t = Tensor(t);
        let g = if create_graph { g.clone() } else { g.detach().copy() };
        let mut m = t.0.meta.lock();
        m.grad = Some(match m.grad.take() {
            None => g,
            Some(prev) => &prev + &g,
        });
    }
}

/// Whether nothing but `g` reaches its storage: no other handle on `g`, and if it is a view,
/// none on its base (itself no view) either.
fn sole_owner(g: &Tensor) -> bool {
    Arc::strong_count(&g.0) == 1
        && match &g.0.base {
            None => Arc::strong_count(&g.0.storage) == 1,
            Some(b) => Arc::strong_count(&b.0) == 1 && b.0.base.is_none() && Arc::strong_count(&g.0.storage) == 2,
        }
}

/// PyTorch's `AccumulateGrad`: the first gradient becomes `.grad` (stolen when nothing
/// else holds it, else copied); later ones are added in place, keeping `.grad`'s identity.
pub(crate) fn accumulate_grad(leaf: &Tensor, g: Tensor, create_graph: bool) {
    let mut m = leaf.0.meta.lock();
    match m.grad.take() {
        None => {
            m.grad = Some(if create_graph {
                g
            } else if g.is_contiguous() && g.grad_fn().is_none() && sole_owner(&g) {
                // A view (a weight gradient made transposed and transposed back) is stolen
                // as a plain tensor, so that its base is freed with it.
                if g.0.base.is_some() {
                    g.detach()
                } else {
                    g
                }
            } else {
                g.detach().copy()
            });
        }
        Some(prev) => {
            if create_graph {
                m.grad = Some(&prev + &g);
            } else {
                crate::no_grad(|| prev.add_(&g));
                m.grad = Some(prev);
            }
        }
    }
}
