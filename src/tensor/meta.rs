//! A tensor's autograd state behind a lock, with a lock-free answer to the question every op
//! asks first: does this tensor take part in autograd at all?

use crate::autograd::node::Node;
use crate::Tensor;
use parking_lot::{Mutex, MutexGuard};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Per-tensor autograd state (PyTorch's `AutogradMeta`).
#[derive(Default)]
pub(crate) struct AutogradMeta {
    pub(crate) requires_grad: bool,
    pub(crate) grad: Option<Tensor>,
    pub(crate) grad_fn: Option<Arc<Node>>,
    pub(crate) output_nr: usize,
    pub(crate) retains_grad: bool,
    /// For a view created while grad mode was on: the storage version when its `grad_fn` was
    /// last set. A different version now means an in-place write since, and the `grad_fn` is
    /// regenerated from the base (see `autograd::view_rebase`). `None` for views created in
    /// no-grad mode, which PyTorch refuses to modify in place with grad mode on.
    pub(crate) view_version: Option<u64>,
}

impl AutogradMeta {
    /// PyTorch's `requires_grad`: a leaf that asked for it, or any result of a recorded op.
    fn takes_part(&self) -> bool {
        self.requires_grad || self.grad_fn.is_some()
    }
}

/// The lock around a tensor's [`AutogradMeta`], and a copy of `requires_grad || grad_fn`
/// that is refreshed whenever a guard is released.
///
/// Every op checks whether its inputs require grad; reading the copy is a plain load, where
/// locking and unlocking cost two atomic read-modify-writes per input. All changes go
/// through [`MetaCell::lock`], so the copy is exact whenever no guard is held.
pub(crate) struct MetaCell {
    meta: Mutex<AutogradMeta>,
    takes_part: AtomicBool,
}

impl MetaCell {
    pub(crate) fn new(meta: AutogradMeta) -> Self {
        let takes_part = AtomicBool::new(meta.takes_part());
        MetaCell { meta: Mutex::new(meta), takes_part }
    }

    /// Exclusive access; the copy is refreshed when the guard drops.
    pub(crate) fn lock(&self) -> MetaGuard<'_> {
        MetaGuard { guard: self.meta.lock(), takes_part: &self.takes_part }
    }

    /// `requires_grad || grad_fn.is_some()` as of the last released guard.
    #[inline]
    pub(crate) fn takes_part(&self) -> bool {
        self.takes_part.load(Ordering::Relaxed)
    }
}

/// Access to an [`AutogradMeta`]; see [`MetaCell::lock`].
pub(crate) struct MetaGuard<'a> {
    guard: MutexGuard<'a, AutogradMeta>,
    takes_part: &'a AtomicBool,
}

impl Deref for MetaGuard<'_> {
    type Target = AutogradMeta;
    fn deref(&self) -> &AutogradMeta {
        &self.guard
    }
}

impl DerefMut for MetaGuard<'_> {
    fn deref_mut(&mut self) -> &mut AutogradMeta {
        &mut self.guard
    }
}

impl Drop for MetaGuard<'_> {
    fn drop(&mut self) {
        // Stored while the lock is still held (the guard field drops after this), so the
        // unlock publishes it with the change itself.
        self.takes_part.store(self.guard.takes_part(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_follows_every_change() {
        let cell = MetaCell::new(AutogradMeta::default());
        assert!(!cell.takes_part());
        cell.lock().requires_grad = true;
        assert!(cell.takes_part());
        cell.lock().requires_grad = false;
        assert!(!cell.takes_part());
        assert!(MetaCell::new(AutogradMeta { requires_grad: true, ..Default::default() }).takes_part());
    }
}
