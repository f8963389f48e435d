//! Convolution, pooling, normalisation and channel dropout against PyTorch (fixtures from
//! scripts/gen_conv_fixtures.py): forward values and the gradients of
//! `(out * grad_output).sum()` for `F.conv1d`, `F.conv2d`, `F.conv_transpose2d`, `F.unfold`,
//! `F.fold`, `F.max_pool2d` (indices exactly), `F.avg_pool2d`, `F.adaptive_avg_pool2d`,
//! `F.interpolate(mode='nearest')`, `F.batch_norm` (with the running statistics updated in
//! place), `F.group_norm`; `F.dropout2d` masks bit for bit; error messages; gradcheck.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use serde_json::Value;
use std::sync::OnceLock;
use torchlight::autograd::{self, gradcheck, GradOptions, GradcheckOptions};
use torchlight::nn;
use torchlight::nn::functional::{self as F, Padding, Size2};
use torchlight::{DType, Tensor};

fn fixture() -> &'static Value {
    static FX: OnceLock<Value> = OnceLock::new();
    FX.get_or_init(|| load_fixture("conv.json"))
}

fn error_text(name: &str) -> &'static str {
    fixture()["errors"][name].as_str().unwrap_or_else(|| panic!("no torch error recorded for {name}"))
}

fn err<T>(r: torchlight::Result<T>) -> String {
    match r {
        Ok(_) => "<no error>".to_string(),
        Err(e) => e.to_string(),
    }
}

#[track_caller]
fn panic_text(f: impl FnOnce()) -> String {
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("expected a panic");
    err.downcast_ref::<String>().cloned().unwrap_or_else(|| err.downcast_ref::<&str>().unwrap().to_string())
}

// ---- argument parsing ---------------------------------------------------------------------------

fn us(v: &Value) -> usize {
    v.as_u64().unwrap_or_else(|| panic!("expected an unsigned integer, got {v}")) as usize
}

fn list(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(us).collect()
}

/// PyTorch's "int or tuple" argument.
fn size2(v: &Value) -> Size2 {
    match v {
        Value::Array(a) => {
            assert_eq!(a.len(), 2, "{v}");
            Size2([us(&a[0]), us(&a[1])])
        }
        n => Size2::from(us(n)),
    }
}

fn padding(v: &Value) -> Padding {
    match v {
        Value::String(s) if s == "same" => Padding::Same,
        Value::String(s) if s == "valid" => Padding::Valid,
        Value::Array(_) => Padding::Explicit(list(v)),
        n => Padding::from(us(n)),
    }
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn b(v: &Value) -> bool {
    v.as_bool().unwrap()
}

fn opt(v: &Value) -> Option<Tensor> {
    (!v.is_null()).then(|| tensor_from(v))
}

// ---- the generic forward / backward check ---------------------------------------------------------

/// Tolerances by dtype: f32 at rtol 1e-5 / atol 1e-6 (PyTorch sums in another order, with
/// oneDNN for convolutions), f64 at 1e-10.
fn tol(expected: &Value) -> (f64, f64) {
    match expected["dtype"].as_str().unwrap() {
        "float64" => (1e-10, 1e-10),
        _ => (1e-5, 1e-6),
    }
}

/// What a case gives back beyond the checks: max pooling's indices.
struct Ran {
    indices: Option<Tensor>,
}

/// Builds the case's input (with its layout) and parameters (requiring grad), runs `op`, and
/// compares the output, then the gradients of `(out * grad_output).sum()`, with torch's.
/// `op` returns the output and, for max pooling, the indices.
#[track_caller]
fn check_case(
    what: &str,
    c: &Value,
    op: impl Fn(&Tensor, &[Option<Tensor>]) -> torchlight::Result<(Tensor, Option<Tensor>)>,
) -> Ran {
    let name = format!("{what} {}", c["name"].as_str().unwrap());
    let x = input_from(&c["x"]);
    if c["x"]["layout"] == "transposed" {
        assert!(!x.is_contiguous(), "{name}: the input should be a non-contiguous view");
    }
    let params: Vec<Option<Tensor>> =
        c["params"].as_array().unwrap().iter().map(|p| opt(p).map(|t| t.requires_grad_(true))).collect();
    let (y, indices) = op(&x, &params).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (rtol, atol) = tol(&c["y"]);
    assert_close(&y, &c["y"], rtol, atol, &format!("{name}: y"));
    if let Some(i) = &indices {
        assert_close(i, &c["indices"], 0.0, 0.0, &format!("{name}: indices"));
    }
    let g = tensor_from(&c["grad_output"]);
    (&y * &g).sum().backward();
    let check_grad = |t: &Tensor, expected: &Value, label: &str| {
        let label = format!("{name}: {label}");
        match (t.grad(), expected.is_null()) {
            (Some(grad), false) => assert_close(&grad, expected, rtol, atol, &label),
            (None, true) => {}
            (None, false) => panic!("{label}: no gradient, torch has one"),
            (Some(grad), true) => panic!("{label}: got a gradient {grad}, torch has none"),
        }
    };
    check_grad(&x, &c["x_grad"], "x.grad");
    for (k, (p, e)) in params.iter().zip(c["param_grads"].as_array().unwrap()).enumerate() {
        if let Some(p) = p {
            check_grad(p, e, &format!("param {k} grad"));
        }
    }
    Ran { indices }
}

fn cases(section: &str) -> &'static [Value] {
    fixture()[section].as_array().unwrap_or_else(|| panic!("no section {section}"))
}

