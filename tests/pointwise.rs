//! addcmul, addcdiv, lerp (scalar weight) and sqrt_ against PyTorch: forward bit for bit on
//! contiguous, transposed, broadcast, expanded and empty inputs in f32 and f64, input
//! gradients, the in-place forms, gradcheck, and error messages.
//! Fixtures: scripts/gen_pointwise_fixtures.py.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use serde_json::Value as J;
use std::sync::OnceLock;
use torchlight::autograd::gradcheck;
use torchlight::{DType, Tensor};

fn fixture() -> &'static J {
    static F: OnceLock<J> = OnceLock::new();
    F.get_or_init(|| load_fixture("pointwise.json"))
}

/// Bit-exact comparison. f32 data goes through `tensor_from` (an f32 cast absorbs JSON's
/// last-bit parsing error); f64 allows that one parsing ulp.
#[track_caller]
fn assert_exact(actual: &Tensor, expected: &J, what: &str) {
    let e = tensor_from(expected);
    assert_eq!(actual.dtype(), e.dtype(), "{what}: dtype");
    assert_eq!(actual.shape(), e.shape(), "{what}: shape");
    if actual.dtype() == DType::F64 {
        assert_close(actual, expected, 1e-15, 0.0, what);
    } else {
        assert!(actual.equal(&e), "{what}: got {:?}, torch {:?}", actual.to_vec::<f64>(), e.to_vec::<f64>());
    }
}

fn run(op: &str, x: &[Tensor], arg: f64) -> Tensor {
    match op {
        "addcmul" => x[0].addcmul(&x[1], &x[2], arg),
        "addcdiv" => x[0].addcdiv(&x[1], &x[2], arg),
        "lerp" => x[0].lerp(&x[1], arg),
        other => panic!("unknown op {other}"),
    }
}

#[test]
fn forward_and_gradients_match_torch() {
    for case in fixture()["forward"].as_array().unwrap() {
        let (op, kind, arg) =
            (case["op"].as_str().unwrap(), case["kind"].as_str().unwrap(), case["arg"].as_f64().unwrap());
        let inputs: Vec<Tensor> = case["inputs"].as_array().unwrap().iter().map(input_from).collect();
        let what = format!("{op} {kind} {} arg {arg}", inputs[0].dtype());
        let out = run(op, &inputs, arg);
        assert_exact(&out, &case["out"], &what);
        let go = tensor_from(&case["grad_output"]);
        (&out * &go).sum().backward();
        let tol = if out.dtype() == DType::F32 { 1e-6 } else { 1e-12 };
        for (i, (x, g)) in inputs.iter().zip(case["grads"].as_array().unwrap()).enumerate() {
            let grad = x.grad().unwrap_or_else(|| x.zeros_like());
            assert_close(&grad, g, tol, tol, &format!("{what}: grad of input {i}"));
        }
    }
}

#[test]
fn inplace_forms_match_torch() {
    for case in fixture()["inplace"].as_array().unwrap() {
        let op = case["op"].as_str().unwrap();
        let (s, t1, t2) = (tensor_from(&case["self"]), tensor_from(&case["t1"]), tensor_from(&case["t2"]));
        let arg = &case["arg"];
        let what = format!("{op} on {}", s.dtype());
        let out = match op {
            "addcmul_" if s.dtype() == DType::I64 => s.addcmul_(&t1, &t2, arg.as_i64().unwrap()).clone(),
            "addcmul_" => s.addcmul_(&t1, &t2, arg.as_f64().unwrap()).clone(),
            "addcdiv_" => s.addcdiv_(&t1, &t2, arg.as_f64().unwrap()).clone(),
            "lerp_" => s.lerp_(&t1, arg.as_f64().unwrap()).clone(),
            "sqrt_" => s.sqrt_().clone(),
            "addcmul" => s.addcmul(&t1, &t2, arg.as_f64().unwrap()),
            other => panic!("unknown op {other}"),
        };
        if op.ends_with('_') {
            assert!(out.is_same(&s) && s.version() == 1, "{what}: writes self in place");
        }
        assert_exact(&out, &case["out"], &what);
    }
}

#[test]
fn inplace_on_aliased_operands() {
    // a.addcmul_(a, a) reads the old values of a, so it equals the out-of-place result.
    let a = Tensor::from_slice(&[1.0f32, -2.0, 3.0]);
    let expected = a.addcmul(&a, &a, 0.5);
    a.addcmul_(&a.clone(), &a.clone(), 0.5);
    assert!(a.equal(&expected));
    // lerp toward itself: end - self = 0, so the values stay.
    let b = Tensor::from_slice(&[1.0f64, 4.0]);
    let before = b.copy();
    b.lerp_(&b.clone(), 0.25);
    assert!(b.equal(&before));
}

