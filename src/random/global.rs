//! The process-wide default CPU generator and the `torch.*` functions that act on it.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use super::generator::Generator;
use super::state_bytes::RngStateError;

static DEFAULT_GENERATOR: OnceLock<Generator> = OnceLock::new();

/// A 64-bit seed from a nondeterministic source (torch reads `/dev/urandom`).
///
/// std's `RandomState` keys come from the operating system's randomness; the time and a
/// per-call counter are mixed in so that successive calls differ.
pub(crate) fn nondeterministic_seed() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(d) = SystemTime::now().duration_since(UNIX_EPOCH) {
        h.write_u128(d.as_nanos());
    }
    h.finish()
}

/// The default CPU generator that every random op uses when given none
/// (`torch.default_generator`).
///
/// Created on first use and seeded nondeterministically, so streams differ between runs until
/// [`manual_seed`] is called. Returns a handle sharing the one global state.
///
/// ```
/// use torchlight::random::{default_generator, manual_seed};
/// manual_seed(0);
/// assert_eq!(default_generator().initial_seed(), 0);
/// ```
pub fn default_generator() -> Generator {
    DEFAULT_GENERATOR.get_or_init(|| Generator::with_seed(nondeterministic_seed())).clone()
}

/// Seeds the default generator, like `torch.manual_seed(seed)`, and returns it.
///
/// A negative Python seed `s` is the two's-complement `u64` (`s as u64`); only its low 32 bits
/// reach the engine. Both cached normal samples are cleared.
///
/// ```
/// use torchlight::random::{manual_seed, normal_f32};
/// let g = manual_seed(0);
/// let mut x = [0f32; 5];
/// normal_f32(&mut g.lock(), &mut x, 0.0, 1.0, true);
/// assert_eq!(x[0].to_bits(), 0x3fc53f5c); // torch.manual_seed(0); torch.randn(5)[0] == 1.5409961
/// ```
pub fn manual_seed(seed: u64) -> Generator {
    let g = default_generator();
    g.manual_seed(seed);
    g
}

/// Reseeds the default generator nondeterministically and returns the seed, like `torch.seed()`.
///
/// ```
/// let s = torchlight::random::seed();
/// assert_eq!(torchlight::random::initial_seed(), s);
/// ```
pub fn seed() -> u64 {
    default_generator().seed()
}

/// The default generator's seed, like `torch.initial_seed()`.
///
/// ```
/// torchlight::random::manual_seed(123);
/// assert_eq!(torchlight::random::initial_seed(), 123);
/// ```
pub fn initial_seed() -> u64 {
    default_generator().initial_seed()
}

/// The default generator's state in torch's 5056-byte layout, like `torch.get_rng_state()`.
///
/// ```
/// assert_eq!(torchlight::random::get_rng_state().len(), 5056);
/// ```
pub fn get_rng_state() -> Vec<u8> {
    default_generator().get_state()
}

/// Restores the default generator's state, like `torch.set_rng_state(state)`.
///
/// ```
/// use torchlight::random::{get_rng_state, set_rng_state};
/// let saved = get_rng_state();
/// set_rng_state(&saved).unwrap();
/// assert!(set_rng_state(&saved[1..]).is_err());
/// ```
pub fn set_rng_state(state: &[u8]) -> Result<(), RngStateError> {
    default_generator().set_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nondeterministic_seeds_differ() {
        assert_ne!(nondeterministic_seed(), nondeterministic_seed());
    }

    #[test]
    fn default_generator_is_one_shared_state() {
        assert!(default_generator().ptr_eq(&default_generator()));
        assert!(manual_seed(0).ptr_eq(&default_generator()));
    }
}
