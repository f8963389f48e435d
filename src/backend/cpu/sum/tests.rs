//! Bit-exact checks against torch 2.15 (`tests/fixtures/sum.json`, written by
//! `scripts/gen_sum_fixtures.py`).

use super::*;
use crate::backend::cpu::fixtures::{check_bits, hex, load};

/// The fixture script's 32-bit multiply-xorshift hash.
fn hash32(i: u64) -> u64 {
    const M: u64 = 0xffff_ffff;
    let mut h = (i.wrapping_mul(0x9E37_79B1).wrapping_add(0x7F4A_7C15)) & M;
    h ^= h >> 15;
    h = (h * 0x2C1B_3C6D) & M;
    h ^= h >> 12;
    h = (h * 0x297A_2D39) & M;
    h ^ (h >> 15)
}

/// The fixture script's `det_values`: exact doubles with 53-bit mantissas.
fn det_values(n: usize) -> Vec<f64> {
    (0..n as u64)
        .map(|i| {
            let (h1, h2) = (hash32(2 * i), hash32(2 * i + 1));
            let mant = ((h1 << 21) + (h2 >> 11)) as f64 / (1u64 << 53) as f64;
            let e = (h1 >> 7) % 16;
            (mant - 0.5) * (1u64 << e) as f64
        })
        .collect()
}

fn det_f32(n: usize) -> Vec<f32> {
    det_values(n).into_iter().map(|v| v as f32).collect()
}

#[test]
fn inputs_match_the_fixture_script() {
    let fx = load("sum.json");
    let want64: Vec<u64> = fx["input_probe_f64"].as_array().unwrap().iter().map(hex).collect();
    let want32: Vec<u64> = fx["input_probe_f32"].as_array().unwrap().iter().map(hex).collect();
    let got64: Vec<u64> = det_values(8).iter().map(|v| v.to_bits()).collect();
    let got32: Vec<u64> = det_f32(8).iter().map(|v| v.to_bits() as u64).collect();
    assert_eq!(got64, want64);
    assert_eq!(got32, want32);
}

#[test]
fn full_sums_match_torch() {
    let fx = load("sum.json");
    for case in fx["full"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap() as usize;
        let threads = case["threads"].as_u64().unwrap() as usize;
        let want = hex(&case["out"]);
        let got = match case["dtype"].as_str().unwrap() {
            "f32" => sum_contiguous(&det_f32(n), threads).to_bits() as u64,
            _ => sum_contiguous(&det_values(n), threads).to_bits(),
        };
        assert_eq!(got, want, "{case}: got {got:#x}");
    }
}

fn dim_sum<T: SumFloat>(x: &[T], rows: usize, cols: usize, dim: u64, threads: usize) -> Vec<T> {
    let mut out = vec![T::ZERO; if dim == 0 { cols } else { rows }];
    if dim == 0 {
        sum_outer(x, rows, cols, &mut out, threads);
    } else {
        sum_inner(x, rows, cols, &mut out, threads);
    }
    out
}

#[test]
fn dim_sums_match_torch() {
    let fx = load("sum.json");
    for case in fx["dim"].as_array().unwrap() {
        let shape = case["shape"].as_array().unwrap();
        let (rows, cols) = (shape[0].as_u64().unwrap() as usize, shape[1].as_u64().unwrap() as usize);
        let dim = case["dim"].as_u64().unwrap();
        let threads = case["threads"].as_u64().unwrap() as usize;
        let got: Vec<u64> = match case["dtype"].as_str().unwrap() {
            "f32" => {
                dim_sum(&det_f32(rows * cols), rows, cols, dim, threads).iter().map(|v| v.to_bits() as u64).collect()
            }
            _ => dim_sum(&det_values(rows * cols), rows, cols, dim, threads).iter().map(|v| v.to_bits()).collect(),
        };
        check_bits(&case["out"], &got, &format!("{} {shape:?} dim {dim} threads {threads}", case["dtype"]));
    }
}

#[test]
fn outer_sum_split_keeps_threadless_result_for_few_threads() {
    // 128-byte rounding keeps every part's column groups aligned, so 1 and 2
    // threads agree (torch: results independent of threads for sum(0)).
    let (rows, cols) = (700, 101);
    let x = det_f32(rows * cols);
    let one = dim_sum(&x, rows, cols, 0, 1);
    let two = dim_sum(&x, rows, cols, 0, 2);
    assert_eq!(one, two);
}

#[test]
fn column_split_rounds_to_128_bytes() {
    assert_eq!(column_split(70, 2, 32), vec![32, 70]);
    assert_eq!(column_split(9, 2, 32), vec![9]);
    // 16 threads over 37 columns: chunks of 3, the last part is [32, 37).
    assert_eq!(column_split(37, 16, 32), vec![32, 37]);
    assert_eq!(column_split(1000, 3, 16), vec![320, 656, 1000]);
}

#[test]
fn negative_zero_sums_to_positive_zero() {
    assert_eq!(sum_contiguous(&[-0.0f32], 1).to_bits(), 0);
    assert_eq!(sum_contiguous::<f64>(&[], 4).to_bits(), 0);
}

#[test]
fn integer_sum_is_exact_and_wraps() {
    let fx = load("sum.json");
    let x: Vec<i64> = (-5..100000i64).map(|v| (v * 97).rem_euclid(1013)).collect();
    assert_eq!(sum_int(&x), fx["int_sum"].as_i64().unwrap());
    assert_eq!(sum_int(&[i64::MAX, 1]), i64::MIN);
    assert_eq!(sum_int(&[true, false, true]), 2);
    assert_eq!(sum_int(&[200u8, 100]), 300);
}
