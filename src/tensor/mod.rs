//! The [`Tensor`] handle: a cheap, thread-safe reference to a view of shared storage, with
//! optional autograd metadata.

mod access;
mod aligned;
mod block_cache;
mod create;
pub(crate) mod layout;
mod malloc;
mod meta;
pub(crate) mod storage;

pub use access::TensorData;
pub use aligned::AlignedVec;
pub use layout::{Layout, Shape};
pub use storage::Buffer;

use crate::DType;
pub(crate) use meta::{AutogradMeta, MetaCell};
use std::sync::Arc;
use storage::Storage;

/// An n-dimensional array with PyTorch's semantics.
///
/// Cloning a `Tensor` is a reference-count increment: the clone is the same tensor (like
/// Python's `b = a`), not a copy. Use [`Tensor::copy`] (PyTorch's `clone()`) for a copy.
///
/// ```
/// use torchlight::Tensor;
/// let a = Tensor::from_slice(&[1.0f32, 2.0, 3.0]);
/// let b = &a * 2.0;
/// assert_eq!(b.to_vec::<f32>(), vec![2.0, 4.0, 6.0]);
/// ```
#[derive(Clone)]
pub struct Tensor(pub(crate) Arc<TensorImpl>);

pub(crate) struct TensorImpl {
    pub(crate) storage: Arc<Storage>,
    pub(crate) layout: Layout,
    pub(crate) dtype: DType,
    /// Autograd state. A plain tensor that never required grad has the default meta.
    pub(crate) meta: MetaCell,
    /// For views: the tensor whose storage this one views (its own base if that is a view).
    pub(crate) base: Option<Tensor>,
}

impl Tensor {
    /// Wraps a fresh buffer in a contiguous tensor of the given shape.
    #[inline]
    pub(crate) fn from_buffer(buf: storage::Buffer, shape: &[usize]) -> Tensor {
        debug_assert_eq!(buf.len(), shape.iter().product::<usize>());
        let dtype = buf.dtype();
        let storage = Arc::new(Storage::new(buf));
        // Every op result passes here. Writing the fields straight into the new allocation,
        // instead of building the ~300-byte struct on the stack and copying it over, avoids
        // stalls (the copy reads whole vectors just written piecewise) worth a tenth of a
        // small op's time.
        let mut fresh = Arc::<TensorImpl>::new_uninit();
        let p = Arc::get_mut(&mut fresh).expect("a new Arc is unique").as_mut_ptr();
        // SAFETY: `p` points to the uninitialised TensorImpl; each field is written once
        // through a raw pointer (no reference to uninitialised memory), then all are set.
        unsafe {
            std::ptr::addr_of_mut!((*p).storage).write(storage);
            let layout = std::ptr::addr_of_mut!((*p).layout);
            // The shape and strides are filled where they live, for the same reason.
            let sizes = std::ptr::addr_of_mut!((*layout).shape);
            sizes.write(Shape::new());
            (*sizes).extend_from_slice(shape);
            let strides = std::ptr::addr_of_mut!((*layout).strides);
            strides.write(Shape::new());
            layout::fill_contiguous_strides(shape, &mut *strides);
            std::ptr::addr_of_mut!((*layout).offset).write(0);
            std::ptr::addr_of_mut!((*p).dtype).write(dtype);
            std::ptr::addr_of_mut!((*p).meta).write(MetaCell::new(AutogradMeta::default()));
            std::ptr::addr_of_mut!((*p).base).write(None);
            Tensor(fresh.assume_init())
        }
    }

    /// A tensor sharing this one's storage with another layout, without autograd history.
    /// The result records `self` (or `self`'s base) as its view base.
    pub(crate) fn alias_with_layout(&self, layout: Layout) -> Tensor {
        let base = Some(self.0.base.clone().unwrap_or_else(|| self.clone()));
        let view_version = crate::is_grad_enabled().then(|| self.version());
        Tensor(Arc::new(TensorImpl {
            storage: self.0.storage.clone(),
            layout,
            dtype: self.0.dtype,
            meta: MetaCell::new(AutogradMeta { view_version, ..Default::default() }),
            base,
        }))
    }

