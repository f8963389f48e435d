//! `Tensor.normal_(mean, std)`, `torch.randn` and `torch.normal` (`normal_kernel`).
//!
//! Two paths, chosen per call exactly as torch chooses them:
//! * a tensor with at least 16 elements that is contiguous takes the vector fill path
//!   ([`normal_fill_f32`], [`normal_fill_f64`]), which never touches the cached sample;
//! * anything else takes the scalar path ([`sample_normal`]): double-precision Box–Muller
//!   whose second value is cached in the generator for the next scalar-path draw, whatever
//!   the dtype of that draw.

use std::f64::consts::PI;

use super::avx_mathfun::normal_fill_16_f32;
use super::generator::GeneratorState;
use super::uniform::{unit_f32, unit_f64};

/// Smallest element count that takes the vector fill path (when contiguous).
pub const NORMAL_FILL_MIN_NUMEL: usize = 16;

/// One scalar-path sample (`at::normal_distribution<double>`), returned in double.
///
/// Uses the cached `next_double_normal_sample` if there is one; otherwise draws two 53-bit
/// uniforms `u1, u2` (two `random64()` each), caches `r * sin(theta)` and returns
/// `r * cos(theta)` with `r = sqrt(-2 log1p(-u2))`, `theta = 2 pi u1`. The result is
/// `fma(sample, std, mean)`. Uses libm `log1p`, `sin` and `cos` (glibc on Linux, as torch does).
///
/// ```
/// use torchlight::random::{sample_normal, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// assert_eq!(sample_normal(&mut st, 0.0, 1.0) as f32, 1.5409961);
/// assert!(st.next_double_normal_sample.is_some());
/// assert_eq!(sample_normal(&mut st, 0.0, 1.0) as f32, -0.2934289);
/// ```
#[inline]
pub fn sample_normal(st: &mut GeneratorState, mean: f64, std: f64) -> f64 {
    let ret = match st.next_double_normal_sample.take() {
        Some(cached) => cached,
        None => {
            let u1 = unit_f64(st);
            let u2 = unit_f64(st);
            let r = (-2.0 * (-u2).ln_1p()).sqrt();
            let theta = 2.0 * PI * u1;
            st.next_double_normal_sample = Some(r * theta.sin());
            r * theta.cos()
        }
    };
    ret.mul_add(std, mean)
}

/// Fills `out` (the tensor's elements in storage order) with `normal_(mean, std)` for float32.
///
/// `contiguous` is whether the tensor is contiguous; with `out.len() >= 16` that selects the
/// vector fill path, otherwise each element is `sample_normal(..) as f32`. The caller checks
/// `std >= 0`.
///
/// ```
/// use torchlight::random::{normal_f32, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut x = [0f32; 16];
/// normal_f32(&mut st, &mut x, 0.0, 1.0, true);
/// assert_eq!(x[0], -1.1258398); // torch.manual_seed(0); torch.randn(16)[0]
/// ```
pub fn normal_f32(st: &mut GeneratorState, out: &mut [f32], mean: f64, std: f64, contiguous: bool) {
    if contiguous && out.len() >= NORMAL_FILL_MIN_NUMEL {
        normal_fill_f32(st, out, mean as f32, std as f32);
    } else {
        for o in out {
            *o = sample_normal(st, mean, std) as f32;
        }
    }
}

/// Fills `out` (storage order) with `normal_(mean, std)` for float64; paths as in [`normal_f32`].
///
/// ```
/// use torchlight::random::{normal_f64, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut x = [0f64; 16];
/// normal_f64(&mut st, &mut x, 0.0, 1.0, true);
/// assert_eq!(x[0], -2.310411800234176); // torch.randn(16, dtype=torch.float64)[0]
/// ```
pub fn normal_f64(st: &mut GeneratorState, out: &mut [f64], mean: f64, std: f64, contiguous: bool) {
    if contiguous && out.len() >= NORMAL_FILL_MIN_NUMEL {
        normal_fill_f64(st, out, mean, std);
    } else {
        for o in out {
            *o = sample_normal(st, mean, std);
        }
    }
}

