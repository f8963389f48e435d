//! diagonal, diag_embed, diag, trace, roll, tile, cumprod, cummax, cummin, kthvalue,
//! median, nanmedian, nonzero, argwhere and unique against PyTorch (fixtures from
//! `scripts/gen_selection_fixtures.py`): outputs bit for bit, dtypes, grad_fn names and
//! gradients, on contiguous, transposed, empty, 0-dim and special-valued inputs, and
//! PyTorch's error messages; gradcheck of the differentiable ones.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use serde_json::Value;
use torchlight::autograd::{self, gradcheck, GradOptions};
use torchlight::{DType, Error, Result, Tensor};

fn ints(v: &Value) -> Vec<i64> {
    v.as_array().unwrap().iter().map(|d| d.as_i64().unwrap()).collect()
}

/// The op's outputs: the main one, then the others by fixture name.
fn run(op: &str, a: &Value, x: &Tensor) -> Result<(Tensor, Vec<(&'static str, Tensor)>)> {
    let int = |k: &str| a[k].as_i64().unwrap();
    let keepdim = a["keepdim"].as_bool().unwrap_or(false);
    let one = |t: Tensor| (t, vec![]);
    let pair = |(v, i): (Tensor, Tensor)| (v, vec![("indices", i)]);
    Ok(match op {
        "diagonal" => one(x.try_diagonal(int("offset"), int("dim1"), int("dim2"))?),
        "diag_embed" => one(x.try_diag_embed(int("offset"), int("dim1"), int("dim2"))?),
        "diag" => one(x.try_diag(int("offset"))?),
        "trace" => one(x.try_trace()?),
        "roll" => one(x.try_roll(&ints(&a["shifts"]), &ints(&a["dims"]))?),
        "tile" => one(x.tile(&ints(&a["dims"]).iter().map(|&d| d as usize).collect::<Vec<_>>())),
        "cumprod" => one(x.try_cumprod(int("dim"))?),
        "cummax" => pair(x.try_cummax(int("dim"))?),
        "cummin" => pair(x.try_cummin(int("dim"))?),
        "kthvalue" => pair(x.try_kthvalue(int("k") as usize, int("dim"), keepdim)?),
        "median" => match a["dim"].as_i64() {
            Some(d) => pair(x.try_median_dim(d, keepdim)?),
            None => one(x.try_median()?),
        },
        "nanmedian" => match a["dim"].as_i64() {
            Some(d) => pair(x.try_nanmedian_dim(d, keepdim)?),
            None => one(x.try_nanmedian()?),
        },
        "nonzero" => one(x.nonzero()),
        "argwhere" => one(x.argwhere()),
        "unique" => {
            let u = match a["dim"].as_i64() {
                Some(d) => x.try_unique_dim(d, true, true, true)?,
                None => x.unique(true, true, true),
            };
            (u.values, vec![("inverse", u.inverse.unwrap()), ("counts", u.counts.unwrap())])
        }
        other => panic!("unknown op {other}"),
    })
}

#[test]
fn ops_match_torch() {
    let f = load_fixture("selection.json");
    let cases = f["cases"].as_array().unwrap();
    assert!(cases.len() > 100);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let x = input_from(&c["x"]);
        let (y, extra) = run(c["op"].as_str().unwrap(), &c["args"], &x).unwrap_or_else(|e| panic!("{name}: {e}"));
        // These ops move, pick or count elements, or accumulate them exactly as PyTorch's
        // CPU kernel does (cumprod: in f64 for float32), so they must agree exactly.
        assert_close(&y, &c["y"], 0.0, 0.0, name);
        for (key, t) in &extra {
            assert_close(t, &c["extra"][*key], 0.0, 0.0, &format!("{name}: {key}"));
        }
        let grad_fn = y.grad_fn().map(|n| n.name().to_string());
        assert_eq!(grad_fn.as_deref(), c["grad_fn"].as_str(), "{name}: grad_fn");
        if let Some(go) = c.get("grad_output") {
            let g = tensor_from(go);
            let grads = autograd::grad(&[(&y * &g).sum()], std::slice::from_ref(&x), GradOptions::default()).unwrap();
            let gx = grads[0].as_ref().unwrap_or_else(|| panic!("{name}: no gradient"));
            // Moved or summed grad_outputs; cumprod's divides by the input, as PyTorch's does.
            assert_close(gx, &c["x_grad"], 1e-6, 1e-6, &format!("{name}: gradient"));
        }
    }
}

