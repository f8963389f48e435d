//! Conformance of the view, join, index and slicing ops against PyTorch: forward values,
//! strides and storage sharing, gradients (first and second order), gradcheck in f64, and
//! error messages. Fixtures come from `scripts/gen_shape_fixtures.py`.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use serde_json::Value;
use std::sync::OnceLock;
use torchlight::autograd::{self, GradOptions};
use torchlight::{s, DType, Ellipsis, Error, NewAxis, Operand, Scalar, Tensor, TensorIndex};

fn fixture() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| load_fixture("shape_ops.json"))
}

fn cases() -> &'static [Value] {
    fixture()["cases"].as_array().unwrap()
}

fn i64s(v: &Value) -> Vec<i64> {
    v.as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect()
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap()
}

fn opt(v: &Value) -> Option<i64> {
    v.as_i64()
}

/// The index items of an "index" case, as `TensorIndex` values.
fn index_items(items: &Value) -> Vec<TensorIndex> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|it| match it["t"].as_str().unwrap() {
            "int" => TensorIndex::Select(int(&it["v"])),
            "slice" => TensorIndex::Slice { start: opt(&it["start"]), end: opt(&it["end"]), step: int(&it["step"]) },
            "none" => NewAxis,
            _ => Ellipsis,
        })
        .collect()
}

fn scalar(v: &Value) -> Scalar {
    match v.as_i64() {
        Some(i) => Scalar::Int(i),
        None => Scalar::Float(v.as_f64().unwrap()),
    }
}

/// A `where` operand: input number `a[key]`, or `{"scalar": v}`.
fn operand<'a>(a: &Value, x: &'a [Tensor], key: &str) -> Operand<'a> {
    match a[key].as_u64() {
        Some(i) => Operand::Tensor(&x[i as usize]),
        None => Operand::Scalar(scalar(&a[key]["scalar"])),
    }
}

/// Runs a fixture op through the fallible API (mirrors `run` in the generator).
fn run(op: &str, a: &Value, x: &[Tensor]) -> torchlight::Result<Vec<Tensor>> {
    let one = |t: Tensor| Ok(vec![t]);
    match op {
        "view" => one(x[0].try_view(&i64s(&a["shape"]))?),
        "reshape" => one(x[0].try_reshape(&i64s(&a["shape"]))?),
        "flatten" => one(x[0].try_flatten(int(&a["start"]), int(&a["end"]))?),
        "squeeze" => one(x[0].squeeze()),
        "squeeze_dim" => one(x[0].try_squeeze_dim(int(&a["dim"]))?),
        "unsqueeze" => one(x[0].try_unsqueeze(int(&a["dim"]))?),
        "permute" => one(x[0].try_permute(&i64s(&a["dims"]))?),
        "transpose" => one(x[0].try_transpose(int(&a["dim0"]), int(&a["dim1"]))?),
        "t" => one(x[0].try_t()?),
        "expand" => one(x[0].try_expand(&i64s(&a["shape"]))?),
        "narrow" => one(x[0].try_narrow(int(&a["dim"]), int(&a["start"]), int(&a["length"]) as usize)?),
        "select" => one(x[0].try_select(int(&a["dim"]), int(&a["index"]))?),
        "contiguous" => one(x[0].contiguous()),
        "cat" => one(Tensor::try_cat(x, int(&a["dim"]))?),
        "stack" => one(Tensor::try_stack(x, int(&a["dim"]))?),
        "split" => x[0].try_split(int(&a["size"]) as usize, int(&a["dim"])),
        "split_with_sizes" => x[0].try_split_with_sizes(&usizes(&a["sizes"]), int(&a["dim"])),
        "chunk" => x[0].try_chunk(int(&a["chunks"]) as usize, int(&a["dim"])),
        "chunk_last" => one(x[0].try_chunk(int(&a["chunks"]) as usize, int(&a["dim"]))?.pop().unwrap()),
        "unbind" => x[0].try_unbind(int(&a["dim"])),
        "index_select" => one(x[0].try_index_select(int(&a["dim"]), &x[1])?),
        "gather" => one(x[0].try_gather(int(&a["dim"]), &x[1])?),
        "scatter" => one(x[0].try_scatter(int(&a["dim"]), &x[1], &x[2])?),
        "scatter_value" => one(x[0].try_scatter_value(int(&a["dim"]), &x[1], scalar(&a["value"]))?),
        "scatter_add" => one(x[0].try_scatter_add(int(&a["dim"]), &x[1], &x[2])?),
        "scatter_" => {
            let y = x[0].copy();
            y.try_scatter_(int(&a["dim"]), &x[1], &x[2])?;
            one(y)
        }
        "scatter_add_" => {
            let y = x[0].copy();
            y.try_scatter_add_(int(&a["dim"]), &x[1], &x[2])?;
            one(y)
        }
        "where" => one(torchlight::try_where(&x[0], operand(a, x, "x"), operand(a, x, "y"))?),
        "masked_select" => one(x[0].try_masked_select(&x[1])?),
        "slice" => one(x[0].try_slice(int(&a["dim"]), opt(&a["start"]), opt(&a["end"]), int(&a["step"]))?),
        "index" => one(x[0].try_i(index_items(&a["items"]))?),
        "unflatten" => one(x[0].try_unflatten(int(&a["dim"]), &i64s(&a["sizes"]))?),
        other => panic!("unknown op {other}"),
    }
}

