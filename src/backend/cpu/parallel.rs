//! How ATen's `at::parallel_for` splits a range over OpenMP threads.
//!
//! Several kernels produce results that depend on these chunk boundaries (the
//! two-pass float sum, float `arange`), so bit-exact kernels reproduce them.

/// ATen's `internal::GRAIN_SIZE`: ranges of at most this many elements run serially.
pub const GRAIN_SIZE: usize = 32768;

/// Length of the chunks that `at::parallel_for(0, n, grain, f)` hands to `f`
/// when torch runs with `num_threads` OpenMP threads.
///
/// Chunk `t` is `[t * len, min(n, (t + 1) * len))`, exactly what
/// `slice.chunks(len)` yields. Serial execution (`n <= grain`, `n <= 1` or
/// one thread) is one chunk of length `n`. The result is at least 1, so it can
/// be passed to `chunks` even for `n == 0`.
///
/// Rule (`aten/src/ATen/ParallelOpenMP.h`): `nt = min(num_threads, ceil(n / grain))`,
/// `len = ceil(n / nt)`.
pub fn omp_chunk_len(n: usize, grain: usize, num_threads: usize) -> usize {
    if n <= grain || n <= 1 || num_threads <= 1 {
        return n.max(1);
    }
    let nt = if grain > 0 { num_threads.min(n.div_ceil(grain)) } else { num_threads };
    n.div_ceil(nt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_openmp_rule() {
        assert_eq!(omp_chunk_len(0, GRAIN_SIZE, 4), 1);
        assert_eq!(omp_chunk_len(32768, GRAIN_SIZE, 2), 32768);
        assert_eq!(omp_chunk_len(32769, GRAIN_SIZE, 2), 16385);
        assert_eq!(omp_chunk_len(100003, GRAIN_SIZE, 1), 100003);
        assert_eq!(omp_chunk_len(100003, GRAIN_SIZE, 2), 50002);
        // ceil(100003 / 32768) = 4 caps the thread count.
        assert_eq!(omp_chunk_len(100003, GRAIN_SIZE, 8), 25001);
        assert_eq!(omp_chunk_len(9, 1, 2), 5);
        assert_eq!(omp_chunk_len(5, 0, 8), 1);
    }
}
