//! gemm glue against a naive triple loop, over contiguous, transposed,
//! offset and broadcast layouts.

use super::*;

/// Deterministic values in [-1, 1) with few bits, so f64 products are exact.
fn values(n: usize, seed: u64) -> Vec<f64> {
    (0..n as u64)
        .map(|i| {
            let h = (i.wrapping_add(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) & 0xff;
            h as f64 / 128.0 - 1.0
        })
        .collect()
}

fn naive(lhs: &MatRef<'_, f64>, rhs: &MatRef<'_, f64>) -> Vec<f64> {
    let ((m, k), (_, n)) = (lhs.shape(), rhs.shape());
    let mut out = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            out[i * n + j] = (0..k).map(|p| lhs.get(i, p) * rhs.get(p, j)).sum();
        }
    }
    out
}

/// A buffer holding an `rows x cols` matrix, row-major or transposed, after
/// `pad` leading elements.
fn stored(rows: usize, cols: usize, transposed: bool, pad: usize, seed: u64) -> (Vec<f64>, usize, usize) {
    let buf = values(pad + rows * cols + 3, seed);
    if transposed {
        (buf, 1, rows)
    } else {
        (buf, cols, 1)
    }
}

/// Checks one product; bits 0, 1, 2 of `layout` store lhs, rhs, dst transposed.
fn check_case((m, k, n): (usize, usize, usize), layout: u8, accumulate: bool, threads: usize) {
    let (lt, rt, dt) = (layout & 1 != 0, layout & 2 != 0, layout & 4 != 0);
    let (lbuf, lrs, lcs) = stored(m, k, lt, 2, 1);
    let (rbuf, rrs, rcs) = stored(k, n, rt, 5, 2);
    let lhs = MatRef::new(&lbuf, 2, m, k, lrs, lcs);
    let rhs = MatRef::new(&rbuf, 5, k, n, rrs, rcs);
    let mut want = naive(&lhs, &rhs);
    let (drs, dcs) = if dt { (1, m) } else { (n, 1) };
    let mut dbuf = values(1 + m * n, 3);
    if accumulate {
        for i in 0..m {
            for j in 0..n {
                want[i * n + j] += dbuf[1 + i * drs + j * dcs];
            }
        }
    } else {
        dbuf.iter_mut().for_each(|v| *v = f64::NAN); // never read
    }
    // f64: exact (few-bit values); f32: same data, compared with a tolerance.
    let lbuf32: Vec<f32> = lbuf.iter().map(|&v| v as f32).collect();
    let rbuf32: Vec<f32> = rbuf.iter().map(|&v| v as f32).collect();
    let mut dbuf32: Vec<f32> = dbuf.iter().map(|&v| v as f32).collect();
    gemm_strided(&mut MatMut::new(&mut dbuf, 1, m, n, drs, dcs), &lhs, &rhs, accumulate, threads);
    let (l32, r32) = (MatRef::new(&lbuf32, 2, m, k, lrs, lcs), MatRef::new(&rbuf32, 5, k, n, rrs, rcs));
    gemm_strided(&mut MatMut::new(&mut dbuf32, 1, m, n, drs, dcs), &l32, &r32, accumulate, threads);
    let what = format!("m={m} k={k} n={n} lt={lt} rt={rt} dt={dt} acc={accumulate} threads={threads}");
    for i in 0..m {
        for j in 0..n {
            let w = want[i * n + j];
            assert_eq!(dbuf[1 + i * drs + j * dcs], w, "{what} f64 ({i},{j})");
            let g32 = dbuf32[1 + i * drs + j * dcs] as f64;
            assert!((g32 - w).abs() <= 1e-5 * (k as f64 + 1.0), "{what} f32 ({i},{j}): {g32} vs {w}");
        }
    }
}

