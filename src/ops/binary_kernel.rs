//! Elementwise kernels shared by the unary and binary ops: contiguous fast paths that the
//! compiler vectorises, a strided fallback, and rayon above PyTorch's grain size.

use crate::backend::cpu::strided::{broadcast_strides, walk};
use crate::backend::cpu::transpose::transposed_vec;
use crate::{AlignedVec, Element, Tensor};
use rayon::prelude::*;
use std::mem::MaybeUninit;

/// PyTorch's `at::internal::GRAIN_SIZE`: below it, ops run on the calling thread.
pub(crate) const GRAIN_SIZE: usize = 32768;

/// Writes `f(x)` of each element of `src` into `out` (of equal length), in parallel chunks of
/// half a grain when there is enough work.
fn par_fill<T: Element, U: Element>(out: &mut [MaybeUninit<U>], src: &[T], f: impl Fn(T) -> U + Sync) {
    let fill = |out: &mut [MaybeUninit<U>], src: &[T]| {
        for (o, &x) in out.iter_mut().zip(src) {
            o.write(f(x));
        }
    };
    if src.len() >= GRAIN_SIZE && crate::get_num_threads() > 1 {
        crate::threads::install(|| {
            out.par_chunks_mut(GRAIN_SIZE / 2).zip(src.par_chunks(GRAIN_SIZE / 2)).for_each(|(o, s)| fill(o, s))
        })
    } else {
        fill(out, src)
    }
}

fn par_map<T: Element, U: Element>(src: &[T], f: impl Fn(T) -> U + Sync) -> AlignedVec<U> {
    // SAFETY: `par_fill` writes every slot, one per element of `src`.
    unsafe { AlignedVec::from_fill(src.len(), |out| par_fill(out, src, f)) }
}

/// `f(x)` for every element of `a` (dtype `T`), into a new contiguous tensor.
pub(crate) fn unary_map<T: Element, U: Element>(a: &Tensor, f: impl Fn(T) -> U + Sync) -> Tensor {
    let out = a.with_slice(|data: &[T], l| {
        if l.is_contiguous() {
            par_map(&data[l.offset..l.offset + l.numel()], f)
        } else if l.dim() == 2 && l.strides[0] == 1 && l.strides[1] > 1 {
            // A transposed matrix.
            let (rows, cols) = (l.shape[0], l.shape[1]);
            AlignedVec::from(transposed_vec(data, l.offset, rows, cols, l.strides[1], f, crate::get_num_threads()))
        } else {
            let mut out = AlignedVec::with_capacity(l.numel());
            walk(&l.shape, [&l.strides], [l.offset], |[i]| out.push(f(data[i])));
            out
        }
    });
    Tensor::from_buffer(U::into_buffer(out), a.shape())
}

/// Whether every element of `t` is the same storage element.
#[inline]
fn is_splat(t: &Tensor) -> bool {
    t.numel() >= 1 && t.stride().iter().zip(t.shape()).all(|(&s, &n)| s == 0 || n == 1)
}

/// `f(x, y)` over `a` and `b` (both dtype `T`) broadcast to `shape`.
pub(crate) fn binary_map<T: Element, U: Element>(
    a: &Tensor,
    b: &Tensor,
    shape: &[usize],
    f: impl Fn(T, T) -> U + Sync,
) -> Tensor {
    // A broadcast scalar (one element, or a view whose strides are all 0, as gradients of
    // sums are) is read once instead of walked.
    if is_splat(b) && a.shape() == shape {
        let y = b.with_slice(|d: &[T], l| d[l.offset]);
        return unary_map(a, |x| f(x, y));
    }
    if is_splat(a) && b.shape() == shape {
        let x = a.with_slice(|d: &[T], l| d[l.offset]);
        return unary_map(b, |y| f(x, y));
    }
    let out = a.with_slice(|da: &[T], la| {
        b.with_slice(|db: &[T], lb| {
            if la.is_contiguous() && lb.is_contiguous() && la.shape.as_slice() == shape && lb.shape.as_slice() == shape
            {
                let n = la.numel();
                let (xa, xb) = (&da[la.offset..la.offset + n], &db[lb.offset..lb.offset + n]);
                if n >= GRAIN_SIZE && crate::get_num_threads() > 1 {
                    let fill = |out: &mut [MaybeUninit<U>]| {
                        crate::threads::install(|| {
                            let half = GRAIN_SIZE / 2;
                            out.par_chunks_mut(half).zip(xa.par_chunks(half)).zip(xb.par_chunks(half)).for_each(
                                |((o, a), b)| {
                                    for ((o, &x), &y) in o.iter_mut().zip(a).zip(b) {
                                        o.write(f(x, y));
                                    }
                                },
                            )
                        })
                    };
                    // SAFETY: the chunks cover all `n` slots and each is written.
                    unsafe { AlignedVec::from_fill(n, fill) }
                } else {
                    AlignedVec::from_zip_map(xa, xb, f)
                }
            } else {
                let sa = broadcast_strides(&la.shape, &la.strides, shape);
                let sb = broadcast_strides(&lb.shape, &lb.strides, shape);
                let mut out = AlignedVec::with_capacity(shape.iter().product());
                walk(shape, [&sa, &sb], [la.offset, lb.offset], |[i, j]| out.push(f(da[i], db[j])));
                out
            }
        })
    });
    Tensor::from_buffer(U::into_buffer(out), shape)
}

/// `a[i] = f(a[i], b[j])` in place, with `b` (dtype `T`) broadcast to `a`'s shape. The
/// caller guarantees `b` does not share `a`'s storage.
pub(crate) fn binary_inplace<T: Element>(a: &Tensor, b: &Tensor, f: impl Fn(T, T) -> T) {
    if a.numel() == 0 {
        // An empty view may sit at an offset past the end of an empty storage.
        return;
    }
    let lb = b.layout().clone();
    let guard_b = b.0.storage.read();
    let db: &[T] = T::slice(&guard_b);
    let la = &a.0.layout;
    let mut guard_a = a.0.storage.write();
    let da: &mut [T] = T::slice_mut(&mut guard_a);
    if is_splat(b) {
        let y = db[lb.offset];
        if la.is_contiguous() {
            da[la.offset..la.offset + la.numel()].iter_mut().for_each(|x| *x = f(*x, y));
        } else {
            walk(&la.shape, [&la.strides], [la.offset], |[i]| da[i] = f(da[i], y));
        }
    } else if la.is_contiguous() && lb.is_contiguous() && la.shape == lb.shape {
        let n = la.numel();
        da[la.offset..la.offset + n].iter_mut().zip(&db[lb.offset..lb.offset + n]).for_each(|(x, &y)| *x = f(*x, y));
    } else {
        let sb = broadcast_strides(&lb.shape, &lb.strides, &la.shape);
        walk(&la.shape, [&la.strides, &sb], [la.offset, lb.offset], |[i, j]| da[i] = f(da[i], db[j]));
    }
    drop(guard_a);
    a.0.storage.bump_version();
}

/// `a[i] = f(a[i])` in place.
pub(crate) fn unary_inplace<T: Element>(a: &Tensor, f: impl Fn(T) -> T) {
    let la = &a.0.layout;
    {
        let mut guard = a.0.storage.write();
        let da: &mut [T] = T::slice_mut(&mut guard);
        if la.is_contiguous() {
            da[la.offset..la.offset + la.numel()].iter_mut().for_each(|x| *x = f(*x));
        } else {
            walk(&la.shape, [&la.strides], [la.offset], |[i]| da[i] = f(da[i]));
        }
    }
    a.0.storage.bump_version();
}
