//! The generator state (`at::CPUGeneratorImpl`) and the shared, lockable [`Generator`] handle.

use std::sync::Arc;

use parking_lot::{Mutex, MutexGuard};

use super::mt19937::Mt19937;
use super::state_bytes::{decode_state, encode_state, RngStateError};

/// Seed of a fresh `torch.Generator()` (`default_rng_seed_val` in c10).
pub const DEFAULT_RNG_SEED: u64 = 67_280_421_310_721;

/// Everything `at::CPUGeneratorImpl` holds: the engine, the full 64-bit seed and the two
/// Box–Muller caches. Kernels take `&mut GeneratorState`, obtained from [`Generator::lock`].
///
/// ```
/// use torchlight::random::GeneratorState;
/// let mut st = GeneratorState::new(0);
/// assert_eq!(st.random(), 2357136044);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct GeneratorState {
    /// The Mersenne Twister engine (seeded from the low 32 bits of `seed`).
    pub mt: Mt19937,
    /// The full 64-bit seed, as `initial_seed()` reports it.
    pub seed: u64,
    /// The cached second Box–Muller sample of the scalar normal path, shared by all dtypes.
    pub next_double_normal_sample: Option<f64>,
    /// Serialised with the state but never used by CPU kernels.
    pub next_float_normal_sample: Option<f32>,
}

impl GeneratorState {
    /// A state seeded like `manual_seed(seed)`.
    ///
    /// ```
    /// let st = torchlight::random::GeneratorState::new(42);
    /// assert_eq!(st.seed, 42);
    /// assert_eq!(st.next_double_normal_sample, None);
    /// ```
    pub fn new(seed: u64) -> Self {
        GeneratorState { mt: Mt19937::new(seed), seed, next_double_normal_sample: None, next_float_normal_sample: None }
    }

    /// Reseeds in place (`CPUGeneratorImpl::set_current_seed`): resets the engine and BOTH caches.
    ///
    /// ```
    /// let mut st = torchlight::random::GeneratorState::new(1);
    /// st.next_double_normal_sample = Some(0.5);
    /// st.manual_seed(1);
    /// assert_eq!(st, torchlight::random::GeneratorState::new(1));
    /// ```
    pub fn manual_seed(&mut self, seed: u64) {
        *self = GeneratorState::new(seed);
    }

    /// One 32-bit draw.
    ///
    /// ```
    /// let mut st = torchlight::random::GeneratorState::new(42);
    /// assert_eq!(st.random(), 1608637542);
    /// ```
    #[inline]
    pub fn random(&mut self) -> u32 {
        self.mt.random()
    }

    /// One 64-bit draw: the first 32-bit draw is the high word.
    ///
    /// ```
    /// let mut st = torchlight::random::GeneratorState::new(42);
    /// assert_eq!(st.random64() >> 32, 1608637542);
    /// ```
    #[inline]
    pub fn random64(&mut self) -> u64 {
        self.mt.random64()
    }
}

/// A shareable handle to one random generator, like `torch.Generator` on the CPU.
///
/// Clones share the same state. Kernels lock it once per call with [`Generator::lock`] and draw
/// from the guarded [`GeneratorState`]; never hold the guard across calls into other ops.
///
/// ```
/// use torchlight::random::{uniform_f32, Generator};
/// let g = Generator::new();
/// assert_eq!(g.initial_seed(), 67280421310721);
/// g.manual_seed(0);
/// let mut out = [0f32; 2];
/// uniform_f32(&mut g.lock(), &mut out, 0.0, 1.0);
/// assert_eq!(out[0].to_bits(), 0x3efe1558); // torch.manual_seed(0); torch.rand(1)
/// ```
#[derive(Clone)]
pub struct Generator(Arc<Mutex<GeneratorState>>);

impl Generator {
    /// A new generator seeded with torch's default seed 67280421310721, like `torch.Generator()`.
    ///
    /// ```
    /// assert_eq!(torchlight::random::Generator::new().initial_seed(), 67280421310721);
    /// ```
    pub fn new() -> Self {
        Self::with_seed(DEFAULT_RNG_SEED)
    }

    /// A new generator seeded with `seed`.
    ///
    /// ```
    /// assert_eq!(torchlight::random::Generator::with_seed(5).initial_seed(), 5);
    /// ```
    pub fn with_seed(seed: u64) -> Self {
        Generator(Arc::new(Mutex::new(GeneratorState::new(seed))))
    }

    /// Reseeds like `Generator.manual_seed(seed)` and clears the cached normal samples.
    ///
    /// A negative Python seed `s` is the two's-complement `u64`, i.e. `s as u64`
    /// (`-1` becomes `u64::MAX`). Only the low 32 bits seed the engine; `initial_seed()` still
    /// reports all 64.
    ///
    /// ```
    /// let g = torchlight::random::Generator::new();
    /// g.manual_seed(-1i64 as u64);
    /// assert_eq!(g.initial_seed(), u64::MAX);
    /// ```
    pub fn manual_seed(&self, seed: u64) -> &Self {
        self.0.lock().manual_seed(seed);
        self
    }

