//! `Tensor.random_()` and `torch.randint` (`uniform_int_*_distribution`).

use super::generator::GeneratorState;

/// Ranges at least this wide use `random64()`; narrower ones use `random()` (non-fbcode build).
pub const RANDOM64_THRESHOLD: u64 = 1 << 28;

/// An element type that integer-valued random kernels can write (torch's `scalar_t`).
///
/// ```
/// use torchlight::random::RandomScalar;
/// assert_eq!(<f32 as RandomScalar>::from_i64(3), 3.0);
/// assert_eq!(<i32 as RandomScalar>::from_i64(1 << 32), 0); // wraps like static_cast
/// assert!(<bool as RandomScalar>::from_i64(2));
/// ```
pub trait RandomScalar: Copy {
    /// `static_cast<T>(v)`: floats round to nearest, narrower integers wrap, bool is `v != 0`.
    fn from_i64(v: i64) -> Self;
    /// `static_cast<T>(b)`.
    fn from_bool(b: bool) -> Self;
    /// One sample of `random_()` without bounds (`uniform_int_distribution<T>`).
    fn random_default(st: &mut GeneratorState) -> Self;
}

macro_rules! impl_random_int {
    ($($t:ty),*) => {$(
        impl RandomScalar for $t {
            #[inline]
            fn from_i64(v: i64) -> Self {
                v as $t
            }
            #[inline]
            fn from_bool(b: bool) -> Self {
                <$t>::from(b)
            }
            /// `random() % (max + 1)`.
            #[inline]
            fn random_default(st: &mut GeneratorState) -> Self {
                (u64::from(st.random()) % (<$t>::MAX as u64 + 1)) as $t
            }
        }
    )*};
}
impl_random_int!(i8, i16, i32, u8);

impl RandomScalar for i64 {
    #[inline]
    fn from_i64(v: i64) -> Self {
        v
    }
    #[inline]
    fn from_bool(b: bool) -> Self {
        i64::from(b)
    }
    /// `random64() % 2^63`.
    #[inline]
    fn random_default(st: &mut GeneratorState) -> Self {
        (st.random64() % (1u64 << 63)) as i64
    }
}

impl RandomScalar for bool {
    #[inline]
    fn from_i64(v: i64) -> Self {
        v != 0
    }
    #[inline]
    fn from_bool(b: bool) -> Self {
        b
    }
    /// `random() & 1`.
    #[inline]
    fn random_default(st: &mut GeneratorState) -> Self {
        st.random() & 1 != 0
    }
}

impl RandomScalar for f32 {
    #[inline]
    fn from_i64(v: i64) -> Self {
        v as f32
    }
    #[inline]
    fn from_bool(b: bool) -> Self {
        f32::from(u8::from(b))
    }
    /// `random() % (2^24 + 1)`.
    #[inline]
    fn random_default(st: &mut GeneratorState) -> Self {
        (u64::from(st.random()) % ((1u64 << f32::MANTISSA_DIGITS) + 1)) as f32
    }
}

impl RandomScalar for f64 {
    #[inline]
    fn from_i64(v: i64) -> Self {
        v as f64
    }
    #[inline]
    fn from_bool(b: bool) -> Self {
        f64::from(u8::from(b))
    }
    /// `random64() % (2^53 + 1)`.
    #[inline]
    fn random_default(st: &mut GeneratorState) -> Self {
        (st.random64() % ((1u64 << f64::MANTISSA_DIGITS) + 1)) as f64
    }
}

/// Fills `out` (storage order) like `random_(from, to)` / `torch.randint(from, to, ...)`:
/// per element `(v % (to - from)) + from` with `v = random64()` when `to - from >= 2^28`,
/// else `v = random()`.
///
/// For float dtypes the caller first adjusts the bounds with [`update_from`] / [`update_to`].
///
/// # Panics
/// If `from >= to`, with torch's message.
///
/// ```
/// use torchlight::random::{random_range, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut out = [0f32; 4];
/// random_range(&mut st, &mut out, 0, 10);
/// assert_eq!(out, [4.0, 9.0, 3.0, 0.0]);
/// ```
pub fn random_range<T: RandomScalar>(st: &mut GeneratorState, out: &mut [T], from: i64, to: i64) {
    assert!(from < to, "random_ expects 'from' to be less than 'to', but got from={from} >= to={to}");
    random_from_range(st, out, (to as u64).wrapping_sub(from as u64), from);
}

