//! Reductions against PyTorch (`tests/fixtures/reductions.json`, written by
//! `scripts/gen_reduce_fixtures.py`): values, indices, gradients on contiguous, transposed,
//! expanded and empty inputs, error messages, and numerical gradient checks in f64.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use serde_json::Value;
use torchlight::autograd::{gradcheck, GradcheckOptions};
use torchlight::{Error, Result, Tensor};

fn dims(a: &Value) -> Vec<i64> {
    a["dims"].as_array().unwrap().iter().map(|d| d.as_i64().unwrap()).collect()
}

fn float_arg(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        other => other.as_f64().unwrap(),
    }
}

/// Runs the fixture's op through torchlight's fallible API.
fn run(op: &str, a: &Value, x: &Tensor) -> Result<Vec<Tensor>> {
    let kd = a["keepdim"].as_bool().unwrap_or(false);
    let dim = || a["dim"].as_i64().unwrap();
    let pair = |(v, i): (Tensor, Tensor)| vec![v, i];
    Ok(match op {
        "sum_family" => vec![
            x.sum(),
            x.try_sum_dim(&[0], false)?,
            x.try_sum_dim(&[-1], false)?,
            x.try_mean_dim(&[], false)?,
            x.try_mean_dim(&[-1], true)?,
            x.try_mean_dim(&[0], false)?,
        ],
        "sum_family3" => vec![
            x.try_sum_dim(&[1], false)?,
            x.try_sum_dim(&[2], false)?,
            x.try_sum_dim(&[0], false)?,
            x.try_sum_dim(&[1, 2], false)?,
            x.try_mean_dim(&[1], false)?,
        ],
        "sum" => vec![x.sum()],
        "sum_dim" => vec![x.try_sum_dim(&dims(a), kd)?],
        "mean" => vec![x.try_mean_dim(&[], false)?],
        "mean_dim" => vec![x.try_mean_dim(&dims(a), kd)?],
        "sum_to_size" => {
            let shape: Vec<usize> =
                a["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
            vec![x.try_sum_to_size(&shape)?]
        }
        "max" => vec![x.try_max()?],
        "min" => vec![x.try_min()?],
        "max_dim" => pair(x.try_max_dim(dim(), kd)?),
        "min_dim" => pair(x.try_min_dim(dim(), kd)?),
        "argmax" => vec![x.try_argmax(a["dim"].as_i64(), kd)?],
        "argmin" => vec![x.try_argmin(a["dim"].as_i64(), kd)?],
        "amax" => vec![x.try_amax(&dims(a), kd)?],
        "amin" => vec![x.try_amin(&dims(a), kd)?],
        "prod" => vec![x.prod()],
        "prod_dim" => vec![x.try_prod_dim(dim(), kd)?],
        "var" => vec![x.try_var(&dims(a), float_arg(&a["correction"]), kd)?],
        "std" => vec![x.try_std(&dims(a), float_arg(&a["correction"]), kd)?],
        "var_mean" => pair(x.try_var_mean(&dims(a), float_arg(&a["correction"]), kd)?),
        "std_mean" => pair(x.try_std_mean(&dims(a), float_arg(&a["correction"]), kd)?),
        "norm" => vec![x.try_norm(float_arg(&a["p"]), &dims(a), kd)?],
        "fro" => vec![x.try_frobenius_norm(&dims(a), kd)?],
        other => panic!("unknown op {other}"),
    })
}

/// Tolerances for one dtype: exact for integers, else float rounding (torch's
/// accumulation orders for prod, var and norm are not replicated).
fn tol(t: &Value) -> (f64, f64) {
    match t["dtype"].as_str().unwrap() {
        "int64" | "bool" => (0.0, 0.0),
        "float32" => (1e-5, 1e-6),
        _ => (1e-12, 1e-12),
    }
}

/// The exact bit patterns of a fixture tensor. JSON number parsing may be 1 ulp off in
/// f64, so float64 tensors carry their bits as hex; float32 values round back exactly.
fn fixture_bits(t: &Value) -> Vec<u64> {
    if t["dtype"] == "float32" {
        return tensor_bits(&tensor_from(t));
    }
    t["bits"].as_array().unwrap().iter().map(|b| u64::from_str_radix(b.as_str().unwrap(), 16).unwrap()).collect()
}

fn tensor_bits(t: &Tensor) -> Vec<u64> {
    match t.dtype() {
        torchlight::DType::F32 => t.to_vec::<f32>().iter().map(|v| v.to_bits() as u64).collect(),
        _ => t.to_vec::<f64>().iter().map(|v| v.to_bits()).collect(),
    }
}

/// A float input with its exact bits, contiguous or transposed as
/// `common::input_from` builds it.
fn input_from_bits(v: &Value) -> Tensor {
    let shape: Vec<usize> = v["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
    let t = match v["dtype"].as_str().unwrap() {
        "float32" => tensor_from(v),
        _ => Tensor::from_vec(fixture_bits(v).iter().map(|&b| f64::from_bits(b)).collect(), &shape),
    };
    match v["layout"].as_str().unwrap() {
        "contiguous" => t,
        "transposed" => {
            let n = t.dim() as i64;
            let r = t.transpose(n - 2, n - 1).contiguous().transpose(n - 2, n - 1);
            assert!(!r.is_contiguous());
            r
        }
        other => panic!("no exact case with layout {other}"),
    }
}

#[test]
fn forward_and_gradients_match_torch() {
    let fx = load_fixture("reductions.json");
    let cases = fx["cases"].as_array().unwrap();
    assert!(cases.len() > 100);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let exact = c["exact"].as_bool().unwrap();
        let x = if exact { input_from_bits(&c["input"]) } else { input_from(&c["input"]) };
        let outs = run(c["op"].as_str().unwrap(), &c["args"], &x).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = c["out"].as_array().unwrap();
        assert_eq!(outs.len(), expected.len(), "{name}: number of outputs");
        for (i, (o, e)) in outs.iter().zip(expected).enumerate() {
            let (rtol, atol) = tol(e);
            assert_close(o, e, rtol, atol, &format!("{name}: output {i}"));
            if exact {
                assert_eq!(tensor_bits(o), fixture_bits(e), "{name}: output {i} bit for bit");
            }
        }
        let Some(gos) = c.get("grad_outputs").and_then(|g| g.as_array()) else { continue };
        if gos.is_empty() {
            continue; // argmax and friends: nothing differentiable
        }
        let diff: Vec<&Tensor> = outs.iter().filter(|o| o.dtype().is_floating_point()).collect();
        assert_eq!(diff.len(), gos.len(), "{name}: differentiable outputs");
        let loss = diff.iter().zip(gos).map(|(o, g)| (*o * &tensor_from(g)).sum()).reduce(|a, b| &a + &b).unwrap();
        loss.backward();
        match &c["grad_input"] {
            Value::Null => assert!(x.grad().is_none(), "{name}: torch gives no gradient"),
            g => {
                let (rtol, atol) = tol(g);
                let got = x.grad().unwrap_or_else(|| panic!("{name}: no gradient"));
                assert_close(&got, g, rtol, atol, &format!("{name}: grad"));
            }
        }
    }
}

fn python_class(e: &Error) -> &'static str {
    match e {
        Error::Runtime(_) => "RuntimeError",
        Error::Index(_) => "IndexError",
        Error::NotImplemented(_) => "NotImplementedError",
        Error::Value(_) => "ValueError",
        Error::Type(_) => "TypeError",
        _ => "other",
    }
}

