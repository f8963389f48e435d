//! `torch.get_rng_state()`'s byte layout (`CPUGeneratorImplState`, little-endian x86-64):
//!
//! | offset | field |
//! |---|---|
//! | 0 | `u64 the_initial_seed` |
//! | 8 | `i32 left` |
//! | 12 | `i32 seeded` (always 1) |
//! | 16 | `u64 next` |
//! | 24 | `u64 state[624]` (each u32 word widened) |
//! | 5016 | `f64 normal_x` (always 0) |
//! | 5024 | `f64 normal_y` (the cached double normal sample, or 0) |
//! | 5032 | `f64 normal_rho` (always 0) |
//! | 5040 | `i32 normal_is_valid`, then 4 padding bytes |
//! | 5048 | `f32 next_float_normal_sample` |
//! | 5052 | `bool is_next_float_normal_sample_valid`, then 3 padding bytes |
//!
//! Padding and unused fields are written as zeros, as torch does.

use super::generator::GeneratorState;
use super::mt19937::{Mt19937, MT_STATE_N};

/// Length of a serialised generator state, `sizeof(CPUGeneratorImplState)`.
pub const RNG_STATE_SIZE: usize = 5056;

const OFF_LEFT: usize = 8;
const OFF_SEEDED: usize = 12;
const OFF_NEXT: usize = 16;
const OFF_STATE: usize = 24;
const OFF_NORMAL_Y: usize = OFF_STATE + 8 * MT_STATE_N + 8;
const OFF_NORMAL_VALID: usize = OFF_NORMAL_Y + 16;
const OFF_FLOAT_SAMPLE: usize = OFF_NORMAL_VALID + 8;
const OFF_FLOAT_VALID: usize = OFF_FLOAT_SAMPLE + 4;

/// Why a byte string was refused as a generator state. The messages are torch's.
///
/// ```
/// use torchlight::random::{Generator, RngStateError};
/// let err = Generator::new().set_state(&[0u8; 10]).unwrap_err();
/// assert_eq!(err, RngStateError::WrongSize(10));
/// assert_eq!(
///     err.to_string(),
///     "Expected a CPUGeneratorImplState of size 5056 but found the input RNG state size to be 10"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RngStateError {
    /// The state is not [`RNG_STATE_SIZE`] bytes long.
    #[error("Expected a CPUGeneratorImplState of size {RNG_STATE_SIZE} but found the input RNG state size to be {0}")]
    WrongSize(usize),
    /// `seeded` is 0, `left` is outside `1..=624`, `next` is above 624, or `left + next > 625`.
    #[error("Invalid mt19937 state")]
    InvalidState,
}

/// Serialises `st` into torch's 5056-byte layout.
pub(crate) fn encode_state(st: &GeneratorState) -> Vec<u8> {
    let mut b = vec![0u8; RNG_STATE_SIZE];
    b[0..8].copy_from_slice(&st.seed.to_le_bytes());
    b[OFF_LEFT..OFF_LEFT + 4].copy_from_slice(&st.mt.left().to_le_bytes());
    b[OFF_SEEDED..OFF_SEEDED + 4].copy_from_slice(&1i32.to_le_bytes());
    b[OFF_NEXT..OFF_NEXT + 8].copy_from_slice(&u64::from(st.mt.next()).to_le_bytes());
    for (chunk, &w) in b[OFF_STATE..OFF_STATE + 8 * MT_STATE_N].chunks_exact_mut(8).zip(st.mt.state()) {
        chunk.copy_from_slice(&u64::from(w).to_le_bytes());
    }
    if let Some(y) = st.next_double_normal_sample {
        b[OFF_NORMAL_Y..OFF_NORMAL_Y + 8].copy_from_slice(&y.to_le_bytes());
        b[OFF_NORMAL_VALID..OFF_NORMAL_VALID + 4].copy_from_slice(&1i32.to_le_bytes());
    }
    if let Some(x) = st.next_float_normal_sample {
        b[OFF_FLOAT_SAMPLE..OFF_FLOAT_SAMPLE + 4].copy_from_slice(&x.to_le_bytes());
        b[OFF_FLOAT_VALID] = 1;
    }
    b
}

fn read<const N: usize>(b: &[u8], off: usize) -> [u8; N] {
    b[off..off + N].try_into().expect("in-bounds slice")
}

