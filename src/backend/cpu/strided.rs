//! Walking the elements of one or more tensors that share a logical shape but have their own
//! strides and offsets. Dims that are contiguous for every operand are merged first, so a
//! dense walk becomes one flat loop.

use smallvec::SmallVec;

type Dims = SmallVec<[usize; 6]>;

/// Merges adjacent dims that are contiguous in every operand and drops size-1 dims.
/// Returns the merged shape and, per operand, its merged strides.
fn coalesce<const N: usize>(shape: &[usize], strides: [&[usize]; N]) -> (Dims, [Dims; N]) {
    let mut out_shape = Dims::new();
    let mut out_strides: [Dims; N] = std::array::from_fn(|_| Dims::new());
    for d in 0..shape.len() {
        let size = shape[d];
        if size == 1 {
            continue;
        }
        if let Some(&last) = out_shape.last() {
            let mergeable = (0..N).all(|k| *out_strides[k].last().unwrap() == strides[k][d] * size);
            if mergeable {
                let n = out_shape.len() - 1;
                out_shape[n] = last * size;
                for (k, s) in out_strides.iter_mut().enumerate() {
                    s[n] = strides[k][d];
                }
                continue;
            }
        }
        out_shape.push(size);
        for (k, s) in out_strides.iter_mut().enumerate() {
            s.push(strides[k][d]);
        }
    }
    (out_shape, out_strides)
}

/// Calls `f` with the storage index of every operand, for every element in row-major logical
/// order. `strides[k]` are operand k's strides over `shape` (0 on broadcast dims).
#[inline]
pub(crate) fn walk<const N: usize>(
    shape: &[usize],
    strides: [&[usize]; N],
    offsets: [usize; N],
    mut f: impl FnMut([usize; N]),
) {
    if shape.contains(&0) {
        return;
    }
    let (shape, strides) = coalesce(shape, strides);
    let nd = shape.len();
    if nd == 0 {
        f(offsets);
        return;
    }
    let inner = shape[nd - 1];
    let inner_strides: [usize; N] = std::array::from_fn(|k| strides[k][nd - 1]);
    let mut counter: Dims = SmallVec::from_elem(0, nd - 1);
    let mut base = offsets;
    loop {
        let mut idx = base;
        for _ in 0..inner {
            f(idx);
            for k in 0..N {
                idx[k] += inner_strides[k];
            }
        }
        // Advance the odometer over the outer dims.
        let mut d = nd - 1;
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            counter[d] += 1;
            for k in 0..N {
                base[k] += strides[k][d];
            }
            if counter[d] < shape[d] {
                break;
            }
            for k in 0..N {
                base[k] -= strides[k][d] * shape[d];
            }
            counter[d] = 0;
        }
    }
}

/// Strides of a tensor broadcast to `shape`: 0 on new and expanded dims.
pub(crate) fn broadcast_strides(src_shape: &[usize], src_strides: &[usize], shape: &[usize]) -> Dims {
    let lead = shape.len() - src_shape.len();
    (0..shape.len())
        .map(|i| if i < lead || src_shape[i - lead] == 1 && shape[i] != 1 { 0 } else { src_strides[i - lead] })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_visits_transposed_in_logical_order() {
        // A 2x3 view of a row-major 3x2 buffer (a transpose): logical order reads columns.
        let mut seen = vec![];
        walk(&[2, 3], [&[1, 2]], [0], |[i]| seen.push(i));
        assert_eq!(seen, vec![0, 2, 4, 1, 3, 5]);
    }

    #[test]
    fn walk_merges_contiguous_dims_and_handles_empty() {
        let mut seen = vec![];
        walk(&[2, 2, 2], [&[4, 2, 1], &[0, 0, 0]], [3, 7], |[i, j]| seen.push((i, j)));
        assert_eq!(seen.len(), 8);
        assert_eq!(seen[7], (10, 7));
        let mut count = 0;
        walk(&[3, 0], [&[1, 1]], [0], |_| count += 1);
        assert_eq!(count, 0);
    }
}
