//! Sums in PyTorch's CPU reduction order, bit for bit.
//!
//! Float sums follow ATen's `cascade_sum` (`aten/src/ATen/native/cpu/SumKernel.cpp`)
//! as compiled for AVX2 (8 lanes of f32, 4 of f64), accumulating in the element
//! type, and `TensorIteratorBase::parallel_reduce` for how torch's thread count
//! splits the work. See `shared/pytorch-semantics.md` §7.3. Integer sums are
//! plain wrapping sums into i64.
//!
//! Every function takes `num_threads`, torch's `get_num_threads()` to model:
//! it decides the summation order where torch's result depends on it. The
//! parts then run on rayon's pool from [`PARALLEL_MIN`] elements on (the
//! result does not depend on where they run).

mod cascade;
#[cfg(test)]
mod tests;

pub use cascade::Accumulator;

use super::parallel::{omp_chunk_len, GRAIN_SIZE};
use cascade::{multi_row_sum, row_sum};
use rayon::prelude::*;

/// Elements from which a sum with `num_threads > 1` runs its parts on
/// rayon's pool rather than one after the other on the calling thread.
/// Measured on the 2-core machine: at 100k f32 elements the hand-off makes a
/// sum 1.7 times slower (15 us against 9 us); at 1M it is 1.8 times faster.
pub const PARALLEL_MIN: usize = 1 << 18;

/// A float type summed in torch's order: f32 or f64.
pub trait SumFloat: Accumulator + Send + Sync + 'static {
    /// Lanes of ATen's AVX2 `Vectorized<Self>`: 8 for f32, 4 for f64.
    const LANES: usize;
    /// One `Vectorized<Self>`: `LANES` elements added lane by lane.
    type Lanes: Accumulator + AsRef<[Self]>;
    /// Loads the first `LANES` elements of `s` (panics if `s` is shorter).
    fn load_lanes(s: &[Self]) -> Self::Lanes;
}

macro_rules! impl_sum_float {
    ($t:ty, $lanes:literal) => {
        impl SumFloat for $t {
            const LANES: usize = $lanes;
            type Lanes = [$t; $lanes];
            #[inline(always)]
            fn load_lanes(s: &[Self]) -> Self::Lanes {
                let mut v = [0.0; $lanes];
                v.copy_from_slice(&s[..$lanes]);
                v
            }
        }
    };
}
impl_sum_float!(f32, 8);
impl_sum_float!(f64, 4);

/// Sum of a contiguous buffer, as `torch.sum(x)` computes it with `num_threads` threads.
///
/// Below [`GRAIN_SIZE`] elements, or with one thread, this is one 1-D cascade.
/// Otherwise torch's two-pass reduction: each OpenMP chunk is summed into its
/// thread's slot of a `num_threads`-entry buffer, which is then summed itself.
pub fn sum_contiguous<T: SumFloat>(x: &[T], num_threads: usize) -> T {
    let threads = num_threads.max(1);
    if x.len() < GRAIN_SIZE || threads == 1 {
        return T::ZERO.add(inner_sum(x));
    }
    let chunk = omp_chunk_len(x.len(), GRAIN_SIZE, threads);
    let partials: Vec<T> = if x.len() >= PARALLEL_MIN {
        x.par_chunks(chunk).map(inner_sum).collect()
    } else {
        x.chunks(chunk).map(inner_sum).collect()
    };
    let mut buffer = vec![T::ZERO; threads];
    for (slot, p) in buffer.iter_mut().zip(partials) {
        *slot = slot.add(p);
    }
    T::ZERO.add(inner_sum(&buffer))
}

/// Sums each row of the row-major `rows x cols` block `x` into `out[row]`:
/// `x.sum(1)` of a contiguous `(rows, cols)` tensor, or any reduction over a
/// contiguous innermost dimension.
///
/// One row is torch's full reduction (threads included); several rows are
/// independent, so the result does not depend on `num_threads`, which only
/// decides whether rows run in parallel. Panics unless
/// `x.len() == rows * cols` and `out.len() == rows`.
pub fn sum_inner<T: SumFloat>(x: &[T], rows: usize, cols: usize, out: &mut [T], num_threads: usize) {
    check_block(x.len(), rows, cols, out.len(), rows, "sum_inner");
    if rows == 1 {
        out[0] = sum_contiguous(x, num_threads);
        return;
    }
    if cols == 0 {
        out.fill(T::ZERO);
        return;
    }
    let one_row = |(row, o): (&[T], &mut T)| *o = T::ZERO.add(inner_sum(row));
    if x.len() >= PARALLEL_MIN && num_threads > 1 {
        let min_rows = GRAIN_SIZE.div_ceil(cols);
        x.par_chunks(cols).zip(out.par_iter_mut()).with_min_len(min_rows).for_each(one_row);
    } else {
        x.chunks(cols).zip(out.iter_mut()).for_each(one_row);
    }
}

