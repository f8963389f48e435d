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
///
/// Each output's sum runs over `k` in order, but the `n` sums of one output row advance
/// together (`p` outer, `j` inner), so their dependency chains overlap in the pipeline
/// instead of waiting on one another.
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
    // SAFETY (every `get_unchecked` below): `MatRef` checked at construction that the index
    // `offset + i * row_stride + p * col_stride` of every element of its shape lies inside its
    // slice, and the loops only visit `i < m`, `p < k`, `j < n`, the shapes checked by the caller.
    let at = |d: &[T], idx: usize| unsafe { *d.get_unchecked(idx) };
    if m == 1 && n > 1 {
        // A row times a matrix is the column case transposed: each output has the same terms
        // in the same order (`x * y == y * x` exactly), and the column kernels keep several
        // sums in registers. (A weight gradient `[1, 2000] @ [2000, 3]` took 4x longer in the
        // general loop below.)
        small_matmul(&mut dst.t(), &rhs.t(), &lhs.t(), accumulate);
        return;
    }
    if n == 1 {
        // One sum per row, several rows advancing together so that their chains overlap.
        if m <= 4 {
            column_block::<T, 4>(dst, lhs, rhs, accumulate);
        } else if m <= 32 {
            column_block::<T, 8>(dst, lhs, rhs, accumulate);
        } else {
            let k = lhs.shape().1;
            match (k, lhs.ustrides() == (k, 1)) {
                (1, true) => dense_rows::<T, 1>(dst, lhs, rhs, accumulate),
                (2, true) => dense_rows::<T, 2>(dst, lhs, rhs, accumulate),
                (3, true) => dense_rows::<T, 3>(dst, lhs, rhs, accumulate),
                (4, true) => dense_rows::<T, 4>(dst, lhs, rhs, accumulate),
                _ => column_sweep(dst, lhs, rhs, accumulate),
            }
        }
        return;
    }
    let mut acc = vec![T::ZERO; n];
    for i in 0..m {
        let ai = ao + i * ars;
        let a0 = at(a, ai);
        for (j, s) in acc.iter_mut().enumerate() {
            *s = a0 * at(b, bo + j * bcs);
        }
        for p in 1..k {
            let (ap, bp) = (at(a, ai + p * acs), bo + p * brs);
            for (j, s) in acc.iter_mut().enumerate() {
                *s = *s + ap * at(b, bp + j * bcs);
            }
        }
        for (j, &s) in acc.iter().enumerate() {
            let v = if accumulate { dst.get(i, j) + s } else { s };
            dst.set(i, j, v);
        }
    }
}

/// The `n == 1` case: `ROWS` rows at a time in a fixed-size block that the compiler keeps in
/// registers. A last, partial block repeats its final row in the unused lanes and writes
/// only the real rows.
fn column_block<T: GemmElem, const ROWS: usize>(
    dst: &mut MatMut<'_, T>,
    lhs: &MatRef<'_, T>,
    rhs: &MatRef<'_, T>,
    accumulate: bool,
) {
    let (m, k) = lhs.shape();
    let (a, ao, (ars, acs)) = (lhs.data(), lhs.offset(), lhs.ustrides());
    let (b, bo, brs) = (rhs.data(), rhs.offset(), rhs.ustrides().0);
    // SAFETY: as in `small_matmul`: rows `< m` and `p < k` index inside the checked views.
    let at = |d: &[T], idx: usize| unsafe { *d.get_unchecked(idx) };
    for i0 in (0..m).step_by(ROWS) {
        let rows = ROWS.min(m - i0);
        let base: [usize; ROWS] = std::array::from_fn(|r| ao + (i0 + r.min(rows - 1)) * ars);
        let b0 = at(b, bo);
        let mut acc: [T; ROWS] = std::array::from_fn(|r| at(a, base[r]) * b0);
        for p in 1..k {
            let (bp, off) = (at(b, bo + p * brs), p * acs);
            for r in 0..ROWS {
                acc[r] = acc[r] + at(a, base[r] + off) * bp;
            }
        }
        for (r, &s) in acc[..rows].iter().enumerate() {
            let v = if accumulate { dst.get(i0 + r, 0) + s } else { s };
            dst.set(i0 + r, 0, v);
        }
    }
}

