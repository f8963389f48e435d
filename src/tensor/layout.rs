//! Shape, strides and offset: how a tensor's logical elements map into its storage.

use smallvec::SmallVec;

/// A tensor's sizes (or strides). Up to six dims live inline, without allocating.
pub type Shape = SmallVec<[usize; 6]>;

/// How a tensor views its storage: element `(i0, i1, ...)` lives at
/// `offset + i0*strides[0] + i1*strides[1] + ...`.
///
/// ```
/// use torchlight::Layout;
/// let l = Layout::contiguous(&[2, 3]);
/// assert_eq!(l.strides.as_slice(), &[3, 1]);
/// assert!(l.is_contiguous());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Size of each dim.
    pub shape: Shape,
    /// Step in storage elements between neighbours along each dim.
    pub strides: Shape,
    /// Storage index of the first element.
    pub offset: usize,
}

impl Layout {
    /// Row-major (C-contiguous) layout of the given shape at offset 0.
    ///
    /// ```
    /// assert_eq!(torchlight::Layout::contiguous(&[4]).numel(), 4);
    /// ```
    pub fn contiguous(shape: &[usize]) -> Layout {
        Layout { shape: Shape::from_slice(shape), strides: contiguous_strides(shape), offset: 0 }
    }

    /// Number of dims.
    pub fn dim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// PyTorch's `is_contiguous`: row-major strides, ignoring dims of size 1.
    pub fn is_contiguous(&self) -> bool {
        let mut expected = 1;
        for (&size, &stride) in self.shape.iter().zip(&self.strides).rev() {
            if size == 1 {
                continue;
            }
            if size == 0 {
                return true;
            }
            if stride != expected {
                return false;
            }
            expected *= size;
        }
        true
    }

    /// Whether the elements occupy one dense block of storage in some order (no gaps, no
    /// overlap), so that a kernel may walk them in storage order.
    pub fn is_dense(&self) -> bool {
        let mut dims: SmallVec<[(usize, usize); 6]> =
            self.shape.iter().copied().zip(self.strides.iter().copied()).filter(|d| d.0 != 1).collect();
        dims.sort_by_key(|d| d.1);
        let mut expected = 1;
        for (size, stride) in dims {
            if size == 0 {
                return true;
            }
            if stride != expected {
                return false;
            }
            expected *= size;
        }
        true
    }

    /// Storage index of the element at the given multi-index.
    pub fn index_of(&self, idx: &[usize]) -> usize {
        self.offset + idx.iter().zip(&self.strides).map(|(i, s)| i * s).sum::<usize>()
    }

    /// One past the largest storage index this layout can touch (offset for empty tensors).
    pub fn storage_extent(&self) -> usize {
        if self.numel() == 0 {
            return self.offset;
        }
        self.offset + self.shape.iter().zip(&self.strides).map(|(n, s)| (n - 1) * s).sum::<usize>() + 1
    }
}

/// Row-major strides for a shape.
pub(crate) fn contiguous_strides(shape: &[usize]) -> Shape {
    let mut strides = Shape::new();
    fill_contiguous_strides(shape, &mut strides);
    strides
}

/// Sets the empty `strides` to the row-major strides of `shape`.
pub(crate) fn fill_contiguous_strides(shape: &[usize], strides: &mut Shape) {
    debug_assert!(strides.is_empty());
    strides.resize(shape.len(), 1);
    let mut acc = 1;
    for (st, &n) in strides.iter_mut().zip(shape).rev() {
        *st = acc;
        acc *= n.max(1);
    }
}

/// Formats a shape as PyTorch does in messages: `[2, 3]`.
pub(crate) fn shape_str(shape: &[usize]) -> String {
    format!("{shape:?}")
}

/// Formats a shape as `torch.Size([2, 3])`.
pub(crate) fn torch_size_str(shape: &[usize]) -> String {
    format!("torch.Size({shape:?})")
}

/// Broadcasts two shapes with NumPy's rules, or gives PyTorch's error. Like PyTorch's
/// `infer_size`, dims are checked from the last, so the error names the rightmost mismatch.
#[inline]
pub(crate) fn broadcast_shapes(a: &[usize], b: &[usize]) -> crate::Result<Shape> {
    if a == b {
        return Ok(Shape::from_slice(a));
    }
    let n = a.len().max(b.len());
    let mut out: Shape = SmallVec::from_elem(0, n);
    for i in (0..n).rev() {
        let da = if i + a.len() >= n { a[i + a.len() - n] } else { 1 };
        let db = if i + b.len() >= n { b[i + b.len() - n] } else { 1 };
        out[i] = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            return Err(crate::runtime_err!(
                "The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}"
            ));
        };
    }
    Ok(out)
}

/// Normalises a possibly negative dim against `ndim`, with PyTorch's IndexError text.
pub(crate) fn wrap_dim(dim: i64, ndim: usize) -> crate::Result<usize> {
    let n = ndim.max(1) as i64;
    if dim < -n || dim >= n {
        return Err(crate::Error::Index(format!(
            "Dimension out of range (expected to be in range of [{}, {}], but got {dim})",
            -n,
            n - 1
        )));
    }
    Ok(if dim < 0 { (dim + n) as usize } else { dim as usize })
}
