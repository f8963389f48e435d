//! floor, ceil, round, trunc, frac, remainder (and `%`), fmod, floor_divide and div with a
//! rounding mode against PyTorch (fixtures from `scripts/gen_rounding_fixtures.py`): outputs
//! bit for bit (signed zeros and NaN included), dtypes, grad_fn names, gradients or the
//! backward's error, on contiguous, transposed, broadcast, empty and scalar operands, and
//! PyTorch's error messages.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use serde_json::Value;
use std::sync::OnceLock;
use torchlight::autograd::{self, GradOptions};
use torchlight::{Operand, Result, RoundingMode, Scalar, Tensor};

fn fixture() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| load_fixture("rounding.json"))
}

/// A fixture operand: a number or an input tensor.
enum Arg {
    Tensor(Tensor),
    Number(Scalar),
}

fn arg(v: &Value) -> Arg {
    match v.get("scalar") {
        Some(s) if v["kind"] == "int" => Arg::Number(Scalar::Int(s.as_i64().unwrap())),
        Some(s) => Arg::Number(Scalar::Float(s.as_f64().unwrap())),
        None => Arg::Tensor(input_from(v)),
    }
}

impl Arg {
    fn operand(&self) -> Operand<'_> {
        match self {
            Arg::Tensor(t) => Operand::Tensor(t),
            Arg::Number(s) => Operand::Scalar(*s),
        }
    }

    fn tensor(&self) -> &Tensor {
        match self {
            Arg::Tensor(t) => t,
            Arg::Number(_) => panic!("expected a tensor operand"),
        }
    }
}

/// Values equal bit for bit where they are numbers (NaN payloads aside), so -0.0 != 0.0.
#[track_caller]
fn assert_exact(actual: &Tensor, expected: &Value, what: &str) {
    assert_close(actual, expected, 0.0, 0.0, what);
    let want = tensor_from(expected).to_vec::<f64>();
    for (i, (a, e)) in actual.to_vec::<f64>().iter().zip(&want).enumerate() {
        if *e == 0.0 {
            assert_eq!(a.is_sign_negative(), e.is_sign_negative(), "{what}: sign of zero at {i}");
        }
    }
}

/// Checks the output, grad_fn and gradients (or the backward's error) of one case.
fn check(case: &Value, out: Tensor, inputs: &[&Tensor]) {
    let name = case["name"].as_str().unwrap();
    assert_exact(&out, &case["y"], name);
    let grad_fn = out.grad_fn().map(|n| n.name().to_string());
    assert_eq!(grad_fn.as_deref(), case["grad_fn"].as_str(), "{name}: grad_fn");
    let wrt: Vec<Tensor> = inputs.iter().filter(|t| t.requires_grad()).map(|t| (*t).clone()).collect();
    if wrt.is_empty() {
        return;
    }
    let g = tensor_from(&case["grad_output"]);
    let opts = GradOptions { allow_unused: true, ..Default::default() };
    let grads = autograd::grad(&[(&out * &g).sum()], &wrt, opts);
    match case.get("backward_error") {
        Some(e) => assert_eq!(grads.unwrap_err().to_string(), e.as_str().unwrap(), "{name}: backward"),
        None => {
            let grads = grads.unwrap_or_else(|e| panic!("{name}: backward failed: {e}"));
            for (i, (got, want)) in grads.iter().zip(case["grads"].as_array().unwrap()).enumerate() {
                let got = got.as_ref().unwrap_or_else(|| panic!("{name}: no gradient for input {i}"));
                assert_exact(got, want, &format!("{name}: gradient {i}"));
            }
        }
    }
}

fn binary(op: &str, a: &Arg, b: &Arg) -> Result<Tensor> {
    let (x, y) = (a.tensor(), b.operand());
    match op {
        "remainder" => x.try_remainder(y),
        "fmod" => x.try_fmod(y),
        "floor_divide" => x.try_floor_divide(y),
        "div_trunc" => x.try_div_rounding(y, RoundingMode::Trunc),
        "div_floor" => x.try_div_rounding(y, RoundingMode::Floor),
        other => panic!("unknown op {other}"),
    }
}