#[test]
fn errors_match_torch() {
    let fx = load_fixture("reductions.json");
    for c in fx["errors"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let x = input_from(&c["input"]);
        let err = match run(c["op"].as_str().unwrap(), &c["args"], &x) {
            Ok(_) => panic!("{name}: expected an error"),
            Err(e) => e,
        };
        assert_eq!(err.to_string(), c["msg"].as_str().unwrap(), "{name}: message");
        assert_eq!(python_class(&err), c["type"].as_str().unwrap(), "{name}: exception class");
    }
}

#[test]
fn panicking_twins_carry_the_message() {
    let r = std::panic::catch_unwind(|| Tensor::zeros(&[0]).max());
    let msg = *r.unwrap_err().downcast::<String>().unwrap();
    assert!(msg.starts_with("max(): Expected reduction dim to be specified"), "{msg}");
}

#[test]
fn grad_fn_names_follow_torch() {
    let x = Tensor::from_slice(&[1.0f32, 2.0, 3.0]).requires_grad_(true);
    let name = |t: &Tensor| t.grad_fn().unwrap().name().to_string();
    assert_eq!(name(&x.sum()), "SumBackward0");
    assert_eq!(name(&x.sum_dim(&[0], false)), "SumBackward1");
    assert_eq!(name(&x.mean()), "MeanBackward0");
    assert_eq!(name(&x.mean_dim(&[0], false)), "MeanBackward1");
    assert_eq!(name(&x.max()), "MaxBackward1");
    assert_eq!(name(&x.max_dim(0, false).0), "MaxBackward0");
    assert_eq!(name(&x.amin(&[], false)), "AminBackward0");
    assert_eq!(name(&x.prod()), "ProdBackward0");
    assert_eq!(name(&x.prod_dim(0, false)), "ProdBackward1");
    assert_eq!(name(&x.std(&[], 1.0, false)), "StdBackward0");
    assert_eq!(name(&x.norm(2.0, &[], false)), "LinalgVectorNormBackward0");
    assert!(!x.max_dim(0, false).1.requires_grad());
}

