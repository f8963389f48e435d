//! `Tensor.uniform_(from, to)` and `torch.rand` (`uniform_kernel` + `uniform_real_distribution`).

use super::generator::GeneratorState;

/// 2^-24 and 2^-53, the `DIVISOR`s of `transformation::uniform_real`.
const F32_DIVISOR: f32 = 1.0 / (1u32 << 24) as f32;
const F64_DIVISOR: f64 = 1.0 / (1u64 << 53) as f64;

/// A float in `[0, 1)` from one 32-bit draw: its low 24 bits times 2^-24.
///
/// ```
/// let mut st = torchlight::random::GeneratorState::new(0);
/// assert_eq!(torchlight::random::unit_f32(&mut st).to_bits(), 0x3efe1558);
/// ```
#[inline]
pub fn unit_f32(st: &mut GeneratorState) -> f32 {
    (st.random() & 0x00ff_ffff) as f32 * F32_DIVISOR
}

/// A double in `[0, 1)` from one 64-bit draw: its low 53 bits times 2^-53.
///
/// ```
/// let mut st = torchlight::random::GeneratorState::new(0);
/// assert_eq!(torchlight::random::unit_f64(&mut st), 0.9700530018065531);
/// ```
#[inline]
pub fn unit_f64(st: &mut GeneratorState) -> f64 {
    (st.random64() & ((1u64 << 53) - 1)) as f64 * F64_DIVISOR
}

/// Fills `out` (storage order) with `uniform_(from, to)` samples for a float32 tensor.
///
/// Everything is in f32: `v = fma(x, to - from, from)` with `x` from [`unit_f32`] (torch's AVX2
/// build contracts this into an FMA), and a `v` that rounded up to `to` is replaced by `from`.
/// One 32-bit draw per element. The caller checks `from <= to` and the dtype range.
///
/// ```
/// use torchlight::random::{uniform_f32, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut out = [0f32; 2];
/// uniform_f32(&mut st, &mut out, 0.0, 1.0);
/// assert_eq!(out, [0.49625659, 0.7682218]); // torch.manual_seed(0); torch.rand(2)
/// ```
pub fn uniform_f32(st: &mut GeneratorState, out: &mut [f32], from: f64, to: f64) {
    let (from, to) = (from as f32, to as f32);
    let range = to - from;
    for o in out {
        let v = unit_f32(st).mul_add(range, from);
        *o = if v == to { from } else { v };
    }
}

/// Fills `out` (storage order) with `uniform_(from, to)` samples for a float64 tensor:
/// `fma(x, to - from, from)` with `x` from [`unit_f64`], one 64-bit draw per element.
///
/// ```
/// use torchlight::random::{uniform_f64, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut out = [0f64; 3];
/// uniform_f64(&mut st, &mut out, 0.0, 1.0);
/// assert_eq!(out, [0.9700530018065531, 0.707819864399788, 0.45938294312745087]);
/// ```
pub fn uniform_f64(st: &mut GeneratorState, out: &mut [f64], from: f64, to: f64) {
    let range = to - from;
    for o in out {
        let v = unit_f64(st).mul_add(range, from);
        *o = if v == to { from } else { v };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fixtures::{
        assert_f32_bits, assert_f64_bits, global, golden_f32_bits, golden_f64_bits, seed_case, SEEDS,
    };

    #[test]
    fn rand_matches_golden() {
        let mut out = vec![0f32; 5];
        uniform_f32(&mut GeneratorState::new(0), &mut out, 0.0, 1.0);
        let got: Vec<u32> = out.iter().map(|v| v.to_bits()).collect();
        assert_eq!(got, golden_f32_bits("seed0 torch.rand(5) f32"));
        let mut out = vec![0f64; 3];
        uniform_f64(&mut GeneratorState::new(0), &mut out, 0.0, 1.0);
        let got: Vec<u64> = out.iter().map(|v| v.to_bits()).collect();
        assert_eq!(got, golden_f64_bits("seed0 torch.rand(3,float64)"));
    }

    #[test]
    fn rand_and_uniform_match_torch() {
        for seed in SEEDS {
            for (from, to, key) in [(0.0, 1.0, "rand_f%_17"), (-2.5, 3.7, "uniform_f%_m2.5_3.7_17")] {
                let mut a = vec![0f32; 17];
                uniform_f32(&mut GeneratorState::new(seed), &mut a, from, to);
                let k = key.replace('%', "32");
                assert_f32_bits(&a, seed_case(seed, &k), &format!("seed {seed} {k}"));
                let mut b = vec![0f64; 17];
                uniform_f64(&mut GeneratorState::new(seed), &mut b, from, to);
                let k = key.replace('%', "64");
                assert_f64_bits(&b, seed_case(seed, &k), &format!("seed {seed} {k}"));
            }
        }
    }

    /// After `manual_seed(42)`, draw number 26732104 has all 24 low bits set, so
    /// `uniform_(1, 2)` computes `1 + (1 - 2^-24)`, which rounds to 2.0 and is clamped to 1.0.
    #[test]
    fn value_rounding_up_to_to_is_clamped_to_from() {
        let skip = global()["uniform_clamp_seed42_skip_u32"].as_u64().unwrap();
        let mut st = GeneratorState::new(42);
        for _ in 0..skip {
            st.random();
        }
        let mut out = vec![0f32; 3];
        uniform_f32(&mut st, &mut out, 1.0, 2.0);
        assert_eq!(out[0], 1.0);
        assert_f32_bits(&out, &global()["uniform_clamp_f32_1_2_3"], "uniform_(1, 2)");
    }
}
