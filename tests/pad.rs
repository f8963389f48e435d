//! `F::pad` in its four modes against PyTorch (fixtures from `scripts/gen_pad_fixtures.py`):
//! outputs bit for bit, dtypes, grad_fn names and gradients, on 1 to 3 padded dims,
//! negative pads, empty batches and non-contiguous inputs; PyTorch's error messages;
//! gradcheck, including double backward of the constant mode.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use torchlight::autograd::{self, gradcheck, GradOptions};
use torchlight::nn::functional::{self as F, PadMode};
use torchlight::{DType, Result, Tensor};

fn mode_of(name: &str) -> PadMode {
    match name {
        "constant" => PadMode::Constant,
        "reflect" => PadMode::Reflect,
        "replicate" => PadMode::Replicate,
        "circular" => PadMode::Circular,
        other => panic!("unknown mode {other}"),
    }
}

#[test]
fn pad_matches_torch() {
    let f = load_fixture("pad.json");
    let cases = f["cases"].as_array().unwrap();
    assert!(cases.len() > 40);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let x = input_from(&c["x"]);
        let pad: Vec<i64> = c["pad"].as_array().unwrap().iter().map(|p| p.as_i64().unwrap()).collect();
        let y = F::try_pad(&x, &pad, mode_of(c["mode"].as_str().unwrap()), c["value"].as_f64())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Padding copies elements or writes the value: exact.
        assert_close(&y, &c["y"], 0.0, 0.0, name);
        let grad_fn = y.grad_fn().map(|n| n.name().to_string());
        assert_eq!(grad_fn.as_deref(), c["grad_fn"].as_str(), "{name}: grad_fn");
        if let Some(go) = c.get("grad_output") {
            let g = tensor_from(go);
            let grads = autograd::grad(&[(&y * &g).sum()], std::slice::from_ref(&x), GradOptions::default()).unwrap();
            let gx = grads[0].as_ref().unwrap_or_else(|| panic!("{name}: no gradient"));
            // Sums of the grad_output elements that copy each input element, in another order.
            assert_close(gx, &c["x_grad"], 1e-6, 1e-6, &format!("{name}: gradient"));
        }
    }
}

#[test]
fn errors_match_torch() {
    let f = load_fixture("pad.json");
    let x = Tensor::ones(&[2, 3, 4]);
    let p = |t: &Tensor, pad: &[i64], mode: PadMode, value: Option<f64>| -> String {
        let r: Result<Tensor> = F::try_pad(t, pad, mode, value);
        r.unwrap_err().to_string()
    };
    let (c, rf, rp) = (PadMode::Constant, PadMode::Reflect, PadMode::Replicate);
    let empty = Tensor::ones(&[2, 0, 3]);
    let ours = [
        ("odd", p(&x, &[1], c, None)),
        ("too_long", p(&x, &[1; 8], c, None)),
        ("crop_too_much", p(&x, &[-5, 0], c, None)),
        ("negative_size", p(&x, &[-2, -3], c, None)),
        ("reflect_value", p(&x, &[1, 1], rf, Some(1.0))),
        ("reflect_rank", p(&Tensor::ones(&[4]), &[1, 1], rf, None)),
        ("replicate_rank", p(&x, &[1; 6], rp, None)),
        ("reflect_size", p(&x, &[4, 0], rf, None)),
        ("reflect_size_h", p(&x, &[1, 1, 0, 3], rf, None)),
        ("reflect_empty", p(&empty, &[1, 1], rf, None)),
        ("replicate_empty_2d", p(&empty, &[1, 1, 1, 1], rp, None)),
        ("circular_wrap", p(&x, &[5, 0], PadMode::Circular, None)),
    ];
    for (name, got) in ours {
        assert_eq!(got, f["errors"][name].as_str().unwrap(), "{name}");
    }
    // PyTorch returns uninitialised memory when a circular pad crops everything it would
    // wrap around; we refuse.
    assert_eq!(
        p(&Tensor::ones(&[1, 2]), &[-2, 1], PadMode::Circular, None),
        "Padding (-2, 1) crops all 2 elements of dimension 1, leaving nothing to wrap around"
    );
}

