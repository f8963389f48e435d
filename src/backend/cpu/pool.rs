//! Max pooling kernels over contiguous `[planes, h, w]` buffers: the forward, which also
//! says where each maximum came from, and its backward, which routes each gradient there
//! (PyTorch's `max_pool2d_with_indices` and `max_pool2d_with_indices_backward`).
//!
//! The comparisons are written as selects rather than branches: on real activations the
//! winner of a window is unpredictable, and a mispredicted branch per tap cost more than
//! the rest of the kernel.

use super::window::{for_each_chunk, Window2d};
use rayon::prelude::*;
use std::mem::MaybeUninit;

/// Max pooling over `planes` contiguous `[h, w]` planes into `g.output` windows (under
/// `ceil_mode` the last ones may reach past the padding; windows are clipped to the input,
/// padding never wins). Returns the maxima and, for each, the flat index `y * w + x` of the
/// element chosen in its plane, as `max_pool2d(..., return_indices=True)` does. The last NaN
/// wins, and among equal values the first in row-major window order.
///
/// ```
/// use torchlight::backend::cpu::{pool::max_pool2d, window::Window2d};
/// let g = Window2d::conv([2, 2], [2, 2], [0, 0], [0, 0], [1, 1], [2, 2]).unwrap();
/// assert_eq!(max_pool2d(&[1.0f32, 4.0, 3.0, 2.0], 1, &g), (vec![4.0], vec![1]));
/// ```
pub fn max_pool2d<T: Copy + PartialOrd + Send + Sync + IsNan>(
    input: &[T],
    planes: usize,
    g: &Window2d,
) -> (Vec<T>, Vec<i64>) {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let per_plane = oh * ow;
    let len = planes * per_plane;
    let mut values = Vec::with_capacity(len);
    let mut indices = Vec::with_capacity(len);
    if len == 0 {
        return (values, indices);
    }
    // Each window's in-bounds taps along a dim: the first source index and the tap count
    // (taps are `dilation` apart), worked out once per output row and column.
    let taps = |d: usize, n: usize| -> Vec<(usize, usize)> {
        (0..n)
            .map(|o| {
                let mut first = None;
                let mut count = 0;
                for k in 0..g.kernel[d] {
                    if let Some(src) = g.source(d, o, k) {
                        first.get_or_insert(src);
                        count += 1;
                    }
                }
                // PyTorch checks that the padding is at most half the kernel, so every
                // window holds at least one input element.
                (first.expect("pooling window without input elements"), count)
            })
            .collect()
    };
    let (rows, cols) = (taps(0, oh), taps(1, ow));
    let [dh, dw] = g.dilation;
    // The usual 2x2 window with stride 2 and nothing clipped: four loads, no tap lists.
    let plain2x2 = g.kernel == [2, 2]
        && g.stride == [2, 2]
        && g.dilation == [1, 1]
        && g.pad_before == [0, 0]
        && 2 * oh <= h
        && 2 * ow <= w;
    // Writes every element of one plane's `vals` and `idx`.
    let run = |p: usize, vals: &mut [MaybeUninit<T>], idx: &mut [MaybeUninit<i64>]| {
        let plane = &input[p * h * w..(p + 1) * h * w];
        if plain2x2 {
            for y in 0..oh {
                let (top, bottom) = (&plane[2 * y * w..(2 * y + 1) * w], &plane[(2 * y + 1) * w..(2 * y + 2) * w]);
                for x in 0..ow {
                    // Row-major window order, as the general loop below visits it.
                    let (mut best, mut at) = (top[2 * x], 0);
                    for (v, off) in [(top[2 * x + 1], 1), (bottom[2 * x], w), (bottom[2 * x + 1], w + 1)] {
                        (best, at) = challenge(best, at, v, off);
                    }
                    vals[y * ow + x].write(best);
                    idx[y * ow + x].write((2 * y * w + 2 * x + at) as i64);
                }
            }
            return;
        }
        for (y, &(y0, ny)) in rows.iter().enumerate() {
            for (x, &(x0, nx)) in cols.iter().enumerate() {
                let (mut best, mut at) = (plane[y0 * w + x0], y0 * w + x0);
                for a in 0..ny {
                    let row = (y0 + a * dh) * w + x0;
                    for b in 0..nx {
                        (best, at) = challenge(best, at, plane[row + b * dw], row + b * dw);
                    }
                }
                vals[y * ow + x].write(best);
                idx[y * ow + x].write(at as i64);
            }
        }
    };
    let (vals, idx) = (&mut values.spare_capacity_mut()[..len], &mut indices.spare_capacity_mut()[..len]);
    let threads = crate::get_num_threads();
    if len * g.taps() > super::parallel::GRAIN_SIZE && threads > 1 && planes > 1 {
        // A few blocks of planes per thread, so that a slow thread can be helped.
        let block = planes.div_ceil(4 * threads) * per_plane;
        crate::threads::install(|| {
            vals.par_chunks_mut(block).zip(idx.par_chunks_mut(block)).enumerate().for_each(|(b, (vs, is))| {
                for (j, (v, i)) in vs.chunks_mut(per_plane).zip(is.chunks_mut(per_plane)).enumerate() {
                    run(b * block / per_plane + j, v, i);
                }
            })
        });
    } else {
        for (p, (v, i)) in vals.chunks_mut(per_plane).zip(idx.chunks_mut(per_plane)).enumerate() {
            run(p, v, i);
        }
    }
    // SAFETY: the chunks above cover `0..len` of both buffers and `run` writes every element
    // of the chunks it is given; a panic in between leaves the lengths at 0.
    unsafe {
        values.set_len(len);
        indices.set_len(len);
    }
    (values, indices)
}