/// [`random_range`] for int64 output: `torch.randint(from, to, size)`.
///
/// ```
/// use torchlight::random::{random_range_i64, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut out = [0i64; 8];
/// random_range_i64(&mut st, &mut out, 0, 10);
/// assert_eq!(out, [4, 9, 3, 0, 3, 9, 7, 3]); // torch.manual_seed(0); torch.randint(0, 10, (8,))
/// ```
pub fn random_range_i64(st: &mut GeneratorState, out: &mut [i64], from: i64, to: i64) {
    random_range(st, out, from, to);
}

/// The raw `uniform_int_from_to_distribution`: per element `(v % range) + base` in wrapping
/// u64 arithmetic, cast through i64. `random_(from)` with no `to` uses
/// `range = to_inc - from + 1`. `range` must not be 0.
///
/// ```
/// use torchlight::random::{random_from_range, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut out = [0u8; 2];
/// random_from_range(&mut st, &mut out, 256, 0); // uint8 random_(0, None)
/// assert_eq!(out, [172, 47]);
/// ```
pub fn random_from_range<T: RandomScalar>(st: &mut GeneratorState, out: &mut [T], range: u64, base: i64) {
    assert!(range != 0, "random_from_range needs a nonempty range");
    let base = base as u64;
    if range >= RANDOM64_THRESHOLD {
        for o in out {
            *o = T::from_i64((st.random64() % range).wrapping_add(base) as i64);
        }
    } else {
        for o in out {
            *o = T::from_i64((u64::from(st.random()) % range).wrapping_add(base) as i64);
        }
    }
}

/// `random_(i64::MIN, None)`: each element is one `random64()` reinterpreted as i64.
///
/// ```
/// use torchlight::random::{random_full_range, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut out = [0i64; 1];
/// random_full_range(&mut st, &mut out);
/// assert_eq!(out[0] as u64, (2357136044u64 << 32) | 2546248239);
/// ```
pub fn random_full_range<T: RandomScalar>(st: &mut GeneratorState, out: &mut [T]) {
    for o in out {
        *o = T::from_i64(st.random64() as i64);
    }
}

/// `random_()` with no bounds: [`RandomScalar::random_default`] per element.
///
/// ```
/// use torchlight::random::{random_default, GeneratorState};
/// let mut st = GeneratorState::new(0);
/// let mut out = [false; 4];
/// random_default(&mut st, &mut out);
/// assert_eq!(out, [false, true, true, false]);
/// ```
pub fn random_default<T: RandomScalar>(st: &mut GeneratorState, out: &mut [T]) {
    for o in out {
        *o = T::random_default(st);
    }
}

/// Float types whose `random_` bounds torch adjusts (`update_from` / `update_to`).
pub trait RandomFloat: RandomScalar {
    /// `std::numeric_limits<T>::digits`.
    const DIGITS: u32;
    /// `static_cast<int64_t>(static_cast<T>(v))`.
    fn round_trip(v: i64) -> i64;
}

impl RandomFloat for f32 {
    const DIGITS: u32 = f32::MANTISSA_DIGITS;
    fn round_trip(v: i64) -> i64 {
        v as f32 as i64
    }
}

impl RandomFloat for f64 {
    const DIGITS: u32 = f64::MANTISSA_DIGITS;
    fn round_trip(v: i64) -> i64 {
        v as f64 as i64
    }
}

/// `floor(log2(v))` for `v > 0`, 0 for `v == 0` (torch's `while (v >>= 1) ++n`).
fn floor_log2(v: u64) -> u32 {
    v.checked_ilog2().unwrap_or(0)
}

/// Moves `from` up to the nearest value whose successor survives a round trip through `T`, so
/// that results cast to `T` stay `>= from` (torch's `update_from<T>`).
///
/// ```
/// use torchlight::random::update_from;
/// assert_eq!(update_from::<f32>(3), 3);
/// assert_eq!(update_from::<f32>((1 << 25) + 1), (1 << 25) + 4);
/// ```
pub fn update_from<T: RandomFloat>(from: i64) -> i64 {
    let from_plus_1 = T::round_trip(from.wrapping_add(1));
    if from_plus_1 < from {
        let n = floor_log2(from.wrapping_add(1).unsigned_abs());
        return from_plus_1 + (1i64 << (n + 1 - T::DIGITS));
    }
    from
}

