//! `Tensor.bernoulli_(p)`, `torch.bernoulli(probs)` and so dropout masks.
//!
//! These follow torch's non-MKL kernel, which is what runs on AMD CPUs and on builds without MKL.
//! On Intel CPUs an MKL build of torch draws scalar-`p` masks with MKL's own generator instead
//! (one `random()` seeds a VSL stream), so its dropout masks differ from these and from AMD's.

use super::generator::GeneratorState;
use super::integer::RandomScalar;
use super::uniform::{unit_f32, unit_f64};

/// `bernoulli_(p)` with a scalar `p`, any output dtype: per element (storage order)
/// `u = unit_f64()` (one `random64()`) and `out = (u < p)`. The caller checks `0 <= p <= 1`.
///
/// ```
/// use torchlight::random::{bernoulli_scalar, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut mask = [false; 4];
/// bernoulli_scalar(&mut st, &mut mask, 0.5);
/// assert_eq!(mask, [false, false, true, false]);
/// ```
pub fn bernoulli_scalar<T: RandomScalar>(st: &mut GeneratorState, out: &mut [T], p: f64) {
    for o in out {
        *o = T::from_bool(unit_f64(st) < p);
    }
}

/// [`bernoulli_scalar`] for float32 output. `F.dropout(x, p)` in training is
/// `x * bernoulli_(1 - p) / (1 - p)`.
///
/// ```
/// use torchlight::random::{bernoulli_scalar_f32, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut mask = [0f32; 10];
/// bernoulli_scalar_f32(&mut st, &mut mask, 1.0 - 0.5);
/// let dropped: Vec<f32> = mask.iter().map(|m| 1.0 * (m / 0.5)).collect();
/// // torch.manual_seed(0); F.dropout(torch.ones(10), 0.5)
/// assert_eq!(dropped, [0., 0., 2., 0., 0., 0., 2., 2., 0., 2.]);
/// ```
pub fn bernoulli_scalar_f32(st: &mut GeneratorState, out: &mut [f32], p: f64) {
    bernoulli_scalar(st, out, p);
}

/// [`bernoulli_scalar`] for float64 output.
///
/// ```
/// use torchlight::random::{bernoulli_scalar_f64, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut mask = [0f64; 3];
/// bernoulli_scalar_f64(&mut st, &mut mask, 1.0);
/// assert_eq!(mask, [1.0; 3]);
/// ```
pub fn bernoulli_scalar_f64(st: &mut GeneratorState, out: &mut [f64], p: f64) {
    bernoulli_scalar(st, out, p);
}

/// `torch.bernoulli(probs)` / `bernoulli_(probs)` with float32 probabilities: per element
/// `u = unit_f32()` (one `random()`, 24 bits) and `out[i] = (u < probs[i])`. `probs` is already
/// broadcast to `out`'s shape and in the same storage order.
///
/// # Panics
/// If `out` and `probs` differ in length.
///
/// ```
/// use torchlight::random::{bernoulli_tensor_f32, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut out = [0f32; 3];
/// // the uniforms are torch.manual_seed(0); torch.rand(3) = [0.496, 0.768, 0.088]
/// bernoulli_tensor_f32(&mut st, &mut out, &[0.5, 0.5, 0.5]);
/// assert_eq!(out, [1.0, 0.0, 1.0]);
/// ```
pub fn bernoulli_tensor_f32<T: RandomScalar>(st: &mut GeneratorState, out: &mut [T], probs: &[f32]) {
    assert_eq!(out.len(), probs.len(), "bernoulli: output and probabilities differ in length");
    for (o, &p) in out.iter_mut().zip(probs) {
        *o = T::from_bool(unit_f32(st) < p);
    }
}

/// `torch.bernoulli(probs)` with float64 probabilities: a 53-bit `u` (one `random64()`) per
/// element.
///
/// # Panics
/// If `out` and `probs` differ in length.
///
/// ```
/// use torchlight::random::{bernoulli_tensor_f64, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut out = [0f64; 2];
/// bernoulli_tensor_f64(&mut st, &mut out, &[0.0, 1.0]);
/// assert_eq!(out, [0.0, 1.0]);
/// ```
pub fn bernoulli_tensor_f64<T: RandomScalar>(st: &mut GeneratorState, out: &mut [T], probs: &[f64]) {
    assert_eq!(out.len(), probs.len(), "bernoulli: output and probabilities differ in length");
    for (o, &p) in out.iter_mut().zip(probs) {
        *o = T::from_bool(unit_f64(st) < p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fixtures::{assert_f32_bits, assert_f64_bits, f32_values, f64_values, golden, seed_case, SEEDS};

    #[test]
    fn dropout_mask_matches_golden_and_torch() {
        let want: Vec<f32> = golden()["seed0 F.dropout(ones(10),0.5) (non-MKL CPU path)"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        for seed in SEEDS {
            let mut mask = vec![0f32; 10];
            bernoulli_scalar_f32(&mut GeneratorState::new(seed), &mut mask, 0.5);
            let out: Vec<f32> = mask.iter().map(|m| 1.0 * (m / 0.5)).collect();
            if seed == 0 {
                assert_eq!(out, want);
            }
            assert_f32_bits(&out, seed_case(seed, "dropout_ones10_p0.5"), "dropout");
        }
    }

    #[test]
    fn scalar_p_matches_torch() {
        for seed in SEEDS {
            let mut a = vec![0f32; 12];
            bernoulli_scalar_f32(&mut GeneratorState::new(seed), &mut a, 0.3);
            assert_f32_bits(&a, seed_case(seed, "bernoulli_f32_p0.3_12"), "f32 p=0.3");
            let mut b = vec![0f64; 12];
            bernoulli_scalar_f64(&mut GeneratorState::new(seed), &mut b, 0.3);
            assert_f64_bits(&b, seed_case(seed, "bernoulli_f64_p0.3_12"), "f64 p=0.3");
        }
    }

    #[test]
    fn tensor_p_matches_torch() {
        for seed in SEEDS {
            let probs = f32_values(seed_case(seed, "bernoulli_probs_f32"));
            let mut a = vec![0f32; probs.len()];
            bernoulli_tensor_f32(&mut GeneratorState::new(seed), &mut a, &probs);
            assert_f32_bits(&a, seed_case(seed, "bernoulli_tensor_f32"), "tensor p f32");
            let probs = f64_values(seed_case(seed, "bernoulli_probs_f64"));
            let mut b = vec![0f64; probs.len()];
            bernoulli_tensor_f64(&mut GeneratorState::new(seed), &mut b, &probs);
            assert_f64_bits(&b, seed_case(seed, "bernoulli_tensor_f64"), "tensor p f64");
        }
    }
}
