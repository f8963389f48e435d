//! The building blocks of ATen's float `cascade_sum`
//! (`aten/src/ATen/native/cpu/SumKernel.cpp`): `multi_row_sum` and `row_sum`.
//!
//! They are written over an [`Accumulator`], which is either one element or a
//! vector of lanes, as ATen's templates are over `scalar_t` or `Vectorized<scalar_t>`.

/// A value the cascade adds into: a scalar, or a fixed number of independent lanes.
pub trait Accumulator: Copy {
    /// The additive identity.
    const ZERO: Self;
    /// `self + rhs`, lane by lane for vectors, rounded in the element type.
    fn add(self, rhs: Self) -> Self;
}

impl Accumulator for f32 {
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self + rhs
    }
}

impl Accumulator for f64 {
    const ZERO: Self = 0.0;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self + rhs
    }
}

impl<T: Accumulator, const L: usize> Accumulator for [T; L] {
    const ZERO: Self = [T::ZERO; L];
    #[inline(always)]
    fn add(mut self, rhs: Self) -> Self {
        for (a, b) in self.iter_mut().zip(rhs) {
            *a = a.add(b);
        }
        self
    }
}

/// Number of cascade levels in `multi_row_sum`.
const NUM_LEVELS: usize = 4;
/// Rows `row_sum` interleaves (`ilp_factor`).
const ILP: usize = 4;

/// `utils::CeilLog2`: 1 for `x <= 2`, else `ceil(log2(x))`.
fn ceil_log2(x: usize) -> usize {
    if x <= 2 {
        1
    } else {
        (usize::BITS - (x - 1).leading_zeros()) as usize
    }
}

/// Sums `N` interleaved rows over `size` steps: `load(i, k)` is row `k` at step `i`.
///
/// Level 0 takes `level_step` consecutive values; each full block is pushed up
/// to the next level until a level's counter bits are not all zero, so the
/// levels hold partial sums of geometrically growing blocks.
#[inline(always)]
pub(super) fn multi_row_sum<A: Accumulator, const N: usize>(size: usize, load: impl Fn(usize, usize) -> A) -> [A; N] {
    let level_power = 4.max(ceil_log2(size) / NUM_LEVELS);
    let level_step = 1usize << level_power;
    let level_mask = level_step - 1;

    // The four levels are separate locals (not one array indexed by the level) so that the
    // compiler keeps them in registers instead of on the stack.
    const { assert!(NUM_LEVELS == 4) };
    let (mut l0, mut l1, mut l2, mut l3) = ([A::ZERO; N], [A::ZERO; N], [A::ZERO; N], [A::ZERO; N]);
    let push = |upper: &mut [A; N], lower: &mut [A; N]| {
        for k in 0..N {
            upper[k] = upper[k].add(lower[k]);
            lower[k] = A::ZERO;
        }
    };
    let mut i = 0;
    while i + level_step <= size {
        for _ in 0..level_step {
            for (k, a) in l0.iter_mut().enumerate() {
                *a = a.add(load(i, k));
            }
            i += 1;
        }
        // A full block moves up a level, and on while the level above is full too.
        push(&mut l1, &mut l0);
        if i & (level_mask << level_power) == 0 {
            push(&mut l2, &mut l1);
            if i & (level_mask << (2 * level_power)) == 0 {
                push(&mut l3, &mut l2);
            }
        }
    }
    while i < size {
        for (k, a) in l0.iter_mut().enumerate() {
            *a = a.add(load(i, k));
        }
        i += 1;
    }
    for level in [l1, l2, l3] {
        for (a, l) in l0.iter_mut().zip(level.iter()) {
            *a = a.add(*l);
        }
    }
    l0
}

/// Sums one row of `size` values (`load(i)`), as four interleaved partial
/// sums (`multi_row_sum` over the row seen as a `(size / 4, 4)` array), then
/// the leftover values, then partial sums 1, 2, 3 into partial sum 0.
#[inline(always)]
pub(super) fn row_sum<A: Accumulator>(size: usize, load: impl Fn(usize) -> A) -> A {
    let size_ilp = size / ILP;
    let mut partial = multi_row_sum::<A, ILP>(size_ilp, |i, k| load(ILP * i + k));
    for i in size_ilp * ILP..size {
        partial[0] = partial[0].add(load(i));
    }
    for k in 1..ILP {
        partial[0] = partial[0].add(partial[k]);
    }
    partial[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_log2_matches_aten() {
        let expect = [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (8, 3), (9, 4), (1 << 20, 20)];
        for (x, want) in expect {
            assert_eq!(ceil_log2(x), want, "x = {x}");
        }
    }

    #[test]
    fn exact_integers_sum_exactly() {
        for size in [0usize, 1, 3, 4, 15, 16, 17, 63, 64, 65, 1000, 5000] {
            let got = row_sum(size, |i| i as f64);
            assert_eq!(got, (size * size.saturating_sub(1) / 2) as f64, "size {size}");
            let rows: [f64; 3] = multi_row_sum(size, |i, k| (i * (k + 1)) as f64);
            for (k, r) in rows.iter().enumerate() {
                let want = (size * size.saturating_sub(1) / 2 * (k + 1)) as f64;
                assert_eq!(*r, want, "size {size} row {k}");
            }
        }
    }
}
