//! Strided matrix views whose every element is checked to lie in the slice.

use std::mem::MaybeUninit;

/// A read-only `rows x cols` matrix inside a slice: element `(i, j)` is
/// `data[offset + i * row_stride + j * col_stride]`.
///
/// Strides may be 0 (a broadcast row or column). Construction panics unless
/// every element lies inside `data`.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a, T> {
    data: &'a [T],
    layout: Layout,
}

/// A writable `rows x cols` matrix inside a slice, laid out as [`MatRef`].
///
/// Construction also panics if two elements would share a location (a zero
/// stride, or strides that interleave), since a product writes each element
/// once and may do so from several threads.
///
/// A view made by [`MatMut::uninit`] covers a fresh buffer that a product is about to
/// overwrite, so that the buffer need not be zero-filled first (as PyTorch's `at::empty`
/// output); its elements can be written but not read.
#[derive(Debug)]
pub struct MatMut<'a, T> {
    data: &'a mut [MaybeUninit<T>],
    layout: Layout,
    /// Whether every element holds a value and may be read.
    init: bool,
}

#[derive(Clone, Copy, Debug)]
struct Layout {
    offset: usize,
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl Layout {
    /// Panics unless every element index fits in `len` and in `isize`.
    fn checked(offset: usize, rows: usize, cols: usize, row_stride: usize, col_stride: usize, len: usize) -> Self {
        let layout = Layout { offset, rows, cols, row_stride, col_stride };
        if rows > 0 && cols > 0 {
            let last = (rows - 1)
                .checked_mul(row_stride)
                .and_then(|r| (cols - 1).checked_mul(col_stride).and_then(|c| r.checked_add(c)))
                .and_then(|rc| rc.checked_add(offset));
            assert!(
                last.is_some_and(|l| l < len) && row_stride <= isize::MAX as usize && col_stride <= isize::MAX as usize,
                "matrix view {rows}x{cols} at offset {offset} with strides ({row_stride}, {col_stride}) \
                 exceeds a buffer of {len} elements"
            );
        }
        layout
    }

    fn index(&self, i: usize, j: usize) -> usize {
        assert!(i < self.rows && j < self.cols, "index ({i}, {j}) out of a {}x{} matrix", self.rows, self.cols);
        self.offset + i * self.row_stride + j * self.col_stride
    }

    /// True if no two elements share an index: the matrix is empty, or along
    /// each dimension longer than 1 the stride is non-zero, and the larger stride steps over a
    /// whole run of the smaller one.
    fn is_non_overlapping(&self) -> bool {
        let (r, c) = ((self.row_stride, self.rows), (self.col_stride, self.cols));
        if r.1 == 0 || c.1 == 0 {
            return true;
        }
        match (r.1 > 1, c.1 > 1) {
            (false, false) => true,
            (true, false) => r.0 > 0,
            (false, true) => c.0 > 0,
            (true, true) => {
                let ((s0, n0), (s1, _)) = if r.0 <= c.0 { (r, c) } else { (c, r) };
                s0 > 0 && s1 >= s0.saturating_mul(n0)
            }
        }
    }
}

impl<'a, T: Copy> MatRef<'a, T> {
    /// A view of `rows x cols` elements of `data` starting at `offset`.
    ///
    /// Panics if an element falls outside `data`.
    pub fn new(data: &'a [T], offset: usize, rows: usize, cols: usize, row_stride: usize, col_stride: usize) -> Self {
        let layout = Layout::checked(offset, rows, cols, row_stride, col_stride, data.len());
        MatRef { data, layout }
    }

    /// A contiguous row-major `rows x cols` matrix at the start of `data`.
    pub fn row_major(data: &'a [T], rows: usize, cols: usize) -> Self {
        Self::new(data, 0, rows, cols, cols, 1)
    }

    /// The transposed view (no copy).
    pub fn t(&self) -> Self {
        let l = self.layout;
        let layout = Layout { rows: l.cols, cols: l.rows, row_stride: l.col_stride, col_stride: l.row_stride, ..l };
        MatRef { data: self.data, layout }
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.layout.rows, self.layout.cols)
    }

    /// Element `(i, j)`; panics outside the shape.
    pub fn get(&self, i: usize, j: usize) -> T {
        self.data[self.layout.index(i, j)]
    }

    pub(super) fn strides(&self) -> (isize, isize) {
        (self.layout.row_stride as isize, self.layout.col_stride as isize)
    }

    /// `(row_stride, col_stride)` in elements.
    pub(super) fn ustrides(&self) -> (usize, usize) {
        (self.layout.row_stride, self.layout.col_stride)
    }

    /// The whole slice the view lies in.
    pub(super) fn data(&self) -> &'a [T] {
        self.data
    }

    /// Index of element (0, 0) in [`MatRef::data`].
    pub(super) fn offset(&self) -> usize {
        self.layout.offset
    }

    /// Rows `start..start + len` (or, with `by_cols`, those columns) as a view.
    pub(super) fn part(&self, by_cols: bool, start: usize, len: usize) -> Self {
        let mut layout = self.layout;
        if by_cols {
            assert!(start + len <= layout.cols, "columns {start}..{} of {}", start + len, layout.cols);
            layout.offset += start * layout.col_stride;
            layout.cols = len;
        } else {
            assert!(start + len <= layout.rows, "rows {start}..{} of {}", start + len, layout.rows);
            layout.offset += start * layout.row_stride;
            layout.rows = len;
        }
        MatRef { data: self.data, layout }
    }

    /// Pointer to element (0, 0); only meaningful for a non-empty shape.
    pub(super) fn as_ptr(&self) -> *const T {
        self.data[self.layout.offset..].as_ptr()
    }
}

