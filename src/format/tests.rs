use super::element::{py_fixed, py_sci};
use super::*;
use serde_json::Value;

/// Reference output of PyTorch 2.15, from `scripts/gen_format_fixtures.py`.
const FIXTURES: &str = include_str!("../../tests/fixtures/format.json");

fn opts_from_json(v: &Value) -> FormatOptions {
    let mut opts = FormatOptions::default();
    let get = |key: &str| v.get(key).and_then(Value::as_u64).map(|x| x as usize);
    opts.precision = get("precision").unwrap_or(opts.precision);
    opts.threshold = get("threshold").unwrap_or(opts.threshold);
    opts.edgeitems = get("edgeitems").unwrap_or(opts.edgeitems);
    opts.linewidth = get("linewidth").unwrap_or(opts.linewidth);
    opts.sci_mode = v.get("sci_mode").and_then(Value::as_bool);
    opts
}

fn hex(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().expect("hex string"), 16).expect("valid hex")
}

fn dtype_name(name: &str) -> &'static str {
    match name {
        "torch.float32" => "torch.float32",
        "torch.float64" => "torch.float64",
        "torch.int64" => "torch.int64",
        "torch.bool" => "torch.bool",
        other => panic!("fixture dtype {other} not covered"),
    }
}

#[test]
fn format_matches_torch_fixtures() {
    let root: Value = serde_json::from_str(FIXTURES).expect("fixture JSON");
    let cases = root["cases"].as_array().expect("cases array");
    assert!(cases.len() >= 60, "expected the full fixture set");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let shape: Vec<usize> =
            case["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
        let dtype = dtype_name(case["dtype"].as_str().unwrap());
        let raw = case["values"].as_array().unwrap();
        let (f32s, f64s, i64s, bools): (Vec<f32>, Vec<f64>, Vec<i64>, Vec<bool>);
        let values = match dtype {
            "torch.float32" => {
                f32s = raw.iter().map(|v| f32::from_bits(hex(v) as u32)).collect();
                FormatValues::F32(&f32s)
            }
            "torch.float64" => {
                f64s = raw.iter().map(|v| f64::from_bits(hex(v))).collect();
                FormatValues::F64(&f64s)
            }
            "torch.int64" => {
                i64s = raw.iter().map(|v| v.as_i64().unwrap()).collect();
                FormatValues::I64(&i64s)
            }
            _ => {
                bools = raw.iter().map(|v| v.as_bool().unwrap()).collect();
                FormatValues::Bool(&bools)
            }
        };
        let suffix = TensorSuffix {
            requires_grad: case["requires_grad"].as_bool().unwrap(),
            grad_fn: case["grad_fn"].as_str().map(str::to_string),
            ..TensorSuffix::new(dtype)
        };
        let opts = opts_from_json(&case["opts"]);
        let got = format_tensor(&shape, values, &suffix, &opts);
        let want = case["str"].as_str().unwrap();
        if got != want {
            failures.push(format!("case {name}:\n--- torch\n{want}\n--- ours\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

#[test]
fn python_float_specs() {
    assert_eq!(py_fixed(0.03125, 4), "0.0312"); // ties go to even
    assert_eq!(py_fixed(-0.0, 0), "-0");
    assert_eq!(py_fixed(f64::NAN, 4), "nan");
    assert_eq!(py_fixed(-f64::NAN, 4), "nan");
    assert_eq!(py_fixed(f64::NEG_INFINITY, 4), "-inf");
    assert_eq!(py_sci(1e-5, 4), "1.0000e-05");
    assert_eq!(py_sci(123456.0, 4), "1.2346e+05");
    assert_eq!(py_sci(1e100, 4), "1.0000e+100");
    assert_eq!(py_sci(0.0, 4), "0.0000e+00");
    assert_eq!(py_sci(-0.0, 2), "-0.00e+00");
}

#[test]
fn format_suffixes_and_shapes() {
    let opts = FormatOptions::default();
    let f32s = TensorSuffix::new("torch.float32");
    assert_eq!(format_tensor(&[], FormatValues::F32(&[1.5]), &f32s, &opts), "tensor(1.5000)");
    assert_eq!(format_tensor(&[0], FormatValues::F32(&[]), &f32s, &opts), "tensor([])");
    let leaf = TensorSuffix { requires_grad: true, ..f32s.clone() };
    assert_eq!(format_tensor(&[1], FormatValues::F32(&[2.0]), &leaf, &opts), "tensor([2.], requires_grad=True)");
    assert_eq!(
        format_tensor(&[0], FormatValues::I64(&[]), &TensorSuffix::new("torch.int64"), &opts),
        "tensor([], dtype=torch.int64)"
    );
    // Under a float64 default, float32 is the one that needs naming.
    let under_f64 = TensorSuffix { default_dtype_name: "torch.float64", ..f32s };
    assert_eq!(format_tensor(&[1], FormatValues::F32(&[2.0]), &under_f64, &opts), "tensor([2.], dtype=torch.float32)");
    let edge0 = FormatOptions { edgeitems: 0, ..opts.clone() };
    assert_eq!(
        format_tensor(&[], FormatValues::I64(&[3]), &TensorSuffix::new("torch.int64"), &edge0),
        "tensor(3, size=())"
    );
}

#[test]
#[should_panic(expected = "values for shape")]
fn format_rejects_mismatched_values() {
    format_tensor(&[2, 2], FormatValues::F32(&[1.0]), &TensorSuffix::new("torch.float32"), &FormatOptions::default());
}