fn inputs_of(c: &Value) -> Vec<Tensor> {
    c["inputs"].as_array().unwrap().iter().map(input_from).collect()
}

fn tensors(v: &Value) -> Vec<Tensor> {
    v.as_array().unwrap().iter().map(tensor_from).collect()
}

fn name(c: &Value) -> &str {
    c["name"].as_str().unwrap()
}

#[test]
fn forward_values_strides_and_storage_sharing() {
    for c in cases() {
        let x = inputs_of(c);
        let outs = run(c["op"].as_str().unwrap(), &c["args"], &x).unwrap_or_else(|e| panic!("{}: {e}", name(c)));
        let expected = c["outs"].as_array().unwrap();
        assert_eq!(outs.len(), expected.len(), "{}: number of outputs", name(c));
        for (k, (o, e)) in outs.iter().zip(expected).enumerate() {
            let what = format!("{} out {k}", name(c));
            // Views and copies move elements without arithmetic: values are exact, up to the
            // last bit of serde_json's (not correctly rounded) parsing of the f64 text.
            assert_close(o, e, 1e-15, 0.0, &what);
            assert_eq!(o.stride(), usizes(&e["stride"]).as_slice(), "{what}: stride");
            assert_eq!(o.storage_offset(), e["offset"].as_u64().unwrap() as usize, "{what}: storage offset");
            assert_eq!(o.shares_storage(&x[0]), e["shares"].as_bool().unwrap(), "{what}: shares storage with input 0");
        }
    }
}

/// The differentiable inputs of a case and the gradients torch gave them.
fn grad_inputs(c: &'static Value, x: &[Tensor]) -> (Vec<Tensor>, Vec<&'static Value>) {
    x.iter().zip(c["grads"].as_array().unwrap()).filter(|(_, g)| !g.is_null()).map(|(t, g)| (t.clone(), g)).unzip()
}

