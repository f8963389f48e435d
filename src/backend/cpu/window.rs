//! Sliding-window kernels over planes of 2-D images: `im2col` (PyTorch's `unfold`) and its
//! adjoint `col2im` (`fold`). Convolution and average pooling are built on them; max pooling
//! has its own kernels (`pool.rs`).
//!
//! Every kernel takes contiguous `[planes, h, w]` or `[batch, channels * kh * kw, oh * ow]`
//! buffers; callers make their inputs contiguous first. Work is split over the leading
//! dimension with rayon only when it is large enough to pay for the threads.

use super::parallel::GRAIN_SIZE;
use rayon::prelude::*;

/// Geometry of a 2-D sliding window: kernel, stride, padding before the first element,
/// dilation, and the input and output plane sizes. The output size is stored rather than
/// derived, so that `padding='same'` with an even kernel, `ceil_mode` and transposed
/// convolutions (whose window count is fixed by their input) need no copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window2d {
    /// Kernel height and width.
    pub kernel: [usize; 2],
    /// Step between windows.
    pub stride: [usize; 2],
    /// Implicit zero padding above and to the left.
    pub pad_before: [usize; 2],
    /// Spacing between kernel taps.
    pub dilation: [usize; 2],
    /// Input plane height and width.
    pub input: [usize; 2],
    /// Number of windows down and across.
    pub output: [usize; 2],
}

/// Windows along one dim, flooring as convolution does: `None` when the dilated kernel is
/// larger than the padded input.
pub fn conv_len(
    input: usize,
    kernel: usize,
    stride: usize,
    pad_before: usize,
    pad_after: usize,
    dilation: usize,
) -> Option<usize> {
    let span = dilation * (kernel - 1) + 1;
    let padded = input + pad_before + pad_after;
    (padded >= span).then(|| (padded - span) / stride + 1)
}

impl Window2d {
    /// The windows of a convolution with padding `pad_before` / `pad_after` on each dim;
    /// `None` when the kernel does not fit.
    pub fn conv(
        kernel: [usize; 2],
        stride: [usize; 2],
        pad_before: [usize; 2],
        pad_after: [usize; 2],
        dilation: [usize; 2],
        input: [usize; 2],
    ) -> Option<Window2d> {
        let len = |d: usize| conv_len(input[d], kernel[d], stride[d], pad_before[d], pad_after[d], dilation[d]);
        Some(Window2d { kernel, stride, pad_before, dilation, input, output: [len(0)?, len(1)?] })
    }

    /// Output plane size `(oh, ow)`.
    pub fn output(&self) -> [usize; 2] {
        self.output
    }

    /// Number of taps in one window.
    pub fn taps(&self) -> usize {
        self.kernel[0] * self.kernel[1]
    }

    /// Input coordinate of tap `k` of window `o` along dim `d`, or `None` in the padding.
    #[inline]
    pub(crate) fn source(&self, d: usize, o: usize, k: usize) -> Option<usize> {
        let pos = (o * self.stride[d] + k * self.dilation[d]) as isize - self.pad_before[d] as isize;
        (pos >= 0 && (pos as usize) < self.input[d]).then_some(pos as usize)
    }
}

/// Splits `out` into chunks of `chunk` elements and runs `f(index, chunk)` on each, in
/// parallel when `work` (elements touched in all) exceeds ATen's grain size.
pub(crate) fn for_each_chunk<T: Send>(
    out: &mut [T],
    chunk: usize,
    work: usize,
    f: impl Fn(usize, &mut [T]) + Sync + Send,
) {
    if chunk == 0 {
        return;
    }
    if work > GRAIN_SIZE && crate::get_num_threads() > 1 && out.len() > chunk {
        crate::threads::install(|| out.par_chunks_mut(chunk).enumerate().for_each(|(i, c)| f(i, c)));
    } else {
        out.chunks_mut(chunk).enumerate().for_each(|(i, c)| f(i, c));
    }
}

/// `im2col`: for each of `batch` images of `channels` planes (`input` is
/// `[batch, channels, h, w]`), writes `[batch, channels * kh * kw, oh * ow]`, row
/// `(c * kh + i) * kw + j` holding tap `(i, j)` of channel `c` for every window.
pub fn im2col<T: Copy + Default + Send + Sync>(input: &[T], batch: usize, channels: usize, g: &Window2d) -> Vec<T> {
    let [h, w] = g.input;
    let per_image = channels * g.taps() * g.output[0] * g.output[1];
    let mut out = vec![T::default(); batch * per_image];
    for_each_chunk(&mut out, per_image, batch * per_image, |b, cols| {
        im2col_image(&input[b * channels * h * w..(b + 1) * channels * h * w], channels, g, cols)
    });
    out
}

