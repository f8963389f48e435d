//! Convolution kernels, one image at a time: im2col into a buffer the size of one image's
//! columns, then a matrix product, as PyTorch's `slow_conv2d` does. Working per image keeps
//! the columns in cache and never materialises the whole batch's (tens of MB for a small
//! CNN), and the batch is split over threads, each with its own buffer.
//!
//! Layouts are contiguous: input `[n, c, h, w]`, weight `[o, c / groups, kh, kw]`, output
//! `[n, o, oh, ow]`, with the geometry of [`Window2d`].

use super::matmul::{gemm_strided, GemmElem, MatMut, MatRef};
use super::window::{col2im_image, im2col_image, Window2d};
use crate::AlignedVec;
use rayon::prelude::*;

/// Sizes of one convolution.
#[derive(Clone, Copy, Debug)]
pub struct ConvShape {
    /// Batch size.
    pub n: usize,
    /// Input channels.
    pub c: usize,
    /// Output channels.
    pub o: usize,
    /// Channel groups.
    pub groups: usize,
}

impl ConvShape {
    /// Rows of one group's columns: `c / groups * kh * kw`.
    fn k(&self, g: &Window2d) -> usize {
        self.c / self.groups * g.taps()
    }
}

/// Runs `f(image, out_chunk, scratch)` for every image, splitting the batch into one
/// contiguous run per thread, each with its own scratch buffer of `scratch_len` elements.
fn per_image<T: Send + Default + Clone>(
    out: &mut [T],
    per_out: usize,
    n: usize,
    scratch_len: usize,
    f: impl Fn(usize, &mut [T], &mut Vec<T>) + Sync + Send,
) {
    let threads = crate::get_num_threads().min(n).max(1);
    if threads == 1 {
        let mut scratch = vec![T::default(); scratch_len];
        for (i, chunk) in out.chunks_mut(per_out.max(1)).enumerate().take(n) {
            f(i, chunk, &mut scratch);
        }
        return;
    }
    let per_thread = n.div_ceil(threads);
    crate::threads::install(|| {
        out.par_chunks_mut(per_thread * per_out.max(1)).enumerate().for_each(|(t, block)| {
            let mut scratch = vec![T::default(); scratch_len];
            for (i, chunk) in block.chunks_mut(per_out.max(1)).enumerate() {
                f(t * per_thread + i, chunk, &mut scratch);
            }
        })
    });
}

/// Matrix-product threads for one image's products: all of them when the batch is a single
/// image, else one (the batch is already split over the threads).
fn gemm_threads(n: usize) -> usize {
    if n == 1 {
        crate::get_num_threads()
    } else {
        1
    }
}

/// `y[n] = w · im2col(x[n]) (+ bias)` per group: the convolution's forward. The bias is
/// written first and the product added to it, saving a pass over the output.
pub fn conv2d_forward<T: GemmElem + Default + Send + Sync>(
    x: &[T],
    w: &[T],
    bias: Option<&[T]>,
    s: ConvShape,
    g: &Window2d,
) -> AlignedVec<T> {
    let [h, wd] = g.input;
    let l = g.output[0] * g.output[1];
    let k = s.k(g);
    let og = s.o / s.groups;
    let mut out = AlignedVec::from_elem(T::default(), s.n * s.o * l);
    let threads = gemm_threads(s.n);
    per_image(&mut out, s.o * l, s.n, s.groups * k * l, |i, y, cols| {
        im2col_image(&x[i * s.c * h * wd..(i + 1) * s.c * h * wd], s.c, g, cols);
        if let Some(b) = bias {
            for (row, &v) in y.chunks_mut(l).zip(b) {
                row.fill(v);
            }
        }
        for grp in 0..s.groups {
            let lhs = MatRef::new(w, grp * og * k, og, k, k, 1);
            let rhs = MatRef::new(cols, grp * k * l, k, l, l, 1);
            let mut dst = MatMut::new(y, grp * og * l, og, l, l, 1);
            gemm_strided(&mut dst, &lhs, &rhs, bias.is_some(), threads);
        }
    });
    out
}

/// `dx[n] = col2im(wᵀ · dy[n])` per group: the gradient with respect to the input, which is
/// also a transposed convolution's forward.
pub fn conv2d_input_grad<T: GemmElem + Default + Send + Sync + std::ops::AddAssign>(
    dy: &[T],
    w: &[T],
    s: ConvShape,
    g: &Window2d,
) -> AlignedVec<T> {
    let [h, wd] = g.input;
    let l = g.output[0] * g.output[1];
    let k = s.k(g);
    let og = s.o / s.groups;
    let mut out = AlignedVec::from_elem(T::default(), s.n * s.c * h * wd);
    let threads = gemm_threads(s.n);
    per_image(&mut out, s.c * h * wd, s.n, s.groups * k * l, |i, dx, cols| {
        let dyi = &dy[i * s.o * l..(i + 1) * s.o * l];
        for grp in 0..s.groups {
            // wᵀ is [k, og]: w read with swapped strides.
            let lhs = MatRef::new(w, grp * og * k, k, og, 1, k);
            let rhs = MatRef::new(dyi, grp * og * l, og, l, l, 1);
            let mut dst = MatMut::new(cols, grp * k * l, k, l, l, 1);
            gemm_strided(&mut dst, &lhs, &rhs, false, threads);
        }
        col2im_image(cols, s.c, g, dx);
    });
    out
}