#[test]
fn gradients_and_double_backward_match_torch() {
    for c in cases().iter().filter(|c| c.get("grads").is_some()) {
        let x = inputs_of(c);
        let outs = run(c["op"].as_str().unwrap(), &c["args"], &x).unwrap();
        let gos: Vec<Tensor> = tensors(&c["grad_outputs"]).into_iter().map(|g| g.requires_grad_(true)).collect();
        let (diff, expected) = grad_inputs(c, &x);
        let opts = GradOptions { grad_outputs: Some(gos.clone()), create_graph: true, ..Default::default() };
        let grads = autograd::grad(&outs, &diff, opts).unwrap_or_else(|e| panic!("{}: {e}", name(c)));
        for (k, (g, e)) in grads.iter().zip(&expected).enumerate() {
            let g = g.as_ref().unwrap_or_else(|| panic!("{}: no gradient for input {k}", name(c)));
            assert_close(g, e, 1e-6, 1e-7, &format!("{} grad {k}", name(c)));
        }
        let Some(vs) = c.get("double_v") else { continue };
        // Second order: d/d(grad_outputs) of sum(grad_i * v_i).
        let mut total: Option<Tensor> = None;
        // One `double_v` per differentiable input: null where torch's gradient was constant.
        for (g, v) in grads.iter().zip(vs.as_array().unwrap()).filter(|(_, v)| !v.is_null()) {
            let term = (g.as_ref().unwrap() * &tensor_from(v)).sum();
            total = Some(match total {
                None => term,
                Some(t) => &t + &term,
            });
        }
        let opts = GradOptions { allow_unused: true, materialize_grads: true, ..Default::default() };
        let gg = autograd::grad(&[total.unwrap()], &gos, opts).unwrap_or_else(|e| panic!("{}: {e}", name(c)));
        for (k, (g, e)) in gg.iter().zip(c["grad_grad_outputs"].as_array().unwrap()).enumerate() {
            assert_close(g.as_ref().unwrap(), e, 1e-6, 1e-7, &format!("{} grad of grad_output {k}", name(c)));
        }
    }
}

#[test]
fn gradcheck_in_f64() {
    for c in cases().iter().filter(|c| c.get("grads").is_some()) {
        // Contiguous float64 leaves with the fixture's values; index and mask inputs as they are.
        let x: Vec<Tensor> = c["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let t = tensor_from(v);
                match (t.dtype().is_floating_point(), v["requires_grad"].as_bool().unwrap()) {
                    (true, true) => t.to_dtype(DType::F64).requires_grad_(true),
                    (true, false) => t.to_dtype(DType::F64),
                    _ => t,
                }
            })
            .collect();
        let op = c["op"].as_str().unwrap();
        let f = |v: &[Tensor]| {
            let outs = run(op, &c["args"], v).unwrap();
            let flat: Vec<Tensor> = outs.iter().map(|o| o.reshape(&[-1])).collect();
            Tensor::cat(&flat, 0)
        };
        autograd::gradcheck(f, &x, Default::default()).unwrap_or_else(|e| panic!("{}: {e}", name(c)));
    }
}

#[test]
fn errors_match_torch() {
    for c in fixture()["errors"].as_array().unwrap() {
        let x = inputs_of(c);
        let err = match run(c["op"].as_str().unwrap(), &c["args"], &x) {
            Ok(_) => panic!("{}: expected an error", name(c)),
            Err(e) => e,
        };
        let class = match &err {
            Error::Runtime(_) => "RuntimeError",
            Error::Index(_) => "IndexError",
            Error::Value(_) => "ValueError",
            other => panic!("{}: unexpected error kind {other:?}", name(c)),
        };
        assert_eq!(class, c["error"].as_str().unwrap(), "{}: error class ({err})", name(c));
        assert_eq!(err.to_string(), c["message"].as_str().unwrap(), "{}: message", name(c));
    }
}

/// Ops that return views: writing through the result changes the input, and reading the
/// view again gives what was written (checked for every case torch reports as a view).
#[test]
fn writing_through_views_changes_the_base() {
    for c in cases() {
        let op = c["op"].as_str().unwrap();
        let view_expected = c["outs"].as_array().unwrap().iter().all(|o| o["shares"].as_bool().unwrap());
        // Expanded inputs alias themselves; other ops' outputs are copies.
        if !view_expected || c["inputs"][0]["layout"] == "expanded" || op == "expand" {
            continue;
        }
        let x = inputs_of(c);
        let before = x[0].copy();
        let outs = run(op, &c["args"], &x).unwrap();
        let mut written = 0;
        torchlight::no_grad(|| {
            for (k, o) in outs.iter().enumerate() {
                let first = 100 + 1000 * k as i64;
                let shape: Vec<i64> = o.shape().iter().map(|&d| d as i64).collect();
                let marker = Tensor::arange(first, first + o.numel() as i64, 1).to_dtype(o.dtype()).reshape(&shape);
                o.copy_(&marker);
                written += o.numel();
            }
        });
        let again = run(op, &c["args"], &x).unwrap();
        for (k, (o, a)) in outs.iter().zip(&again).enumerate() {
            assert!(o.equal(a), "{}: output {k} does not read back what was written", name(c));
        }
        if written > 0 {
            assert!(!x[0].equal(&before), "{}: writing through the view left the input unchanged", name(c));
        }
    }
}