    /// The sizes of each dim (`tensor.shape`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[2, 3]).shape(), &[2, 3]);
    /// ```
    pub fn shape(&self) -> &[usize] {
        &self.0.layout.shape
    }

    /// Alias of [`Tensor::shape`] (`tensor.size()`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[4]).size(), &[4]);
    /// ```
    pub fn size(&self) -> &[usize] {
        self.shape()
    }

    /// The size of one dim; negative dims count from the end.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[2, 3]).size_of(-1), 3);
    /// ```
    #[track_caller]
    pub fn size_of(&self, dim: i64) -> usize {
        let d = crate::error::unwrap(layout::wrap_dim(dim, self.dim()));
        self.shape()[d]
    }

    /// Strides in elements (`tensor.stride()`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[2, 3]).t().stride(), &[1, 3]);
    /// ```
    pub fn stride(&self) -> &[usize] {
        &self.0.layout.strides
    }

    /// Offset of the first element in storage (`tensor.storage_offset()`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[4]).storage_offset(), 0);
    /// ```
    pub fn storage_offset(&self) -> usize {
        self.0.layout.offset
    }

    /// The full layout (shape, strides, offset).
    pub fn layout(&self) -> &Layout {
        &self.0.layout
    }

    /// Number of dims (`tensor.dim()`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::scalar(1.0f32).dim(), 0);
    /// ```
    pub fn dim(&self) -> usize {
        self.0.layout.dim()
    }

    /// Number of elements (`tensor.numel()`).
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[2, 3]).numel(), 6);
    /// ```
    pub fn numel(&self) -> usize {
        self.0.layout.numel()
    }

    /// The element type.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[1]).dtype(), torchlight::DType::F32);
    /// ```
    pub fn dtype(&self) -> DType {
        self.0.dtype
    }

    /// The device; torchlight runs on the CPU.
    ///
    /// ```
    /// assert_eq!(torchlight::Tensor::zeros(&[1]).device(), torchlight::Device::Cpu);
    /// ```
    pub fn device(&self) -> crate::Device {
        crate::Device::Cpu
    }

    /// Whether the layout is row-major contiguous.
    ///
    /// ```
    /// assert!(!torchlight::Tensor::zeros(&[2, 3]).t().is_contiguous());
    /// ```
    pub fn is_contiguous(&self) -> bool {
        self.0.layout.is_contiguous()
    }

    /// Whether this tensor is a view of another tensor's storage.
    ///
    /// ```
    /// let a = torchlight::Tensor::zeros(&[2, 3]);
    /// assert!(a.t().is_view() && !a.is_view());
    /// ```
    pub fn is_view(&self) -> bool {
        self.0.base.is_some()
    }

    /// Whether two tensors share storage.
    ///
    /// ```
    /// let a = torchlight::Tensor::zeros(&[2, 3]);
    /// assert!(a.shares_storage(&a.t()));
    /// ```
    pub fn shares_storage(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.0.storage, &other.0.storage)
    }

    /// The version counter of the storage (`tensor._version`): bumped by every in-place op.
    ///
    /// ```
    /// let a = torchlight::Tensor::zeros(&[2]);
    /// a.add_(&torchlight::Tensor::ones(&[2]));
    /// assert_eq!(a.version(), 1);
    /// ```
    pub fn version(&self) -> u64 {
        self.0.storage.version()
    }

    /// Whether two handles are the same tensor object (Python's `a is b`).
    ///
    /// ```
    /// let a = torchlight::Tensor::zeros(&[1]);
    /// assert!(a.is_same(&a.clone()));
    /// ```
    pub fn is_same(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Tensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}