/// `dw = Σₙ dy[n] · im2col(x[n])ᵀ` per group: the gradient with respect to the weight,
/// `[o, c / groups, kh, kw]`. Each thread sums its images into its own buffer; the buffers
/// are added at the end.
pub fn conv2d_weight_grad<T: GemmElem + Default + Send + Sync + std::ops::AddAssign>(
    dy: &[T],
    x: &[T],
    s: ConvShape,
    g: &Window2d,
) -> Vec<T> {
    let [h, wd] = g.input;
    let l = g.output[0] * g.output[1];
    let k = s.k(g);
    let og = s.o / s.groups;
    let wlen = s.o * k;
    let threads = crate::get_num_threads().min(s.n).max(1);
    let per_thread = s.n.div_ceil(threads).max(1);
    let gthreads = gemm_threads(s.n);
    let partial = |t: usize| -> Vec<T> {
        let mut dw = vec![T::default(); wlen];
        let mut cols = vec![T::default(); s.groups * k * l];
        for i in t * per_thread..((t + 1) * per_thread).min(s.n) {
            im2col_image(&x[i * s.c * h * wd..(i + 1) * s.c * h * wd], s.c, g, &mut cols);
            let dyi = &dy[i * s.o * l..(i + 1) * s.o * l];
            for grp in 0..s.groups {
                let lhs = MatRef::new(dyi, grp * og * l, og, l, l, 1);
                // im2col(x)ᵀ is [l, k]: the columns read with swapped strides.
                let rhs = MatRef::new(&cols, grp * k * l, l, k, 1, l);
                let mut dst = MatMut::new(&mut dw, grp * og * k, og, k, k, 1);
                gemm_strided(&mut dst, &lhs, &rhs, true, gthreads);
            }
        }
        dw
    };
    let parts: Vec<Vec<T>> = if threads == 1 {
        vec![partial(0)]
    } else {
        crate::threads::install(|| (0..threads).into_par_iter().map(partial).collect())
    };
    let mut parts = parts.into_iter();
    let mut dw = parts.next().unwrap_or_else(|| vec![T::default(); wlen]);
    for p in parts {
        for (a, b) in dw.iter_mut().zip(p) {
            *a += b;
        }
    }
    dw
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::cpu::window::{col2im, im2col};

    /// The per-image kernels against the whole-batch im2col and a plain triple loop.
    #[test]
    fn kernels_match_the_batched_definitions() {
        let g = Window2d::conv([3, 2], [2, 1], [1, 0], [1, 1], [1, 2], [5, 6]).unwrap();
        let s = ConvShape { n: 3, c: 4, o: 6, groups: 2 };
        let (k, l, og) = (s.k(&g), g.output[0] * g.output[1], s.o / s.groups);
        let x: Vec<f64> = (0..s.n * s.c * 30).map(|i| ((i * 7) % 11) as f64 - 5.0).collect();
        let w: Vec<f64> = (0..s.o * k).map(|i| ((i * 5) % 9) as f64 - 4.0).collect();
        let cols = im2col(&x, s.n, s.c, &g); // [n, groups * k, l]
                                             // y[n, o, l] = Σ_k w[o, k] cols[n, grp(o) * k + k', l]
        let mut y = vec![0.0; s.n * s.o * l];
        for n in 0..s.n {
            for o in 0..s.o {
                let grp = o / og;
                for j in 0..l {
                    y[(n * s.o + o) * l + j] =
                        (0..k).map(|kk| w[o * k + kk] * cols[(n * s.groups * k + grp * k + kk) * l + j]).sum();
                }
            }
        }
        assert_eq!(conv2d_forward(&x, &w, None, s, &g), y);
        let bias: Vec<f64> = (0..s.o).map(|o| o as f64 - 2.0).collect();
        let with_bias: Vec<f64> = y.iter().enumerate().map(|(i, v)| v + bias[(i / l) % s.o]).collect();
        assert_eq!(conv2d_forward(&x, &w, Some(&bias), s, &g), with_bias);
        // <y, dy> = <x, dx> and = <w, dw> for the gradients (integer data: exact).
        let dy: Vec<f64> = (0..y.len()).map(|i| ((i * 3) % 7) as f64 - 3.0).collect();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(p, q)| p * q).sum::<f64>();
        let dx = conv2d_input_grad(&dy, &w, s, &g);
        let dw = conv2d_weight_grad(&dy, &x, s, &g);
        assert_eq!(dot(&y, &dy), dot(&x, &dx));
        assert_eq!(dot(&y, &dy), dot(&w, &dw));
        assert_eq!(col2im(&cols, s.n, s.c, &g).len(), x.len());
    }
}
