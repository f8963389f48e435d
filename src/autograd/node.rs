//! Graph nodes (PyTorch's `grad_fn` objects), edges, and saved tensors.

use crate::tensor::{Shape, TensorImpl};
use crate::{DType, Error, Result, Tensor};
use parking_lot::Mutex;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::sync::{Arc, Weak};

/// What a backward function sees: the gradients of the node's outputs and its saved tensors.
pub struct BackwardCtx<'a> {
    /// Gradient of each output (zeros for outputs that received none).
    pub grads: &'a [Tensor],
    /// The tensors saved at forward time, checked against in-place modification.
    pub saved: &'a [Tensor],
    /// For each input, whether its gradient is needed at all.
    pub needs_input_grad: &'a [bool],
}

impl BackwardCtx<'_> {
    /// The gradient of the first (usually only) output.
    pub fn grad(&self) -> &Tensor {
        &self.grads[0]
    }

    /// Whether input `i` needs a gradient.
    pub fn needs(&self, i: usize) -> bool {
        self.needs_input_grad[i]
    }
}

/// A backward rule: gradients of the inputs from gradients of the outputs.
pub type BackwardFn = dyn Fn(&BackwardCtx) -> Result<Vec<Option<Tensor>>> + Send + Sync;

/// Where a gradient flows: into another node's output slot, or into a leaf's `.grad`.
#[derive(Clone)]
pub(crate) enum Edge {
    Node { node: Arc<Node>, output_nr: usize },
    Leaf(Tensor),
}

/// Shape and dtype an input had at forward time: the engine reduces a broadcast gradient
/// to this shape and casts it to this dtype.
#[derive(Clone)]
pub(crate) struct InputMeta {
    pub(crate) shape: Shape,
    pub(crate) dtype: DType,
}

/// A node's saved tensors; most ops save at most two, kept inline.
pub(crate) type SavedTensors = SmallVec<[SavedTensor; 2]>;

/// A tensor saved for backward, with the storage version at save time.
pub(crate) struct SavedTensor {
    data: Tensor,
    version: u64,
    /// Saved outputs are stored without history (to avoid a cycle) and re-attached to the
    /// node when unpacked for a differentiable (create_graph) backward.
    output_nr: Option<usize>,
}

impl SavedTensor {
    /// Saves an input of the op.
    pub(crate) fn input(t: &Tensor) -> SavedTensor {
        SavedTensor { data: t.clone(), version: t.version(), output_nr: None }
    }

    /// Saves output `output_nr` of the op being recorded.
    pub(crate) fn output(t: &Tensor, output_nr: usize) -> SavedTensor {
        SavedTensor { data: t.detach(), version: t.version(), output_nr: Some(output_nr) }
    }

    fn unpack(&self, node: &Arc<Node>, attach: bool) -> Result<Tensor> {
        let now = self.data.version();
        if now != self.version {
            // PyTorch names the saved tensor's producer: this node for a saved output, else the
            // tensor's grad_fn as it is now (after the in-place op), by its forward name
            // ("Exp" for ExpBackward0); a tensor without history gets no clause.
            let producer = match self.output_nr {
                Some(nr) => Some((node.name.clone(), nr)),
                None => {
                    let m = self.data.0.meta.lock();
                    m.grad_fn.as_ref().map(|n| (n.name.clone(), m.output_nr))
                }
            };
            let which =
                producer.map(|(n, nr)| format!(", which is output {nr} of {},", forward_name(&n))).unwrap_or_default();
            return Err(Error::Runtime(format!(
                "one of the variables needed for gradient computation has been modified by an inplace operation: \
                 [{} {:?}]{which} is at version {now}; expected version {} instead. Hint: enable anomaly detection \
                 to find the operation that failed to compute its gradient, with \
                 torch.autograd.set_detect_anomaly(True, check_nan=False).",
                self.data.dtype().legacy_type_name(),
                self.data.shape(),
                self.version
            )));
        }
        match self.output_nr {
            Some(nr) if attach => {
                let t = self.data.detach();
                {
                    let mut m = t.0.meta.lock();
                    m.grad_fn = Some(node.clone());
                    m.output_nr = nr;
                    m.requires_grad = true;
                }
                Ok(t)
            }
            _ => Ok(self.data.clone()),
        }
    }
}