/// Sums the row-major `rows x cols` block `x` over its rows into `out[col]`:
/// `x.sum(0)` of a contiguous `(rows, cols)` tensor, or any reduction over a
/// dimension whose inner neighbours are contiguous (`cols` = their product).
///
/// With `num_threads > 1` and at least [`GRAIN_SIZE`] elements, torch splits
/// the columns between threads (boundaries rounded down to 128 bytes), and
/// each part picks its vector or scalar path from its own width; this is
/// reproduced (the parts run in parallel from [`PARALLEL_MIN`] elements on).
/// Panics unless
/// `x.len() == rows * cols` and `out.len() == cols`.
pub fn sum_outer<T: SumFloat>(x: &[T], rows: usize, cols: usize, out: &mut [T], num_threads: usize) {
    check_block(x.len(), rows, cols, out.len(), cols, "sum_outer");
    if cols == 1 {
        // A (rows, 1) tensor coalesces into a 1-D reduction.
        out[0] = sum_contiguous(x, num_threads);
        return;
    }
    if cols == 0 {
        return;
    }
    if rows == 0 {
        out.fill(T::ZERO);
        return;
    }
    if x.len() < GRAIN_SIZE || num_threads <= 1 {
        outer_columns(x, cols, 0, out);
        return;
    }
    let mut parts = Vec::new();
    let mut rest = out;
    let mut start = 0;
    for end in column_split(cols, num_threads, 128 / std::mem::size_of::<T>()) {
        let (part, tail) = rest.split_at_mut(end - start);
        parts.push((start, part));
        rest = tail;
        start = end;
    }
    let one_part = |(j0, part): (usize, &mut [T])| outer_columns(x, cols, j0, part);
    if x.len() >= PARALLEL_MIN {
        parts.into_par_iter().for_each(one_part);
    } else {
        parts.into_iter().for_each(one_part);
    }
}

/// Wrapping sum of integers (or bools) into i64, as torch sums integer tensors.
pub fn sum_int<T: Copy + Into<i64>>(x: &[T]) -> i64 {
    x.iter().fold(0i64, |acc, &v| acc.wrapping_add(v.into()))
}

fn check_block(len: usize, rows: usize, cols: usize, out_len: usize, want_out: usize, op: &str) {
    assert!(
        rows.checked_mul(cols) == Some(len) && out_len == want_out,
        "{op}: input of {len} elements as {rows}x{cols} with an output of {out_len} (want {want_out})"
    );
}

/// End columns of the parts `parallel_dim_reduction` hands to threads:
/// OpenMP chunks of `0..cols`, each boundary rounded down to a multiple of
/// `multiple` columns (128 bytes); empty parts are dropped.
fn column_split(cols: usize, num_threads: usize, multiple: usize) -> Vec<usize> {
    let chunk = omp_chunk_len(cols, 1, num_threads);
    let mut ends: Vec<usize> =
        (1..cols.div_ceil(chunk)).map(|t| t * chunk - (t * chunk) % multiple).filter(|&e| e > 0).collect();
    ends.dedup();
    ends.push(cols);
    ends
}

/// The 1-D model for one contiguous run, before torch's `out += partial` store.
///
/// `vectorized_inner_sum` for at least `LANES` elements: a `row_sum` over
/// whole vectors, then the scalar tail is added first and the lanes after it
/// in order. Fewer elements take the scalar `row_sum`.
fn inner_sum<T: SumFloat>(x: &[T]) -> T {
    let lanes = T::LANES;
    if x.len() < lanes {
        return row_sum(x.len(), |i| x[i]);
    }
    let whole = x.len() / lanes;
    let vacc = row_sum(whole, |i| T::load_lanes(&x[i * lanes..]));
    let mut total = T::ZERO;
    for &v in &x[whole * lanes..] {
        total = total.add(v);
    }
    for &lane in vacc.as_ref() {
        total = total.add(lane);
    }
    total
}

/// Sums columns `j0..j0 + out.len()` of the row-major block `x` (`cols`
/// columns) over all its rows: `vectorized_outer_sum` when the part is at
/// least `LANES` wide, `scalar_outer_sum` otherwise.
fn outer_columns<T: SumFloat>(x: &[T], cols: usize, j0: usize, out: &mut [T]) {
    let rows = x.len() / cols;
    let width = out.len();
    let lanes = T::LANES;
    let at = |i: usize, j: usize| i * cols + j0 + j;
    let mut j = 0;
    if width >= lanes {
        while j + 4 * lanes <= width {
            let sums: [T::Lanes; 4] = multi_row_sum(rows, |i, k| T::load_lanes(&x[at(i, j + k * lanes)..]));
            for (k, s) in sums.iter().enumerate() {
                store_lanes(&mut out[j + k * lanes..], s.as_ref());
            }
            j += 4 * lanes;
        }
        while j + lanes <= width {
            let s = row_sum(rows, |i| T::load_lanes(&x[at(i, j)..]));
            store_lanes(&mut out[j..], s.as_ref());
            j += lanes;
        }
    } else {
        while j + 4 <= width {
            let sums: [T; 4] = multi_row_sum(rows, |i, k| x[at(i, j + k)]);
            store_lanes(&mut out[j..], &sums);
            j += 4;
        }
    }
    for (jj, o) in out.iter_mut().enumerate().skip(j) {
        *o = T::ZERO.add(row_sum(rows, |i| x[at(i, jj)]));
    }
}

/// torch's accumulating store into a zero-filled output: `out[k] = 0 + v[k]`.
fn store_lanes<T: SumFloat>(out: &mut [T], v: &[T]) {
    for (o, &s) in out.iter_mut().zip(v) {
        *o = T::ZERO.add(s);
    }
}
