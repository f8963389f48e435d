//! Transposed copies that stay fast when the source stride is a power of two.
//!
//! A matrix whose columns are contiguous (element `(i, j)` at `i + j * col_stride`) is
//! copied into row-major order. Reading one column element per row, as a plain tiled copy
//! does, touches as many cache lines as the tile is wide; when `col_stride` is a multiple
//! of 4 KiB those lines all fall in one L1 set, which holds only 8, so every read misses
//! (a 1024 x 1024 f32 copy took 3 ms instead of 0.6 ms). Here each tile's columns are first
//! copied whole into a small buffer, reading every cache line once, and the rows are then
//! written from that buffer, which sits in L1 at any stride.

/// Tile edge: a 64 x 64 f32 buffer is 16 KiB, half of L1.
const TILE: usize = 64;

/// Writes `f(src[offset + i + j * col_stride])` to `out[i * cols + j]` for every `i < rows`,
/// `j < cols`: the transpose of a column-contiguous matrix, as a row-major one.
///
/// Panics if `out` is not `rows * cols` long or an element lies outside `src`.
///
/// ```ignore
/// // [[1, 2], [3, 4]] stored by columns: 1, 3, 2, 4.
/// let mut out = [0.0; 4];
/// transpose_into(&[1.0, 3.0, 2.0, 4.0], 0, 2, 2, 2, |x| x, &mut out);
/// assert_eq!(out, [1.0, 2.0, 3.0, 4.0]);
/// ```
pub(crate) fn transpose_into<T: Copy + Default, U>(
    src: &[T],
    offset: usize,
    rows: usize,
    cols: usize,
    col_stride: usize,
    f: impl Fn(T) -> U,
    out: &mut [U],
) {
    assert_eq!(out.len(), rows * cols, "transpose_into: output of {} for {rows}x{cols}", out.len());
    if rows == 0 || cols == 0 {
        return;
    }
    assert!(
        offset + (rows - 1) + (cols - 1) * col_stride < src.len(),
        "transpose_into: {rows}x{cols} with column stride {col_stride} at {offset} exceeds {} elements",
        src.len()
    );
    let mut buf = [T::default(); TILE * TILE];
    for i0 in (0..rows).step_by(TILE) {
        let ni = TILE.min(rows - i0);
        for j0 in (0..cols).step_by(TILE) {
            let nj = TILE.min(cols - j0);
            for j in 0..nj {
                let start = offset + i0 + (j0 + j) * col_stride;
                buf[j * TILE..j * TILE + ni].copy_from_slice(&src[start..start + ni]);
            }
            for i in 0..ni {
                let row = &mut out[(i0 + i) * cols + j0..(i0 + i) * cols + j0 + nj];
                for (j, o) in row.iter_mut().enumerate() {
                    *o = f(buf[j * TILE + i]);
                }
            }
        }
    }
}

/// Elements from which [`transposed_vec`] splits the work between threads: below this
/// a transpose takes a few microseconds, less than waking a second thread.
pub(crate) const PARALLEL_MIN: usize = 1 << 16;

/// The transpose of [`transpose_into`] as a new row-major `Vec`, with the output rows split
/// into `threads` bands (whole tiles), each transposed on its own thread: the copy is bound
/// by memory traffic, which two cores sustain at nearly twice the rate of one. One thread, or
/// fewer than [`PARALLEL_MIN`] elements, copies in one pass. Every element is written by the
/// copy, so the buffer is not zero-filled first (for a 1024 x 1024 matrix that fill costs
/// half as much as the transpose itself).
pub(crate) fn transposed_vec<T: Copy + Default + Sync, U: Send>(
    src: &[T],
    offset: usize,
    rows: usize,
    cols: usize,
    col_stride: usize,
    f: impl Fn(T) -> U + Sync,
    threads: usize,
) -> Vec<U> {
    use rayon::prelude::*;
    use std::mem::MaybeUninit;
    let len = rows * cols;
    let mut out: Vec<U> = Vec::with_capacity(len);
    let slots = &mut out.spare_capacity_mut()[..len];
    let f = |x| MaybeUninit::new(f(x));
    if threads <= 1 || len < PARALLEL_MIN || rows < 2 * TILE {
        transpose_into(src, offset, rows, cols, col_stride, f, slots);
    } else {
        let band = rows.div_ceil(threads).div_ceil(TILE) * TILE;
        crate::threads::install(|| {
            slots.par_chunks_mut(band * cols).enumerate().for_each(|(b, part)| {
                transpose_into(src, offset + b * band, part.len() / cols, cols, col_stride, f, part);
            })
        });
    }
    // SAFETY: the bands cover all `rows * cols` slots, and `transpose_into` writes every
    // slot of its part (it panics rather than return early); they are the first `len` slots
    // of the capacity.
    unsafe { out.set_len(len) };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_on_threads_match_one_pass() {
        for (rows, cols, stride, threads) in [(300, 257, 300, 2), (1024, 64, 1024, 3), (129, 600, 131, 2)] {
            let src: Vec<f32> = (0..rows + (cols - 1) * stride + 1).map(|x| x as f32).collect();
            let mut one = vec![0.0f32; rows * cols];
            transpose_into(&src, 1, rows, cols, stride, |x| x, &mut one);
            let par = transposed_vec(&src, 1, rows, cols, stride, |x| x, threads);
            assert_eq!(one, par, "{rows}x{cols} on {threads} threads");
        }
    }

    #[test]
    fn matches_the_definition_for_ragged_tiles_and_offsets() {
        for (rows, cols, stride, offset) in
            [(1, 1, 1, 0), (3, 5, 3, 0), (70, 130, 70, 2), (65, 64, 128, 5), (128, 1, 130, 0)]
        {
            let src: Vec<f64> = (0..offset + rows + (cols - 1) * stride).map(|x| x as f64).collect();
            let mut out = vec![0i64; rows * cols];
            transpose_into(&src, offset, rows, cols, stride, |x| x as i64 * 2, &mut out);
            for i in 0..rows {
                for j in 0..cols {
                    assert_eq!(out[i * cols + j], 2 * (offset + i + j * stride) as i64, "{rows}x{cols} ({i}, {j})");
                }
            }
        }
    }

    #[test]
    #[should_panic(expected = "exceeds")]
    fn rejects_a_source_too_short() {
        let mut out = [0.0f32; 4];
        transpose_into(&[0.0f32; 3], 0, 2, 2, 2, |x| x, &mut out);
    }
}