#[test]
fn binary_ops_match_torch() {
    let cases = fixture()["binary"].as_array().unwrap();
    assert!(cases.len() > 100);
    for case in cases {
        let (a, b) = (arg(&case["a"]), arg(&case["b"]));
        let out = match case["op"].as_str().unwrap() {
            // Python's `7 % t`: the operator with the number on the left.
            "rremainder" => {
                let Arg::Number(Scalar::Int(s)) = a else { panic!("rremainder takes an int") };
                s % b.tensor()
            }
            op => binary(op, &a, &b).unwrap_or_else(|e| panic!("{}: {e}", case["name"])),
        };
        let inputs: Vec<&Tensor> =
            [&a, &b].into_iter().filter_map(|x| if let Arg::Tensor(t) = x { Some(t) } else { None }).collect();
        check(case, out, &inputs);
    }
}

#[test]
fn the_percent_operator_is_remainder() {
    let a = Tensor::from_slice(&[5.5f32, -5.5]);
    let b = Tensor::from_slice(&[2.0f32, 2.0]);
    // Python: [1.5, 0.5] for both `a % 2` and `a % b` (remainder takes the divisor's sign).
    for out in [&a % 2, &a % &b, a.clone() % b.clone(), a.remainder(&b)] {
        assert_eq!(out.to_vec::<f32>(), vec![1.5, 0.5]);
    }
}

#[test]
fn unary_ops_match_torch() {
    let cases = fixture()["unary"].as_array().unwrap();
    for case in cases {
        let a = arg(&case["a"]);
        let x = a.tensor();
        let out = match case["op"].as_str().unwrap() {
            "floor" => x.try_floor(),
            "ceil" => x.try_ceil(),
            "round" => x.try_round(),
            "trunc" => x.try_trunc(),
            "frac" => x.try_frac(),
            other => panic!("unknown op {other}"),
        }
        .unwrap();
        check(case, out, &[x]);
    }
}

fn err(r: Result<Tensor>) -> String {
    r.unwrap_err().to_string()
}

fn err0(r: Result<()>) -> String {
    r.unwrap_err().to_string()
}

#[test]
fn errors_match_torch() {
    let e = &fixture()["errors"];
    let i = Tensor::from_slice(&[7i64, -7, 0]);
    let z = Tensor::from_slice(&[2i64, 0, 3]);
    let b = Tensor::from_slice(&[true, false]);
    let rremainder = std::panic::catch_unwind(|| 5 % &Tensor::from_slice(&[2i64, 0, 3])).unwrap_err();
    let ours = [
        ("remainder_int_zero", err(i.try_remainder(&z))),
        ("fmod_int_zero", err(i.try_fmod(&z))),
        ("floor_divide_int_zero", err(i.try_floor_divide(&z))),
        ("div_trunc_int_zero", err(i.try_div_rounding(0, RoundingMode::Trunc))),
        ("div_floor_int_zero", err(i.try_div_rounding(&z, RoundingMode::Floor))),
        ("rremainder_int_zero", rremainder.downcast_ref::<String>().cloned().unwrap_or_default()),
        ("remainder_bool", err(b.try_remainder(&b))),
        ("fmod_bool", err(b.try_fmod(&b))),
        ("floor_divide_bool", err(b.try_floor_divide(&b))),
        ("div_trunc_bool", err(b.try_div_rounding(&b, RoundingMode::Trunc))),
        ("div_floor_bool", err(b.try_div_rounding(&b, RoundingMode::Floor))),
        ("floor_bool", err(b.try_floor())),
        ("ceil_bool", err(b.try_ceil())),
        ("round_bool", err(b.try_round())),
        ("trunc_bool", err(b.try_trunc())),
        ("frac_bool", err(b.try_frac())),
        ("frac_int", err(i.try_frac())),
        ("remainder_shapes", err(Tensor::ones(&[3]).try_remainder(&Tensor::ones(&[4])))),
        ("remainder_inplace_cast", err0(Tensor::from_slice(&[5i64]).try_remainder_(2.5))),
        ("fmod_inplace_shape", err0(Tensor::ones(&[4]).try_fmod_(&Tensor::ones(&[3, 4])))),
        ("frac_inplace_int", err0(Tensor::from_slice(&[3i64]).try_frac_())),
        (
            "floor_divide_inplace_zero",
            err0(Tensor::from_slice(&[5i64]).try_floor_divide_(&Tensor::from_slice(&[0i64]))),
        ),
        ("floor_inplace_leaf", err0(Tensor::ones(&[2]).requires_grad_(true).try_floor_())),
    ];
    for (name, got) in ours {
        assert_eq!(got, e[name].as_str().unwrap(), "{name}");
    }
    assert!(matches!(b.try_floor(), Err(torchlight::Error::NotImplemented(_))));
}