/// Moves `to` down so that results cast to `T` stay `< to` (torch's `update_to<T>`).
///
/// ```
/// use torchlight::random::update_to;
/// assert_eq!(update_to::<f32>(10), 10);
/// assert_eq!(update_to::<f32>((1 << 25) + 4), 1 << 25);
/// ```
pub fn update_to<T: RandomFloat>(to: i64) -> i64 {
    let to_minus_1 = T::round_trip(to.wrapping_sub(1));
    if to_minus_1 >= to {
        let n = floor_log2(to.wrapping_sub(1).unsigned_abs());
        return to_minus_1 - (1i64 << (n + 1 - T::DIGITS));
    }
    to
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fixtures::{golden, ints, seed_case, SEEDS};

    fn randint<T: RandomScalar + Default>(seed: u64, n: usize, from: i64, to: i64) -> Vec<T> {
        let mut out = vec![T::default(); n];
        random_range(&mut GeneratorState::new(seed), &mut out, from, to);
        out
    }

    #[test]
    fn randint_matches_golden() {
        let want: Vec<i64> = golden()["seed0 torch.randint(0,10,(8,))"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        assert_eq!(randint::<i64>(0, 8, 0, 10), want);
    }

    #[test]
    fn randint_matches_torch() {
        let p40 = 1i64 << 40;
        for seed in SEEDS {
            for (key, n, from, to) in [
                ("randint_0_10_8", 8, 0, 10),
                ("randint_m5_5_6", 6, -5, 5),
                ("randint_m2p40_2p40_6", 6, -p40, p40),
                ("randint_0_2p28_4", 4, 0, 1 << 28),
                ("randint_0_2p28m1_4", 4, 0, (1 << 28) - 1),
            ] {
                let got = randint::<i64>(seed, n, from, to);
                assert_eq!(got, ints(seed_case(seed, key)), "seed {seed} {key}");
            }
        }
    }

    #[test]
    fn float_randint_matches_torch() {
        let p40 = 1i64 << 40;
        for seed in SEEDS {
            let f = |v: Vec<f32>| v.iter().map(|&x| x as i64).collect::<Vec<_>>();
            let d = |v: Vec<f64>| v.iter().map(|&x| x as i64).collect::<Vec<_>>();
            let got = f(randint::<f32>(seed, 8, 0, 10));
            assert_eq!(got, ints(seed_case(seed, "randint_f32_0_10_8")));
            let (from, to) = (update_from::<f64>(-p40), update_to::<f64>(p40));
            let got = d(randint::<f64>(seed, 4, from, to));
            assert_eq!(got, ints(seed_case(seed, "randint_f64_m2p40_2p40_4")));
            let (from, to) = (update_from::<f32>(0), update_to::<f32>((1 << 25) + 4));
            assert_eq!(to, 1 << 25);
            let got = f(randint::<f32>(seed, 6, from, to));
            assert_eq!(got, ints(seed_case(seed, "randint_f32_0_2p25p4_6")));
            let (from, to) = (update_from::<f32>((1 << 25) + 1), update_to::<f32>(1 << 26));
            assert_eq!(from, (1 << 25) + 4);
            let got = f(randint::<f32>(seed, 6, from, to));
            assert_eq!(got, ints(seed_case(seed, "randint_f32_2p25p1_2p26_6")));
        }
    }

    fn default_draws<T: RandomScalar + Default + Clone>(seed: u64, n: usize) -> Vec<T> {
        let mut out = vec![T::default(); n];
        random_default(&mut GeneratorState::new(seed), &mut out);
        out
    }

    #[test]
    fn random_without_bounds_matches_torch() {
        for seed in SEEDS {
            let case = |k: &str| ints(seed_case(seed, k));
            assert_eq!(default_draws::<i64>(seed, 5), case("random_default_i64_5"));
            let v: Vec<i64> = default_draws::<i32>(seed, 5).into_iter().map(i64::from).collect();
            assert_eq!(v, case("random_default_i32_5"));
            let v: Vec<i64> = default_draws::<u8>(seed, 5).into_iter().map(i64::from).collect();
            assert_eq!(v, case("random_default_u8_5"));
            let v: Vec<i64> = default_draws::<bool>(seed, 8).into_iter().map(i64::from).collect();
            assert_eq!(v, case("random_default_bool_8"));
            let v: Vec<i64> = default_draws::<f32>(seed, 5).iter().map(|&x| x as i64).collect();
            assert_eq!(v, case("random_default_f32_5"));
            let v: Vec<i64> = default_draws::<f64>(seed, 5).iter().map(|&x| x as i64).collect();
            assert_eq!(v, case("random_default_f64_5"));
            let mut v = vec![0i64; 5];
            random_full_range(&mut GeneratorState::new(seed), &mut v);
            assert_eq!(v, case("random_full_range_i64_5"));
        }
    }

    #[test]
    #[should_panic(expected = "random_ expects 'from' to be less than 'to', but got from=3 >= to=3")]
    fn empty_range_panics_with_torchs_message() {
        randint::<i64>(0, 1, 3, 3);
    }
}
