//! Tensor creation, conversion and printing against PyTorch: `tensor!` / `from_slice` /
//! `from_vec` / `scalar`, the constant factories and their dtype rules, `arange` and `linspace`
//! bit for bit, `item`, `to_vec`, `to_dtype`, and `format!("{t}")` equal to `str(t)`. Fixtures come
//! from `scripts/gen_creation_fixtures.py`.

mod common;

use serde_json::Value;
use std::f64::consts::PI;
use std::sync::OnceLock;
use torchlight::{tensor, DType, Scalar, Tensor};

fn fx() -> &'static Value {
    static FX: OnceLock<Value> = OnceLock::new();
    FX.get_or_init(|| common::load_fixture("creation.json"))
}

/// The fixture tensor as bits (floats) or numbers, decoded.
enum Vals {
    F32(Vec<u32>),
    F64(Vec<u64>),
    I64(Vec<i64>),
    Bool(Vec<bool>),
}

fn decode(v: &Value) -> (Vec<usize>, DType, Vals) {
    let shape = v["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
    let dtype = common::dtype_of(v["dtype"].as_str().unwrap());
    let hex = |w: usize| -> Vec<u64> {
        let s = v["values"].as_str().unwrap();
        (0..s.len() / w).map(|i| u64::from_str_radix(&s[i * w..(i + 1) * w], 16).unwrap()).collect()
    };
    let list = || v["values"].as_array().unwrap().iter();
    let vals = match dtype {
        DType::F32 => Vals::F32(hex(8).into_iter().map(|b| b as u32).collect()),
        DType::F64 => Vals::F64(hex(16)),
        DType::I64 => Vals::I64(list().map(|x| x.as_i64().unwrap()).collect()),
        DType::Bool => Vals::Bool(list().map(|x| x.as_bool().unwrap()).collect()),
    };
    (shape, dtype, vals)
}

/// The fixture tensor as a torchlight tensor.
fn build(v: &Value) -> Tensor {
    let (shape, _, vals) = decode(v);
    match vals {
        Vals::F32(b) => Tensor::from_vec(b.into_iter().map(f32::from_bits).collect(), &shape),
        Vals::F64(b) => Tensor::from_vec(b.into_iter().map(f64::from_bits).collect(), &shape),
        Vals::I64(x) => Tensor::from_vec(x, &shape),
        Vals::Bool(x) => Tensor::from_vec(x, &shape),
    }
}

/// Shape, dtype and values equal, floats bit for bit (any NaN equals any NaN).
fn same(t: &Tensor, v: &Value) -> Result<(), String> {
    let (shape, dtype, vals) = decode(v);
    if t.shape() != shape.as_slice() || t.dtype() != dtype {
        return Err(format!("{:?} {}, torch {:?} {}", t.shape(), t.dtype(), shape, dtype));
    }
    let ok = match vals {
        Vals::F32(b) => {
            t.to_vec::<f32>()
                .iter()
                .zip(&b)
                .all(|(x, &y)| x.to_bits() == y || (x.is_nan() && f32::from_bits(y).is_nan()))
                && b.len() == t.numel()
        }
        Vals::F64(b) => {
            t.to_vec::<f64>()
                .iter()
                .zip(&b)
                .all(|(x, &y)| x.to_bits() == y || (x.is_nan() && f64::from_bits(y).is_nan()))
                && b.len() == t.numel()
        }
        Vals::I64(x) => t.to_vec::<i64>() == x,
        Vals::Bool(x) => t.to_vec::<bool>() == x,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("values {t}, torch {}", build(v)))
    }
}

fn check_all(section: &str, make: impl Fn(&str) -> Option<Tensor>) {
    let cases = fx()[section].as_object().unwrap();
    let mut fails = Vec::new();
    for (name, want) in cases {
        if want.get("values").is_none() {
            continue;
        }
        let t = make(name).unwrap_or_else(|| panic!("{section}: no Rust construction for {name}"));
        if let Err(e) = same(&t, want) {
            fails.push(format!("{name}: {e}"));
        }
    }
    assert!(fails.is_empty(), "{section}:\n{}", fails.join("\n"));
}