/// Parses torch's layout the way `CPUGeneratorImpl::set_state` does: `next` and the state
/// words are truncated to 32 bits, and any nonzero flag counts as set.
pub(crate) fn decode_state(b: &[u8]) -> Result<GeneratorState, RngStateError> {
    if b.len() != RNG_STATE_SIZE {
        return Err(RngStateError::WrongSize(b.len()));
    }
    let seed = u64::from_le_bytes(read(b, 0));
    let left = i32::from_le_bytes(read(b, OFF_LEFT));
    let seeded = i32::from_le_bytes(read(b, OFF_SEEDED)) != 0;
    let next = u64::from_le_bytes(read(b, OFF_NEXT)) as u32;
    let mut words = [0u32; MT_STATE_N];
    for (w, chunk) in words.iter_mut().zip(b[OFF_STATE..OFF_STATE + 8 * MT_STATE_N].chunks_exact(8)) {
        *w = u64::from_le_bytes(chunk.try_into().expect("8-byte chunk")) as u32;
    }
    let mt = Mt19937::from_parts(left, next, words).filter(|_| seeded).ok_or(RngStateError::InvalidState)?;
    let double_valid = i32::from_le_bytes(read(b, OFF_NORMAL_VALID)) != 0;
    let float_valid = b[OFF_FLOAT_VALID] != 0;
    Ok(GeneratorState {
        mt,
        seed,
        next_double_normal_sample: double_valid.then(|| f64::from_le_bytes(read(b, OFF_NORMAL_Y))),
        next_float_normal_sample: float_valid.then(|| f32::from_le_bytes(read(b, OFF_FLOAT_SAMPLE))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fixtures::{assert_f32_bits, global, hex_bytes, seed_case, SEEDS};
    use crate::random::{normal_f32, uniform_f32, Generator};

    #[test]
    fn state_after_seed_42_matches_torch() {
        let want = hex_bytes(&global()["state_after_seed_42"]);
        assert_eq!(want.len(), RNG_STATE_SIZE);
        assert!(Generator::with_seed(42).get_state() == want);
    }

    /// `randn(5)` (scalar path, leaves a cached sample) then `rand(3)`, like the fixture script.
    fn draw_like_fixture(g: &Generator) {
        let mut st = g.lock();
        normal_f32(&mut st, &mut [0f32; 5], 0.0, 1.0, true);
        uniform_f32(&mut st, &mut [0f32; 3], 0.0, 1.0);
    }

    #[test]
    fn state_after_draws_matches_torch() {
        for seed in SEEDS {
            let g = Generator::with_seed(seed);
            draw_like_fixture(&g);
            let want = hex_bytes(seed_case(seed, "state_after_randn5_rand3"));
            assert!(g.get_state() == want, "seed {seed}: state bytes differ");
        }
    }

    #[test]
    fn set_state_from_torch_bytes_continues_torchs_stream() {
        for seed in SEEDS {
            let g = Generator::new();
            g.set_state(&hex_bytes(seed_case(seed, "state_after_randn5_rand3"))).unwrap();
            assert_eq!(g.initial_seed(), seed);
            assert!(g.lock().next_double_normal_sample.is_some());
            let mut out = [0f32; 4];
            normal_f32(&mut g.lock(), &mut out, 0.0, 1.0, true);
            let want = seed_case(seed, "randn_f32_4_after_that_state");
            assert_f32_bits(&out, want, &format!("seed {seed} randn(4) after set_state"));
        }
    }

    #[test]
    fn roundtrip_keeps_both_caches() {
        let g = Generator::with_seed(9);
        g.lock().random();
        g.lock().next_double_normal_sample = Some(-0.25);
        g.lock().next_float_normal_sample = Some(1.5);
        let h = Generator::new();
        h.set_state(&g.get_state()).unwrap();
        assert_eq!(*h.lock(), *g.lock());
        assert!(h.get_state() == g.get_state());
    }

    #[test]
    fn invalid_states_are_refused_and_leave_the_generator_alone() {
        let g = Generator::with_seed(5);
        let good = g.get_state();
        let mut bad = good.clone();
        bad[OFF_LEFT] = 0; // left = 0
        assert_eq!(g.set_state(&bad), Err(RngStateError::InvalidState));
        let mut bad = good.clone();
        bad[OFF_SEEDED] = 0; // seeded = false
        assert_eq!(g.set_state(&bad), Err(RngStateError::InvalidState));
        assert_eq!(g.set_state(&good[..5048]), Err(RngStateError::WrongSize(5048)));
        assert!(g.get_state() == good);
    }

    #[test]
    fn next_is_truncated_to_32_bits_like_torch() {
        let g = Generator::with_seed(5);
        let mut bytes = g.get_state();
        bytes[OFF_NEXT + 4] = 1; // next = 2^32 + 0
        g.set_state(&bytes).unwrap();
        assert_eq!(g.lock().mt.next(), 0);
    }
}