fn param(p: &[Option<Tensor>], i: usize) -> Option<&Tensor> {
    p.get(i).and_then(|t| t.as_ref())
}

// ---- convolutions ---------------------------------------------------------------------------------

#[test]
fn conv1d_matches_torch() {
    for c in cases("conv1d") {
        let a = &c["args"];
        let stride = us(&a["stride"]);
        let dilation = us(&a["dilation"]);
        let groups = us(&a["groups"]);
        check_case("conv1d", c, |x, p| {
            let w = p[0].as_ref().unwrap();
            Ok((F::try_conv1d(x, w, param(p, 1), stride, padding(&a["padding"]), dilation, groups)?, None))
        });
    }
}

#[test]
fn conv2d_matches_torch() {
    for c in cases("conv2d") {
        let a = &c["args"];
        let (stride, dilation, groups) = (size2(&a["stride"]), size2(&a["dilation"]), us(&a["groups"]));
        check_case("conv2d", c, |x, p| {
            let w = p[0].as_ref().unwrap();
            Ok((F::try_conv2d(x, w, param(p, 1), stride, padding(&a["padding"]), dilation, groups)?, None))
        });
    }
}

#[test]
fn conv2d_panicking_twin_matches_try() {
    let c = &cases("conv2d")[0];
    let x = tensor_from(&c["x"]);
    let w = tensor_from(&c["params"][0]);
    let y = F::conv2d(&x, &w, opt(&c["params"][1]).as_ref(), 1, 0, 1, 1);
    assert_close(&y, &c["y"], 1e-5, 1e-6, "conv2d (panicking twin)");
}

#[test]
fn conv_transpose2d_matches_torch() {
    for c in cases("conv_transpose2d") {
        let a = &c["args"];
        let (stride, pad, out_pad) = (size2(&a["stride"]), size2(&a["padding"]), size2(&a["output_padding"]));
        let (groups, dilation) = (us(&a["groups"]), size2(&a["dilation"]));
        check_case("conv_transpose2d", c, |x, p| {
            let w = p[0].as_ref().unwrap();
            Ok((F::try_conv_transpose2d(x, w, param(p, 1), stride, pad, out_pad, groups, dilation)?, None))
        });
    }
}

#[test]
fn unfold_matches_torch() {
    for c in cases("unfold") {
        let a = &c["args"];
        let (k, d, p, s) = (size2(&a["kernel_size"]), size2(&a["dilation"]), size2(&a["padding"]), size2(&a["stride"]));
        check_case("unfold", c, |x, _| Ok((F::try_unfold(x, k, d, p, s)?, None)));
    }
}

#[test]
fn fold_matches_torch() {
    for c in cases("fold") {
        let a = &c["args"];
        let o = size2(&a["output_size"]);
        let (k, d, p, s) = (size2(&a["kernel_size"]), size2(&a["dilation"]), size2(&a["padding"]), size2(&a["stride"]));
        check_case("fold", c, |x, _| Ok((F::try_fold(x, o, k, d, p, s)?, None)));
    }
}

// ---- pooling --------------------------------------------------------------------------------------

