//! isnan, isinf, isfinite, any, all, flip, repeat, tril, triu, cumsum, sort, argsort and
//! topk, nan_to_num, isclose/allclose and F.one_hot, against PyTorch
//! (fixtures from `scripts/gen_structure_fixtures.py`): outputs bit for bit, dtypes, grad_fn
//! names and gradients, on contiguous, transposed, empty, 0-dim and special-valued inputs,
//! and PyTorch's error messages; gradcheck of the differentiable ones.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use serde_json::Value;
use std::sync::OnceLock;
use torchlight::autograd::{self, gradcheck, GradOptions};
use torchlight::nn::functional as F;
use torchlight::{Result, Tensor};

fn fixture() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| load_fixture("structure.json"))
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array().unwrap().iter().map(|d| d.as_i64().unwrap()).collect()
}

fn run(op: &str, args: &Value, x: &Tensor) -> Result<Tensor> {
    let keepdim = args["keepdim"].as_bool().unwrap_or(false);
    match op {
        "isnan" => Ok(x.isnan()),
        "isinf" => Ok(x.isinf()),
        "isfinite" => Ok(x.isfinite()),
        "any" => match args["dim"].as_i64() {
            Some(d) => x.try_any_dim(d, keepdim),
            None => Ok(x.any()),
        },
        "all" => match args["dim"].as_i64() {
            Some(d) => x.try_all_dim(d, keepdim),
            None => Ok(x.all()),
        },
        "flip" => x.try_flip(&ints(&args["dims"])),
        "repeat" => {
            let sizes: Vec<usize> = ints(&args["sizes"]).iter().map(|&s| s as usize).collect();
            x.try_repeat(&sizes)
        }
        "tril" => x.try_tril(args["diagonal"].as_i64().unwrap()),
        "triu" => x.try_triu(args["diagonal"].as_i64().unwrap()),
        "cumsum" => x.try_cumsum(args["dim"].as_i64().unwrap()),
        "nan_to_num" => {
            Ok(x.nan_to_num(args["nan"].as_f64().unwrap(), args["posinf"].as_f64(), args["neginf"].as_f64()))
        }
        "isclose" => {
            let other = other_of(args, x);
            let (rtol, atol) = (args["rtol"].as_f64().unwrap(), args["atol"].as_f64().unwrap());
            let equal_nan = args["equal_nan"].as_bool().unwrap();
            let close = x.try_isclose(&other, rtol, atol, equal_nan)?;
            // allclose is isclose for every element.
            let all = close.to_vec::<bool>().iter().all(|&c| c);
            assert_eq!(x.try_allclose(&other, rtol, atol, equal_nan)?, all);
            Ok(close)
        }
        "one_hot" => F::try_one_hot(x, args["num_classes"].as_i64().unwrap()),
        "argsort" => x.try_argsort(args["dim"].as_i64().unwrap(), args["descending"].as_bool().unwrap()),
        other => panic!("unknown op {other}"),
    }
}

/// isclose's second operand: the case's `other` values in `x`'s dtype and shape.
fn other_of(args: &Value, x: &Tensor) -> Tensor {
    let values: Vec<f64> = args["other"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| match v.as_str() {
            Some("nan") => f64::NAN,
            Some("inf") => f64::INFINITY,
            Some("-inf") => f64::NEG_INFINITY,
            _ => v.as_f64().unwrap(),
        })
        .collect();
    Tensor::from_vec(values, x.shape()).to_dtype(x.dtype())
}

/// The ops that return values and int64 indices.
fn run_pair(op: &str, args: &Value, x: &Tensor) -> Option<Result<(Tensor, Tensor)>> {
    let dim = args["dim"].as_i64().unwrap_or(0);
    match op {
        "sort" => Some(x.try_sort(dim, args["descending"].as_bool().unwrap())),
        "topk" => Some(x.try_topk(args["k"].as_u64().unwrap() as usize, dim, args["largest"].as_bool().unwrap())),
        _ => None,
    }
}

