//! Activations, softmax/log_softmax/logsumexp, erf and dropout against PyTorch
//! (fixtures from `scripts/gen_functional_fixtures.py`), plus float64 gradient checks.

mod common;
mod nn_cases;

use common::{input_from, load_fixture, tensor_from};
use nn_cases::{check_grad, check_grad_grad, close, randn64, run_cases};
use serde_json::Value;
use torchlight::nn::functional as F;
use torchlight::{manual_seed, Result, Tensor};

fn call(name: &str, args: &Value, inputs: &[Tensor]) -> Result<Tensor> {
    let x = &inputs[0];
    let f = |k: &str| args[k].as_f64().unwrap();
    let dim = || args["dim"].as_i64().unwrap();
    Ok(match name {
        "relu" => F::relu(x),
        "leaky_relu" => F::try_leaky_relu(x, f("negative_slope"))?,
        "elu" => F::try_elu(x, f("alpha"))?,
        "gelu" => F::try_gelu(x, args["approximate"].as_str().unwrap())?,
        "silu" => F::try_silu(x)?,
        "sigmoid" => F::sigmoid(x),
        "tanh" => F::tanh(x),
        "softplus" => F::try_softplus(x, f("beta"), f("threshold"))?,
        "erf" => x.erf(),
        "softmax" => F::try_softmax(x, dim())?,
        "log_softmax" => F::try_log_softmax(x, dim())?,
        "logsumexp" => {
            let dims: Vec<i64> = args["dims"].as_array().unwrap().iter().map(|d| d.as_i64().unwrap()).collect();
            x.try_logsumexp(&dims, args["keepdim"].as_bool().unwrap())?
        }
        "dropout" => F::try_dropout(x, f("p"), args["training"].as_bool().unwrap())?,
        other => panic!("unknown function {other}"),
    })
}

/// PyTorch's float32 kernels use vectorised exp/erf/tanh approximations (SLEEF, MKL), so
/// float32 results agree to a few ulps; float64 ones to rounding.
fn tolerance(case: &Value) -> (f64, f64) {
    match case["inputs"][0]["dtype"].as_str().unwrap() {
        "float64" => (1e-12, 1e-14),
        _ => (1e-5, 1e-6),
    }
}

#[test]
fn functional_cases_match_torch() {
    run_cases(&load_fixture("functional.json")["cases"], call, tolerance);
}

#[test]
fn dropout_masks_match_torch_bit_for_bit() {
    let _g = common::global_rng();
    let fx = load_fixture("functional.json");
    for d in fx["dropout"].as_array().unwrap() {
        let name = d["name"].as_str().unwrap();
        manual_seed(d["seed"].as_u64().unwrap());
        let x = input_from(&d["input"]);
        let y = F::dropout(&x, d["p"].as_f64().unwrap(), d["training"].as_bool().unwrap());
        close(&y, &d["out"], 0.0, 0.0).unwrap_or_else(|m| panic!("{name}: output {m}"));
        assert_eq!(y.is_same(&x), d["same"].as_bool().unwrap(), "{name}: identity");
        (&y * &tensor_from(&d["grad_output"])).sum().backward();
        close(&x.grad().unwrap(), &d["grad"], 0.0, 0.0).unwrap_or_else(|m| panic!("{name}: gradient {m}"));
    }
}

#[test]
fn dropout_of_empty_input_is_the_input() {
    let x = Tensor::zeros(&[0, 3]);
    assert!(F::dropout(&x, 0.5, true).is_same(&x));
}

/// Each activation with its float64 gradient checked against central differences, at
/// points away from kinks, plus second derivatives through the composed backward.
#[test]
fn activation_gradients_pass_gradcheck() {
    let x = (randn64(&[3, 4], 1) * 2.0f64).requires_grad_(true);
    type Act = (&'static str, fn(&Tensor) -> Tensor);
    let acts: [Act; 12] = [
        ("relu", F::relu),
        ("leaky_relu", |x| F::leaky_relu(x, 0.2)),
        ("elu", |x| F::elu(x, 0.7)),
        ("gelu", |x| F::gelu(x, "none")),
        ("gelu tanh", |x| F::gelu(x, "tanh")),
        ("silu", F::silu),
        ("sigmoid", F::sigmoid),
        ("tanh", F::tanh),
        ("softplus", |x| F::softplus(x, 1.0, 20.0)),
        ("softplus thresholded", |x| F::softplus(x, 2.0, 1.0)),
        ("erf", |x| x.erf()),
        ("dropout eval", |x| F::dropout(x, 0.5, false)),
    ];
    for (name, f) in acts {
        check_grad(name, |v| f(&v[0]), std::slice::from_ref(&x));
        if !matches!(name, "relu" | "leaky_relu" | "dropout eval") {
            check_grad_grad(name, f, &x);
        }
    }
}

#[test]
fn softmax_family_gradients_pass_gradcheck() {
    let x = randn64(&[2, 3, 4], 2).requires_grad_(true);
    let xt = randn64(&[4, 3], 3).t().requires_grad_(true);
    for dim in [0, 1, 2, -1] {
        check_grad("softmax", |v| v[0].softmax(dim), std::slice::from_ref(&x));
        check_grad("log_softmax", |v| v[0].log_softmax(dim), std::slice::from_ref(&x));
        check_grad("logsumexp", |v| v[0].logsumexp(&[dim], false), std::slice::from_ref(&x));
        check_grad_grad("softmax", |x| x.softmax(dim), &x);
        check_grad_grad("log_softmax", |x| x.log_softmax(dim), &x);
    }
    check_grad("logsumexp two dims", |v| v[0].logsumexp(&[0, 2], true), std::slice::from_ref(&x));
    check_grad("logsumexp all dims", |v| v[0].logsumexp(&[], false), std::slice::from_ref(&x));
    check_grad_grad("logsumexp", |x| x.logsumexp(&[1], false), &x);
    check_grad("softmax transposed", |v| v[0].softmax(0), std::slice::from_ref(&xt));
    check_grad("log_softmax transposed", |v| v[0].log_softmax(1), std::slice::from_ref(&xt));
}

#[test]
fn dropout_gradient_is_the_scaled_mask() {
    let _g = common::global_rng();
    manual_seed(5);
    let x = randn64(&[4, 5], 4).requires_grad_(true);
    let y = F::dropout(&x, 0.25, true);
    y.sum().backward();
    let g = x.grad().unwrap().to_vec::<f64>();
    let ratio: Vec<f64> = y.to_vec::<f64>().iter().zip(x.to_vec::<f64>()).map(|(y, x)| y / x).collect();
    assert!(g.iter().all(|&v| v == 0.0 || v == 1.0 / 0.75), "{g:?}");
    for (r, g) in ratio.iter().zip(&g) {
        assert!((r - g).abs() < 1e-12);
    }
}