#[test]
fn matches_naive_on_all_layouts() {
    let dims = [0, 1, 2, 3, 7, 17];
    for &m in &dims {
        for &k in &dims {
            for &n in &dims {
                for layout in 0..8 {
                    check_case((m, k, n), layout, (m + k + n) % 2 == 0, 1);
                }
            }
        }
    }
}

#[test]
fn small_kernel_paths_and_gemm_match_naive() {
    // Single columns over many rows (the sweep), few rows (register blocks), and products just
    // above SMALL_THRESHOLD that go to gemm, in every layout, with and without accumulating.
    let cases = [(33, 3, 1), (100, 1, 1), (70, 40, 1), (3, 900, 1), (1, 2000, 3), (40, 30, 20)];
    for (m, k, n) in cases {
        for layout in 0..8 {
            check_case((m, k, n), layout, layout % 2 == 0, 1);
        }
    }
    const { assert!(40 * 30 * 20 > super::SMALL_THRESHOLD) };
}

#[test]
fn halves_on_two_threads_and_quarters_on_four_match_naive() {
    // From SPLIT_THRESHOLD on the product runs as halves, split by rows (row-major dst) or
    // columns (column-major dst), odd sizes included; with four threads, the halves split again.
    let (m, k, n) = (161, 150, 157);
    assert!(m * k * n >= super::SPLIT_THRESHOLD);
    for layout in 0..8 {
        check_case((m, k, n), layout, layout % 3 == 0, 2);
    }
    check_case((290, 290, 290), 7, true, 4);
}

#[test]
fn operands_with_cache_aliasing_strides_are_restaged() {
    // Strides of 256 elements (1 KiB in f32, 2 KiB in f64) make `restage` copy an operand
    // stored against dst's order: every layout but the two where both operands follow dst's
    // order takes that path for one operand or both.
    for layout in 0..8 {
        for threads in [1, 2] {
            check_case((256, 256, 256), layout, layout % 2 == 1, threads);
        }
    }
    check_case((512, 100, 256), 4, false, 2);
}

#[test]
fn broadcast_input_with_zero_stride() {
    // lhs: one row repeated 4 times (row stride 0).
    let row = [1.0f32, 2.0, 3.0];
    let rhs = [1.0f32, 0.0, 0.0, 1.0, 1.0, 1.0];
    let mut out = [0.0f32; 8];
    let lhs = MatRef::new(&row, 0, 4, 3, 0, 1);
    gemm_strided(&mut MatMut::row_major(&mut out, 4, 2), &lhs, &MatRef::row_major(&rhs, 3, 2), false, 1);
    assert_eq!(out, [4.0, 5.0, 4.0, 5.0, 4.0, 5.0, 4.0, 5.0]);
}

#[test]
fn k_zero_zeroes_or_keeps_dst() {
    let mut out = [f32::NAN; 4];
    let empty: [f32; 0] = [];
    gemm_strided(
        &mut MatMut::row_major(&mut out, 2, 2),
        &MatRef::row_major(&empty, 2, 0),
        &MatRef::row_major(&empty, 0, 2),
        false,
        1,
    );
    assert_eq!(out, [0.0; 4]);
    let mut out = [1.5f64; 4];
    let empty: [f64; 0] = [];
    let (l, r) = (MatRef::row_major(&empty, 2, 0), MatRef::row_major(&empty, 0, 2));
    gemm_strided(&mut MatMut::row_major(&mut out, 2, 2), &l, &r, true, 1);
    assert_eq!(out, [1.5; 4]);
}