impl<'a, T: Copy> MatMut<'a, T> {
    /// A writable view of `rows x cols` elements of `data` at `offset`.
    ///
    /// Panics if an element falls outside `data` or two elements overlap.
    pub fn new(
        data: &'a mut [T],
        offset: usize,
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> Self {
        let len = data.len();
        // SAFETY: `MaybeUninit<T>` has `T`'s layout, and a view only ever stores
        // initialised values (`set`, `fill`, and the products, which write `T`s), so `data`
        // still holds valid `T`s when the borrow ends.
        let data = unsafe { &mut *(data as *mut [T] as *mut [MaybeUninit<T>]) };
        Self::checked(data, offset, rows, cols, row_stride, col_stride, len, true)
    }

    /// A contiguous row-major `rows x cols` view of a buffer whose elements are not written
    /// yet: only a product that overwrites it (`accumulate == false`) may take it.
    pub(crate) fn uninit(data: &'a mut [MaybeUninit<T>], rows: usize, cols: usize) -> Self {
        let len = data.len();
        Self::checked(data, 0, rows, cols, cols, 1, len, false)
    }

    #[allow(clippy::too_many_arguments)]
    fn checked(
        data: &'a mut [MaybeUninit<T>],
        offset: usize,
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
        len: usize,
        init: bool,
    ) -> Self {
        let layout = Layout::checked(offset, rows, cols, row_stride, col_stride, len);
        assert!(
            layout.is_non_overlapping(),
            "output matrix {rows}x{cols} with strides ({row_stride}, {col_stride}) has overlapping elements"
        );
        MatMut { data, layout, init }
    }

    /// Whether the elements hold values (false for [`MatMut::uninit`] views).
    pub(super) fn is_init(&self) -> bool {
        self.init
    }

    /// A contiguous row-major `rows x cols` matrix at the start of `data`.
    pub fn row_major(data: &'a mut [T], rows: usize, cols: usize) -> Self {
        Self::new(data, 0, rows, cols, cols, 1)
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.layout.rows, self.layout.cols)
    }

    /// The transposed view of the same elements (no copy).
    pub(super) fn t(&mut self) -> MatMut<'_, T> {
        let l = self.layout;
        let layout = Layout { rows: l.cols, cols: l.rows, row_stride: l.col_stride, col_stride: l.row_stride, ..l };
        MatMut { data: self.data, layout, init: self.init }
    }

    /// Element `(i, j)`; panics outside the shape, or on a view of unwritten elements.
    pub fn get(&self, i: usize, j: usize) -> T {
        assert!(self.init, "MatMut::get: the output's elements are not written yet");
        // SAFETY: `init` views hold initialised values only (see `new`).
        unsafe { self.data[self.layout.index(i, j)].assume_init() }
    }

    /// Sets element `(i, j)`; panics outside the shape.
    pub fn set(&mut self, i: usize, j: usize, v: T) {
        let at = self.layout.index(i, j);
        self.data[at] = MaybeUninit::new(v);
    }

    /// Sets every element to `v`.
    pub fn fill(&mut self, v: T) {
        for i in 0..self.layout.rows {
            for j in 0..self.layout.cols {
                self.set(i, j, v);
            }
        }
        self.init = true;
    }

    pub(super) fn strides(&self) -> (isize, isize) {
        (self.layout.row_stride as isize, self.layout.col_stride as isize)
    }

    /// Splits the matrix before row `at` (or, with `by_cols`, column `at`) into two views
    /// over disjoint parts of the slice; `None` unless that dimension is the outer one (its
    /// stride steps over a whole run of the other), which is what makes the parts disjoint.
    pub(super) fn split(&mut self, by_cols: bool, at: usize) -> Option<(MatMut<'_, T>, MatMut<'_, T>)> {
        let l = self.layout;
        let (len, outer, inner_len, inner) = if by_cols {
            (l.cols, l.col_stride, l.rows, l.row_stride)
        } else {
            (l.rows, l.row_stride, l.cols, l.col_stride)
        };
        if at == 0 || at >= len || inner_len == 0 || (inner_len - 1) * inner > outer.saturating_sub(1) {
            return None;
        }
        let (head, tail) = self.data.split_at_mut(l.offset + at * outer);
        let (head, tail): (&mut [MaybeUninit<T>], &mut [MaybeUninit<T>]) = (head, tail);
        let (mut first, mut second) = (l, l);
        second.offset = 0;
        if by_cols {
            (first.cols, second.cols) = (at, len - at);
        } else {
            (first.rows, second.rows) = (at, len - at);
        }
        let init = self.init;
        Some((MatMut { data: head, layout: first, init }, MatMut { data: tail, layout: second, init }))
    }

    /// Column `j` as one slice when its elements are adjacent (row stride 1, or one row);
    /// `None` otherwise. Panics if `j` is outside the shape.
    pub(super) fn contiguous_column(&mut self, j: usize) -> Option<&mut [MaybeUninit<T>]> {
        let l = self.layout;
        assert!(j < l.cols, "MatMut::contiguous_column: column {j} of {}", l.cols);
        if l.rows == 0 {
            return Some(&mut []);
        }
        if l.row_stride != 1 && l.rows > 1 {
            return None;
        }
        let start = l.index(0, j);
        Some(&mut self.data[start..start + l.rows])
    }

    /// Pointer to element (0, 0); only meaningful for a non-empty shape.
    pub(super) fn as_mut_ptr(&mut self) -> *mut T {
        self.data[self.layout.offset..].as_mut_ptr().cast()
    }
}
