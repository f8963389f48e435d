//! In-place ops on views, PyTorch's way: the base's history is rebased onto a `CopySlices`
//! node, and views whose storage changed since their `grad_fn` was set get a fresh
//! `AsStridedBackward0` from the base ("view regeneration").
//!
//! With `v = base.narrow(0, 0, 2)` and `v.mul_(w)`, the base now holds `w * old_v` in its first
//! rows and its old values elsewhere. The gradient of the base's new value with respect to its
//! old value is the incoming gradient outside the window and the in-place op's gradient inside
//! it; `CopySlices` computes exactly that by running the op's own backward on the window.

use super::engine::conform;
use super::grad_mode::is_grad_enabled;
use super::node::{BackwardCtx, Edge, InputMeta, Node};
use super::record::{edge_of_fresh, needs_grad, record_unary};
use crate::tensor::{Layout, Shape};
use crate::{dispatch_float, Error, FloatElement, Result, Tensor};
use smallvec::SmallVec;
use std::sync::Arc;

/// Where a view sits inside its base, in a dense buffer laid out with the base's strides
/// (offsets relative to the base's first element).
pub(crate) struct Window {
    base: Layout,
    view: Layout,
    /// Elements in the dense buffer: one past the base's largest offset.
    extent: usize,
}

impl Window {
    /// The window of `view` in `base`, or PyTorch-style NotImplemented when the base's layout
    /// is not a dense arrangement of its storage (no buffer with its strides can hold it).
    pub(crate) fn of(base: &Tensor, view: &Tensor) -> Result<Arc<Window>> {
        Window::locate(base, view).map(Arc::new).ok_or_else(|| unsupported_layout(base))
    }

    fn locate(base: &Tensor, view: &Tensor) -> Option<Window> {
        let (b, v) = (base.layout(), view.layout());
        let extent = 1 + b.shape.iter().zip(&b.strides).map(|(&n, &s)| n.saturating_sub(1) * s).sum::<usize>();
        if b.numel() != extent || v.offset < b.offset {
            return None;
        }
        let rel_base = Layout { shape: b.shape.clone(), strides: b.strides.clone(), offset: 0 };
        let rel_view = Layout { shape: v.shape.clone(), strides: v.strides.clone(), offset: v.offset - b.offset };
        let last =
            rel_view.offset + v.shape.iter().zip(&v.strides).map(|(&n, &s)| n.saturating_sub(1) * s).sum::<usize>();
        if v.numel() > 0 && last >= extent {
            return None;
        }
        Some(Window { base: rel_base, view: rel_view, extent })
    }
}

/// Storage offsets of a layout's elements in logical (row-major) order.
fn offsets(l: &Layout) -> Vec<usize> {
    let n = l.numel();
    let mut out = Vec::with_capacity(n);
    if n == 0 {
        return out;
    }
    let mut idx: Shape = smallvec::smallvec![0; l.dim()];
    let mut off = l.offset;
    for _ in 0..n {
        out.push(off);
        for d in (0..l.dim()).rev() {
            idx[d] += 1;
            off += l.strides[d];
            if idx[d] < l.shape[d] {
                break;
            }
            off -= l.strides[d] * l.shape[d];
            idx[d] = 0;
        }
    }
    out
}

fn scatter_kernel<T: FloatElement>(g: &Tensor, w: &Window) -> Tensor {
    let mut buf = vec![T::zero(); w.extent];
    for (o, v) in offsets(&w.view).into_iter().zip(g.contiguous().to_vec::<T>()) {
        buf[o] = buf[o] + v;
    }
    // Read back in the base's logical order.
    let vals: Vec<T> = offsets(&w.base).into_iter().map(|o| buf[o]).collect();
    Tensor::from_vec(vals, &w.base.shape)
}

fn gather_kernel<T: FloatElement>(x: &Tensor, w: &Window) -> Tensor {
    let mut buf = vec![T::zero(); w.extent];
    for (o, v) in offsets(&w.base).into_iter().zip(x.contiguous().to_vec::<T>()) {
        buf[o] = v;
    }
    let vals: Vec<T> = offsets(&w.view).into_iter().map(|o| buf[o]).collect();
    Tensor::from_vec(vals, &w.view.shape)
}