#[test]
fn transposed_views_write_through() {
    // x.t()[0, 1] is x[1, 0]: the transpose swaps the indices, by definition.
    let x = Tensor::zeros(&[2, 3]);
    x.t().i((0, 1)).fill_(5.0);
    assert_eq!(x.to_vec::<f32>(), vec![0.0, 0.0, 0.0, 5.0, 0.0, 0.0]);
    assert_eq!(x.t().stride(), &[1, 3]);
    // Splits are views too.
    let parts = x.split(1, 1);
    parts[2].fill_(1.0);
    assert_eq!(x.to_vec::<f32>(), vec![0.0, 0.0, 1.0, 5.0, 0.0, 1.0]);
    let rows = x.unbind(0);
    rows[0].add_(1.0);
    assert_eq!(x.i(0).to_vec::<f32>(), vec![1.0, 1.0, 2.0]);
}

#[test]
fn slicing_macro_and_tuples_build_the_same_items() {
    let sl = |start, end, step| TensorIndex::Slice { start, end, step };
    assert_eq!(s![1..3, ..;2], vec![sl(Some(1), Some(3), 1), sl(None, None, 2)]);
    assert_eq!(s![..., 0], vec![Ellipsis, TensorIndex::Select(0)]);
    assert_eq!(s![.., None], vec![sl(None, None, 1), NewAxis]);
    assert_eq!(s![-2.., ..=-1, 1..=2;3], vec![sl(Some(-2), None, 1), sl(None, None, 1), sl(Some(1), Some(3), 3)]);
    let i = 2usize;
    assert_eq!(s![i, ..i], vec![TensorIndex::Select(2), sl(None, Some(2), 1)]);
    // x[1:, ::2, None, -1] step by step.
    let x = Tensor::arange(0, 24, 1).reshape(&[2, 3, 4]);
    let expected = x.slice(0, Some(1), None, 1).slice(1, None, None, 2).unsqueeze(2).select(3, -1);
    assert!(x.i(s![1.., ..;2, None, -1]).equal(&expected));
    assert!(x.i((1.., TensorIndex::from(..).with_step(2), NewAxis, -1)).equal(&expected));
}

#[test]
fn failed_inplace_scatter_leaves_self_unchanged() {
    let t = Tensor::from_slice(&[1.0f32, 2.0, 3.0]);
    let idx = Tensor::from_slice(&[0i64, 7]);
    assert!(t.try_scatter_(0, &idx, &Tensor::from_slice(&[9.0f32, 9.0])).is_err());
    assert!(t.try_scatter_add_(0, &idx, &Tensor::from_slice(&[9.0f32, 9.0])).is_err());
    assert_eq!(t.to_vec::<f32>(), vec![1.0, 2.0, 3.0]);
    assert_eq!(t.version(), 0);
}

#[test]
fn unused_split_outputs_get_zero_gradient() {
    // Only the middle part is used: d/dx sum(parts[1] * 2) is 2 there and 0 elsewhere.
    let x = Tensor::ones(&[5]).requires_grad_(true);
    let parts = x.split(2, 0);
    parts[1].mul(2.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![0.0, 0.0, 2.0, 2.0, 0.0]);
}

#[test]
fn empty_index_is_an_alias_and_int_scatter_add_wraps() {
    let x = Tensor::zeros(&[2, 3]);
    let a = x.i(());
    assert!(a.shares_storage(&x) && !a.is_same(&x) && a.shape() == x.shape());
    // int64 scatter_add wraps on overflow as PyTorch's kernel does (two's complement).
    let t = Tensor::from_slice(&[i64::MAX]);
    let r = t.scatter_add(0, &Tensor::from_slice(&[0i64]), &Tensor::from_slice(&[1i64]));
    assert_eq!(r.to_vec::<i64>(), vec![i64::MIN]);
}
