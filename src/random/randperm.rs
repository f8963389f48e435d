//! `torch.randperm(n)` (`randperm_cpu` in `aten/src/ATen/native/TensorFactories.cpp`).

use super::generator::GeneratorState;

/// Below this `n` torch keeps its "old behaviour" shuffle with 32-bit draws (`UINT32_MAX / 20`).
pub const RANDPERM_SMALL_LIMIT: usize = (u32::MAX / 20) as usize;

/// A random permutation of `0..n`, exactly as `torch.randperm(n)` on the CPU.
///
/// For `n < 214748364`: start from the identity and, for `i` in `0..n-1`, swap `r[i]` with
/// `r[i + random() % (n - i)]` (`n - 1` 32-bit draws). Larger `n` use the inside-out
/// Fisher–Yates shuffle with `random64()`.
///
/// ```
/// use torchlight::random::{randperm, GeneratorState};
/// let p = randperm(&mut GeneratorState::new(0), 10);
/// assert_eq!(p, [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]); // torch.manual_seed(0); torch.randperm(10)
/// ```
pub fn randperm(st: &mut GeneratorState, n: usize) -> Vec<i64> {
    if n < RANDPERM_SMALL_LIMIT {
        randperm_small(st, n)
    } else {
        randperm_inside_out(st, n)
    }
}

fn randperm_small(st: &mut GeneratorState, n: usize) -> Vec<i64> {
    let mut r: Vec<i64> = (0..n as i64).collect();
    for i in 0..n.saturating_sub(1) {
        let z = (u64::from(st.random()) % (n - i) as u64) as usize;
        r.swap(i, i + z);
    }
    r
}

fn randperm_inside_out(st: &mut GeneratorState, n: usize) -> Vec<i64> {
    let mut r = vec![0i64; n];
    for i in 0..n {
        let z = (st.random64() % (i as u64 + 1)) as usize;
        r[i] = r[z];
        r[z] = i as i64;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::fixtures::{golden, ints, seed_case, SEEDS};

    #[test]
    fn randperm_matches_golden_and_torch() {
        let want: Vec<i64> =
            golden()["seed0 torch.randperm(10)"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        assert_eq!(randperm(&mut GeneratorState::new(0), 10), want);
        for seed in SEEDS {
            for n in [10, 1000] {
                let got = randperm(&mut GeneratorState::new(seed), n);
                let key = format!("randperm_{n}");
                assert_eq!(got, ints(seed_case(seed, &key)), "seed {seed} {key}");
            }
        }
    }

    #[test]
    fn degenerate_sizes_draw_nothing() {
        let mut st = GeneratorState::new(0);
        assert!(randperm(&mut st, 0).is_empty());
        assert_eq!(randperm(&mut st, 1), [0]);
        assert_eq!(st, GeneratorState::new(0));
    }

    /// The large-n branch cannot be compared with torch at a testable size; check it is a
    /// permutation and uses one `random64()` per element.
    #[test]
    fn inside_out_branch_is_a_permutation() {
        let mut st = GeneratorState::new(7);
        let mut p = randperm_inside_out(&mut st, 500);
        let mut other = GeneratorState::new(7);
        (0..1000).for_each(|_| {
            other.random();
        });
        assert_eq!(st, other);
        assert_ne!(p, (0..500).collect::<Vec<i64>>());
        p.sort_unstable();
        assert_eq!(p, (0..500).collect::<Vec<i64>>());
    }
}
