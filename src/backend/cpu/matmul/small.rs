//! Small products in PyTorch's order: each output is `((a0*b0 + a1*b1) + a2*b2) + ...`, one
//! rounding per multiply and per add, in `k` order, then added to `dst` when accumulating.
//!
//! PyTorch's CPU matmul gives exactly these sums for the thin shapes of a `Linear(3, 1)` layer
//! (forward `[2000, 3] @ [3, 1]`, weight gradient `[1, 2000] @ [2000, 3]`), checked bit for bit
//! against torch 2.15 for seeds 0, 1 and 42. Matching them keeps the seed's stage 3 and 4
//! trajectories on PyTorch's, where RMSprop amplifies any last-bit difference. For products
//! this small the plain loop is also faster than packing panels for `gemm`.

use super::{GemmElem, MatMut, MatRef};

/// Work (`m * n * k`) up to which [`small_matmul`] is used instead of `gemm`.
pub const SMALL_THRESHOLD: usize = 8192;

/// `dst = lhs @ rhs` (or `dst += ...`) with sequential, unfused sums; shapes already checked.
pub(super) fn small_matmul<T: GemmElem>(
    dst: &mut MatMut<'_, T>,
    lhs: &MatRef<'_, T>,
    rhs: &MatRef<'_, T>,
    accumulate: bool,
) {
    let (m, k) = lhs.shape();
    let n = rhs.shape().1;
    let (a, ao, (ars, acs)) = (lhs.data(), lhs.offset(), lhs.ustrides());
    let (b, bo, (brs, bcs)) = (rhs.data(), rhs.offset(), rhs.ustrides());
    for i in 0..m {
        let ai = ao + i * ars;
        for j in 0..n {
            let bj = bo + j * bcs;
            let mut acc = a[ai] * b[bj];
            for p in 1..k {
                acc = acc + a[ai + p * acs] * b[bj + p * brs];
            }
            let v = if accumulate { dst.get(i, j) + acc } else { acc };
            dst.set(i, j, v);
        }
    }
}