#[test]
fn max_pool2d_matches_torch() {
    for c in cases("max_pool2d") {
        let a = &c["args"];
        let (k, s, p, d) = (size2(&a["kernel_size"]), size2(&a["stride"]), size2(&a["padding"]), size2(&a["dilation"]));
        let ceil = b(&a["ceil_mode"]);
        let ran = check_case("max_pool2d", c, |x, _| {
            let (y, i) = F::try_max_pool2d_with_indices(x, k, s, p, d, ceil)?;
            // The values-only entry point gives the same values.
            let y2 = F::try_max_pool2d(&x.detach(), k, s, p, d, ceil)?;
            assert_eq!(
                y2.to_vec::<f64>().iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                y.to_vec::<f64>().iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
            Ok((y, Some(i)))
        });
        assert_eq!(ran.indices.unwrap().dtype(), DType::I64);
    }
}

#[test]
fn avg_pool2d_matches_torch() {
    for c in cases("avg_pool2d") {
        let a = &c["args"];
        let (k, s, p) = (size2(&a["kernel_size"]), size2(&a["stride"]), size2(&a["padding"]));
        let (ceil, cip) = (b(&a["ceil_mode"]), b(&a["count_include_pad"]));
        let div = a["divisor_override"].as_i64();
        check_case("avg_pool2d", c, |x, _| Ok((F::try_avg_pool2d(x, k, s, p, ceil, cip, div)?, None)));
    }
}

#[test]
fn max_pool1d_matches_torch() {
    for c in cases("max_pool1d") {
        let a = &c["args"];
        let (k, s, p, d) = (us(&a["kernel_size"]), us(&a["stride"]), us(&a["padding"]), us(&a["dilation"]));
        let ceil = b(&a["ceil_mode"]);
        let ran = check_case("max_pool1d", c, |x, _| {
            let (y, i) = F::try_max_pool1d_with_indices(x, k, s, p, d, ceil)?;
            // The values-only entry point (with its own argument checks) gives the same values,
            // through the layer too.
            let y2 = F::try_max_pool1d(&x.detach(), k, s, p, d, ceil)?;
            let layer = nn::MaxPool1d::new(k).stride(s).padding(p).dilation(d).ceil_mode(ceil);
            let y3 = layer.try_forward(&x.detach())?;
            let bits = |t: &Tensor| t.to_vec::<f64>().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&y2), bits(&y));
            assert_eq!(bits(&y3), bits(&y));
            Ok((y, Some(i)))
        });
        assert_eq!(ran.indices.unwrap().dtype(), DType::I64);
    }
}

#[test]
fn avg_pool1d_matches_torch() {
    for c in cases("avg_pool1d") {
        let a = &c["args"];
        let (k, s, p) = (us(&a["kernel_size"]), us(&a["stride"]), us(&a["padding"]));
        let (ceil, cip) = (b(&a["ceil_mode"]), b(&a["count_include_pad"]));
        check_case("avg_pool1d", c, |x, _| {
            let layer = nn::AvgPool1d::new(k).stride(s).padding(p).ceil_mode(ceil).count_include_pad(cip);
            let y = F::try_avg_pool1d(x, k, s, p, ceil, cip)?;
            assert_eq!(layer.try_forward(&x.detach())?.to_vec::<f64>(), y.to_vec::<f64>());
            Ok((y, None))
        });
    }
}

#[test]
fn adaptive_avg_pool2d_matches_torch() {
    for c in cases("adaptive_avg_pool2d") {
        let o = size2(&c["args"]["output_size"]);
        check_case("adaptive_avg_pool2d", c, |x, _| Ok((F::try_adaptive_avg_pool2d(x, o)?, None)));
    }
}

#[test]
fn upsample_nearest_matches_torch() {
    for c in cases("upsample_nearest") {
        let a = &c["args"];
        let size = (!a["size"].is_null()).then(|| list(&a["size"]));
        let scale: Option<Vec<f64>> =
            (!a["scale_factor"].is_null()).then(|| a["scale_factor"].as_array().unwrap().iter().map(f).collect());
        check_case("upsample_nearest", c, |x, _| {
            Ok((F::try_upsample_nearest(x, size.as_deref(), scale.as_deref())?, None))
        });
    }
}

// ---- normalisation --------------------------------------------------------------------------------

#[test]
fn batch_norm_matches_torch() {
    for c in cases("batch_norm") {
        let name = format!("batch_norm {}", c["name"].as_str().unwrap());
        let a = &c["args"];
        let (training, momentum, eps) = (b(&a["training"]), f(&a["momentum"]), f(&a["eps"]));
        let rm = opt(&c["running_mean"]);
        let rv = opt(&c["running_var"]);
        check_case("batch_norm", c, |x, p| {
            Ok((
                F::try_batch_norm(x, rm.as_ref(), rv.as_ref(), param(p, 0), param(p, 1), training, momentum, eps)?,
                None,
            ))
        });
        // The running statistics were updated in place (training) or left alone (eval).
        let (rtol, atol) = tol(&c["y"]);
        if let (Some(rm), Some(rv)) = (&rm, &rv) {
            assert_close(rm, &c["running_mean_after"], rtol, atol, &format!("{name}: running_mean"));
            assert_close(rv, &c["running_var_after"], rtol, atol, &format!("{name}: running_var"));
            assert!(!rm.requires_grad() && !rv.requires_grad(), "{name}: running stats stay out of the graph");
        }
    }
}

#[test]
fn group_norm_matches_torch() {
    for c in cases("group_norm") {
        let a = &c["args"];
        let (groups, eps) = (us(&a["num_groups"]), f(&a["eps"]));
        check_case("group_norm", c, |x, p| Ok((F::try_group_norm(x, groups, param(p, 0), param(p, 1), eps)?, None)));
    }
}