/// [`im2col`] of one image `[channels, h, w]` into `cols` (`[channels * kh * kw, oh * ow]`,
/// every element written).
pub fn im2col_image<T: Copy + Default>(img: &[T], channels: usize, g: &Window2d, cols: &mut [T]) {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    for c in 0..channels {
        let plane = &img[c * h * w..(c + 1) * h * w];
        for i in 0..kh {
            for j in 0..kw {
                let row = ((c * kh + i) * kw + j) * oh * ow;
                let dst = &mut cols[row..row + oh * ow];
                for y in 0..oh {
                    let line = &mut dst[y * ow..(y + 1) * ow];
                    let Some(sy) = g.source(0, y, i) else {
                        line.fill(T::default());
                        continue;
                    };
                    let src = &plane[sy * w..(sy + 1) * w];
                    if g.stride[1] == 1 {
                        // One contiguous run of in-bounds columns: a slice copy.
                        let first = g.pad_before[1].saturating_sub(j * g.dilation[1]).min(ow);
                        let last = (w + g.pad_before[1]).saturating_sub(j * g.dilation[1]).min(ow).max(first);
                        line[..first].fill(T::default());
                        if first < last {
                            let s0 = first + j * g.dilation[1] - g.pad_before[1];
                            line[first..last].copy_from_slice(&src[s0..s0 + (last - first)]);
                        }
                        line[last..].fill(T::default());
                    } else {
                        for (x, d) in line.iter_mut().enumerate() {
                            *d = g.source(1, x, j).map_or(T::default(), |sx| src[sx]);
                        }
                    }
                }
            }
        }
    }
}

/// `col2im`, the adjoint of [`im2col`]: sums each column entry of
/// `[batch, channels * kh * kw, oh * ow]` back into the tap it came from, giving
/// `[batch, channels, h, w]`.
pub fn col2im<T: Copy + Default + Send + Sync + std::ops::AddAssign>(
    cols: &[T],
    batch: usize,
    channels: usize,
    g: &Window2d,
) -> Vec<T> {
    let [h, w] = g.input;
    let per_plane_cols = g.taps() * g.output[0] * g.output[1];
    let mut out = vec![T::default(); batch * channels * h * w];
    // Planes are independent; split over (image, channel) pairs.
    for_each_chunk(&mut out, h * w, batch * channels * per_plane_cols, |bc, plane| {
        col2im_image(&cols[bc * per_plane_cols..(bc + 1) * per_plane_cols], 1, g, plane)
    });
    out
}

/// [`col2im`] of one image: adds `cols` (`[channels * kh * kw, oh * ow]`) into `img`
/// (`[channels, h, w]`), which the caller has zeroed or holds a sum to add to.
pub fn col2im_image<T: Copy + std::ops::AddAssign>(cols: &[T], channels: usize, g: &Window2d, img: &mut [T]) {
    let [h, w] = g.input;
    let [oh, ow] = g.output;
    let [kh, kw] = g.kernel;
    for c in 0..channels {
        let plane = &mut img[c * h * w..(c + 1) * h * w];
        for i in 0..kh {
            for j in 0..kw {
                let row = ((c * kh + i) * kw + j) * oh * ow;
                let src = &cols[row..row + oh * ow];
                for y in 0..oh {
                    let Some(sy) = g.source(0, y, i) else { continue };
                    let dst = &mut plane[sy * w..(sy + 1) * w];
                    let line = &src[y * ow..(y + 1) * ow];
                    if g.stride[1] == 1 {
                        let first = g.pad_before[1].saturating_sub(j * g.dilation[1]).min(ow);
                        let last = (w + g.pad_before[1]).saturating_sub(j * g.dilation[1]).min(ow).max(first);
                        if first < last {
                            let s0 = first + j * g.dilation[1] - g.pad_before[1];
                            for (d, &v) in dst[s0..s0 + (last - first)].iter_mut().zip(&line[first..last]) {
                                *d += v;
                            }
                        }
                    } else {
                        for (x, &v) in line.iter().enumerate() {
                            if let Some(sx) = g.source(1, x, j) {
                                dst[sx] += v;
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geom(k: usize, s: usize, p: usize, d: usize, h: usize, w: usize) -> Window2d {
        Window2d::conv([k, k], [s, s], [p, p], [p, p], [d, d], [h, w]).unwrap()
    }

    #[test]
    fn im2col_and_col2im_are_adjoint() {
        // <im2col(x), c> == <x, col2im(c)> for every geometry: the defining property of the
        // adjoint, checked with integer-valued data so both sides are exact.
        for (k, s, p, d) in [(3, 1, 1, 1), (2, 2, 0, 1), (3, 2, 2, 2), (1, 3, 0, 1), (3, 1, 0, 2)] {
            let g = geom(k, s, p, d, 5, 7);
            let x: Vec<f64> = (0..2 * 3 * 35).map(|i| (i % 13) as f64 - 6.0).collect();
            let cols = im2col(&x, 2, 3, &g);
            let c: Vec<f64> = (0..cols.len()).map(|i| (i % 7) as f64 - 3.0).collect();
            let back = col2im(&c, 2, 3, &g);
            let lhs: f64 = cols.iter().zip(&c).map(|(a, b)| a * b).sum();
            let rhs: f64 = x.iter().zip(&back).map(|(a, b)| a * b).sum();
            assert_eq!(lhs, rhs, "geometry k{k} s{s} p{p} d{d}");
        }
    }

    #[test]
    fn im2col_picks_the_taps() {
        // A 3x3 image 0..9, kernel 2, stride 1, no padding: the four windows' top-left taps
        // are 0, 1, 3, 4 and their bottom-right taps 4, 5, 7, 8.
        let x: Vec<f32> = (0..9).map(|v| v as f32).collect();
        let cols = im2col(&x, 1, 1, &geom(2, 1, 0, 1, 3, 3));
        assert_eq!(&cols[..4], &[0.0, 1.0, 3.0, 4.0]);
        assert_eq!(&cols[12..], &[4.0, 5.0, 7.0, 8.0]);
    }
}