#[test]
fn errors_match_torch() {
    let f = load_fixture("selection.json");
    let e = &f["errors"];
    let o = |s: &[usize]| Tensor::ones(s);
    let err = |r: Result<Tensor>| r.unwrap_err().to_string();
    let err2 = |r: Result<(Tensor, Tensor)>| r.unwrap_err().to_string();
    let yes = Tensor::from_slice(&[true]);
    let unique_backward = |x: Tensor, dim: Option<i64>| {
        let x = x.requires_grad_(true);
        let u = match dim {
            Some(d) => x.try_unique_dim(d, true, false, false).unwrap(),
            None => x.unique(true, false, false),
        };
        let e = autograd::grad(&[u.values.sum()], &[x], GradOptions::default()).unwrap_err();
        assert!(matches!(e, Error::NotImplemented(_)), "{e:?}");
        e.to_string()
    };
    let ours = [
        ("diagonal_same", err(o(&[2, 2]).try_diagonal(0, 1, -1))),
        ("diagonal_dim", err(o(&[3]).try_diagonal(0, 0, 1))),
        ("diag_embed_same", err(o(&[2]).try_diag_embed(0, 0, 0))),
        ("diag_rank", err(o(&[2, 2, 2]).try_diag(0))),
        ("trace_rank", err(o(&[3]).try_trace())),
        ("trace_bool", err(Tensor::ones_dtype(&[2, 2], DType::Bool).try_trace())),
        ("roll_align", err(o(&[2, 3]).try_roll(&[1], &[0, 1]))),
        ("roll_empty", err(o(&[2]).try_roll(&[], &[]))),
        ("roll_scalar", err(Tensor::scalar(1.0f32).try_roll(&[1], &[0]))),
        ("cumprod_dim", err(o(&[2, 3]).try_cumprod(-3))),
        ("cummax_dim", err2(o(&[2]).try_cummax(1))),
        ("kthvalue_k", err2(o(&[2, 3]).try_kthvalue(4, 1, false))),
        ("kthvalue_zero", err2(o(&[2, 3]).try_kthvalue(0, -1, false))),
        ("median_bool", err(yes.try_median())),
        ("median_empty_dim", err2(o(&[2, 0]).try_median_dim(1, false))),
        ("nanmedian_bool", err2(yes.try_nanmedian_dim(0, false))),
        ("unique_zero_dims", o(&[2, 0]).try_unique_dim(0, true, false, false).unwrap_err().to_string()),
        ("unique_backward", unique_backward(o(&[2]), None)),
        ("unique_dim_backward", unique_backward(o(&[2, 2]), Some(0))),
    ];
    for (name, got) in ours {
        assert_eq!(got, e[name].as_str().unwrap(), "{name}");
    }
}

#[test]
fn diagonal_is_a_view() {
    // Writing through the diagonal view changes the matrix, as in PyTorch.
    let m = Tensor::zeros(&[3, 3]);
    m.diagonal(1, 0, 1).fill_(5.0);
    assert_eq!(m.to_vec::<f32>(), vec![0.0, 5.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0]);
    assert!(m.diagonal(0, 0, 1).shares_storage(&m));
}

#[test]
fn gradcheck_selection_ops() {
    let g = torchlight::Generator::with_seed(9);
    let x = Tensor::zeros_dtype(&[3, 4], DType::F64);
    x.try_uniform_with(-2.0, 2.0, &g).unwrap();
    let x = x.requires_grad_(true);
    type Op = fn(&Tensor) -> Tensor;
    let ops: &[(&str, Op)] = &[
        ("diagonal", |x| x.diagonal(1, 0, 1)),
        ("diagonal twice", |x| x.diagonal(-1, 1, 0) * x.diagonal(0, 0, 1).sum()),
        ("diag_embed", |x| x.diag_embed(1, 0, 2)),
        ("diag", |x| x.diag(-1).diag(0)),
        ("trace", |x| x.trace() * x),
        ("roll", |x| x.roll(&[1, -2], &[0, 1]) * x),
        ("tile", |x| x.tile(&[2, 1, 2])),
        ("cumprod", |x| x.cumprod(1)),
        ("cumprod with a zero", |x| x.masked_fill(&Tensor::eye_m(3, 4).eq(1.0), 0.0).cumprod(1) * x),
        ("cumprod with two zeros", |x| {
            let zeros = Tensor::from_vec(vec![false, true, false, true], &[1, 4]);
            x.masked_fill(&zeros, 0.0).cumprod(1).cumprod(0)
        }),
        ("cummax", |x| x.cummax(1).0 * x),
        ("cummin", |x| x.cummin(0).0),
        ("kthvalue", |x| x.kthvalue(2, 1, true).0 * x),
        ("median", |x| x.median() * x),
        ("median_dim", |x| x.median_dim(0, false).0),
        ("nanmedian_dim", |x| x.nanmedian_dim(1, true).0 * x),
    ];
    for (name, f) in ops {
        gradcheck(|v| f(&v[0]), std::slice::from_ref(&x), Default::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