fn panic_message(f: impl FnOnce() -> Tensor) -> String {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(t) => panic!("expected a panic, got {t}"),
        Err(p) => {
            p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap()
        }
    }
}

#[test]
fn literals_follow_torch_tensor() {
    check_all("literals", |name| {
        Some(match name {
            "f_0d" => tensor!(2.5),
            "i_0d" => tensor!(-7),
            "b_0d" => tensor!(true),
            "f_1d" => tensor!([1.5, -2.0, 0.1]),
            "i_1d" => tensor!([1, -2, 3]),
            "b_1d" => tensor!([true, false]),
            "mixed_int_float" => tensor!([1, 2.5]),
            "mixed_bool_int" => tensor!([true, 2]),
            "empty" => tensor!([]),
            "empty_2d" => tensor!([[]]),
            "f_2d" => tensor!([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
            "i_2d" => tensor!([[1, 2], [3, 4], [5, 6]]),
            "f_3d" => tensor!([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]], [[9.0, 0.5], [0.25, 0.125]]]),
            "i_3d" => tensor!([[[1], [2]], [[3], [4]]]),
            _ => return None,
        })
    });
    let lit = &fx()["literals"];
    assert_eq!(panic_message(|| tensor!([[1, 2], [3]])), lit["ragged"]["msg"].as_str().unwrap());
    assert_eq!(panic_message(|| tensor!([[[1, 2], [3]], [[4, 5], [6, 7]]])), lit["ragged_3d"]["msg"].as_str().unwrap());
}

#[test]
fn typed_constructors_keep_the_rust_type() {
    let lit = &fx()["literals"];
    let ok = |t: Tensor, name: &str| same(&t, &lit[name]).unwrap_or_else(|e| panic!("{name}: {e}"));
    ok(Tensor::scalar(2.5f32), "f_0d");
    ok(Tensor::scalar(-7i64), "i_0d");
    ok(Tensor::scalar(true), "b_0d");
    ok(Tensor::from_slice(&[1.5f32, -2.0, 0.1]), "f_1d");
    ok(Tensor::from_slice(&[1i64, -2, 3]), "i_1d");
    ok(Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]), "f_2d");
    ok(Tensor::from_vec(vec![1i64, 2, 3, 4], &[2, 2, 1]), "i_3d");
    ok(Tensor::from_vec(Vec::<f32>::new(), &[1, 0]), "empty_2d");
    // f64 data stays float64 (torch.tensor(..., dtype=torch.float64)).
    assert_eq!(Tensor::from_slice(&[0.1f64]).dtype(), DType::F64);
    assert_eq!(Tensor::from_slice(&[0.1f64]).to_vec::<f64>(), vec![0.1]);
    let e = Tensor::try_from_vec(vec![1.0f32; 5], &[2, 3]).unwrap_err();
    assert_eq!(e.to_string(), "shape '[2, 3]' is invalid for input of size 5");
}

#[test]
fn factories_follow_torch_dtype_rules() {
    let x_int = Tensor::from_vec(vec![1i64, 2, 3, 4, 5, 6], &[2, 3]);
    let x_f64 = Tensor::from_slice(&[1.0f64, 2.0]);
    check_all("factories", |name| {
        Some(match name {
            "zeros" => Tensor::zeros(&[2, 3]),
            "ones" => Tensor::ones(&[4]),
            "zeros_0d" => Tensor::zeros(&[]),
            "empty_0x3" => Tensor::empty(&[0, 3]),
            "full_int" => Tensor::full(&[2], 1),
            "full_float" => Tensor::full(&[2], 1.0),
            "full_bool" => Tensor::full(&[2], true),
            "full_f64_value" => Tensor::full(&[3], 0.1),
            "full_dtype_long_1.5" => Tensor::full_dtype(&[2], 1.5, DType::I64),
            "eye_3" => Tensor::eye(3),
            "eye_2x3" => Tensor::eye_m(2, 3),
            "eye_0" => Tensor::eye(0),
            "zeros_like_int" => x_int.zeros_like(),
            "ones_like_f64" => x_f64.ones_like(),
            "full_like_int_2.7" => x_int.full_like(2.7),
            "full_like_f64" => x_f64.full_like(0.1),
            _ => return None,
        })
    });
    let e = x_int.empty_like();
    assert_eq!((e.shape(), e.dtype()), (&[2, 3][..], DType::I64));
}

