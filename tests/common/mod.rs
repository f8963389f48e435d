//! Shared helpers for conformance tests: loading fixtures written by the scripts under
//! `scripts/` (run with real PyTorch) and comparing tensors against them.
//!
//! Fixture format (JSON): a tensor is `{"shape": [..], "dtype": "float32", "data": [..]}`
//! with `data` in logical (row-major) order; float32 values are stored as the exact f64 of
//! the f32. An input may add `"layout"`: `"contiguous"` (default), `"transposed"` (the last
//! two dims are a transposed view of a contiguous buffer), `"expanded"` (a stride-0 view:
//! `"expand_from"` gives the shape before expanding) and `"requires_grad": true`.
#![allow(dead_code)]

use serde_json::Value;
use torchlight::{DType, Tensor};

/// Serialises the tests of one binary that draw from the global generator: the harness runs
/// tests on parallel threads, and interleaved draws (or a `manual_seed` from another test
/// between a seed and its draws) would change the streams the fixtures pin. Every test that
/// seeds or draws from the global generator, directly or through module construction, holds
/// this guard for its whole body.
pub fn global_rng() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads `tests/fixtures/<name>` as JSON.
pub fn load_fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

/// The dtype named as in torch (`"float32"`, `"float64"`, `"int64"`, `"bool"`).
pub fn dtype_of(name: &str) -> DType {
    match name {
        "float32" => DType::F32,
        "float64" => DType::F64,
        "int64" => DType::I64,
        "bool" => DType::Bool,
        other => panic!("unsupported fixture dtype {other}"),
    }
}

fn shape_of(v: &Value) -> Vec<usize> {
    v["shape"].as_array().expect("shape").iter().map(|d| d.as_u64().unwrap() as usize).collect()
}

fn f64s(v: &Value) -> Vec<f64> {
    v["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|x| match x {
            Value::Bool(b) => *b as u8 as f64,
            Value::String(s) => match s.as_str() {
                "nan" => f64::NAN,
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                other => panic!("bad number {other}"),
            },
            other => other.as_f64().expect("number"),
        })
        .collect()
}

/// A contiguous tensor with the fixture's shape, dtype and values.
pub fn tensor_from(v: &Value) -> Tensor {
    let shape = shape_of(v);
    let dtype = dtype_of(v["dtype"].as_str().expect("dtype"));
    let data = f64s(v);
    match dtype {
        DType::F32 => Tensor::from_vec(data.iter().map(|&x| x as f32).collect(), &shape),
        DType::F64 => Tensor::from_vec(data, &shape),
        DType::I64 => Tensor::from_vec(data.iter().map(|&x| x as i64).collect(), &shape),
        DType::Bool => Tensor::from_vec(data.iter().map(|&x| x != 0.0).collect(), &shape),
    }
}

/// An input tensor with the layout the fixture asks for (same logical values).
pub fn input_from(v: &Value) -> Tensor {
    let t = tensor_from(v);
    let t = match v.get("layout").and_then(|l| l.as_str()).unwrap_or("contiguous") {
        "contiguous" => t,
        "transposed" => {
            let n = t.dim() as i64;
            let r = t.transpose(n - 2, n - 1).contiguous().transpose(n - 2, n - 1);
            assert!(!r.is_contiguous() || t.numel() <= 1 || t.shape().iter().filter(|&&s| s > 1).count() < 2);
            r
        }
        "expanded" => {
            let from: Vec<usize> =
                v["expand_from"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
            // All rows of an expanded tensor are equal: rebuild the small tensor from the first.
            let small = t.sum_to_size(&from).to_dtype(t.dtype());
            let count = (t.numel() / small.numel().max(1)).max(1) as f64;
            let small = if t.dtype().is_floating_point() { &small / count } else { small };
            small.expand(t.shape())
        }
        other => panic!("unknown layout {other}"),
    };
    if v.get("requires_grad").and_then(|r| r.as_bool()).unwrap_or(false) {
        t.set_requires_grad(true);
    }
    t
}

/// Asserts `actual` has the expected shape, dtype and values within `rtol`/`atol`
/// (`|a - e| <= atol + rtol·|e|`, NaN equal to NaN).
#[track_caller]
pub fn assert_close(actual: &Tensor, expected: &Value, rtol: f64, atol: f64, what: &str) {
    let shape = shape_of(expected);
    assert_eq!(actual.shape(), shape.as_slice(), "{what}: shape");
    let dtype = dtype_of(expected["dtype"].as_str().unwrap());
    assert_eq!(actual.dtype(), dtype, "{what}: dtype");
    let exp = f64s(expected);
    let act = actual.to_vec::<f64>();
    for (i, (a, e)) in act.iter().zip(&exp).enumerate() {
        let ok = (a.is_nan() && e.is_nan()) || a == e || (a - e).abs() <= atol + rtol * e.abs();
        assert!(ok, "{what}: element {i}: got {a}, expected {e} (rtol {rtol}, atol {atol})");
    }
}