/// The forward op of a node name: `ExpBackward0` → `Exp`, `LegendreBackward` → `Legendre`.
fn forward_name(node: &str) -> &str {
    let base = node.trim_end_matches(|c: char| c.is_ascii_digit());
    base.strip_suffix("Backward").unwrap_or(node)
}

pub(crate) const ERR_BACKWARD_TWICE: &str = "Trying to backward through the graph a second time (or directly access \
saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call \
.backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time \
or if you need to access saved tensors after calling backward.";

/// A recorded operation: PyTorch's `grad_fn` (`MulBackward0`, ...).
pub struct Node {
    pub(crate) name: Cow<'static, str>,
    pub(crate) next_edges: SmallVec<[Option<Edge>; 2]>,
    pub(crate) input_meta: SmallVec<[InputMeta; 2]>,
    pub(crate) output_meta: SmallVec<[InputMeta; 1]>,
    saved: Mutex<Option<SavedTensors>>,
    pub(crate) backward: Box<BackwardFn>,
    /// Non-leaf outputs that asked for `retain_grad()`.
    pub(crate) retained: Mutex<Vec<(usize, Weak<TensorImpl>)>>,
    /// Creation order; the engine runs later nodes first among those ready.
    pub(crate) seq: u64,
    /// For `CopySlices`: the in-place op it runs, whose saved tensors it owns.
    inner: Option<Arc<Node>>,
}

/// The next node's creation number.
static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Node {
    pub(crate) fn new(
        name: Cow<'static, str>,
        next_edges: SmallVec<[Option<Edge>; 2]>,
        input_meta: SmallVec<[InputMeta; 2]>,
        output_meta: SmallVec<[InputMeta; 1]>,
        saved: SavedTensors,
        backward: Box<BackwardFn>,
    ) -> Node {
        use std::sync::atomic::Ordering;
        Node {
            name,
            next_edges,
            input_meta,
            output_meta,
            saved: Mutex::new(Some(saved)),
            backward,
            retained: Mutex::new(Vec::new()),
            seq: SEQ.fetch_add(1, Ordering::Relaxed),
            inner: None,
        }
    }

    /// This node, running `inner`'s backward inside its own (see `CopySlices`): releasing it
    /// releases `inner`'s saved tensors too.
    pub(crate) fn with_inner(mut self, inner: Arc<Node>) -> Node {
        self.inner = Some(inner);
        self
    }

    /// The creation number the next node will get: nodes recorded from now on have one at
    /// least this large.
    pub(crate) fn next_seq() -> u64 {
        SEQ.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The node's name, e.g. `"MulBackward0"`.
    ///
    /// ```
    /// let x = torchlight::Tensor::ones(&[2]).requires_grad_(true);
    /// assert_eq!((&x * 2.0).grad_fn().unwrap().name(), "MulBackward0");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Unpacks the saved tensors, failing if they were freed or modified in place.
    pub(crate) fn unpack_saved(self: &Arc<Node>, attach: bool) -> Result<SmallVec<[Tensor; 2]>> {
        let guard = self.saved.lock();
        let Some(saved) = guard.as_ref() else {
            return Err(Error::Runtime(ERR_BACKWARD_TWICE.into()));
        };
        saved.iter().map(|s| s.unpack(self, attach)).collect()
    }

    /// Frees the saved tensors (after a backward without `retain_graph`). A node that saved
    /// nothing can still be run again, as in PyTorch.
    pub(crate) fn release(&self) {
        let mut guard = self.saved.lock();
        if guard.as_ref().is_some_and(|s| !s.is_empty()) {
            *guard = None;
        }
        if let Some(inner) = &self.inner {
            inner.release();
        }
    }
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{}>", self.name)
    }
}
