//! The memory behind tensors: a typed buffer shared by all views of it, with the
//! version counter autograd uses to detect in-place changes of saved tensors.

use super::AlignedVec;
use crate::DType;
use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::sync::atomic::{AtomicU64, Ordering};

/// A typed, growable element buffer.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub enum Buffer {
    /// bool elements
    Bool(AlignedVec<bool>),
    /// i64 elements
    I64(AlignedVec<i64>),
    /// f32 elements
    F32(AlignedVec<f32>),
    /// f64 elements
    F64(AlignedVec<f64>),
}

impl Buffer {
    /// The buffer's dtype.
    pub fn dtype(&self) -> DType {
        match self {
            Buffer::Bool(_) => DType::Bool,
            Buffer::I64(_) => DType::I64,
            Buffer::F32(_) => DType::F32,
            Buffer::F64(_) => DType::F64,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            Buffer::Bool(v) => v.len(),
            Buffer::I64(v) => v.len(),
            Buffer::F32(v) => v.len(),
            Buffer::F64(v) => v.len(),
        }
    }

    /// Whether the buffer holds no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Shared storage: the buffer behind a lock (so views on several threads stay sound) and
/// the version counter that every in-place write bumps.
#[derive(Debug)]
pub(crate) struct Storage {
    buf: RwLock<Buffer>,
    version: AtomicU64,
}

impl Storage {
    #[inline]
    pub(crate) fn new(buf: Buffer) -> Self {
        super::malloc::note_allocation(buf.len() * buf.dtype().size_in_bytes());
        Storage { buf: RwLock::new(buf), version: AtomicU64::new(0) }
    }

    /// Read access. Recursive, because one kernel may read the same storage through two
    /// operands (`a * a`).
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Buffer> {
        self.buf.read_recursive()
    }

    /// Write access; callers bump the version through [`Storage::bump_version`].
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, Buffer> {
        self.buf.write()
    }

    pub(crate) fn version(&self) -> u64 {
        self.version.load(Ordering::Relaxed)
    }

    pub(crate) fn bump_version(&self) {
        self.version.fetch_add(1, Ordering::Relaxed);
    }
}