#[test]
fn arange_and_linspace_bit_for_bit() {
    check_all("ranges", |name| {
        Some(match name {
            "arange_5" => Tensor::arange(0, 5, 1),
            "arange_5.0" => Tensor::arange(0, 5.0, 1),
            "arange_1_10_3" => Tensor::arange(1, 10, 3),
            "arange_10_0_m3" => Tensor::arange(10, 0, -3),
            "arange_0_2_0.1" => Tensor::arange(0, 2, 0.1),
            "arange_m1.5_2.5" => Tensor::arange(-1.5, 2.5, 1),
            "arange_0_1_0.25" => Tensor::arange(0, 1, 0.25),
            "arange_1_0_m0.1" => Tensor::arange(1, 0, -0.1),
            "arange_0_100_0.7" => Tensor::arange(0, 100, 0.7),
            "arange_f64_0_2_0.1" => {
                Tensor::try_arange_dtype(Scalar::Int(0), Scalar::Int(2), Scalar::Float(0.1), DType::F64).unwrap()
            }
            "arange_empty" => Tensor::arange(3, 3, 1),
            "linspace_m1_1_7" => Tensor::linspace(-1.0, 1.0, 7),
            "linspace_0_1_5" => Tensor::linspace(0.0, 1.0, 5),
            "linspace_0.1_0.9_9" => Tensor::linspace(0.1, 0.9, 9),
            "linspace_mpi_pi_2000" => Tensor::linspace(-PI, PI, 2000),
            "linspace_f64_mpi_pi_2000" => Tensor::try_linspace_dtype(-PI, PI, 2000, DType::F64).unwrap(),
            "linspace_int_0_10_5" => Tensor::try_linspace_dtype(0.0, 10.0, 5, DType::I64).unwrap(),
            "linspace_int_0_10_4" => Tensor::try_linspace_dtype(0.0, 10.0, 4, DType::I64).unwrap(),
            "linspace_2_3_1" => Tensor::linspace(2.0, 3.0, 1),
            "linspace_2_3_0" => Tensor::linspace(2.0, 3.0, 0),
            _ => return None,
        })
    });
}

#[test]
fn creation_error_messages() {
    let e = &fx()["errors"];
    let msg = |k: &str| e[k]["msg"].as_str().unwrap().to_string();
    assert_eq!(Tensor::try_arange(0, 5, 0).unwrap_err().to_string(), msg("arange_step_zero"));
    assert_eq!(Tensor::try_arange(0, 5, -1).unwrap_err().to_string(), msg("arange_sign"));
    assert_eq!(Tensor::try_arange(0, f64::INFINITY, 1).unwrap_err().to_string(), msg("arange_inf"));
    let l = Tensor::try_linspace_dtype(0.0, 1.0, -1, DType::F32).unwrap_err();
    assert_eq!(l.to_string(), msg("linspace_negative"));
    assert_eq!(Tensor::ones(&[2]).try_item().unwrap_err().to_string(), msg("item_2"));
    assert_eq!(tensor!([]).try_item().unwrap_err().to_string(), msg("item_0"));
    let p = std::panic::catch_unwind(|| Tensor::ones(&[2]).item()).unwrap_err();
    assert_eq!(p.downcast_ref::<String>().unwrap(), &msg("item_2"));
}

