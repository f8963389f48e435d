//! The MT19937 engine exactly as `at::mt19937_engine` (`aten/src/ATen/core/MT19937RNGEngine.h`).

/// Number of 32-bit words in the Mersenne Twister state.
pub const MT_STATE_N: usize = 624;
const MT_STATE_M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UMASK: u32 = 0x8000_0000;
const LMASK: u32 = 0x7fff_ffff;

/// PyTorch's CPU Mersenne Twister: the standard MT19937 (`init_genrand`) stream.
///
/// Only the low 32 bits of a seed reach the engine (the full 64-bit seed is kept by
/// [`GeneratorState`](super::GeneratorState) for `initial_seed()`). The state is twisted lazily:
/// right after seeding `left == 1`, so the first draw twists the whole array first.
///
/// ```
/// use torchlight::random::Mt19937;
/// let mut mt = Mt19937::new(0);
/// assert_eq!(mt.random(), 2357136044);
/// assert_eq!(mt.random(), 2546248239);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Mt19937 {
    left: i32,
    next: u32,
    state: [u32; MT_STATE_N],
}

impl std::fmt::Debug for Mt19937 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mt19937").field("left", &self.left).field("next", &self.next).finish_non_exhaustive()
    }
}

impl Mt19937 {
    /// Seeds the engine like `at::mt19937(seed)`: `state[0]` is the low 32 bits of `seed`.
    ///
    /// ```
    /// use torchlight::random::Mt19937;
    /// // Seeds that agree in their low 32 bits give the same stream.
    /// assert_eq!(Mt19937::new(7), Mt19937::new((1 << 40) + 7));
    /// ```
    pub fn new(seed: u64) -> Self {
        let mut state = [0u32; MT_STATE_N];
        state[0] = seed as u32;
        for j in 1..MT_STATE_N {
            let prev = state[j - 1];
            state[j] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(j as u32);
        }
        Mt19937 { left: 1, next: 0, state }
    }

    /// Rebuilds an engine from its serialised parts, with torch's validity check
    /// (`0 < left <= 624`, `next <= 624`) plus `left + next <= 625`, which every state torch
    /// itself produces satisfies; torch accepts the others but then reads past its array.
    /// Returns `None` for an invalid state.
    ///
    /// ```
    /// use torchlight::random::Mt19937;
    /// let mt = Mt19937::new(42);
    /// let copy = Mt19937::from_parts(mt.left(), mt.next(), *mt.state()).unwrap();
    /// assert_eq!(copy, mt);
    /// assert!(Mt19937::from_parts(0, 0, *mt.state()).is_none());
    /// ```
    pub fn from_parts(left: i32, next: u32, state: [u32; MT_STATE_N]) -> Option<Self> {
        let n = MT_STATE_N as i64;
        let valid = left > 0 && i64::from(left) <= n && i64::from(next) <= n;
        (valid && i64::from(left) + i64::from(next) <= n + 1).then_some(Mt19937 { left, next, state })
    }

    /// Draws left before the next twist, plus one (torch's `left_`).
    ///
    /// ```
    /// assert_eq!(torchlight::random::Mt19937::new(0).left(), 1);
    /// ```
    pub fn left(&self) -> i32 {
        self.left
    }

    /// Index of the next state word to temper (torch's `next_`).
    ///
    /// ```
    /// assert_eq!(torchlight::random::Mt19937::new(0).next(), 0);
    /// ```
    pub fn next(&self) -> u32 {
        self.next
    }

    /// The raw (untempered) state words.
    ///
    /// ```
    /// assert_eq!(torchlight::random::Mt19937::new(42).state()[0], 42);
    /// ```
    pub fn state(&self) -> &[u32; MT_STATE_N] {
        &self.state
    }

    /// One 32-bit draw (`at::mt19937_engine::operator()`).
    ///
    /// ```
    /// let mut mt = torchlight::random::Mt19937::new(42);
    /// assert_eq!(mt.random(), 1608637542);
    /// ```
    #[inline]
    pub fn random(&mut self) -> u32 {
        self.left -= 1;
        if self.left == 0 {
            self.next_state();
        }
        let mut y = self.state[self.next as usize];
        self.next += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// One 64-bit draw (`CPUGeneratorImpl::random64`): the FIRST 32-bit draw is the high word.
    ///
    /// ```
    /// let mut mt = torchlight::random::Mt19937::new(0);
    /// assert_eq!(mt.random64(), (2357136044u64 << 32) | 2546248239);
    /// ```
    #[inline]
    pub fn random64(&mut self) -> u64 {
        let hi = u64::from(self.random());
        let lo = u64::from(self.random());
        (hi << 32) | lo
    }

    /// The standard twist over the whole array, in place and in increasing index order.
    fn next_state(&mut self) {
        #[inline(always)]
        fn twist(u: u32, v: u32) -> u32 {
            (((u & UMASK) | (v & LMASK)) >> 1) ^ if v & 1 != 0 { MATRIX_A } else { 0 }
        }
        let s = &mut self.state;
        for i in 0..MT_STATE_N - MT_STATE_M {
            s[i] = s[i + MT_STATE_M] ^ twist(s[i], s[i + 1]);
        }
        for i in MT_STATE_N - MT_STATE_M..MT_STATE_N - 1 {
            s[i] = s[i + MT_STATE_M - MT_STATE_N] ^ twist(s[i], s[i + 1]);
        }
        s[MT_STATE_N - 1] = s[MT_STATE_M - 1] ^ twist(s[MT_STATE_N - 1], s[0]);
        self.left = MT_STATE_N as i32;
        self.next = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fixtures::golden;

    #[test]
    fn first_draws_match_golden() {
        for (seed, key) in [(0u64, "mt19937 seed=0 first 5 u32"), (42, "mt19937 seed=42 first 5 u32")] {
            let want: Vec<u64> = golden()[key].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
            let mut mt = Mt19937::new(seed);
            let got: Vec<u64> = (0..5).map(|_| u64::from(mt.random())).collect();
            assert_eq!(got, want, "seed {seed}");
        }
    }

    #[test]
    fn left_and_next_follow_the_draws() {
        let mut mt = Mt19937::new(1);
        assert_eq!((mt.left(), mt.next()), (1, 0));
        mt.random();
        assert_eq!((mt.left(), mt.next()), (624, 1));
        for _ in 0..623 {
            mt.random();
        }
        assert_eq!((mt.left(), mt.next()), (1, 624));
        mt.random();
        assert_eq!((mt.left(), mt.next()), (624, 1));
    }

    #[test]
    fn from_parts_rejects_what_would_read_out_of_bounds() {
        let s = *Mt19937::new(3).state();
        assert!(Mt19937::from_parts(1, 624, s).is_some());
        assert!(Mt19937::from_parts(624, 1, s).is_some());
        assert!(Mt19937::from_parts(2, 624, s).is_none());
        assert!(Mt19937::from_parts(625, 0, s).is_none());
        assert!(Mt19937::from_parts(-3, 0, s).is_none());
        assert!(Mt19937::from_parts(5, 625, s).is_none());
    }
}
