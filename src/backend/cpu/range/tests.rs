//! Bit-exact checks against torch 2.15 (`tests/fixtures/range.json`, written
//! by `scripts/gen_range_fixtures.py`) and `shared/pytorch-golden.json`.

use super::*;
use crate::backend::cpu::fixtures::{check_bits, check_ints, float_arg, load};
use serde_json::Value;

fn bits32(v: &[f32]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits() as u64).collect()
}

fn bits64(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn int_arg(v: &Value) -> i64 {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn linspace_matches_torch() {
    let fx = load("range.json");
    for case in fx["linspace"].as_array().unwrap() {
        let (start, end) = (float_arg(&case["start"]), float_arg(&case["end"]));
        let steps = case["steps"].as_i64().unwrap();
        let what = case.to_string();
        let what = &what[..what.len().min(120)];
        match case["dtype"].as_str().unwrap() {
            "f32" => check_bits(&case["out"], &bits32(&linspace_f32(start, end, steps).unwrap()), what),
            "f64" => check_bits(&case["out"], &bits64(&linspace_f64(start, end, steps).unwrap()), what),
            _ => check_ints(&case["out"], &linspace_i64(start, end, steps).unwrap(), what),
        }
    }
}

#[test]
fn arange_matches_torch() {
    let fx = load("range.json");
    for case in fx["arange"].as_array().unwrap() {
        let threads = case["threads"].as_u64().unwrap() as usize;
        let what = case.to_string();
        let what = &what[..what.len().min(120)];
        let (a, b, c) = (&case["start"], &case["end"], &case["step"]);
        match case["dtype"].as_str().unwrap() {
            "f32" => {
                let got = arange_f32(float_arg(a), float_arg(b), float_arg(c), threads).unwrap();
                check_bits(&case["out"], &bits32(&got), what)
            }
            "f64" => {
                let got = arange_f64(float_arg(a), float_arg(b), float_arg(c), threads).unwrap();
                check_bits(&case["out"], &bits64(&got), what)
            }
            _ => check_ints(&case["out"], &arange_i64(int_arg(a), int_arg(b), int_arg(c)).unwrap(), what),
        }
    }
}

#[test]
fn errors_match_torch() {
    let fx = load("range.json");
    for case in fx["errors"].as_array().unwrap() {
        let args = case["args"].as_array().unwrap();
        let got = match (case["op"].as_str().unwrap(), case["dtype"].as_str().unwrap()) {
            ("linspace", _) => linspace_f32(float_arg(&args[0]), float_arg(&args[1]), int_arg(&args[2])).err(),
            ("arange", "i64") => arange_i64(int_arg(&args[0]), int_arg(&args[1]), int_arg(&args[2])).err(),
            (_, dtype) => {
                let (a, b, c) = (float_arg(&args[0]), float_arg(&args[1]), float_arg(&args[2]));
                if dtype == "f32" {
                    arange_f32(a, b, c, 1).err()
                } else {
                    arange_f64(a, b, c, 1).err()
                }
            }
        };
        assert_eq!(got.as_deref(), case["error"].as_str(), "{case}");
    }
}

#[test]
fn golden_values_match() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/pytorch-golden.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return; // shared/ is beside the repository on developer machines and CI only
    };
    let golden: Value = serde_json::from_str(&text).unwrap();
    let want = |v: &Value| -> Vec<u64> {
        let list = v.as_array().unwrap();
        list.iter().map(crate::backend::cpu::fixtures::hex).collect()
    };
    let arange = want(&golden["torch.arange(0,2,0.1) f32 bits"]);
    assert_eq!(bits32(&arange_f32(0.0, 2.0, 0.1, 1).unwrap()), arange);
    let linspace = want(&golden["torch.linspace(-1,1,7) f32 bits"][1]);
    assert_eq!(bits32(&linspace_f32(-1.0, 1.0, 7).unwrap()), linspace);
}

#[test]
fn conversion_and_size_errors() {
    let e = linspace_f32(0.0, 1e39, 3).unwrap_err();
    assert_eq!(e, "value cannot be converted to type float without overflow");
    let e = linspace_i64(f64::INFINITY, 1.0, 3).unwrap_err();
    assert_eq!(e, "value cannot be converted to type int64_t without overflow");
    assert_eq!(linspace_f32(f64::NAN, 1.0, 0).unwrap(), Vec::<f32>::new());
    let e = arange_i64(0, 1 << 62, 1).unwrap_err();
    assert_eq!(e, "Storage size calculation overflowed with sizes=[4611686018427387904]");
    assert_eq!(linspace_i64(0.0, 10.0, 5).unwrap(), vec![0, 2, 5, 7, 10]);
    assert_eq!(arange_i64(i64::MIN, i64::MIN + 3, 1).unwrap(), vec![i64::MIN, i64::MIN + 1, i64::MIN + 2]);
}