#[test]
fn gradcheck_pad() {
    let g = torchlight::Generator::with_seed(4);
    let x = Tensor::zeros_dtype(&[2, 3, 4], DType::F64);
    x.try_uniform_with(-1.0, 1.0, &g).unwrap();
    let x = x.requires_grad_(true);
    let modes = [PadMode::Constant, PadMode::Reflect, PadMode::Replicate, PadMode::Circular];
    for mode in modes {
        for pad in [&[2, 1][..], &[1, -1, 2, 2]] {
            let f = |v: &[Tensor]| F::pad(&v[0], pad, mode, None) * 1.5;
            gradcheck(f, std::slice::from_ref(&x), Default::default()).unwrap_or_else(|e| panic!("{mode:?}: {e}"));
            // Double backward: the input's gradient, built with create_graph, differentiated
            // with respect to the output's gradient.
            let shape = F::pad(&x, pad, mode, None).shape().to_vec();
            let go = Tensor::zeros_dtype(&shape, DType::F64);
            go.try_uniform_with(-1.0, 1.0, &g).unwrap();
            let go = go.requires_grad_(true);
            let backward = |v: &[Tensor]| {
                // gradcheck may evaluate without grad mode; the backward graph needs it.
                let opts = GradOptions { create_graph: true, ..Default::default() };
                torchlight::enable_grad(|| {
                    let y = F::pad(&x, pad, mode, None);
                    autograd::grad(&[(&y * &v[0]).sum()], std::slice::from_ref(&x), opts).unwrap()[0].clone().unwrap()
                })
            };
            gradcheck(backward, std::slice::from_ref(&go), Default::default())
                .unwrap_or_else(|e| panic!("{mode:?} double backward: {e}"));
        }
    }
}

#[test]
fn padding_layers_match_torch() {
    use torchlight::nn::{self, Module};
    let f = load_fixture("pad.json");
    let layers: Vec<(&str, Box<dyn Module>)> = vec![
        ("ZeroPad1d([1, 2])", Box::new(nn::ZeroPad1d::new(&[1, 2]))),
        ("ZeroPad2d([1])", Box::new(nn::ZeroPad2d::new(&[1]))),
        ("ZeroPad3d([1, 0, 2, 0, 0, 3])", Box::new(nn::ZeroPad3d::new(&[1, 0, 2, 0, 0, 3]))),
        ("ConstantPad1d([1, 2], 3.5)", Box::new(nn::ConstantPad1d::new(&[1, 2], 3.5))),
        ("ConstantPad2d([1], 0.0)", Box::new(nn::ConstantPad2d::new(&[1], 0.0))),
        ("ConstantPad3d([2], -1.5)", Box::new(nn::ConstantPad3d::new(&[2], -1.5))),
        ("ReflectionPad1d([2])", Box::new(nn::ReflectionPad1d::new(&[2]))),
        ("ReflectionPad2d([1, 1, 2, 0])", Box::new(nn::ReflectionPad2d::new(&[1, 1, 2, 0]))),
        ("ReflectionPad3d([1])", Box::new(nn::ReflectionPad3d::new(&[1]))),
        ("ReplicationPad1d([0, 3])", Box::new(nn::ReplicationPad1d::new(&[0, 3]))),
        ("ReplicationPad2d([2])", Box::new(nn::ReplicationPad2d::new(&[2]))),
        ("ReplicationPad3d([1])", Box::new(nn::ReplicationPad3d::new(&[1]))),
        ("CircularPad1d([1])", Box::new(nn::CircularPad1d::new(&[1]))),
        ("CircularPad2d([1, 2, 3, 4])", Box::new(nn::CircularPad2d::new(&[1, 2, 3, 4]))),
        ("CircularPad3d([1])", Box::new(nn::CircularPad3d::new(&[1]))),
    ];
    assert_eq!(layers.len(), f["reprs"].as_object().unwrap().len());
    for (call, layer) in &layers {
        assert_eq!(layer.repr(), f["reprs"][*call].as_str().unwrap(), "{call}");
    }
    // A layer is F::pad with its padding: the same output as the functional form.
    let x = Tensor::arange(0.0, 24.0, 1.0).reshape(&[1, 2, 3, 4]);
    let layer = nn::ReflectionPad2d::new(&[1, 1, 2, 0]);
    assert!(layer.forward(&x).equal(&F::pad(&x, &[1, 1, 2, 0], PadMode::Reflect, None)));
}