/// Distinct f64 values in [-2, 2] with no ties and no zeros (so every reduction is
/// differentiable at them), from a fixed permutation.
fn distinct(shape: &[usize], salt: usize) -> Tensor {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n).map(|i| ((i * 7 + salt) % n) as f64 * 3.7 / n as f64 - 1.9 + 0.013).collect();
    Tensor::from_vec(v, shape).requires_grad_(true)
}

#[track_caller]
fn check(f: impl Fn(&Tensor) -> Tensor, x: &Tensor) {
    gradcheck(|v| f(&v[0]), std::slice::from_ref(x), GradcheckOptions::default()).unwrap();
}

#[test]
fn gradcheck_minmax() {
    let x = distinct(&[3, 4], 1);
    check(|x| x.max(), &x);
    check(|x| x.min(), &x);
    check(|x| x.max_dim(-1, false).0, &x);
    check(|x| x.min_dim(0, true).0, &x);
    check(|x| x.amax(&[0], false), &x);
    check(|x| x.amin(&[1, 0], true), &x);
    // A non-contiguous leaf.
    let xt = x.t().detach().requires_grad_(true);
    assert!(!xt.is_contiguous());
    check(|x| x.amax(&[], false), &xt);
    check(|x| x.min_dim(1, false).0, &xt);
}

#[test]
fn gradcheck_sum_mean() {
    let x = distinct(&[2, 3, 4], 5);
    check(|x| x.sum(), &x);
    check(|x| x.sum_dim(&[0, -1], true), &x);
    check(|x| x.mean_dim(&[1], false), &x);
    check(|x| x.sum_to_size(&[3, 1]), &x);
}

#[test]
fn gradcheck_prod_with_and_without_zeros() {
    let x = distinct(&[3, 4], 2);
    check(|x| x.prod(), &x);
    check(|x| x.prod_dim(0, false), &x);
    // One zero in a slice, two zeros in another.
    let z = Tensor::from_vec(vec![1.5f64, 0.0, -0.7, 0.0, 2.0, 0.0, 0.9, 1.1, -1.3], &[3, 3]).requires_grad_(true);
    check(|x| x.prod_dim(1, true), &z);
    check(|x| x.prod_dim(0, false), &z);
    let one = Tensor::from_slice(&[1.5f64, 0.0, -0.7, 1.2]).requires_grad_(true);
    check(|x| x.prod(), &one);
}

#[test]
fn gradcheck_var_std() {
    let x = distinct(&[3, 4], 3);
    for c in [0.0, 1.0, 2.5] {
        check(|x| x.var(&[], c, false), &x);
        check(|x| x.var(&[-1], c, true), &x);
        check(|x| x.std(&[0], c, false), &x);
        check(|x| x.std(&[0, 1], c, false), &x);
    }
    check(|x| x.var_mean(&[1], 1.0, false).1, &x);
    check(
        |x| {
            let (s, m) = x.std_mean(&[0], 1.0, false);
            &s * 2.0 + &m * 3.0
        },
        &x,
    );
}

#[test]
fn gradcheck_norms() {
    let x = distinct(&[3, 4], 4);
    for p in [2.0, 1.0, f64::INFINITY, f64::NEG_INFINITY, 3.0, 0.5, -1.0, 1.5] {
        check(|x| x.norm(p, &[], false), &x);
        check(|x| x.norm(p, &[-1], true), &x);
    }
    check(|x| x.frobenius_norm(&[0, 1], false), &x);
}

#[test]
fn zero_norm_has_zero_gradient() {
    // torch: d|x|_2 at x = 0 is 0, not NaN (norm_backward masks norm == 0).
    let x = Tensor::zeros_dtype(&[3], torchlight::DType::F64).requires_grad_(true);
    x.norm(2.0, &[], false).backward();
    assert_eq!(x.grad().unwrap().to_vec::<f64>(), vec![0.0; 3]);
}