/// A fresh tensor with `t`'s values and no history, to be modified in place.
fn fresh(t: &Tensor) -> Tensor {
    t.detach().copy()
}

#[test]
fn inplace_forms_give_the_same_values() {
    // PyTorch's in-place forms compute the out-of-place values into self; every case whose
    // result fits the first operand (same shape and dtype) is run again in place.
    let mut ran = 0;
    for case in fixture()["binary"].as_array().unwrap() {
        let (a, b) = (arg(&case["a"]), arg(&case["b"]));
        let Arg::Tensor(x) = &a else { continue };
        let want = tensor_from(&case["y"]);
        if x.shape() != want.shape() || x.dtype() != want.dtype() {
            continue;
        }
        let (t, y) = (fresh(x), b.operand());
        match case["op"].as_str().unwrap() {
            "remainder" => t.try_remainder_(y),
            "fmod" => t.try_fmod_(y),
            "floor_divide" => t.try_floor_divide_(y),
            "div_trunc" => t.try_div_rounding_(y, RoundingMode::Trunc),
            "div_floor" => t.try_div_rounding_(y, RoundingMode::Floor),
            other => panic!("unknown op {other}"),
        }
        .unwrap();
        assert_exact(&t, &case["y"], &format!("{} in place", case["name"]));
        ran += 1;
    }
    for case in fixture()["unary"].as_array().unwrap() {
        let t = fresh(arg(&case["a"]).tensor());
        match case["op"].as_str().unwrap() {
            "floor" => t.try_floor_(),
            "ceil" => t.try_ceil_(),
            "round" => t.try_round_(),
            "trunc" => t.try_trunc_(),
            "frac" => t.try_frac_(),
            other => panic!("unknown op {other}"),
        }
        .unwrap();
        assert_exact(&t, &case["y"], &format!("{} in place", case["name"]));
        ran += 1;
    }
    assert!(ran > 100, "{ran} in-place cases");
}

#[test]
fn inplace_forms_record_the_same_gradients() {
    // On a non-leaf, the in-place op takes over the tensor's history with the op's node, and
    // the gradients are those of the out-of-place op.
    let x = Tensor::from_slice(&[5.5f64, -5.5, 3.25, -0.75]).requires_grad_(true);
    let d = Tensor::from_slice(&[2.0f64, -2.0, 1.5, 0.5]).requires_grad_(true);
    let g = Tensor::from_slice(&[1.0f64, 2.0, -3.0, 0.5]);
    type Op = fn(&Tensor, &Tensor);
    let cases: [(&str, Op); 4] = [
        ("RemainderBackward1", |t, d| {
            t.remainder_(d);
        }),
        ("FmodBackward1", |t, d| {
            t.fmod_(d);
        }),
        ("DivBackward2", |t, d| {
            t.div_rounding_(d, RoundingMode::Floor);
        }),
        ("FloorBackward0", |t, _| {
            t.floor_();
        }),
    ];
    let opts = || GradOptions { allow_unused: true, ..Default::default() };
    for (node, inplace) in cases {
        let y = &x * 1.0;
        inplace(&y, &d);
        assert_eq!(y.grad_fn().unwrap().name(), node);
        let got = autograd::grad(&[(&y * &g).sum()], &[x.clone(), d.clone()], opts()).unwrap();
        let want_y = match node {
            "RemainderBackward1" => x.remainder(&d),
            "FmodBackward1" => x.fmod(&d),
            "DivBackward2" => x.div_rounding(&d, RoundingMode::Floor),
            _ => x.floor(),
        };
        let want = autograd::grad(&[(&want_y * &g).sum()], &[x.clone(), d.clone()], opts()).unwrap();
        for (a, b) in got.iter().zip(&want) {
            assert_eq!(a.as_ref().map(|t| t.to_vec::<f64>()), b.as_ref().map(|t| t.to_vec::<f64>()), "{node}");
        }
    }
}

#[test]
fn the_percent_assign_operator_is_remainder_() {
    let mut a = Tensor::from_slice(&[-7i64, 7]);
    a %= 3;
    assert_eq!(a.to_vec::<i64>(), vec![2, 1]);
    a %= &Tensor::from_slice(&[-2i64, 2]);
    assert_eq!(a.to_vec::<i64>(), vec![0, 1]);
}
