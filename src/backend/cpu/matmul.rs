//! Matrix multiply over strided slices: the `gemm` crate for f32/f64, plain
//! loops for i64 (torch multiplies integer matrices on CPU too).
//!
//! Operands are [`MatRef`]/[`MatMut`] views: a slice, an offset and element
//! strides, so transposed or sliced tensors are multiplied without copies.
//! A view checks when it is made that every element it names lies inside its
//! slice, which is what makes handing its pointer to `gemm` sound.

mod small;
#[cfg(test)]
mod tests;
mod view;

pub use small::SMALL_THRESHOLD;

pub use view::{MatMut, MatRef};

use super::transpose::transposed_vec;
use gemm::Parallelism;

/// Work (`m * n * k` multiply-adds) from which [`gemm_strided`] uses more than one thread;
/// smaller products run on the calling thread.
///
/// From here on the product is split in two halves along dst's outer dimension, each
/// computed single-threaded on its own thread (and split again with more than two threads).
/// Measured on the 2-core AVX-512 machine, this beats `gemm`'s own threading at every size:
/// its threads meet at a barrier for every block of the product, and the idle one sleeps in
/// between. At n = 1024, 216 against 200 GFLOPS; inside the W3 training step, where each
/// product starts cold, 14 against 16 ms of products per step. Below the threshold one
/// thread is faster than two: at n = 96..192 (gemm's own threshold, 48 * 48 * 256, lets
/// it use two there) two threads were 1.5 to 2.3 times slower.
pub const SPLIT_THRESHOLD: usize = 144 * 144 * 144;

/// Float element types `gemm` multiplies: f32 and f64 (sealed: `gemm`
/// supports no others).
pub trait GemmElem:
    sealed::Sealed + Copy + Default + Send + Sync + 'static + std::ops::Add<Output = Self> + std::ops::Mul<Output = Self>
{
    /// Additive identity.
    const ZERO: Self;
    /// Multiplicative identity.
    const ONE: Self;
}

mod sealed {
    /// Implemented for the types `gemm` supports.
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

impl GemmElem for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
}

impl GemmElem for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
}

/// `dst = lhs @ rhs`, or `dst += lhs @ rhs` with `accumulate`.
///
/// Products of at most [`SMALL_THRESHOLD`] multiply-adds are summed in PyTorch's order by a
/// plain loop (see `small.rs`); larger ones go to `gemm`.
///
/// Shapes: `lhs` is `m x k`, `rhs` is `k x n`, `dst` is `m x n`; any of them
/// may be 0 (`k == 0` gives zeros, or leaves `dst` unchanged when
/// accumulating). Without `accumulate` the old contents of `dst` are never
/// read, so NaNs there do not leak into the result. `threads` caps the
/// threads used; products smaller than [`SPLIT_THRESHOLD`] use one.
///
/// Panics if the shapes do not agree.
pub fn gemm_strided<T: GemmElem>(
    dst: &mut MatMut<'_, T>,
    lhs: &MatRef<'_, T>,
    rhs: &MatRef<'_, T>,
    accumulate: bool,
    threads: usize,
) {
    let (m, k, n) = check_shapes(dst.shape(), lhs.shape(), rhs.shape());
    assert!(!accumulate || dst.is_init(), "gemm_strided: cannot accumulate into an output not yet written");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            dst.fill(T::ZERO);
        }
        return;
    }
    let work = m.saturating_mul(n).saturating_mul(k);
    if work <= SMALL_THRESHOLD {
        small::small_matmul(dst, lhs, rhs, accumulate);
        return;
    }
    if work >= SPLIT_THRESHOLD {
        let (drs, dcs) = dst.strides();
        let row_major = dcs.abs() < drs.abs();
        let (l, r) = (restage(lhs, row_major, threads), restage(rhs, row_major, threads));
        if l.is_some() || r.is_some() {
            fn view<'a, T: GemmElem>(v: &'a Option<Vec<T>>, orig: &MatRef<'a, T>, row_major: bool) -> MatRef<'a, T> {
                let (rows, cols) = orig.shape();
                match v {
                    None => *orig,
                    Some(v) if row_major => MatRef::row_major(v, rows, cols),
                    Some(v) => MatRef::new(v, 0, rows, cols, 1, rows),
                }
            }
            return gemm_strided(dst, &view(&l, lhs, row_major), &view(&r, rhs, row_major), accumulate, threads);
        }
    }
    if threads > 1 && work >= SPLIT_THRESHOLD {
        // Split along dst's outer dimension, so that the halves are disjoint runs of memory.
        let (rs, cs) = dst.strides();
        let by_cols = cs > rs;
        let at = if by_cols { n / 2 } else { m / 2 };
        let (len_a, len_b) = (at, if by_cols { n - at } else { m - at });
        let (lhs_a, lhs_b, rhs_a, rhs_b) = if by_cols {
            (*lhs, *lhs, rhs.part(true, 0, len_a), rhs.part(true, at, len_b))
        } else {
            (lhs.part(false, 0, len_a), lhs.part(false, at, len_b), *rhs, *rhs)
        };
        let (threads_a, threads_b) = (threads / 2, threads - threads / 2);
        if let Some((mut a, mut b)) = dst.split(by_cols, at) {
            crate::threads::install(|| {
                rayon::join(
                    || gemm_strided(&mut a, &lhs_a, &rhs_a, accumulate, threads_a),
                    || gemm_strided(&mut b, &lhs_b, &rhs_b, accumulate, threads_b),
                )
            });
            return;
        }
    }
    // An output that cannot be split (its dimensions interleave) uses gemm's own threads.
    let parallelism =
        if threads > 1 && work >= SPLIT_THRESHOLD { Parallelism::Rayon(threads) } else { Parallelism::None };
    let (dst_rs, dst_cs) = dst.strides();
    let (lhs_rs, lhs_cs) = lhs.strides();
    let (rhs_rs, rhs_cs) = rhs.strides();
    // SAFETY: each view checked at construction that every element
    // `offset + i * row_stride + j * col_stride` of its shape lies inside its
    // slice, and the shapes were just checked to agree, so gemm reads and
    // writes only inside the three slices. `dst` is borrowed mutably, so it
    // cannot overlap `lhs` or `rhs`, and `MatMut` rejects layouts in which two
    // of its elements share a location, so parallel writes never collide.
    // `read_dst = accumulate`, alpha = beta = 1: dst = [dst +] lhs * rhs.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            dst_cs,
            dst_rs,
            accumulate,
            lhs.as_ptr(),
            lhs_cs,
            lhs_rs,
            rhs.as_ptr(),
            rhs_cs,
            rhs_rs,
            T::ONE,
            T::ONE,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// Integer `dst = lhs @ rhs` (or `+=` with `accumulate`), wrapping on
