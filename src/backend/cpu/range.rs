//! `torch.linspace` and `torch.arange` on CPU, bit for bit.
//!
//! Follows ATen's `RangeFactories.cpp` (argument checks, sizes) and
//! `cpu/RangeFactoriesKernel.cpp` as compiled for AVX2 with FMA contraction
//! (`shared/pytorch-semantics.md` §7.1, §7.2). Errors carry torch's message.

mod format;
#[cfg(test)]
mod tests;

use super::parallel::{omp_chunk_len, GRAIN_SIZE};
use format::format_g;

/// A float dtype `arange` fills: its values go through `f64`, ATen's CPU
/// accumulate type, and its vector loop works in `Vectorized<Self>` blocks.
trait RangeFloat: Copy {
    /// Lanes of ATen's AVX2 `Vectorized<Self>`: 8 for f32, 4 for f64.
    const LANES: usize;
    /// Rounds an f64 to this type (`static_cast`).
    fn from_f64(v: f64) -> Self;
    /// Widens to f64 (exact).
    fn to_f64(self) -> f64;
}

impl RangeFloat for f32 {
    const LANES: usize = 8;
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl RangeFloat for f64 {
    const LANES: usize = 4;
    fn from_f64(v: f64) -> Self {
        v
    }
    fn to_f64(self) -> f64 {
        self
    }
}

/// `torch.linspace(start, end, steps)` as float32.
///
/// `f32(start)` and `f32(end)` are taken first (an error if finite and out
/// of f32 range), the step is `(end - start) / (steps - 1)` in f32, and
/// element `i` is `fma(step, i, start)` for `i < steps / 2`, otherwise
/// `fma(-step, steps - 1 - i, end)`.
pub fn linspace_f32(start: f64, end: f64, steps: i64) -> Result<Vec<f32>, String> {
    let n = linspace_len(steps)?;
    if n == 0 {
        return Ok(Vec::new());
    }
    let (s, e) = (to_f32_checked(start)?, to_f32_checked(end)?);
    let step = (e - s) / (n - 1) as f32;
    fill(n, |i| halfway_value(i, n, s, e, step, |a: f32, b, c| a.mul_add(b as f32, c)))
}

/// `torch.linspace(start, end, steps, dtype=torch.float64)`: as
/// [`linspace_f32`], in f64.
pub fn linspace_f64(start: f64, end: f64, steps: i64) -> Result<Vec<f64>, String> {
    let n = linspace_len(steps)?;
    if n == 0 {
        return Ok(Vec::new());
    }
    let step = (end - start) / (n - 1) as f64;
    fill(n, |i| halfway_value(i, n, start, end, step, |a: f64, b, c| a.mul_add(b as f64, c)))
}

/// `torch.linspace(start, end, steps, dtype=torch.int64)`.
///
/// `start` and `end` are truncated to i64 first (an error if out of range);
/// the step and each value are computed in f64 as for floats, and each
/// value is truncated toward zero.
pub fn linspace_i64(start: f64, end: f64, steps: i64) -> Result<Vec<i64>, String> {
    let n = linspace_len(steps)?;
    if n == 0 {
        return Ok(Vec::new());
    }
    let (s, e) = (to_i64_checked(start)?, to_i64_checked(end)?);
    let (sd, ed) = (s as f64, e as f64);
    let step = (ed - sd) / (n - 1) as f64;
    fill(n, |i| halfway_value(i, n, sd, ed, step, |a: f64, b, c| a.mul_add(b as f64, c)) as i64)
}

/// Number of elements of `torch.linspace(.., steps)`, or torch's error for
/// a negative count.
pub fn linspace_len(steps: i64) -> Result<usize, String> {
    usize::try_from(steps).map_err(|_| "number of steps must be non-negative".to_string())
}

/// Element `i` of an `n`-step linspace: from `start` up to the halfway
/// index, from `end` back after it. `fma(a, k, c)` is `a * k + c` with one
/// rounding (ATen's kernel is contracted to FMA).
fn halfway_value<T>(i: usize, n: usize, start: T, end: T, step: T, fma: impl Fn(T, usize, T) -> T) -> T
where
    T: Copy + std::ops::Neg<Output = T>,
{
    if n == 1 {
        start
    } else if i < n / 2 {
        fma(step, i, start)
    } else {
        fma(-step, n - 1 - i, end)
    }
}

/// `torch.arange(start, end, step, dtype=torch.float32)` as torch computes
/// it with `num_threads` threads.
///
/// Values are computed from f64 `start` and `step`. Each OpenMP chunk runs
/// ATen's vector loop: blocks of two `Vectorized<float>` (16 values) whose
/// base `f32(start + step * i)` is rounded first and then stepped in f64, and
/// a scalar tail `f32(start + step * i)`. Above [`GRAIN_SIZE`] elements the
/// chunk boundaries, so the values, depend on `num_threads`.
pub fn arange_f32(start: f64, end: f64, step: f64, num_threads: usize) -> Result<Vec<f32>, String> {
    let n = arange_len(start, end, step)?;
    arange_fill(start, step, n, num_threads)
}

/// `torch.arange(start, end, step, dtype=torch.float64)`: as [`arange_f32`],
/// with blocks of two `Vectorized<double>` (8 values).
pub fn arange_f64(start: f64, end: f64, step: f64, num_threads: usize) -> Result<Vec<f64>, String> {
    let n = arange_len(start, end, step)?;
    arange_fill(start, step, n, num_threads)
}

/// `torch.arange(start, end, step)` with integer arguments (dtype int64):
/// `ceil((end - start) / step)` exact values `start + i * step`.
pub fn arange_i64(start: i64, end: i64, step: i64) -> Result<Vec<i64>, String> {
    if step == 0 {
        return Err("step must be nonzero".into());
    }
    if (step > 0 && end < start) || (step < 0 && end > start) {
        return Err(SIGN_MISMATCH.into());
    }
    // ATen: (end - start + step - sgn(step)) / step, truncating, in i64; i128
    // here so that extreme bounds cannot overflow.
    let (s, e, st) = (start as i128, end as i128, step as i128);
    let len = (e - s + st - st.signum()) / st;
    let n = checked_len(len as f64)?;
    fill(n, |i| start.wrapping_add((i as i64).wrapping_mul(step)))
}

/// Number of elements of a float `torch.arange(start, end, step)`, after
/// torch's argument checks: `ceil((end - start) / step)` in f64.
pub fn arange_len(start: f64, end: f64, step: f64) -> Result<usize, String> {
    if !step.is_finite() {
        return Err(format!("step must be finite but got {}", format_g(step)));
    }
    if step == 0.0 {
        return Err("step must be nonzero".into());
    }
    if !start.is_finite() || !end.is_finite() {
        return Err(format!("unsupported range: {} -> {}", format_g(start), format_g(end)));
    }
    if !((step > 0.0 && end >= start) || (step < 0.0 && end <= start)) {
        return Err(SIGN_MISMATCH.into());
    }
    checked_len(((end - start) / step).ceil())
}

const SIGN_MISMATCH: &str = "upper bound and lower bound inconsistent with step sign";

/// Validates a size computed in f64 as torch does.
fn checked_len(size: f64) -> Result<usize, String> {
    if !(size >= 0.0 && size <= i64::MAX as f64) {
        return Err("invalid size, possible overflow?".into());
    }
    Ok(size as usize)
}

/// The values of ATen's `arange_kernel` for a contiguous output.
fn arange_fill<T: RangeFloat>(start: f64, step: f64, n: usize, num_threads: usize) -> Result<Vec<T>, String> {
    let mut out = alloc::<T>(n)?;
    let lanes = T::LANES;
    let at = |i: usize| step.mul_add(i as f64, start);
    let chunk = omp_chunk_len(n, GRAIN_SIZE, num_threads);
    for begin in (0..n).step_by(chunk) {
        let end = n.min(begin + chunk);
        let mut i = begin;
        while i + 2 * lanes <= end {
            for block in [i, i + lanes] {
                // Vectorized<T>::arange(base, step): base is rounded to T first.
                let base = T::from_f64(at(block)).to_f64();
                out.extend((0..lanes).map(|k| T::from_f64(step.mul_add(k as f64, base))));
            }
            i += 2 * lanes;
        }
        out.extend((i..end).map(|i| T::from_f64(at(i))));
    }
    Ok(out)
}

/// `n` values `f(0..n)` in a freshly allocated vector.
fn fill<T>(n: usize, f: impl FnMut(usize) -> T) -> Result<Vec<T>, String> {
    let mut out = alloc(n)?;
    out.extend((0..n).map(f));
    Ok(out)
}

/// An empty vector with room for `n` values, or torch's message when the
/// storage size overflows or the allocation fails.
fn alloc<T>(n: usize) -> Result<Vec<T>, String> {
    let bytes = (n as u128) * std::mem::size_of::<T>() as u128;
    if bytes > i64::MAX as u128 {
        return Err(format!("Storage size calculation overflowed with sizes=[{n}]"));
    }
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| format!("DefaultCPUAllocator: can't allocate memory: you tried to allocate {bytes} bytes."))?;
    Ok(v)
}

/// `Scalar::to<float>()`: an error for finite values beyond f32's range.
fn to_f32_checked(v: f64) -> Result<f32, String> {
    if v.is_finite() && v.abs() > f32::MAX as f64 {
        return Err("value cannot be converted to type float without overflow".into());
    }
    Ok(v as f32)
}

/// `Scalar::to<int64_t>()`: truncation, an error for NaN, infinities and
/// values beyond i64's range.
fn to_i64_checked(v: f64) -> Result<i64, String> {
    if !(v >= i64::MIN as f64 && v <= i64::MAX as f64) {
        return Err("value cannot be converted to type int64_t without overflow".into());
    }
    Ok(v as i64)
}