// ---- dropout2d --------------------------------------------------------------------------------------

#[test]
fn dropout2d_masks_match_torch_bit_for_bit() {
    let _g = common::global_rng();
    for c in cases("dropout2d") {
        let what = format!("seed {} p {} shape {} {}", c["seed"], c["p"], c["x"]["shape"], c["x"]["layout"]);
        let x = input_from(&c["x"]);
        torchlight::manual_seed(c["seed"].as_u64().unwrap());
        let y = F::try_dropout2d(&x, f(&c["p"]), true).unwrap();
        assert_close(&y, &c["y"], 0.0, 0.0, &format!("{what}: y"));
        // The generator advanced exactly as far as PyTorch's.
        assert_close(&Tensor::rand(&[2]), &c["next"], 0.0, 0.0, &format!("{what}: next draw"));
        (&y * &tensor_from(&c["grad_output"])).sum().backward();
        assert_close(&x.grad().unwrap(), &c["x_grad"], 0.0, 0.0, &format!("{what}: x.grad"));
    }
}

#[test]
fn dropout2d_outside_training_is_identity() {
    let _g = common::global_rng();
    let x = Tensor::randn(&[2, 3, 2, 2]);
    assert_eq!(F::dropout2d(&x, 0.5, false).to_vec::<f32>(), x.to_vec::<f32>());
    assert_eq!(F::dropout2d(&x, 0.0, true).to_vec::<f32>(), x.to_vec::<f32>());
    assert!(F::dropout2d(&x, 1.0, true).to_vec::<f32>().iter().all(|&v| v == 0.0));
}

// ---- errors -----------------------------------------------------------------------------------------