fn f64s(v: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(v.to_vec(), shape).requires_grad_(true)
}

#[test]
fn gradcheck_out_of_place_and_inplace() {
    let a = f64s(&[0.3, -1.2, 2.0, 0.7, -0.4, 1.1], &[2, 3]);
    let b = f64s(&[1.5, -0.5, 0.8], &[3]);
    let c = f64s(&[1.3, 0.6], &[2, 1]);
    let inputs = [a.clone(), b.clone(), c.clone()];
    let opts = Default::default();
    gradcheck(|v| v[0].addcmul(&v[1], &v[2], -0.7), &inputs, opts).unwrap();
    gradcheck(|v| v[0].addcdiv(&v[1], &v[2], 1.3), &inputs, opts).unwrap();
    let ends = [a.clone(), f64s(&[0.1, 0.2, -0.3, 0.4, 0.5, -0.6], &[2, 3])];
    for w in [0.3, 0.5, 1.7, -0.2] {
        gradcheck(|v| v[0].lerp(&v[1], w), &ends, opts).unwrap();
        gradcheck(
            |v| {
                let x = &v[0] * 1.0f64;
                x.lerp_(&v[1], w);
                x
            },
            &ends,
            opts,
        )
        .unwrap();
    }
    // The in-place forms on a non-leaf record the same gradients.
    gradcheck(
        |v| {
            let x = &v[0] * 1.0f64;
            x.addcmul_(&v[1], &v[2], 0.4);
            x.addcdiv_(&v[1], &v[2], -1.1);
            x
        },
        &inputs,
        opts,
    )
    .unwrap();
    let pos = [f64s(&[0.3, 1.2, 2.0], &[3])];
    gradcheck(
        |v| {
            let x = &v[0] * 1.0f64;
            x.sqrt_();
            x
        },
        &pos,
        opts,
    )
    .unwrap();
    let x = &pos[0] * 2.0f64;
    x.sqrt_();
    assert_eq!(x.grad_fn().unwrap().name(), "SqrtBackward0");
    let y = &pos[0] * 1.0f64;
    assert_eq!(y.addcmul(&y, &y, 1.0).grad_fn().unwrap().name(), "AddcmulBackward0");
    assert_eq!(y.addcdiv(&y, &y, 1.0).grad_fn().unwrap().name(), "AddcdivBackward0");
    assert_eq!(y.lerp(&y, 0.5).grad_fn().unwrap().name(), "LerpBackward0");
}

fn msg(r: torchlight::Result<impl Sized>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn errors_match_torch() {
    let e = fixture()["errors"].as_object().unwrap();
    let f = Tensor::ones(&[3]);
    let d = Tensor::ones_dtype(&[3], DType::F64);
    let i = Tensor::ones_dtype(&[3], DType::I64);
    let big = Tensor::ones(&[2, 3]);
    let cases: Vec<(&str, String)> = vec![
        ("addcdiv_int", msg(i.try_addcdiv(&i, &i, 1))),
        ("addcmul_broadcast", msg(f.try_addcmul(&Tensor::ones(&[2]), &f, 1.0))),
        ("addcmul_inplace_shape", msg(f.copy().try_addcmul_(&big, &f, 1.0))),
        ("addcdiv_inplace_shape", msg(f.copy().try_addcdiv_(&big, &f, 1.0))),
        ("addcmul_inplace_cast", msg(i.copy().try_addcmul_(&f, &f, 1.0))),
        ("lerp_dtype_float_double", msg(f.try_lerp(&d, 0.5))),
        ("lerp_dtype_double_float", msg(d.try_lerp(&f, 0.5))),
        ("lerp_dtype_float_long", msg(f.try_lerp(&i, 0.5))),
        ("lerp_long", msg(i.try_lerp(&i, 0.5))),
        ("lerp_inplace_shape", msg(f.copy().try_lerp_(&big, 0.5))),
        ("sqrt_long", msg(i.copy().try_sqrt_())),
        ("leaf_inplace", msg(Tensor::ones(&[3]).requires_grad_(true).try_addcmul_(&f, &f, 1.0))),
    ];
    for (name, m) in cases {
        assert_eq!(m, e[name].as_str().unwrap(), "{name}");
    }
}
