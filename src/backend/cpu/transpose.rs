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
    let mut strip = [T::default(); STRIP * TILE];
    for i0 in (0..rows).step_by(TILE) {
        let ni = TILE.min(rows - i0);
        for j0 in (0..cols).step_by(TILE) {
            let nj = TILE.min(cols - j0);
            for j in 0..nj {
                let start = offset + i0 + (j0 + j) * col_stride;
                buf[j * TILE..j * TILE + ni].copy_from_slice(&src[start..start + ni]);
            }
            // The tile's rows, STRIP at a time: gathered from buf's columns into `strip`
            // (row-major), then written out as contiguous runs, which vectorise with any `f`.
            for i in (0..ni).step_by(STRIP) {
                gather_strip(&buf, i, nj, &mut strip);
                for r in 0..STRIP.min(ni - i) {
                    let row = &mut out[(i0 + i + r) * cols + j0..(i0 + i + r) * cols + j0 + nj];
                    for (o, &x) in row.iter_mut().zip(&strip[r * TILE..r * TILE + nj]) {
                        *o = f(x);
                    }
                }
            }
        }
    }
}

/// Rows gathered at once from a tile: an 8 x 8 block is what one AVX register transpose
/// handles.
const STRIP: usize = 8;

/// `strip[r * TILE + j] = buf[j * TILE + i + r]` for `r < STRIP`, `j < nj`: rows `i..i + 8`
/// of the tile stored by columns in `buf`. `i` is a multiple of [`STRIP`], so the rows read
/// stay inside the tile; rows past the matrix's edge hold earlier tiles' values (or the
/// initial defaults) and are never written out.
fn gather_strip<T: Copy>(buf: &[T; TILE * TILE], i: usize, nj: usize, strip: &mut [T; STRIP * TILE]) {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx"))]
    if std::mem::size_of::<T>() == 4 && std::mem::align_of::<T>() <= 4 {
        for j in (0..nj).step_by(8) {
            // SAFETY: `j < nj <= TILE` and both are multiples of 8 apart from `nj`, so
            // `j + 8 <= TILE`: the eight loads read `buf[(j + c) * TILE + i..][..8]` with
            // `i + 8 <= TILE`, and the eight stores write `strip[r * TILE + j..][..8]`, all
            // inside the arrays. T is 4 bytes, moved bit for bit as f32 lanes (loads,
            // shuffles and stores never alter bits), and the unaligned forms are used.
            unsafe {
                avx::transpose8x8(buf.as_ptr().add(j * TILE + i).cast(), TILE, strip.as_mut_ptr().add(j).cast(), TILE)
            };
        }
        return;
    }
    for r in 0..STRIP {
        for j in 0..nj {
            strip[r * TILE + j] = buf[j * TILE + i + r];
        }
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "avx"))]
mod avx {
    use std::arch::x86_64::*;

    /// Writes the transpose of the 8 x 8 block of 4-byte values at `src` (rows `src_stride`
    /// elements apart) to `dst` (rows `dst_stride` apart).
    ///
    /// # Safety
    /// The 8 rows of 8 values at `src` must be readable and those at `dst` writable.
    #[inline(always)]
    pub(super) unsafe fn transpose8x8(src: *const f32, src_stride: usize, dst: *mut f32, dst_stride: usize) {
        // SAFETY: the caller guarantees the 64 reads and 64 writes are in bounds; AVX is
        // enabled at compile time (the cfg on this module).
        unsafe {
            let r: [__m256; 8] = std::array::from_fn(|k| _mm256_loadu_ps(src.add(k * src_stride)));
            // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves: the
            // standard three-stage 8 x 8 transpose.
            let t0 = _mm256_unpacklo_ps(r[0], r[1]);
            let t1 = _mm256_unpackhi_ps(r[0], r[1]);
            let t2 = _mm256_unpacklo_ps(r[2], r[3]);
            let t3 = _mm256_unpackhi_ps(r[2], r[3]);
            let t4 = _mm256_unpacklo_ps(r[4], r[5]);
            let t5 = _mm256_unpackhi_ps(r[4], r[5]);
            let t6 = _mm256_unpacklo_ps(r[6], r[7]);
            let t7 = _mm256_unpackhi_ps(r[6], r[7]);
            let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
            let u1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
            let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
            let u3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
            let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
            let u5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
            let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
            let u7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
            let out = [
                _mm256_permute2f128_ps::<0x20>(u0, u4),
                _mm256_permute2f128_ps::<0x20>(u1, u5),
                _mm256_permute2f128_ps::<0x20>(u2, u6),
                _mm256_permute2f128_ps::<0x20>(u3, u7),
                _mm256_permute2f128_ps::<0x31>(u0, u4),
                _mm256_permute2f128_ps::<0x31>(u1, u5),
                _mm256_permute2f128_ps::<0x31>(u2, u6),
                _mm256_permute2f128_ps::<0x31>(u3, u7),
            ];
            for (k, v) in out.into_iter().enumerate() {
                _mm256_storeu_ps(dst.add(k * dst_stride), v);
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
    fn four_byte_values_take_the_register_path_bit_for_bit() {
        // f32 and i32 go through the 8 x 8 register transpose where AVX is enabled; ragged
        // edges, offsets and NaN payloads must come out as the definition says.
        for (rows, cols, stride, offset) in [(8, 8, 8, 0), (13, 70, 16, 3), (64, 64, 1024, 0), (130, 9, 131, 1)] {
            let src: Vec<f32> = (0..offset + rows + (cols - 1) * stride)
                .map(|x| if x % 7 == 3 { f32::from_bits(0x7fc0_0000 | x as u32) } else { x as f32 })
                .collect();
            let mut out = vec![0.0f32; rows * cols];
            transpose_into(&src, offset, rows, cols, stride, |x| x, &mut out);
            let mut ints = vec![0i32; rows * cols];
            let src_i: Vec<i32> = src.iter().map(|x| x.to_bits() as i32).collect();
            transpose_into(&src_i, offset, rows, cols, stride, |x| x, &mut ints);
            for i in 0..rows {
                for j in 0..cols {
                    let want = src[offset + i + j * stride].to_bits();
                    assert_eq!(out[i * cols + j].to_bits(), want, "{rows}x{cols} ({i}, {j})");
                    assert_eq!(ints[i * cols + j] as u32, want, "{rows}x{cols} ({i}, {j}) as i32");
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
