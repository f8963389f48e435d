//! [`AlignedVec`]: the element buffer of a storage, 64-byte aligned when torchlight allocates
//! it (see [`super::block_cache`] for why).

use super::block_cache::{self, ALIGN};
use std::mem::{size_of, MaybeUninit};
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// Who frees the allocation.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Owner {
    /// Nothing allocated (capacity 0).
    None,
    /// A block of this many bytes from the block cache.
    Block(usize),
    /// The allocation of a `Vec<T>` taken over without copying (user data, kernels that
    /// still build a `Vec`); it is only as aligned as the global allocator made it.
    Vec,
}

/// A growable buffer of plain elements (`bool`, integers, floats): a `Vec<T>` whose own
/// allocations are aligned to 64 bytes and recycled through a per-thread cache. Element
/// types are not zero-sized.
///
/// ```
/// use torchlight::AlignedVec;
/// let mut v = AlignedVec::with_capacity(3);
/// v.push(1.0f32);
/// v.extend_from_slice(&[2.0, 3.0]);
/// assert_eq!(&v[..], &[1.0, 2.0, 3.0]);
/// assert_eq!(v.as_ptr() as usize % 64, 0);
/// ```
pub struct AlignedVec<T: Copy> {
    ptr: NonNull<T>,
    len: usize,
    cap: usize,
    owner: Owner,
}

// SAFETY: an AlignedVec owns its elements like a Vec<T> does.
unsafe impl<T: Copy + Send> Send for AlignedVec<T> {}
// SAFETY: shared access only hands out `&[T]`.
unsafe impl<T: Copy + Sync> Sync for AlignedVec<T> {}

impl<T: Copy> AlignedVec<T> {
    /// An empty buffer.
    ///
    /// ```
    /// assert!(torchlight::AlignedVec::<f32>::new().is_empty());
    /// ```
    pub fn new() -> Self {
        AlignedVec { ptr: NonNull::dangling(), len: 0, cap: 0, owner: Owner::None }
    }

    /// An empty buffer with room for `cap` elements, 64-byte aligned.
    ///
    /// ```
    /// let v = torchlight::AlignedVec::<f64>::with_capacity(10);
    /// assert!(v.capacity() >= 10);
    /// ```
    pub fn with_capacity(cap: usize) -> Self {
        assert!(size_of::<T>() > 0, "AlignedVec holds sized elements only");
        let bytes = cap.checked_mul(size_of::<T>()).expect("tensor buffer size overflows usize");
        if bytes == 0 {
            return AlignedVec::new();
        }
        let bytes = block_cache::block_size(bytes);
        let ptr = block_cache::allocate(bytes).cast::<T>();
        AlignedVec { ptr, len: 0, cap: bytes / size_of::<T>(), owner: Owner::Block(bytes) }
    }

    /// `len` elements written by `fill`, which must initialise every slot it is given.
    ///
    /// # Safety
    /// `fill` must write all `len` slots; the buffer then reads them as initialised.
    pub(crate) unsafe fn from_fill(len: usize, fill: impl FnOnce(&mut [MaybeUninit<T>])) -> Self {
        let mut v = AlignedVec::with_capacity(len);
        fill(&mut v.spare_capacity_mut()[..len]);
        // SAFETY: the caller guarantees `fill` initialised the first `len` slots.
        unsafe { v.set_len(len) };
        v
    }

    /// `n` copies of `value`.
    ///
    /// ```
    /// assert_eq!(&torchlight::AlignedVec::from_elem(0i64, 3)[..], &[0, 0, 0]);
    /// ```
    pub fn from_elem(value: T, n: usize) -> Self {
        // SAFETY: `fill` writes every slot.
        unsafe { AlignedVec::from_fill(n, |out| out.fill(MaybeUninit::new(value))) }
    }