#[test]
fn errors_match_torch() {
    let o = Tensor::ones;
    // Calls whose message is PyTorch's, word for word.
    let same: Vec<(&str, String)> = vec![
        ("conv2d_rank", err(F::try_conv2d(&o(&[3, 5]), &o(&[2, 3, 3, 3]), None, 1, 0, 1, 1))),
        ("conv2d_rank5", err(F::try_conv2d(&o(&[1, 1, 3, 5, 5]), &o(&[2, 3, 3, 3]), None, 1, 0, 1, 1))),
        ("conv1d_rank", err(F::try_conv1d(&o(&[1, 2, 5, 5]), &o(&[3, 2, 3]), None, 1, 0, 1, 1))),
        ("conv2d_channels", err(F::try_conv2d(&o(&[1, 4, 5, 5]), &o(&[2, 3, 3, 3]), None, 1, 0, 1, 1))),
        ("conv2d_channels_unbatched", err(F::try_conv2d(&o(&[4, 5, 5]), &o(&[2, 3, 3, 3]), None, 1, 0, 1, 1))),
        ("conv2d_channels_groups", err(F::try_conv2d(&o(&[1, 3, 5, 5]), &o(&[4, 2, 3, 3]), None, 1, 0, 1, 2))),
        ("conv1d_channels", err(F::try_conv1d(&o(&[1, 2, 5]), &o(&[3, 1, 2]), None, 1, 0, 1, 1))),
        ("conv2d_bias", err(F::try_conv2d(&o(&[1, 3, 5, 5]), &o(&[2, 3, 3, 3]), Some(&o(&[3])), 1, 0, 1, 1))),
        ("conv2d_kernel_too_big", err(F::try_conv2d(&o(&[1, 1, 2, 2]), &o(&[1, 1, 3, 3]), None, 1, 0, 1, 1))),
        ("conv2d_kernel_too_big_padded", err(F::try_conv2d(&o(&[1, 1, 2, 4]), &o(&[1, 1, 5, 3]), None, 1, 1, 1, 1))),
        ("conv2d_kernel_too_big_dilated", err(F::try_conv2d(&o(&[1, 1, 4, 4]), &o(&[1, 1, 3, 3]), None, 1, 0, 2, 1))),
        ("conv1d_kernel_too_big", err(F::try_conv1d(&o(&[1, 1, 3]), &o(&[1, 1, 4]), None, 1, 0, 1, 1))),
        ("conv2d_same_stride2", err(F::try_conv2d(&o(&[1, 1, 5, 5]), &o(&[1, 1, 3, 3]), None, 2, Padding::Same, 1, 1))),
        ("conv1d_same_stride2", err(F::try_conv1d(&o(&[1, 1, 5]), &o(&[1, 1, 3]), None, 2, Padding::Same, 1, 1))),
        (
            "conv_transpose2d_channels",
            err(F::try_conv_transpose2d(&o(&[1, 3, 2, 2]), &o(&[2, 1, 2, 2]), None, 1, 0, 0, 1, 1)),
        ),
        ("conv2d_stride0", err(F::try_conv2d(&o(&[1, 1, 5, 5]), &o(&[1, 1, 3, 3]), None, 0, 0, 1, 1))),
        ("conv2d_groups0", err(F::try_conv2d(&o(&[1, 1, 5, 5]), &o(&[1, 1, 3, 3]), None, 1, 0, 1, 0))),
        ("unfold_kernel_too_big", err(F::try_unfold(&o(&[1, 1, 2, 2]), 3, 1, 0, 1))),
        ("max_pool2d_pad", err(F::try_max_pool2d(&o(&[1, 1, 4, 4]), 2, 2, 2, 1, false))),
        ("max_pool2d_too_small", err(F::try_max_pool2d(&o(&[1, 1, 2, 2]), 3, 3, 0, 1, false))),
        ("max_pool2d_too_small_unbatched", err(F::try_max_pool2d(&o(&[2, 2, 3]), 3, 1, 0, 2, false))),
        ("avg_pool2d_pad", err(F::try_avg_pool2d(&o(&[1, 1, 4, 4]), 3, 1, 2, false, true, None))),
        ("avg_pool2d_too_small", err(F::try_avg_pool2d(&o(&[1, 1, 2, 2]), 3, 3, 0, false, true, None))),
        ("avg_pool2d_divisor_zero", err(F::try_avg_pool2d(&o(&[1, 1, 4, 4]), 2, 2, 0, false, true, Some(0)))),
        ("max_pool2d_kernel0", err(F::try_max_pool2d(&o(&[1, 1, 4, 4]), 0, 1, 0, 1, false))),
        ("max_pool2d_stride0", err(F::try_max_pool2d(&o(&[1, 1, 4, 4]), 0, 0, 0, 1, false))),
        ("max_pool2d_dilation0", err(F::try_max_pool2d(&o(&[1, 1, 4, 4]), 2, 1, 0, 0, false))),
        ("max_pool2d_pad_rect", err(F::try_max_pool2d(&o(&[1, 1, 9, 9]), (4, 2), 1, 2, 1, false))),
        ("max_pool2d_pad_dilated", err(F::try_max_pool2d(&o(&[1, 1, 9, 9]), 3, 1, (1, 2), 2, false))),
        ("max_pool2d_empty_channels", err(F::try_max_pool2d(&o(&[2, 0, 4, 4]), 2, 2, 0, 1, false))),
        ("max_pool2d_empty_plane", err(F::try_max_pool2d(&o(&[2, 3, 0, 4]), 2, 2, 0, 1, false))),
        ("max_pool2d_empty_unbatched", err(F::try_max_pool2d(&o(&[0, 4, 4]), 2, 2, 0, 1, false))),
        ("max_pool2d_empty_kernel0", err(F::try_max_pool2d(&o(&[1, 0, 4, 4]), 0, 1, 0, 1, false))),
        ("max_pool2d_empty_pad", err(F::try_max_pool2d(&o(&[1, 0, 4, 4]), 2, 1, 2, 1, false))),
        ("avg_pool2d_kernel0", err(F::try_avg_pool2d(&o(&[1, 1, 4, 4]), (2, 0), 1, 0, false, true, None))),
        ("avg_pool2d_stride0", err(F::try_avg_pool2d(&o(&[1, 1, 4, 4]), 0, 0, 0, false, true, None))),
        ("avg_pool2d_empty_width", err(F::try_avg_pool2d(&o(&[2, 3, 4, 0]), 2, 2, 0, false, true, None))),
        ("avg_pool2d_divisor_zero_first", err(F::try_avg_pool2d(&o(&[1, 0, 4, 4]), 0, 1, 0, false, true, Some(0)))),
        ("max_pool1d_rank", err(F::try_max_pool1d(&o(&[10]), 0, 0, 0, 1, false))),
        ("max_pool1d_rank4", err(F::try_max_pool1d(&o(&[1, 2, 3, 10]), 2, 2, 0, 1, false))),
        ("max_pool1d_empty", err(F::try_max_pool1d(&o(&[2, 0, 4]), 2, 2, 0, 1, false))),
        ("max_pool1d_empty_length", err(F::try_max_pool1d(&o(&[3, 0]), 2, 2, 0, 1, false))),
        ("max_pool1d_kernel0", err(F::try_max_pool1d(&o(&[2, 3, 10]), 0, 1, 0, 1, false))),
        ("max_pool1d_stride0", err(F::try_max_pool1d(&o(&[2, 3, 10]), 3, 0, 0, 1, false))),
        ("max_pool1d_pad", err(F::try_max_pool1d(&o(&[2, 3, 10]), 3, 1, 2, 1, false))),
        ("max_pool1d_dilation0", err(F::try_max_pool1d(&o(&[2, 3, 10]), 3, 1, 0, 0, false))),
        ("max_pool1d_too_small", err(F::try_max_pool1d(&o(&[2, 3, 10]), 11, 11, 0, 1, false))),
        ("max_pool1d_too_small_dilated", err(F::try_max_pool1d(&o(&[2, 3, 5]), 3, 1, 0, 3, false))),
        ("max_pool1d_long", err(F::try_max_pool1d(&Tensor::ones_dtype(&[1, 10], DType::I64), 2, 2, 0, 1, false))),
        ("max_pool1d_indices_rank", err(F::try_max_pool1d_with_indices(&o(&[10]), 2, 2, 0, 1, false))),
        ("max_pool1d_indices_kernel0", err(F::try_max_pool1d_with_indices(&o(&[2, 3, 10]), 0, 1, 0, 1, false))),
        ("max_pool1d_indices_pad", err(F::try_max_pool1d_with_indices(&o(&[2, 3, 10]), 3, 1, 2, 1, false))),
        ("max_pool1d_indices_empty", err(F::try_max_pool1d_with_indices(&o(&[2, 0, 10]), 2, 2, 0, 1, false))),
        ("max_pool1d_indices_too_small", err(F::try_max_pool1d_with_indices(&o(&[2, 3, 10]), 11, 11, 0, 1, false))),
        ("avg_pool1d_rank", err(F::try_avg_pool1d(&o(&[10]), 2, 2, 0, false, true))),
        ("avg_pool1d_rank4", err(F::try_avg_pool1d(&o(&[1, 2, 3, 10]), 2, 2, 0, false, true))),
        ("avg_pool1d_kernel0", err(F::try_avg_pool1d(&o(&[2, 3, 4]), 0, 1, 0, false, true))),
        ("avg_pool1d_stride0", err(F::try_avg_pool1d(&o(&[2, 3, 10]), 2, 0, 0, false, true))),
        ("avg_pool1d_pad", err(F::try_avg_pool1d(&o(&[2, 3, 10]), 3, 1, 2, false, true))),
        ("avg_pool1d_empty", err(F::try_avg_pool1d(&o(&[2, 0, 4]), 2, 2, 0, false, true))),
        ("avg_pool1d_too_small", err(F::try_avg_pool1d(&o(&[2, 3, 10]), 11, 11, 0, false, true))),
        ("adaptive_avg_pool2d_rank", err(F::try_adaptive_avg_pool2d(&o(&[4, 4]), 2))),
        ("upsample_none", err(F::try_upsample_nearest(&o(&[1, 1, 2]), None, None))),
        ("upsample_both", err(F::try_upsample_nearest(&o(&[1, 1, 2]), Some(&[4]), Some(&[2.0])))),
        (
            "batch_norm_stats_size",
            err(F::try_batch_norm(&o(&[2, 3]), Some(&o(&[2])), Some(&o(&[3])), None, None, true, 0.1, 1e-5)),
        ),
        (
            "batch_norm_weight_size",
            err(F::try_batch_norm(&o(&[2, 3]), Some(&o(&[3])), Some(&o(&[3])), Some(&o(&[4])), None, true, 0.1, 1e-5)),
        ),
        ("group_norm_divisible", err(F::try_group_norm(&o(&[2, 6, 4]), 4, None, None, 1e-5))),
        ("group_norm_weight", err(F::try_group_norm(&o(&[2, 6, 4]), 3, Some(&o(&[5])), None, 1e-5))),
        ("group_norm_rank", err(F::try_group_norm(&o(&[6]), 3, None, None, 1e-5))),
        ("dropout2d_p", err(F::try_dropout2d(&o(&[2, 3, 4]), 1.5, true))),
        ("dropout2d_rank", err(F::try_dropout2d(&o(&[4]), 0.5, true))),
    ];
    for (name, ours) in &same {
        assert_eq!(ours, error_text(name), "{name}");
    }
    let more: Vec<(&str, String)> = vec![
        ("conv2d_groups_weight", err(F::try_conv2d(&o(&[1, 4, 5, 5]), &o(&[3, 2, 3, 3]), None, 1, 0, 1, 2))),
        (
            "conv2d_dtype",
            err(F::try_conv2d(&o(&[1, 3, 5, 5]), &Tensor::ones_dtype(&[2, 3, 3, 3], DType::F64), None, 1, 0, 1, 1)),
        ),
        (
            "conv_transpose2d_too_small",
            err(F::try_conv_transpose2d(&o(&[1, 1, 1, 1]), &o(&[1, 1, 2, 2]), None, 1, 2, 0, 1, 1)),
        ),
        (
            "conv_transpose2d_outpad",
            err(F::try_conv_transpose2d(&o(&[1, 1, 3, 3]), &o(&[1, 1, 2, 2]), None, 1, 0, 1, 1, 1)),
        ),
        ("unfold_rank", err(F::try_unfold(&o(&[4, 4]), 2, 1, 0, 1))),
        ("fold_rank", err(F::try_fold(&o(&[1, 1, 4, 4]), 3, 2, 1, 0, 1))),
        ("fold_divisible", err(F::try_fold(&o(&[1, 3, 4]), 3, 2, 1, 0, 1))),
        ("fold_blocks", err(F::try_fold(&o(&[1, 4, 5]), 3, 2, 1, 0, 1))),
        ("max_pool2d_rank", err(F::try_max_pool2d(&o(&[4, 4]), 2, 2, 0, 1, false))),
        ("avg_pool2d_rank", err(F::try_avg_pool2d(&o(&[4, 4]), 2, 2, 0, false, true, None))),
        ("upsample_rank", err(F::try_upsample_nearest(&o(&[2, 2]), None, Some(&[2.0])))),
        ("upsample_size_len", err(F::try_upsample_nearest(&o(&[1, 1, 2, 2]), Some(&[2, 3, 4]), None))),
        ("batch_norm_one_value", err(F::try_batch_norm(&o(&[1, 3]), None, None, None, None, true, 0.1, 1e-5))),
        (
            "batch_norm_one_value_4d",
            err(F::try_batch_norm(&o(&[1, 2, 1, 1]), Some(&o(&[2])), Some(&o(&[2])), None, None, true, 0.1, 1e-5)),
        ),
        (
            "batch_norm_rank",
            err(F::try_batch_norm(&o(&[3]), Some(&o(&[3])), Some(&o(&[3])), None, None, true, 0.1, 1e-5)),
        ),
    ];
    for (name, ours) in &more {
        assert_eq!(ours, error_text(name), "{name}");
    }
    // PyTorch accepts zero channels: F.adaptive_avg_pool2d(ones(1, 0, 4, 4), 2) is an empty
    // [1, 0, 2, 2] (the fixture records no error).
    assert!(fixture()["errors"]["adaptive_avg_pool2d_empty"].is_null());
    assert_eq!(F::adaptive_avg_pool2d(&o(&[1, 0, 4, 4]), 2).shape(), &[1, 0, 2, 2]);

    // The panicking twins panic with the same text.
    assert_eq!(
        panic_text(|| drop(F::conv2d(&o(&[1, 1, 2, 2]), &o(&[1, 1, 3, 3]), None, 1, 0, 1, 1))),
        error_text("conv2d_kernel_too_big")
    );
    assert_eq!(
        panic_text(|| drop(F::group_norm(&o(&[2, 6, 4]), 4, None, None, 1e-5))),
        error_text("group_norm_divisible")
    );
}