#[test]
fn ops_match_torch() {
    let cases = fixture()["cases"].as_array().unwrap();
    assert!(cases.len() > 100);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let x = input_from(&c["x"]);
        let op = c["op"].as_str().unwrap();
        let y = match run_pair(op, &c["args"], &x) {
            Some(pair) => {
                let (values, indices) = pair.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_close(&indices, &c["indices"], 0.0, 0.0, &format!("{name}: indices"));
                values
            }
            None => run(op, &c["args"], &x).unwrap_or_else(|e| panic!("{name}: {e}")),
        };
        // Every one of these ops moves, masks or exactly sums (cumsum: in f64 for float32, as
        // PyTorch's CPU kernel) the values, so they must agree exactly.
        assert_close(&y, &c["y"], 0.0, 0.0, name);
        let grad_fn = y.grad_fn().map(|n| n.name().to_string());
        assert_eq!(grad_fn.as_deref(), c["grad_fn"].as_str(), "{name}: grad_fn");
        if let Some(go) = c.get("grad_output") {
            let g = tensor_from(go);
            let opts = GradOptions::default();
            let grads = autograd::grad(&[(&y * &g).sum()], std::slice::from_ref(&x), opts).unwrap();
            let gx = grads[0].as_ref().unwrap_or_else(|| panic!("{name}: no gradient"));
            // The gradients are moved, masked or reverse-summed grad_outputs.
            assert_close(gx, &c["x_grad"], 1e-6, 1e-6, &format!("{name}: gradient"));
        }
    }
}

#[test]
fn errors_match_torch() {
    let e = &fixture()["errors"];
    let o = |s: &[usize]| Tensor::ones(s);
    let err = |r: Result<Tensor>| r.unwrap_err().to_string();
    let ours = [
        ("tril_rank", err(o(&[3]).try_tril(0))),
        ("triu_rank", err(o(&[3]).try_triu(0))),
        ("flip_dim", err(o(&[2, 3]).try_flip(&[2]))),
        ("flip_repeated", err(o(&[2, 3]).try_flip(&[0, -2]))),
        ("repeat_rank", err(o(&[2, 3]).try_repeat(&[2]))),
        ("cumsum_dim", err(o(&[2, 3]).try_cumsum(2))),
        ("any_dim", err(o(&[2, 3]).try_any_dim(2, false))),
        ("all_dim", err(o(&[2, 3]).try_all_dim(-3, false))),
        ("sort_dim", o(&[2, 3]).try_sort(2, false).unwrap_err().to_string()),
        ("topk_k", o(&[3]).try_topk(4, -1, true).unwrap_err().to_string()),
        ("topk_dim", o(&[2, 3]).try_topk(1, 2, true).unwrap_err().to_string()),
        (
            "isclose_dtype",
            err(o(&[2]).try_isclose(&Tensor::ones_dtype(&[2], torchlight::DType::F64), 1e-5, 1e-8, false)),
        ),
        ("isclose_rtol", err(o(&[2]).try_isclose(&o(&[2]), -1.0, 1e-8, false))),
        ("isclose_atol", err(o(&[2]).try_isclose(&o(&[2]), 1e-5, -0.5, false))),
        ("one_hot_negative", err(F::try_one_hot(&Tensor::from_slice(&[0i64, -1]), -1))),
        ("one_hot_too_large", err(F::try_one_hot(&Tensor::from_slice(&[0i64, 3]), 3))),
        ("one_hot_dtype", err(F::try_one_hot(&Tensor::from_slice(&[0.0f32, 1.0]), -1))),
        ("one_hot_empty", err(F::try_one_hot(&Tensor::zeros_dtype(&[0], torchlight::DType::I64), -1))),
        ("one_hot_num_classes", err(F::try_one_hot(&Tensor::from_slice(&[1i64]), -2))),
    ];
    for (name, got) in ours {
        assert_eq!(got, e[name].as_str().unwrap(), "{name}");
    }
}

#[test]
fn gradcheck_structure_ops() {
    let g = torchlight::Generator::with_seed(5);
    let x = Tensor::zeros_dtype(&[3, 4], torchlight::DType::F64);
    x.try_uniform_with(-2.0, 2.0, &g).unwrap();
    let x = x.requires_grad_(true);
    type Op = fn(&Tensor) -> Tensor;
    let ops: &[(&str, Op)] = &[
        ("flip", |x| x.flip(&[0, 1])),
        ("repeat", |x| x.repeat(&[2, 1, 3])),
        ("tril", |x| x.tril(1)),
        ("triu", |x| x.triu(-1)),
        ("cumsum", |x| x.cumsum(1)),
        ("cumsum twice", |x| x.cumsum(0).cumsum(-1) * x),
        ("sort", |x| x.sort(1, true).0 * x),
        ("topk", |x| x.topk(2, 0, false).0),
        ("nan_to_num", |x| x.nan_to_num(0.0, None, None) * x),
    ];
    for (name, f) in ops {
        gradcheck(|v| f(&v[0]), std::slice::from_ref(&x), Default::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
