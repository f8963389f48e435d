//! [`random_split`]: non-overlapping random subsets (`torch.utils.data.random_split`).

use super::dataset::Dataset;
use super::subset::Subset;
use crate::error::unwrap;
use crate::random::{randperm, Generator};
use crate::{Error, Result};

/// The sizes given to [`random_split`]: item counts, or fractions of the data set.
///
/// Converts from arrays, slices and `Vec`s of `usize` (counts) or `f64` (fractions).
///
/// ```
/// use torchlight::data::SplitLengths;
/// assert_eq!(SplitLengths::from([3, 7]), SplitLengths::Counts(vec![3, 7]));
/// assert_eq!(SplitLengths::from(vec![0.5, 0.5]), SplitLengths::Fractions(vec![0.5, 0.5]));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum SplitLengths {
    /// Exact sizes, which must add up to the data set's length.
    Counts(Vec<usize>),
    /// Fractions in `[0, 1]` adding up to 1: each split gets `floor(len * fraction)` items and
    /// the remainder is handed out one by one, round robin from the first split.
    Fractions(Vec<f64>),
}

impl From<Vec<usize>> for SplitLengths {
    fn from(v: Vec<usize>) -> Self {
        SplitLengths::Counts(v)
    }
}

impl From<&[usize]> for SplitLengths {
    fn from(v: &[usize]) -> Self {
        SplitLengths::Counts(v.to_vec())
    }
}

impl<const N: usize> From<[usize; N]> for SplitLengths {
    fn from(v: [usize; N]) -> Self {
        SplitLengths::Counts(v.to_vec())
    }
}

impl From<Vec<f64>> for SplitLengths {
    fn from(v: Vec<f64>) -> Self {
        SplitLengths::Fractions(v)
    }
}

impl From<&[f64]> for SplitLengths {
    fn from(v: &[f64]) -> Self {
        SplitLengths::Fractions(v.to_vec())
    }
}

impl<const N: usize> From<[f64; N]> for SplitLengths {
    fn from(v: [f64; N]) -> Self {
        SplitLengths::Fractions(v.to_vec())
    }
}

/// Python's `math.isclose(a, b)` with its default `rel_tol=1e-9`.
fn isclose(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// The split sizes torch computes for `n` items, or its `ValueError`.
fn resolve_lengths(lengths: &SplitLengths, n: usize) -> Result<Vec<usize>> {
    let sum_error = || Error::Value("Sum of input lengths does not equal the length of the input dataset!".into());
    let counts = match lengths {
        SplitLengths::Counts(c) => c.clone(),
        SplitLengths::Fractions(f) => {
            // Python's built-in `sum` adds left to right (compensated summation only arrived
            // in Python 3.12; torch's test venv runs 3.11, and no fixture sits on the edge).
            let total: f64 = f.iter().fold(0.0, |acc, &x| acc + x);
            if !(isclose(total, 1.0) && total <= 1.0) {
                return Err(sum_error());
            }
            let mut counts = Vec::with_capacity(f.len());
            for (i, &frac) in f.iter().enumerate() {
                if !(0.0..=1.0).contains(&frac) {
                    return Err(Error::Value(format!("Fraction at index {i} is not between 0 and 1")));
                }
                counts.push((n as f64 * frac).floor() as usize);
            }
            let remainder = n - counts.iter().sum::<usize>().min(n);
            for i in 0..remainder {
                let k = i % counts.len();
                counts[k] += 1;
            }
            counts
        }
    };
    if counts.iter().sum::<usize>() != n {
        return Err(sum_error());
    }
    Ok(counts)
}

/// Splits `dataset` into non-overlapping random [`Subset`]s of the given sizes, drawing
/// `randperm(len)` from `generator` exactly as `torch.utils.data.random_split` does: the same
/// seed gives the same index lists. Pass [`default_generator`](crate::random::default_generator)
/// for torch's default.
///
/// Each subset holds a clone of `dataset`; pass an `Arc` to share one copy. Panics with torch's
/// `ValueError` message when the sizes do not add up.
///
/// ```
/// use torchlight::data::{random_split, Dataset, TensorDataset};
/// use torchlight::random::Generator;
/// use torchlight::Tensor;
/// let ds = TensorDataset::new(Tensor::arange(0.0, 10.0, 1.0));
/// let g = Generator::with_seed(42);
/// let parts = random_split(ds, [3, 7], &g);
/// assert_eq!(parts[0].indices(), &[2, 6, 1]); // torch: random_split(range(10), [3, 7], generator=g)
/// let halves = random_split(parts[1].clone(), [0.5, 0.5], &g);
/// assert_eq!((halves[0].len(), halves[1].len()), (4, 3));
/// ```
#[track_caller]
pub fn random_split<D: Dataset + Clone>(
    dataset: D,
    lengths: impl Into<SplitLengths>,
    generator: &Generator,
) -> Vec<Subset<D>> {
    unwrap(try_random_split(dataset, lengths, generator))
}

/// Fallible twin of [`random_split`].
///
/// ```
/// use torchlight::data::{try_random_split, TensorDataset};
/// use torchlight::random::Generator;
/// let ds = TensorDataset::new(torchlight::Tensor::zeros(&[5]));
/// let err = try_random_split(ds, [3, 3], &Generator::new()).unwrap_err();
/// assert_eq!(err.to_string(), "Sum of input lengths does not equal the length of the input dataset!");
/// ```
pub fn try_random_split<D: Dataset + Clone>(
    dataset: D,
    lengths: impl Into<SplitLengths>,
    generator: &Generator,
) -> Result<Vec<Subset<D>>> {
    let n = dataset.len();
    let counts = resolve_lengths(&lengths.into(), n)?;
    let perm = randperm(&mut generator.lock(), n);
    let mut start = 0;
    Ok(counts
        .into_iter()
        .map(|len| {
            let indices = perm[start..start + len].iter().map(|&i| i as usize).collect();
            start += len;
            Subset::new(dataset.clone(), indices)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_hand_out_the_remainder_round_robin() {
        let l = resolve_lengths(&SplitLengths::Fractions(vec![0.33, 0.33, 0.34]), 10).unwrap();
        assert_eq!(l, [4, 3, 3]);
    }

    #[test]
    fn fractions_over_one_are_rejected_as_lengths() {
        assert!(resolve_lengths(&SplitLengths::Fractions(vec![0.5, 0.6]), 10).is_err());
        let e = resolve_lengths(&SplitLengths::Fractions(vec![1.5, -0.5]), 10).unwrap_err();
        assert_eq!(e.to_string(), "Fraction at index 0 is not between 0 and 1");
    }
}