    /// A copy of `src`.
    ///
    /// ```
    /// assert_eq!(&torchlight::AlignedVec::from_slice(&[1.0f32, 2.0])[..], &[1.0, 2.0]);
    /// ```
    pub fn from_slice(src: &[T]) -> Self {
        let mut v = AlignedVec::with_capacity(src.len());
        v.extend_from_slice(src);
        v
    }

    /// `f(x, y)` for each pair of elements of two slices of equal length.
    pub(crate) fn from_zip_map<A: Copy, B: Copy>(a: &[A], b: &[B], f: impl Fn(A, B) -> T) -> Self {
        assert_eq!(a.len(), b.len(), "from_zip_map: lengths {} and {}", a.len(), b.len());
        // SAFETY: the zip writes every one of the `a.len()` slots.
        unsafe {
            AlignedVec::from_fill(a.len(), |out| {
                for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
                    o.write(f(x, y));
                }
            })
        }
    }

    /// The number of elements.
    ///
    /// ```
    /// assert_eq!(torchlight::AlignedVec::from(vec![1i64, 2]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no element.
    ///
    /// ```
    /// assert!(torchlight::AlignedVec::<bool>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Elements it can hold without reallocating.
    ///
    /// ```
    /// assert_eq!(torchlight::AlignedVec::<f32>::new().capacity(), 0);
    /// ```
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// The unused capacity, to be written before [`AlignedVec::set_len`].
    ///
    /// ```
    /// let mut v = torchlight::AlignedVec::<f32>::with_capacity(2);
    /// v.spare_capacity_mut()[0].write(5.0);
    /// unsafe { v.set_len(1) };
    /// assert_eq!(&v[..], &[5.0]);
    /// ```
    pub fn spare_capacity_mut(&mut self) -> &mut [MaybeUninit<T>] {
        // SAFETY: the allocation holds `cap` slots; those past `len` are not aliased.
        unsafe {
            std::slice::from_raw_parts_mut(
                self.ptr.as_ptr().add(self.len).cast::<MaybeUninit<T>>(),
                self.cap - self.len,
            )
        }
    }

    /// Sets the length.
    ///
    /// # Safety
    /// `len` must not exceed the capacity and the first `len` elements must be initialised.
    ///
    /// ```
    /// let mut v = torchlight::AlignedVec::from(vec![1u8, 2]);
    /// unsafe { v.set_len(1) };
    /// assert_eq!(&v[..], &[1]);
    /// ```
    pub unsafe fn set_len(&mut self, len: usize) {
        debug_assert!(len <= self.capacity());
        self.len = len;
    }

    /// Makes room for at least `additional` more elements.
    fn reserve(&mut self, additional: usize) {
        let needed = self.len.checked_add(additional).expect("tensor buffer size overflows usize");
        if needed <= self.capacity() {
            return;
        }
        let mut grown = AlignedVec::with_capacity(needed.max(self.cap * 2).max(8));
        grown.spare_capacity_mut()[..self.len].copy_from_slice(as_uninit(self));
        // SAFETY: the first `len` elements were just copied.
        unsafe { grown.set_len(self.len) };
        *self = grown;
    }

    /// Appends one element.
    ///
    /// ```
    /// let mut v = torchlight::AlignedVec::new();
    /// v.push(true);
    /// assert_eq!(&v[..], &[true]);
    /// ```
    pub fn push(&mut self, value: T) {
        if self.len == self.capacity() {
            self.reserve(1);
        }
        self.spare_capacity_mut()[0].write(value);
        self.len += 1;
    }

    /// Appends a slice.
    ///
    /// ```
    /// let mut v = torchlight::AlignedVec::new();
    /// v.extend_from_slice(&[1.0f64, 2.0]);
    /// assert_eq!(v.len(), 2);
    /// ```
    pub fn extend_from_slice(&mut self, values: &[T]) {
        self.reserve(values.len());
        self.spare_capacity_mut()[..values.len()].copy_from_slice(as_uninit(values));
        self.len += values.len();
    }
}