// ---- gradcheck (f64, central differences) -----------------------------------------------------------

fn randn64(shape: &[usize]) -> Tensor {
    Tensor::randn_dtype(shape, DType::F64).requires_grad_(true)
}

#[track_caller]
fn check(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor]) {
    gradcheck(f, inputs, GradcheckOptions::default()).unwrap();
}

#[test]
fn conv_gradcheck() {
    let _g = common::global_rng();
    torchlight::manual_seed(10);
    // Groups, dilation, stride and asymmetric padding together.
    let (x, w, bias) = (randn64(&[1, 4, 5, 5]), randn64(&[2, 2, 2, 2]), randn64(&[2]));
    check(|t| F::conv2d(&t[0], &t[1], Some(&t[2]), [2, 1], [1, 0], 2, 2), &[x, w, bias]);
    // 'same' with an even kernel (the extra zero on the far side).
    let (x, w) = (randn64(&[1, 2, 3, 4]), randn64(&[1, 2, 2, 3]));
    check(|t| F::conv2d(&t[0], &t[1], None, 1, Padding::Same, 1, 1), &[x, w]);
    let (x, w, bias) = (randn64(&[2, 2, 5]), randn64(&[2, 1, 3]), randn64(&[2]));
    check(|t| F::conv1d(&t[0], &t[1], Some(&t[2]), 2, 1, 2, 2), &[x, w, bias]);
    // Transposed: stride 2, padding 1, output_padding 1, groups 2.
    let (x, w, bias) = (randn64(&[1, 2, 2, 3]), randn64(&[2, 1, 3, 2]), randn64(&[2]));
    check(|t| F::conv_transpose2d(&t[0], &t[1], Some(&t[2]), 2, 1, 1, 2, 1), &[x, w, bias]);
    let (x, w) = (randn64(&[1, 1, 2, 2]), randn64(&[1, 2, 2, 2]));
    check(|t| F::conv_transpose2d(&t[0], &t[1], None, 1, 0, 0, 1, [2, 1]), &[x, w]);
}