/// A base-shaped tensor, zero outside the window, with `g` (view-shaped) added at the
/// window's elements (overlapping elements sum, as `as_strided`'s backward does).
fn scatter(g: &Tensor, w: &Arc<Window>) -> Tensor {
    let out =
        dispatch_float!(g.dtype(), T => scatter_kernel::<T>(g, w), _ => unreachable!("gradients are floating point"));
    if needs_grad(&[g]) {
        let w = w.clone();
        record_unary("AsStridedScatterBackward0", &[g], &out, [], move |ctx| Ok(vec![Some(gather(ctx.grad(), &w))]));
    }
    out
}

/// The window's elements of a base-shaped `x` (`x.as_strided(view)`), as a new tensor.
fn gather(x: &Tensor, w: &Arc<Window>) -> Tensor {
    let out =
        dispatch_float!(x.dtype(), T => gather_kernel::<T>(x, w), _ => unreachable!("gradients are floating point"));
    if needs_grad(&[x]) {
        let w = w.clone();
        record_unary("AsStridedBackward0", &[x], &out, [], move |ctx| Ok(vec![Some(scatter(ctx.grad(), &w))]));
    }
    out
}

fn meta_of(t: &Tensor) -> InputMeta {
    InputMeta { shape: Shape::from_slice(t.shape()), dtype: t.dtype() }
}

/// Gives `view` (which sits at `w` in `base`) a new `grad_fn`: `AsStridedBackward0` of its
/// base's current history.
fn regenerate(view: &Tensor, base: &Tensor, w: Arc<Window>) {
    let edges: SmallVec<[Option<Edge>; 2]> = smallvec::smallvec![edge_of_fresh(base)];
    let node = Node::new(
        "AsStridedBackward0".into(),
        edges,
        smallvec::smallvec![meta_of(base)],
        smallvec::smallvec![meta_of(view)],
        Default::default(),
        Box::new(move |ctx: &BackwardCtx| Ok(vec![Some(scatter(ctx.grad(), &w))])),
    );
    let mut m = view.0.meta.lock();
    m.grad_fn = Some(Arc::new(node));
    m.output_nr = 0;
    m.view_version = Some(view.version());
}

fn unsupported_layout(base: &Tensor) -> Error {
    Error::NotImplemented(format!(
        "in-place modification of a view whose base has a non-dense layout (shape {:?}, strides {:?}) \
         is not supported while recording gradients",
        base.shape(),
        base.stride()
    ))
}

/// Which input of `op` comes from `marker` (the node of the view's old value), given that the
/// nodes recorded for the in-place op all have a creation number of at least `first_seq`. `None` when the op does
/// not read the old value (`copy_`, `fill_`). An op that reads it through an intermediate node
/// is refused: `CopySlices` can only route the gradient of a direct input.
pub(crate) fn marker_input(op: &Arc<Node>, marker: &Arc<Node>, first_seq: u64) -> Result<Option<usize>> {
    let is_marker = |e: &Option<Edge>| matches!(e, Some(Edge::Node { node, .. }) if Arc::ptr_eq(node, marker));
    let direct: Vec<usize> = (0..op.next_edges.len()).filter(|&j| is_marker(&op.next_edges[j])).collect();
    let mut deeper = 0;
    let mut stack: Vec<Arc<Node>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let push_children = |n: &Arc<Node>, stack: &mut Vec<Arc<Node>>| {
        for e in n.next_edges.iter().flatten() {
            if let Edge::Node { node, .. } = e {
                if node.seq >= first_seq {
                    stack.push(node.clone());
                }
            }
        }
    };
    push_children(op, &mut stack);
    while let Some(n) = stack.pop() {
        if seen.insert(Arc::as_ptr(&n)) {
            deeper += n.next_edges.iter().filter(|e| is_marker(e)).count();
            push_children(&n, &mut stack);
        }
    }
    match (direct.as_slice(), deeper) {
        ([], 0) => Ok(None),
        ([j], 0) => Ok(Some(*j)),
        _ => Err(Error::NotImplemented(format!(
            "in-place {} on a view of a tensor that requires grad reads the view's old value more than once; \
             apply the op out of place instead",
            op.name
        ))),
    }
}

