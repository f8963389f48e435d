//! Runs the case lists of `scripts/gen_functional_fixtures.py` (shared by the functional and
//! losses tests): each case calls one function on fixture inputs and compares the output,
//! the gradients of `(out * grad_output).sum()`, or the error type and message with
//! PyTorch's. All mismatches are collected and reported together.
#![allow(dead_code)]

use crate::common::{input_from, tensor_from};
use serde_json::Value;
use torchlight::autograd::{grad, gradcheck, GradOptions};
use torchlight::{enable_grad, DType, Error, Result, Tensor};

/// Python's exception class name for an error.
pub fn py_type(e: &Error) -> &'static str {
    match e {
        Error::Runtime(_) => "RuntimeError",
        Error::Value(_) => "ValueError",
        Error::Index(_) => "IndexError",
        Error::Type(_) => "TypeError",
        Error::NotImplemented(_) => "NotImplementedError",
        _ => "other",
    }
}

fn f64s(v: &Value) -> Vec<f64> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| match x {
            Value::String(s) => s.parse::<f64>().unwrap_or(match s.as_str() {
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                _ => f64::NAN,
            }),
            Value::Bool(b) => *b as u8 as f64,
            other => other.as_f64().unwrap(),
        })
        .collect()
}

/// Compares shape, dtype and values (`|a - e| <= atol + rtol·|e|`, NaN equal to NaN, equal
/// infinities equal).
pub fn close(actual: &Tensor, expected: &Value, rtol: f64, atol: f64) -> std::result::Result<(), String> {
    let shape: Vec<usize> =
        expected["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
    if actual.shape() != shape.as_slice() {
        return Err(format!("shape {:?}, expected {shape:?}", actual.shape()));
    }
    let dtype = crate::common::dtype_of(expected["dtype"].as_str().unwrap());
    if actual.dtype() != dtype {
        return Err(format!("dtype {}, expected {dtype}", actual.dtype()));
    }
    for (i, (a, e)) in actual.to_vec::<f64>().iter().zip(f64s(expected)).enumerate() {
        let ok = (a.is_nan() && e.is_nan()) || *a == e || (a - e).abs() <= atol + rtol * e.abs();
        if !ok {
            return Err(format!("element {i}: got {a}, expected {e}"));
        }
    }
    Ok(())
}

/// Runs every case of `cases` through `call`; `tol` gives (rtol, atol) per case.
pub fn run_cases(
    cases: &Value,
    call: impl Fn(&str, &Value, &[Tensor]) -> Result<Tensor>,
    tol: impl Fn(&Value) -> (f64, f64),
) {
    let mut failures = vec![];
    let mut count = 0;
    for case in cases.as_array().expect("cases") {
        count += 1;
        let name = case["name"].as_str().unwrap();
        if let Err(msg) = run_case(case, &call, tol(case)) {
            failures.push(format!("{name}: {msg}"));
        }
    }
    assert!(count > 0, "no cases");
    assert!(failures.is_empty(), "{} of {count} cases failed:\n{}", failures.len(), failures.join("\n"));
}

fn run_case(
    case: &Value,
    call: &impl Fn(&str, &Value, &[Tensor]) -> Result<Tensor>,
    (rtol, atol): (f64, f64),
) -> std::result::Result<(), String> {
    let inputs: Vec<Tensor> = case["inputs"].as_array().unwrap().iter().map(input_from).collect();
    let result = call(case["fn"].as_str().unwrap(), &case["args"], &inputs);
    if let Some(err) = case.get("error") {
        let e = match result {
            Ok(_) => return Err(format!("expected {err}, got a result")),
            Err(e) => e,
        };
        if py_type(&e) != err["type"].as_str().unwrap() || e.to_string() != err["msg"].as_str().unwrap() {
            return Err(format!("got {} {:?}, expected {err}", py_type(&e), e.to_string()));
        }
        return Ok(());
    }
    let out = result.map_err(|e| format!("unexpected error {e}"))?;
    close(&out, &case["out"], rtol, atol).map_err(|m| format!("output {m}"))?;
    let Some(grads) = case.get("grads").and_then(|g| g.as_array()) else {
        return Ok(());
    };
    let go = tensor_from(&case["grad_output"]);
    (&out * &go).sum().backward();
    for (i, (x, g)) in inputs.iter().zip(grads).enumerate() {
        if g.is_null() {
            continue;
        }
        let actual = x.grad().ok_or_else(|| format!("input {i} has no gradient"))?;
        close(&actual, g, rtol, atol).map_err(|m| format!("gradient of input {i}: {m}"))?;
    }
    Ok(())
}

/// Deterministic float64 values for gradient checks, from a local generator (the global
/// one is left alone: the dropout tests reseed it).
pub fn randn64(shape: &[usize], seed: u64) -> Tensor {
    let g = torchlight::Generator::with_seed(seed);
    Tensor::randn_with(shape, &g).to_dtype(DType::F64)
}

/// `gradcheck` of `f` at `x` (which must require grad), panicking with the mismatch.
#[track_caller]
pub fn check_grad(what: &str, f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor]) {
    if let Err(e) = gradcheck(f, inputs, Default::default()) {
        panic!("{what}: {e}");
    }
}

/// Checks second derivatives: `gradcheck` of `x -> d/dx sum(f(x) * w)` built with
/// `create_graph`, which runs the differentiable (composed) backward of `f`.
#[track_caller]
pub fn check_grad_grad(what: &str, f: impl Fn(&Tensor) -> Tensor, x: &Tensor) {
    let w = randn64(f(x).shape(), 99);
    let first = |v: &[Tensor]| {
        enable_grad(|| {
            let y = f(&v[0]);
            let opts = GradOptions { create_graph: true, ..Default::default() };
            grad(&[(&y * &w).sum()], &v[..1], opts).unwrap()[0].clone().unwrap()
        })
    };
    check_grad(what, first, std::slice::from_ref(x));
}