#[test]
fn unfold_fold_gradcheck() {
    let _g = common::global_rng();
    torchlight::manual_seed(11);
    check(|t| F::unfold(&t[0], [2, 3], [1, 2], 1, [2, 1]), &[randn64(&[1, 2, 4, 5])]);
    check(|t| F::fold(&t[0], [4, 5], [2, 3], [1, 2], 1, [2, 1]), &[randn64(&[1, 6, 9])]);
    check(|t| F::fold(&t[0], 3, 2, 1, 0, 1), &[randn64(&[4, 4])]);
}

#[test]
fn unsupported_dtypes_raise_not_implemented() {
    // PyTorch's dispatch macros raise NotImplementedError; the error kind follows.
    let bools = Tensor::ones_dtype(&[1, 1, 4, 4], DType::Bool);
    let longs = Tensor::ones_dtype(&[1, 10], DType::I64);
    for e in [
        F::try_max_pool2d(&bools, 2, 2, 0, 1, false).unwrap_err(),
        F::try_adaptive_avg_pool2d(&bools, 2).unwrap_err(),
        F::try_max_pool1d(&longs, 2, 2, 0, 1, false).unwrap_err(),
    ] {
        assert!(matches!(e, torchlight::Error::NotImplemented(_)), "{e:?}");
    }
    // With indices, max_pool1d takes the 2-D kernel, which has an int64 version.
    let (v, i) = F::try_max_pool1d_with_indices(&longs, 2, 2, 0, 1, false).unwrap();
    assert_eq!((v.to_vec::<i64>(), i.to_vec::<i64>()), (vec![1; 5], vec![0, 2, 4, 6, 8]));
}