    /// Reseeds from a nondeterministic source and returns the new seed, like `Generator.seed()`.
    ///
    /// ```
    /// let g = torchlight::random::Generator::new();
    /// let s = g.seed();
    /// assert_eq!(g.initial_seed(), s);
    /// ```
    pub fn seed(&self) -> u64 {
        let s = super::global::nondeterministic_seed();
        self.manual_seed(s);
        s
    }

    /// The full 64-bit seed last set, like `Generator.initial_seed()`.
    ///
    /// ```
    /// assert_eq!(torchlight::random::Generator::with_seed(1 << 40).initial_seed(), 1 << 40);
    /// ```
    pub fn initial_seed(&self) -> u64 {
        self.0.lock().seed
    }

    /// The state in `torch.get_rng_state()`'s exact 5056-byte layout.
    ///
    /// ```
    /// let g = torchlight::random::Generator::with_seed(42);
    /// let bytes = g.get_state();
    /// assert_eq!(bytes.len(), 5056);
    /// assert_eq!(bytes[0], 42);
    /// ```
    pub fn get_state(&self) -> Vec<u8> {
        encode_state(&self.0.lock())
    }

    /// Restores a state from `torch.get_rng_state()`'s layout, like `Generator.set_state`.
    ///
    /// Fails, leaving the generator unchanged, when `bytes` is not 5056 bytes long or does not
    /// hold a valid engine state.
    ///
    /// ```
    /// use torchlight::random::Generator;
    /// let (a, b) = (Generator::with_seed(3), Generator::new());
    /// b.set_state(&a.get_state()).unwrap();
    /// assert_eq!(b.lock().random(), a.lock().random());
    /// assert!(b.set_state(&[0u8; 10]).is_err());
    /// ```
    pub fn set_state(&self, bytes: &[u8]) -> Result<(), RngStateError> {
        let state = decode_state(bytes)?;
        *self.0.lock() = state;
        Ok(())
    }

    /// Locks the generator for a kernel. The guard derefs to [`GeneratorState`].
    ///
    /// ```
    /// let g = torchlight::random::Generator::with_seed(0);
    /// let first = g.lock().random();
    /// assert_eq!(first, 2357136044);
    /// ```
    pub fn lock(&self) -> MutexGuard<'_, GeneratorState> {
        self.0.lock()
    }

    /// Whether two handles share one state.
    ///
    /// ```
    /// let g = torchlight::random::Generator::new();
    /// assert!(g.ptr_eq(&g.clone()));
    /// assert!(!g.ptr_eq(&torchlight::random::Generator::new()));
    /// ```
    pub fn ptr_eq(&self, other: &Generator) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Default for Generator {
    /// Same as [`Generator::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator").field("initial_seed", &self.initial_seed()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fixtures::{assert_f32_bits, global};
    use crate::random::uniform_f32;

    fn rand3(g: &Generator) -> Vec<f32> {
        let mut out = vec![0f32; 3];
        uniform_f32(&mut g.lock(), &mut out, 0.0, 1.0);
        out
    }

    #[test]
    fn fresh_generator_matches_torch() {
        let g = Generator::new();
        assert_eq!(g.initial_seed(), global()["fresh_generator_initial_seed"].as_u64().unwrap());
        let mut out = vec![0f32; 5];
        uniform_f32(&mut g.lock(), &mut out, 0.0, 1.0);
        assert_f32_bits(&out, &global()["fresh_generator_rand_f32_5"], "fresh rand(5)");
    }

    #[test]
    fn seeds_are_u64_and_only_low_32_bits_reach_the_engine() {
        for (name, seed) in [("seed_m1", -1i64 as u64), ("seed_2p40p7", (1u64 << 40) + 7), ("seed_7", 7)] {
            let g = Generator::new();
            g.manual_seed(seed);
            let want_seed = global()[format!("{name}_initial_seed").as_str()].as_u64().unwrap();
            assert_eq!(g.initial_seed(), want_seed, "{name}");
            assert_f32_bits(&rand3(&g), &global()[format!("{name}_rand_f32_3").as_str()], name);
        }
    }

    #[test]
    fn manual_seed_clears_the_normal_caches() {
        let g = Generator::with_seed(3);
        g.lock().next_double_normal_sample = Some(1.0);
        g.lock().next_float_normal_sample = Some(1.0);
        g.manual_seed(3);
        assert_eq!(*g.lock(), GeneratorState::new(3));
    }

    #[test]
    fn clones_share_state() {
        let g = Generator::with_seed(0);
        let h = g.clone();
        assert_eq!(g.lock().random(), 2357136044);
        assert_eq!(h.lock().random(), 2546248239);
    }
}