/// After an in-place op on `view` recorded as `op` (whose input `self_idx`, if any, stood for
/// the view's old value), makes `base` depend on `op` through a `CopySlices` node and
/// regenerates the view's `grad_fn` from the base.
pub(crate) fn rebase_view(view: &Tensor, base: &Tensor, w: Arc<Window>, op: Arc<Node>, self_idx: Option<usize>) {
    let mut edges: SmallVec<[Option<Edge>; 2]> = smallvec::smallvec![edge_of_fresh(base)];
    let mut metas: SmallVec<[InputMeta; 2]> = smallvec::smallvec![meta_of(base)];
    for (j, (e, m)) in op.next_edges.iter().zip(&op.input_meta).enumerate() {
        if Some(j) != self_idx {
            edges.push(e.clone());
            metas.push(m.clone());
        }
    }
    let inner = op.clone();
    let bw = w.clone();
    let backward = move |ctx: &BackwardCtx| -> Result<Vec<Option<Tensor>>> {
        let g = ctx.grad();
        let create_graph = is_grad_enabled();
        // The op's inputs other than the view map to this node's inputs 1.. in order.
        let needs: SmallVec<[bool; 2]> = (0..inner.next_edges.len())
            .map(|j| match self_idx.map(|s| j.cmp(&s)) {
                Some(std::cmp::Ordering::Equal) => ctx.needs(0),
                Some(std::cmp::Ordering::Greater) => ctx.needs(j),
                _ => ctx.needs(j + 1),
            })
            .collect();
        let grads = [gather(g, &bw)];
        let saved = inner.unpack_saved(create_graph)?;
        let outs = (inner.backward)(&BackwardCtx { grads: &grads, saved: &saved, needs_input_grad: &needs })?;
        let mut result = vec![None];
        let mut self_grad = None;
        for (j, o) in outs.into_iter().enumerate() {
            let o = match o {
                Some(t) if needs[j] => Some(conform(t, &inner.input_meta[j], &inner.name)?),
                _ => None,
            };
            if Some(j) == self_idx {
                self_grad = o;
            } else {
                result.push(o);
            }
        }
        if ctx.needs(0) {
            // Outside the window the base's old value passed through unchanged.
            let inside = scatter(&Tensor::ones_dtype(&bw.view.shape, g.dtype()), &bw);
            let outside = g * (1.0 - inside);
            result[0] = Some(match self_grad {
                Some(s) => outside + scatter(&s, &bw),
                None => outside,
            });
        }
        Ok(result)
    };
    let node = Node::new(
        "CopySlices".into(),
        edges,
        metas,
        smallvec::smallvec![meta_of(base)],
        Default::default(),
        Box::new(backward),
    )
    .with_inner(op);
    {
        let mut m = base.0.meta.lock();
        m.grad_fn = Some(Arc::new(node));
        m.output_nr = 0;
    }
    regenerate(view, base, w);
}

/// Refreshes a view's `grad_fn` when its storage was modified in place since the `grad_fn`
/// was set and its base records gradients (PyTorch regenerates it on access the same way).
pub(crate) fn refresh(t: &Tensor) {
    let Some(base) = &t.0.base else { return };
    let stale = t.0.meta.lock().view_version.is_some_and(|v| v != t.version());
    if stale && base.requires_grad() {
        // A base that cannot host a window keeps the view's old history, as before this
        // module existed; in-place ops on such views are refused up front.
        if let Ok(w) = Window::of(base, t) {
            regenerate(t, base, w);
        }
    } else if stale {
        t.0.meta.lock().view_version = Some(t.version());
    }
}