#[test]
fn pooling_gradcheck() {
    let _g = common::global_rng();
    torchlight::manual_seed(12);
    // randn has no ties, so the max is differentiable.
    check(|t| F::max_pool2d(&t[0], 3, 2, 1, 1, true), &[randn64(&[1, 2, 5, 5])]);
    check(|t| F::max_pool2d(&t[0], [2, 3], 1, [1, 0], [2, 1], false), &[randn64(&[2, 4, 5])]);
    check(|t| F::avg_pool2d(&t[0], 3, 2, 1, true, false, None), &[randn64(&[1, 2, 5, 5])]);
    check(|t| F::avg_pool2d(&t[0], [2, 3], [1, 2], [1, 0], false, true, Some(4)), &[randn64(&[1, 1, 4, 5])]);
    check(|t| F::adaptive_avg_pool2d(&t[0], [3, 2]), &[randn64(&[1, 2, 5, 4])]);
    check(|t| F::max_pool1d(&t[0], 3, 2, 1, 2, true), &[randn64(&[2, 3, 9])]);
    check(|t| F::avg_pool1d(&t[0], 3, 2, 1, true, false), &[randn64(&[3, 8])]);
    check(|t| F::upsample_nearest(&t[0], None, Some(&[1.5, 2.0])), &[randn64(&[1, 1, 3, 2])]);
}

#[test]
fn norm_gradcheck() {
    let _g = common::global_rng();
    torchlight::manual_seed(13);
    let (x, w, bias) = (randn64(&[3, 2, 2]), randn64(&[2]), randn64(&[2]));
    check(|t| F::batch_norm(&t[0], None, None, Some(&t[1]), Some(&t[2]), true, 0.1, 1e-5), &[x, w, bias]);
    let (x, w, bias) = (randn64(&[2, 4, 3]), randn64(&[4]), randn64(&[4]));
    check(|t| F::group_norm(&t[0], 2, Some(&t[1]), Some(&t[2]), 1e-5), &[x, w, bias]);
}

#[test]
fn conv2d_gradgradcheck() {
    let _g = common::global_rng();
    torchlight::manual_seed(14);
    // gradgradcheck: the first-order gradients, built with create_graph, are themselves
    // checked against central differences, with respect to x, w, b and grad_output.
    let (x, w, bias) = (randn64(&[1, 2, 4, 4]), randn64(&[2, 1, 2, 2]), randn64(&[2]));
    let go = randn64(&[1, 2, 2, 4]);
    // gradcheck evaluates the function under no_grad for the central differences; the inner
    // autograd::grad needs a graph, as in torch.autograd.gradgradcheck, hence enable_grad.
    let first = |t: &[Tensor]| {
        torchlight::enable_grad(|| {
            let y = F::conv2d(&t[0], &t[1], Some(&t[2]), [1, 1], [0, 1], 2, 2);
            let opts = GradOptions { grad_outputs: Some(vec![t[3].clone()]), create_graph: true, ..Default::default() };
            let g = autograd::grad(&[y], &t[..3], opts).unwrap();
            let flat: Vec<Tensor> = g.into_iter().map(|g| g.unwrap().reshape(&[-1])).collect();
            Tensor::cat(&flat, 0)
        })
    };
    check(first, &[x, w, bias, go]);
}