/// PyTorch's rule for a tap `v` at `off` against the current maximum: a larger value or any
/// NaN replaces it, so the first of equal maxima and the last NaN win. Selects, not branches.
#[inline(always)]
fn challenge<T: Copy + PartialOrd + IsNan>(best: T, at: usize, v: T, off: usize) -> (T, usize) {
    let take = (v > best) | v.is_nan_();
    (if take { v } else { best }, if take { off } else { at })
}

/// The gradient of [`max_pool2d`] with respect to its input: `planes` planes of `plane_len`
/// elements, zero but where a window took its maximum, which receives the sum of those
/// windows' gradients. `grad` and `indices` are the forward's `[planes, oh * ow]` outputs'
/// gradient and indices; the sums run in window order, as PyTorch's kernel adds them.
///
/// Panics when an index lies outside its plane.
///
/// ```
/// use torchlight::backend::cpu::pool::max_pool2d_backward;
/// assert_eq!(max_pool2d_backward(&[5.0f32, 7.0], &[1, 1], 1, 3), vec![0.0, 12.0, 0.0]);
/// ```
pub fn max_pool2d_backward<T: Copy + Default + std::ops::AddAssign + Send + Sync>(
    grad: &[T],
    indices: &[i64],
    planes: usize,
    plane_len: usize,
) -> Vec<T> {
    assert_eq!(
        grad.len(),
        indices.len(),
        "max_pool2d_backward: {} gradients for {} indices",
        grad.len(),
        indices.len()
    );
    let mut out = vec![T::default(); planes * plane_len];
    if planes == 0 {
        return out;
    }
    let per_plane = grad.len() / planes;
    for_each_chunk(&mut out, plane_len, grad.len(), |p, plane| {
        let range = p * per_plane..(p + 1) * per_plane;
        for (&g, &i) in grad[range.clone()].iter().zip(&indices[range]) {
            plane[i as usize] += g;
        }
    });
    out
}

/// NaN test for the pooling kernel's element types.
pub trait IsNan {
    /// Whether the value is NaN.
    fn is_nan_(&self) -> bool;
}

impl IsNan for f32 {
    fn is_nan_(&self) -> bool {
        self.is_nan()
    }
}

impl IsNan for f64 {
    fn is_nan_(&self) -> bool {
        self.is_nan()
    }
}

impl IsNan for i64 {
    fn is_nan_(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geom(k: usize, s: usize, p: usize, d: usize, h: usize, w: usize) -> Window2d {
        Window2d::conv([k, k], [s, s], [p, p], [p, p], [d, d], [h, w]).unwrap()
    }

    #[test]
    fn max_pool_prefers_nan_and_first_maximum_as_pytorch() {
        // Windows of a 3x3 plane: {0, 1, 3, 4}, {1, 2, 4, 5}, {3, 4, 6, 7}, {4, 5, 7, 8}.
        let x = [f32::NAN, 5.0, 5.0, 2.0, 1.0, 0.0, 3.0, 3.0, 3.0];
        let (v, i) = max_pool2d(&x, 1, &geom(2, 1, 0, 1, 3, 3));
        assert!(v[0].is_nan() && i[0] == 0);
        assert_eq!((v[1], i[1]), (5.0, 1));
        assert_eq!((v[3], i[3]), (3.0, 7));
        // Of two NaNs the later wins, as in PyTorch's `val > max || isnan(val)`.
        let x = [f32::NAN, f32::NAN, 0.0, 0.0];
        let (_, i) = max_pool2d(&x, 1, &geom(2, 1, 0, 1, 2, 2));
        assert_eq!(i[0], 1);
        // The same rules on the 2x2 stride-2 path: a tie keeps the first, a NaN anywhere wins.
        let x = [1.0f32, 3.0, 3.0, 0.0, 2.0, 2.0, 0.0, f32::NAN];
        let (v, i) = max_pool2d(&x, 1, &geom(2, 2, 0, 1, 2, 4));
        assert_eq!((v[0], i[0]), (3.0, 1));
        assert!(v[1].is_nan() && i[1] == 7);
    }

    /// Many planes (split over the threads on a machine with several cores) give what one
    /// plane at a time gives, and the backward
    /// adds overlapping windows' gradients at the element they share.
    #[test]
    fn threaded_planes_and_overlapping_windows() {
        let g = geom(3, 2, 1, 1, 9, 7);
        let planes = 300;
        let x: Vec<f64> = (0..planes * 63).map(|i| ((i * 37) % 101) as f64).collect();
        let (v, idx) = max_pool2d(&x, planes, &g);
        let per = g.output[0] * g.output[1];
        for p in [0, 151, planes - 1] {
            let (v1, i1) = max_pool2d(&x[p * 63..(p + 1) * 63], 1, &g);
            assert_eq!((&v[p * per..(p + 1) * per], &idx[p * per..(p + 1) * per]), (&v1[..], &i1[..]));
        }
        let grad: Vec<f64> = (0..v.len()).map(|i| (i % 5) as f64).collect();
        let dx = max_pool2d_backward(&grad, &idx, planes, 63);
        let mut want = vec![0.0; x.len()];
        for (j, (&gr, &i)) in grad.iter().zip(&idx).enumerate() {
            want[j / per * 63 + i as usize] += gr;
        }
        assert_eq!(dx, want);
    }
}
