//! atan2, hypot and logaddexp against PyTorch (fixtures from
//! `scripts/gen_binary_math_fixtures.py`): outputs, dtypes, grad_fn names and gradients on
//! contiguous, transposed, broadcast, empty, mixed-dtype and special-valued inputs
//! (signed zeros, infinities, NaN, huge and tiny values), PyTorch's error messages, and
//! gradcheck.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use serde_json::Value;
use std::sync::OnceLock;
use torchlight::autograd::{self, gradcheck, GradOptions};
use torchlight::{DType, Result, Tensor};

fn fixture() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| load_fixture("binary_math.json"))
}

/// PyTorch evaluates these with SLEEF or glibc, torchlight with the platform's libm: a few
/// ulps apart at most.
fn tol(dtype: DType) -> (f64, f64) {
    if dtype == DType::F32 {
        (4e-6, 1e-6)
    } else {
        (1e-13, 1e-13)
    }
}

fn run(op: &str, a: &Tensor, b: &Tensor) -> Result<Tensor> {
    match op {
        "atan2" => a.try_atan2(b),
        "hypot" => a.try_hypot(b),
        "logaddexp" => a.try_logaddexp(b),
        other => panic!("unknown op {other}"),
    }
}

#[test]
fn ops_match_torch() {
    let cases = fixture()["cases"].as_array().unwrap();
    assert!(cases.len() > 30);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let (a, b) = (input_from(&c["a"]), input_from(&c["b"]));
        let y = run(c["op"].as_str().unwrap(), &a, &b).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (rtol, atol) = tol(y.dtype());
        assert_close(&y, &c["y"], rtol, atol, name);
        let grad_fn = y.grad_fn().map(|n| n.name().to_string());
        assert_eq!(grad_fn.as_deref(), c["grad_fn"].as_str(), "{name}: grad_fn");
        let Some(go) = c.get("grad_output") else { continue };
        let g = tensor_from(go);
        let wrt = [a.clone(), b.clone()];
        let grads = autograd::grad(&[(&y * &g).sum()], &wrt, GradOptions::default()).unwrap();
        for (i, (got, want)) in grads.iter().zip(c["grads"].as_array().unwrap()).enumerate() {
            let got = got.as_ref().unwrap_or_else(|| panic!("{name}: no gradient {i}"));
            let (rtol, atol) = tol(got.dtype());
            assert_close(got, want, rtol * 10.0, atol * 10.0, &format!("{name}: gradient {i}"));
        }
    }
}

#[test]
fn errors_match_torch() {
    let e = &fixture()["errors"];
    let i = Tensor::from_slice(&[3i64, 4]);
    let b = Tensor::from_slice(&[true]);
    let ours = [
        ("hypot_int", i.try_hypot(&i)),
        ("logaddexp_int", i.try_logaddexp(&i)),
        ("logaddexp_bool", b.try_logaddexp(&b)),
        ("atan2_shapes", Tensor::ones(&[3]).try_atan2(&Tensor::ones(&[2]))),
    ];
    for (name, got) in ours {
        assert_eq!(got.unwrap_err().to_string(), e[name].as_str().unwrap(), "{name}");
    }
}

#[test]
fn gradcheck_binary_math() {
    let g = torchlight::Generator::with_seed(9);
    let input = |shape: &[usize], lo: f64, hi: f64| {
        let t = Tensor::zeros_dtype(shape, DType::F64);
        t.try_uniform_with(lo, hi, &g).unwrap();
        t.requires_grad_(true)
    };
    let (a, b) = (input(&[2, 3], -2.0, 2.0), input(&[3], 0.5, 2.0));
    type Op = fn(&Tensor, &Tensor) -> Tensor;
    let ops: &[(&str, Op)] =
        &[("atan2", |a, b| a.atan2(b)), ("hypot", |a, b| a.hypot(b)), ("logaddexp", |a, b| a.logaddexp(b))];
    for (name, f) in ops {
        gradcheck(|v| f(&v[0], &v[1]), &[a.clone(), b.clone()], Default::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