#[test]
fn conversions_follow_torch() {
    let c = &fx()["conversions"];
    let src = |k: &str| build(&c[k]);
    let ok = |t: Tensor, name: &str| same(&t, &c[name]).unwrap_or_else(|e| panic!("{name}: {e}"));
    ok(src("src_f32_small").to_dtype(DType::I64), "f32_to_i64");
    ok(src("src_f32").to_dtype(DType::F64), "f32_to_f64");
    ok(src("src_f32_bool").to_dtype(DType::Bool), "f32_to_bool");
    ok(src("src_i64").to_dtype(DType::F32), "i64_to_f32");
    ok(src("src_i64").to_dtype(DType::F64), "i64_to_f64");
    ok(src("src_i64").to_dtype(DType::Bool), "i64_to_bool");
    ok(src("src_f64").to_dtype(DType::F32), "f64_to_f32");
    ok(src("src_bool").to_dtype(DType::F32), "bool_to_f32");
    ok(src("src_bool").to_dtype(DType::I64), "bool_to_i64");
    let f64s = src("src_f64").to_vec::<f64>();
    ok(Tensor::from_slice(&[f64s[0], f64s[1], f64s[4]]).to_dtype(DType::I64), "f64_finite_to_i64");
    // to_vec converts as to_dtype does.
    let (_, _, Vals::I64(trunc)) = decode(&c["f32_to_i64"]) else { unreachable!() };
    assert_eq!(src("src_f32_small").to_vec::<i64>(), trunc);
    // float(), double(), long() shorthands; to_dtype to the same dtype is the same tensor.
    let f = src("src_f32");
    assert!(f.to_dtype(DType::F32).is_same(&f) && f.float().is_same(&f));
    assert_eq!(f.double().dtype(), DType::F64);
    assert_eq!(src("src_f32_small").long().to_vec::<i64>(), trunc);
    // item() is the Python number.
    assert_eq!(Tensor::scalar(0.1f32).item(), c["item_f32"].as_f64().unwrap());
    assert_eq!(Tensor::scalar((1i64 << 40) + 3).try_item().unwrap(), Scalar::Int(c["item_i64"].as_i64().unwrap()));
    assert_eq!(Tensor::scalar(true).try_item().unwrap(), Scalar::Bool(c["item_bool"].as_bool().unwrap()));
    assert_eq!(Tensor::from_slice(&[7i64]).item_as::<i64>(), 7);
}

#[test]
fn display_matches_torch_str() {
    let cases = fx()["printing"].as_object().unwrap();
    let mut fails = Vec::new();
    for (name, c) in cases {
        let input = || build(&c["inputs"][0]);
        let x = || tensor!([1.0, 2.0]).requires_grad_(true);
        let t = match name.as_str() {
            "f32_1d" => tensor!([1.0, 2.5, -3.0]),
            "i64_2d" => tensor!([[1, -20], [300, 4]]),
            "f32_0d" => tensor!(3.5),
            "bool_1d" => tensor!([true, false, true]),
            "f64_1d" => Tensor::from_slice(&[0.1f64, 2.0, -1e-3]),
            "i64_0d" => tensor!(42),
            "f32_sci" => tensor!([1e10, 1.0, -3e-5]),
            "f32_nan_inf" => tensor!([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5]),
            "empty_2x0" => Tensor::zeros(&[2, 0]),
            "empty_f64" => Tensor::zeros_dtype(&[0], DType::F64),
            "randn_3x4" | "randn_f64_3d" => input(),
            "arange_div" => Tensor::arange(0, 12.0, 1).reshape(&[3, 4]) / 7,
            "linspace_summarized" => Tensor::linspace(0.0, 1.0, 2000),
            "eye_4" => Tensor::eye(4),
            "requires_grad" => x(),
            "grad_fn_mul" => &x() * 2,
            "grad_fn_exp" => x().exp(),
            "grad_fn_add_f64" => x().double() + 1,
            "grad_fn_neg" => -x(),
            "grad_fn_pow" => x().pow(2),
            "int_sum_0d" => tensor!([2, 3]).sum(),
            other => panic!("no Rust construction for {other}"),
        };
        let want = c["str"].as_str().unwrap();
        let got = format!("{t}");
        if got != want {
            fails.push(format!("{name}:\n got   {got:?}\n torch {want:?}"));
        }
    }
    assert!(cases.len() >= 15);
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}