/// Runs `normal_fill`'s block structure: uniforms for every element, Box–Muller on each full
/// block of 16, then, if `n % 16 != 0`, 16 NEW uniforms over the LAST 16 positions (overwriting
/// already transformed values) and one more block.
#[inline]
fn normal_fill<T>(
    st: &mut GeneratorState,
    data: &mut [T],
    unit: impl Fn(&mut GeneratorState) -> T,
    fill16: impl Fn(&mut [T]),
) {
    let n = data.len();
    assert!(n >= NORMAL_FILL_MIN_NUMEL, "normal_fill needs at least 16 elements, got {n}");
    for d in data.iter_mut() {
        *d = unit(st);
    }
    for block in data.chunks_exact_mut(16) {
        fill16(block);
    }
    if n % 16 != 0 {
        let tail = &mut data[n - 16..];
        for d in tail.iter_mut() {
            *d = unit(st);
        }
        fill16(tail);
    }
}

/// The float32 vector fill path (`normal_fill` with `NormalFill16<float, true>`, the AVX2
/// kernel torch runs on every AVX2 or AVX-512 x86 CPU). Needs `data.len() >= 16`.
///
/// Draws `n` 32-bit values, plus 16 more when `n % 16 != 0`.
///
/// ```
/// use torchlight::random::{normal_fill_f32, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut x = [0f32; 17];
/// normal_fill_f32(&mut st, &mut x, 0.0, 1.0);
/// assert_eq!(x[1], -1.6959312); // torch.manual_seed(0); torch.randn(17)[1]
/// ```
pub fn normal_fill_f32(st: &mut GeneratorState, data: &mut [f32], mean: f32, std: f32) {
    normal_fill(st, data, unit_f32, |d| normal_fill_16_f32(d, mean, std));
}

/// The float64 vector fill path (`NormalFill16<double>`): per pair `u1 = 1 - d[j]`,
/// `radius = sqrt(-2 log u1)`, `theta = 2 pi d[j+8]`, then `fma(radius cos theta, std, mean)` and
/// `fma(radius sin theta, std, mean)` with libm `log`, `cos`, `sin`. Needs `data.len() >= 16`.
///
/// ```
/// use torchlight::random::{normal_fill_f64, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut x = [0f64; 16];
/// normal_fill_f64(&mut st, &mut x, 0.0, 1.0);
/// assert_eq!(x[3], 0.9995093547811761);
/// ```
pub fn normal_fill_f64(st: &mut GeneratorState, data: &mut [f64], mean: f64, std: f64) {
    normal_fill(st, data, unit_f64, |d| normal_fill_16_f64(d, mean, std));
}