/// A slice of initialised elements seen as possibly uninitialised slots (for copying).
fn as_uninit<T: Copy>(s: &[T]) -> &[MaybeUninit<T>] {
    // SAFETY: MaybeUninit<T> has T's layout, and reading initialised values through it is sound.
    unsafe { std::slice::from_raw_parts(s.as_ptr().cast(), s.len()) }
}

impl<T: Copy> Drop for AlignedVec<T> {
    fn drop(&mut self) {
        match self.owner {
            Owner::None => {}
            // SAFETY: the block came from `allocate(bytes)` and is not used again.
            Owner::Block(bytes) => unsafe { block_cache::release(self.ptr.cast(), bytes) },
            // SAFETY: pointer, length and capacity are those of the Vec taken over.
            Owner::Vec => drop(unsafe { Vec::from_raw_parts(self.ptr.as_ptr(), self.len, self.cap) }),
        }
    }
}

impl<T: Copy> From<Vec<T>> for AlignedVec<T> {
    /// Takes the vector's allocation over, without copying.
    fn from(v: Vec<T>) -> Self {
        let mut v = std::mem::ManuallyDrop::new(v);
        let (len, cap) = (v.len(), v.capacity());
        // A Vec's pointer is never null (dangling when nothing is allocated).
        let ptr = NonNull::new(v.as_mut_ptr()).expect("Vec pointers are non-null");
        let owner = if cap == 0 { Owner::None } else { Owner::Vec };
        AlignedVec { ptr, len, cap, owner }
    }
}

impl<T: Copy> Deref for AlignedVec<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: the first `len` elements are initialised.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy> DerefMut for AlignedVec<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: the first `len` elements are initialised and uniquely borrowed.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy> Clone for AlignedVec<T> {
    fn clone(&self) -> Self {
        let mut v = AlignedVec::with_capacity(self.len);
        v.extend_from_slice(self);
        v
    }
}

impl<T: Copy> Default for AlignedVec<T> {
    fn default() -> Self {
        AlignedVec::new()
    }
}

impl<T: Copy + PartialEq> PartialEq for AlignedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self[..] == other[..]
    }
}

impl<T: Copy + PartialEq> PartialEq<Vec<T>> for AlignedVec<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self[..] == other[..]
    }
}

impl<T: Copy + std::fmt::Debug> std::fmt::Debug for AlignedVec<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

const _: () = assert!(ALIGN >= 64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_keeps_elements_and_alignment() {
        let mut v = AlignedVec::new();
        for i in 0..1000i64 {
            v.push(i);
        }
        assert_eq!(v.len(), 1000);
        assert!(v.iter().copied().eq(0..1000));
        assert_eq!(v.as_ptr() as usize % ALIGN, 0);
        let c = v.clone();
        assert_eq!(&c[..], &v[..]);
        assert_eq!(c.as_ptr() as usize % ALIGN, 0);
    }

    #[test]
    fn adopted_vectors_are_not_copied_and_grow_aligned() {
        let data = vec![1.0f32, 2.0, 3.0];
        let ptr = data.as_ptr();
        let mut v = AlignedVec::from(data);
        assert_eq!(v.as_ptr(), ptr);
        v.extend_from_slice(&[4.0; 100]);
        assert_eq!(v.len(), 103);
        assert_eq!(&v[..4], &[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(v.as_ptr() as usize % ALIGN, 0);
        assert!(AlignedVec::from(Vec::<f64>::new()).is_empty());
    }

    #[test]
    fn maps_fill_every_element() {
        let a = [1.0f32, 2.0, 3.0];
        assert_eq!(&AlignedVec::from_elem(2.0f32, 3)[..], &[2.0, 2.0, 2.0]);
        assert_eq!(&AlignedVec::from_zip_map(&a, &a, |x, y| x + y)[..], &[2.0, 4.0, 6.0]);
        assert!(AlignedVec::from_zip_map(&[] as &[f32], &[] as &[f32], |x: f32, y: f32| x + y).is_empty());
    }
}