/// overflow as torch's integer matmul does. Panics if the shapes disagree.
pub fn matmul_i64(dst: &mut MatMut<'_, i64>, lhs: &MatRef<'_, i64>, rhs: &MatRef<'_, i64>, accumulate: bool) {
    let (m, k, n) = check_shapes(dst.shape(), lhs.shape(), rhs.shape());
    for i in 0..m {
        for j in 0..n {
            let mut acc = if accumulate { dst.get(i, j) } else { 0 };
            for p in 0..k {
                acc = acc.wrapping_add(lhs.get(i, p).wrapping_mul(rhs.get(p, j)));
            }
            dst.set(i, j, acc);
        }
    }
}

/// A copy of `m` laid out as gemm reads it fastest, or `None` when `m` is fine as it is.
///
/// gemm makes the product in the order of dst's contiguous dimension and packs both operands
/// in panels, reading each operand across its strided dimension: many rows (or columns)
/// side by side. When that stride is a multiple of 1 KiB, the rows fall into a few L1 cache
/// sets and the packing runs from L2: `x @ w.t()` with a 1024 x 1024 weight ran at 105
/// GFLOPS instead of 200. For a row-major `dst` (`row_major`), such an operand stored by
/// columns is copied to row-major order, and the other way round, with a transpose that is
/// itself immune to the problem.
fn restage<T: GemmElem>(m: &MatRef<'_, T>, row_major: bool, threads: usize) -> Option<Vec<T>> {
    let aliases = |stride: usize| stride > 1 && (stride * std::mem::size_of::<T>()) % 1024 == 0;
    let (rows, cols) = m.shape();
    let (rs, cs) = m.ustrides();
    // The transpose to make: (its rows, its columns, the source's column stride).
    let (r, c, stride) = if row_major && rs == 1 && aliases(cs) {
        (rows, cols, cs)
    } else if !row_major && cs == 1 && aliases(rs) {
        (cols, rows, rs)
    } else {
        return None;
    };
    let staged = transposed_vec(m.data(), m.offset(), r, c, stride, |x| x, threads);
    Some(staged)
}

/// `(m, k, n)` from the three shapes, or a panic naming them.
fn check_shapes(dst: (usize, usize), lhs: (usize, usize), rhs: (usize, usize)) -> (usize, usize, usize) {
    assert!(
        lhs.1 == rhs.0 && dst == (lhs.0, rhs.1),
        "matmul: shapes {}x{} @ {}x{} cannot be written to {}x{}",
        lhs.0,
        lhs.1,
        rhs.0,
        rhs.1,
        dst.0,
        dst.1
    );
    (lhs.0, lhs.1, rhs.1)
}