fn normal_fill_16_f64(d: &mut [f64], mean: f64, std: f64) {
    let (lo, hi) = d.split_at_mut(8);
    for (a, b) in lo.iter_mut().zip(&mut hi[..8]) {
        let u1 = 1.0 - *a;
        let u2 = *b;
        let radius = (-2.0 * u1.ln()).sqrt();
        let theta = 2.0 * PI * u2;
        *a = (radius * theta.cos()).mul_add(std, mean);
        *b = (radius * theta.sin()).mul_add(std, mean);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fixtures::{
        assert_f32_bits, assert_f64_bits, golden_f32_bits, golden_f64_bits, seed_case, SEEDS,
    };

    fn randn32(st: &mut GeneratorState, n: usize) -> Vec<f32> {
        let mut v = vec![0f32; n];
        normal_f32(st, &mut v, 0.0, 1.0, true);
        v
    }

    fn randn64(st: &mut GeneratorState, n: usize) -> Vec<f64> {
        let mut v = vec![0f64; n];
        normal_f64(st, &mut v, 0.0, 1.0, true);
        v
    }

    fn bits32(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn golden_values() {
        let st = || GeneratorState::new(0);
        let g = golden_f32_bits("seed0 torch.randn(5) f32 (scalar/double path)");
        assert_eq!(bits32(&randn32(&mut st(), 5)), g);
        let g = golden_f32_bits("seed0 torch.randn(16) f32 (AVX2 fill path) first 4 + last");
        let v = bits32(&randn32(&mut st(), 16));
        assert_eq!([&v[..4], &v[15..]].concat(), g);
        let v = randn32(&mut st(), 17);
        let want = crate::random::fixtures::golden()["seed0 torch.randn(17) f32 (fill path + tail recompute) all"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect::<Vec<_>>();
        assert_eq!(v, want);
        let g = golden_f64_bits("seed0 torch.randn(16,float64) first 4");
        let v: Vec<u64> = randn64(&mut st(), 16).iter().map(|x| x.to_bits()).collect();
        assert_eq!(v[..4], g[..]);
        let mut s = st();
        let twice = [randn32(&mut s, 1)[0], randn32(&mut s, 1)[0]];
        let want: Vec<f32> = crate::random::fixtures::golden()["seed0 randn(()) twice (2nd from cache)"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect();
        assert_eq!(twice.to_vec(), want);
    }

    #[test]
    fn randn_f32_matches_torch_for_every_size() {
        for seed in SEEDS {
            let mut st = GeneratorState::new(seed);
            let v = randn32(&mut st, 1);
            assert_f32_bits(&v, seed_case(seed, "randn_f32_0d"), &format!("seed {seed} 0-dim"));
            let mut st = GeneratorState::new(seed);
            let v = [randn32(&mut st, 1), randn32(&mut st, 1)].concat();
            assert_f32_bits(&v, seed_case(seed, "randn_f32_0d_twice"), "0-dim twice");
            for n in [5, 16, 17, 100, 2000] {
                let v = randn32(&mut GeneratorState::new(seed), n);
                let key = format!("randn_f32_{n}");
                assert_f32_bits(&v, seed_case(seed, &key), &format!("seed {seed} {key}"));
            }
        }
    }

    #[test]
    fn randn_f64_matches_torch_for_every_size() {
        for seed in SEEDS {
            let v = randn64(&mut GeneratorState::new(seed), 1);
            assert_f64_bits(&v, seed_case(seed, "randn_f64_0d"), &format!("seed {seed} 0-dim"));
            for n in [5, 16, 17, 100] {
                let v = randn64(&mut GeneratorState::new(seed), n);
                let key = format!("randn_f64_{n}");
                assert_f64_bits(&v, seed_case(seed, &key), &format!("seed {seed} {key}"));
            }
        }
    }

    /// `t = torch.empty(5, 4).t(); t.normal_()`: 20 elements but not contiguous, so the scalar
    /// path runs, in storage order.
    #[test]
    fn non_contiguous_uses_scalar_path_in_storage_order() {
        for seed in SEEDS {
            let mut v = vec![0f32; 20];
            normal_f32(&mut GeneratorState::new(seed), &mut v, 0.0, 1.0, false);
            assert_f32_bits(&v, seed_case(seed, "randn_f32_t4x5_storage"), "t4x5 f32");
            let mut v = vec![0f64; 20];
            normal_f64(&mut GeneratorState::new(seed), &mut v, 0.0, 1.0, false);
            assert_f64_bits(&v, seed_case(seed, "randn_f64_t4x5_storage"), "t4x5 f64");
        }
    }

    #[test]
    fn cache_survives_fill_path_and_is_shared_across_dtypes() {
        for seed in SEEDS {
            let mut st = GeneratorState::new(seed);
            let v = [randn32(&mut st, 1), randn32(&mut st, 16), randn32(&mut st, 1)].concat();
            assert_f32_bits(&v, seed_case(seed, "randn_f32_cache_1_16_1"), "1, 16, 1");
            let mut st = GeneratorState::new(seed);
            let a = randn32(&mut st, 1);
            let b = randn64(&mut st, 1);
            assert_f32_bits(&a, seed_case(seed, "randn_mixed_first_f32"), "mixed f32");
            assert_f64_bits(&b, seed_case(seed, "randn_mixed_second_f64"), "mixed f64");
        }
    }

    #[test]
    fn mean_and_std_match_torch() {
        for seed in SEEDS {
            for n in [5, 17] {
                let mut v = vec![0f32; n];
                normal_f32(&mut GeneratorState::new(seed), &mut v, -1.3, 0.37, true);
                let key = format!("normal_f32_m1.3_s0.37_{n}");
                assert_f32_bits(&v, seed_case(seed, &key), &format!("seed {seed} {key}"));
                let mut v = vec![0f64; n];
                normal_f64(&mut GeneratorState::new(seed), &mut v, -1.3, 0.37, true);
                let key = format!("normal_f64_m1.3_s0.37_{n}");
                assert_f64_bits(&v, seed_case(seed, &key), &format!("seed {seed} {key}"));
            }
        }
    }

    #[test]
    fn fill_path_draw_counts() {
        for (n, draws) in [(16, 16), (17, 33), (32, 32), (33, 49)] {
            let mut a = GeneratorState::new(4);
            randn32(&mut a, n);
            let mut b = GeneratorState::new(4);
            for _ in 0..draws {
                b.random();
            }
            assert_eq!(a, b, "float32 n={n}");
            let mut a = GeneratorState::new(4);
            randn64(&mut a, n);
            let mut b = GeneratorState::new(4);
            for _ in 0..2 * draws {
                b.random();
            }
            assert_eq!(a, b, "float64 n={n}");
        }
    }
}