/// The `n == 1` case for a row-major `lhs` of `K` columns (a `Linear(K, 1)` layer's input
/// times its weights): each row's whole sum in registers, the rows read as `K`-element chunks
/// of one slice, which the compiler vectorises across rows with interleaved loads. (The
/// column sweep below stored and reloaded every partial sum and read `lhs` with a stride:
/// 4 us for `[2000, 3] @ [3, 1]`.)
fn dense_rows<T: GemmElem, const K: usize>(
    dst: &mut MatMut<'_, T>,
    lhs: &MatRef<'_, T>,
    rhs: &MatRef<'_, T>,
    accumulate: bool,
) {
    const BLOCK: usize = 64;
    let m = lhs.shape().0;
    let ao = lhs.offset();
    // `MatRef` checked that every element of its `m x K` shape (row stride K, column stride 1)
    // lies inside its slice, so these are the rows, back to back.
    let rows = &lhs.data()[ao..ao + m * K];
    let b: [T; K] = std::array::from_fn(|p| rhs.get(p, 0));
    let row_sum = |row: &[T]| {
        let mut acc = row[0] * b[0];
        for p in 1..K {
            acc = acc + row[p] * b[p];
        }
        acc
    };
    assert!(!accumulate || dst.is_init(), "small_matmul: accumulating into unwritten elements");
    if let Some(col) = dst.contiguous_column(0) {
        // An output column of adjacent elements (the usual `[m, 1]` result) is written in
        // the same vectorised loop.
        for (o, row) in col.iter_mut().zip(rows.chunks_exact(K)) {
            // SAFETY: accumulation only happens into written elements (asserted above).
            let v = if accumulate { (unsafe { o.assume_init() }) + row_sum(row) } else { row_sum(row) };
            o.write(v);
        }
        return;
    }
    let mut sums = [T::ZERO; BLOCK];
    for (blk, chunk) in rows.chunks(BLOCK * K).enumerate() {
        for (s, row) in sums.iter_mut().zip(chunk.chunks_exact(K)) {
            *s = row_sum(row);
        }
        for (r, &s) in sums[..chunk.len() / K].iter().enumerate() {
            let i = blk * BLOCK + r;
            let v = if accumulate { dst.get(i, 0) + s } else { s };
            dst.set(i, 0, v);
        }
    }
}

/// The `n == 1` case for many rows: all `m` sums advance one term per sweep over the rows, so
/// each sweep is an independent, vectorisable loop (`k` is small whenever `m` is large here).
fn column_sweep<T: GemmElem>(dst: &mut MatMut<'_, T>, lhs: &MatRef<'_, T>, rhs: &MatRef<'_, T>, accumulate: bool) {
    let (m, k) = lhs.shape();
    let (a, ao, (ars, acs)) = (lhs.data(), lhs.offset(), lhs.ustrides());
    let (b, bo, brs) = (rhs.data(), rhs.offset(), rhs.ustrides().0);
    // SAFETY: as in `small_matmul`: rows `< m` and `p < k` index inside the checked views.
    let at = |d: &[T], idx: usize| unsafe { *d.get_unchecked(idx) };
    let b0 = at(b, bo);
    let mut acc: Vec<T> = (0..m).map(|i| at(a, ao + i * ars) * b0).collect();
    for p in 1..k {
        let (bp, off) = (at(b, bo + p * brs), ao + p * acs);
        for (i, s) in acc.iter_mut().enumerate() {
            *s = *s + at(a, off + i * ars) * bp;
        }
    }
    for (i, &s) in acc.iter().enumerate() {
        let v = if accumulate { dst.get(i, 0) + s } else { s };
        dst.set(i, 0, v);
    }
}