#[test]
fn integer_matmul_is_exact_and_wraps() {
    let a: Vec<i64> = (0..6).collect(); // 2x3
    let b: Vec<i64> = (0..12).map(|v| v - 5).collect(); // 3x4
    let mut out = vec![0i64; 8];
    let (l, r) = (MatRef::row_major(&a, 2, 3), MatRef::row_major(&b, 3, 4));
    matmul_i64(&mut MatMut::row_major(&mut out, 2, 4), &l, &r, false);
    assert_eq!(out, vec![5, 8, 11, 14, -4, 8, 20, 32]);
    // Transposed rhs through strides: (b^T)^T.
    let bt: Vec<i64> = (0..12).map(|i| b[(i % 3) * 4 + i / 3]).collect(); // 4x3 = b^T
    let mut out2 = vec![1i64; 8];
    let rt = MatRef::row_major(&bt, 4, 3).t();
    matmul_i64(&mut MatMut::row_major(&mut out2, 2, 4), &l, &rt, true);
    assert_eq!(out2, out.iter().map(|v| v + 1).collect::<Vec<_>>());
    let big = [i64::MAX, 2];
    let mut o = [0i64; 1];
    let (l, r) = (MatRef::row_major(&big, 1, 2), MatRef::row_major(&[2i64, 1][..], 2, 1));
    matmul_i64(&mut MatMut::row_major(&mut o, 1, 1), &l, &r, false);
    assert_eq!(o[0], i64::MAX.wrapping_mul(2).wrapping_add(2));
}

#[test]
#[should_panic(expected = "exceeds a buffer")]
fn view_past_the_end_panics() {
    let data = [0.0f32; 11];
    MatRef::new(&data, 0, 3, 4, 4, 1);
}

#[test]
#[should_panic(expected = "exceeds a buffer")]
fn huge_strides_panic_instead_of_overflowing() {
    let data = [0.0f32; 4];
    MatRef::new(&data, 1, 2, 2, usize::MAX / 2, 1);
}

#[test]
#[should_panic(expected = "overlapping")]
fn overlapping_output_panics() {
    let mut data = [0.0f32; 8];
    MatMut::new(&mut data, 0, 3, 3, 1, 1);
}

#[test]
#[should_panic(expected = "cannot be written")]
fn shape_mismatch_panics() {
    let a = [0.0f32; 6];
    let mut out = [0.0f32; 4];
    let (l, r) = (MatRef::row_major(&a, 2, 3), MatRef::row_major(&a, 2, 3));
    gemm_strided(&mut MatMut::row_major(&mut out, 2, 2), &l, &r, false, 1);
}

#[test]
fn an_unwritten_output_is_overwritten_whole_at_every_size() {
    // Small, single-gemm and split products into a buffer that was never written.
    for (m, k, n) in [(3, 4, 5), (64, 64, 64), (200, 160, 180), (5, 0, 7)] {
        let a: Vec<f32> = (0..m * k).map(|x| (x % 7) as f32 - 3.0).collect();
        let b: Vec<f32> = (0..k * n).map(|x| (x % 5) as f32 - 2.0).collect();
        let mut out: Vec<f32> = Vec::with_capacity(m * n);
        let mut dst = MatMut::uninit(&mut out.spare_capacity_mut()[..m * n], m, n);
        gemm_strided(&mut dst, &MatRef::row_major(&a, m, k), &MatRef::row_major(&b, k, n), false, 2);
        // SAFETY: the product wrote all m * n elements (what this test checks against naive).
        unsafe { out.set_len(m * n) };
        let mut want = vec![0.0f32; m * n];
        gemm_strided(
            &mut MatMut::row_major(&mut want, m, n),
            &MatRef::row_major(&a, m, k),
            &MatRef::row_major(&b, k, n),
            false,
            1,
        );
        assert_eq!(out, want, "{m}x{k}x{n}");
    }
}

#[test]
#[should_panic(expected = "cannot accumulate into an output not yet written")]
fn accumulating_into_an_unwritten_output_panics() {
    let mut out: Vec<f32> = Vec::with_capacity(4);
    let mut dst = MatMut::uninit(&mut out.spare_capacity_mut()[..4], 2, 2);
    let a = [1.0f32; 4];
    gemm_strided(&mut dst, &MatRef::row_major(&a, 2, 2), &MatRef::row_major(&a, 2, 2), true, 1);
}
