//! Losses against PyTorch (fixtures from `scripts/gen_functional_fixtures.py`): every loss
//! and reduction, weights, ignore_index, label smoothing, probability targets, pos_weight,
//! beta/delta, N-d inputs, empty inputs and error messages; the module structs; and float64
//! gradient checks.

mod common;
mod nn_cases;

use common::load_fixture;
use nn_cases::{check_grad, check_grad_grad, randn64, run_cases};
use serde_json::Value;
use torchlight::autograd::{grad, GradOptions};
use torchlight::nn::{self, functional as F, Reduction};
use torchlight::{enable_grad, Result, Tensor};

/// Optional trailing inputs: `weight`, then `pos_weight`, as the args flag them.
fn optional<'a>(args: &Value, inputs: &'a [Tensor]) -> (Option<&'a Tensor>, Option<&'a Tensor>) {
    let mut rest = inputs[2..].iter();
    let flag = |k: &str| args.get(k).and_then(|v| v.as_bool()).unwrap_or(false);
    let weight = if flag("weight") { rest.next() } else { None };
    let pos_weight = if flag("pos_weight") { rest.next() } else { None };
    (weight, pos_weight)
}

fn call(name: &str, args: &Value, inputs: &[Tensor]) -> Result<Tensor> {
    let (x, y) = (&inputs[0], &inputs[1]);
    let r: Reduction = args["reduction"].as_str().unwrap_or("mean").parse()?;
    let f = |k: &str, default: f64| args.get(k).and_then(|v| v.as_f64()).unwrap_or(default);
    let ignore = args.get("ignore_index").and_then(|v| v.as_i64()).unwrap_or(-100);
    let (w, pw) = optional(args, inputs);
    let functional = match name {
        "mse_loss" => F::try_mse_loss(x, y, r),
        "l1_loss" => F::try_l1_loss(x, y, r),
        "smooth_l1_loss" => F::try_smooth_l1_loss(x, y, r, f("beta", 1.0)),
        "huber_loss" => F::try_huber_loss(x, y, r, f("delta", 1.0)),
        "binary_cross_entropy" => F::try_binary_cross_entropy(x, y, w, r),
        "binary_cross_entropy_with_logits" => F::try_binary_cross_entropy_with_logits(x, y, w, r, pw),
        "kl_div" => F::try_kl_div(x, y, r, args.get("log_target").and_then(|v| v.as_bool()).unwrap_or(false)),
        "nll_loss" => F::try_nll_loss(x, y, w, ignore, r),
        "cross_entropy" => F::try_cross_entropy(x, y, w, ignore, r, f("label_smoothing", 0.0)),
        other => panic!("unknown loss {other}"),
    }?;
    // The module form must agree exactly (forward only: it runs the same graph again).
    let module = torchlight::no_grad(|| module_forward(name, args, inputs, r, w, pw))?;
    assert!(
        module.equal(&functional) || module.to_vec::<f64>().iter().all(|v| v.is_nan()),
        "{name}: module and functional forms differ"
    );
    Ok(functional)
}

fn module_forward(
    name: &str,
    args: &Value,
    inputs: &[Tensor],
    r: Reduction,
    w: Option<&Tensor>,
    pw: Option<&Tensor>,
) -> Result<Tensor> {
    let (x, y) = (&inputs[0], &inputs[1]);
    let f = |k: &str| args.get(k).and_then(|v| v.as_f64());
    let with_w = |m: nn::CrossEntropyLoss| match w {
        Some(w) => m.weight(w),
        None => m,
    };
    match name {
        "mse_loss" => nn::MSELoss::new().reduction(r).try_forward(x, y),
        "l1_loss" => nn::L1Loss::new().reduction(r).try_forward(x, y),
        "smooth_l1_loss" => nn::SmoothL1Loss::new().reduction(r).beta(f("beta").unwrap_or(1.0)).try_forward(x, y),
        "huber_loss" => nn::HuberLoss::new().reduction(r).delta(f("delta").unwrap_or(1.0)).try_forward(x, y),
        "binary_cross_entropy" => {
            nn::BCELoss { weight: w.cloned(), ..nn::BCELoss::new().reduction(r) }.try_forward(x, y)
        }
        "binary_cross_entropy_with_logits" => nn::BCEWithLogitsLoss {
            weight: w.cloned(),
            pos_weight: pw.cloned(),
            ..nn::BCEWithLogitsLoss::new().reduction(r)
        }
        .try_forward(x, y),
        "kl_div" => nn::KLDivLoss::new()
            .reduction(r)
            .log_target(args.get("log_target").and_then(|v| v.as_bool()).unwrap_or(false))
            .try_forward(x, y),
        "nll_loss" => nn::NLLLoss {
            weight: w.cloned(),
            ignore_index: args.get("ignore_index").and_then(|v| v.as_i64()).unwrap_or(-100),
            ..nn::NLLLoss::new().reduction(r)
        }
        .try_forward(x, y),
        "cross_entropy" => {
            let mut m = with_w(nn::CrossEntropyLoss::new().reduction(r));
            if let Some(i) = args.get("ignore_index").and_then(|v| v.as_i64()) {
                m = m.ignore_index(i);
            }
            m.label_smoothing(f("label_smoothing").unwrap_or(0.0)).try_forward(x, y)
        }
        other => panic!("unknown loss {other}"),
    }
}

fn tolerance(case: &Value) -> (f64, f64) {
    match case["inputs"][0]["dtype"].as_str().unwrap() {
        "float64" => (1e-12, 1e-14),
        _ => (1e-5, 1e-6),
    }
}

#[test]
fn loss_cases_match_torch() {
    run_cases(&load_fixture("losses.json")["cases"], call, tolerance);
}

/// The reduced NLL sums in PyTorch's cascade order, so on the same log-probabilities it
/// matches bit for bit (long batches exercise several cascade levels).
#[test]
fn nll_loss_reductions_are_bit_exact() {
    let fx = load_fixture("losses.json");
    let cases = fx["cases"].as_array().unwrap().iter().filter(|c| {
        let name = c["name"].as_str().unwrap();
        c["fn"] == "nll_loss" && c.get("out").is_some() && c["args"]["reduction"] != "none" && !name.contains("empty")
    });
    let mut n = 0;
    for case in cases {
        let inputs: Vec<Tensor> = case["inputs"].as_array().unwrap().iter().map(common::input_from).collect();
        let out = call("nll_loss", &case["args"], &inputs).unwrap();
        nn_cases::close(&out, &case["out"], 0.0, 0.0).unwrap_or_else(|m| panic!("{}: {m}", case["name"]));
        n += 1;
    }
    assert!(n > 10);
}

#[test]
fn module_defaults_are_torchs() {
    assert_eq!(nn::MSELoss::new().reduction, Reduction::Mean);
    let ce = nn::CrossEntropyLoss::new();
    assert!(ce.weight.is_none());
    assert_eq!((ce.ignore_index, ce.reduction, ce.label_smoothing), (-100, Reduction::Mean, 0.0));
    assert_eq!(nn::NLLLoss::new().ignore_index, -100);
    assert_eq!(nn::SmoothL1Loss::new().beta, 1.0);
    assert_eq!(nn::HuberLoss::new().delta, 1.0);
    assert!(!nn::KLDivLoss::new().log_target);
    let b = nn::BCEWithLogitsLoss::new();
    assert!(b.weight.is_none() && b.pos_weight.is_none());
    assert!(nn::BCELoss::new().weight.is_none());
    assert_eq!(nn::L1Loss::new().reduction, Reduction::Mean);
}

#[test]
fn reduction_strings_parse_as_torch_does() {
    assert_eq!("none".parse::<Reduction>().unwrap(), Reduction::None);
    assert_eq!("elementwise_mean".parse::<Reduction>().unwrap(), Reduction::Mean);
    assert_eq!("batchmean".parse::<Reduction>().unwrap(), Reduction::BatchMean);
    let e = "avg".parse::<Reduction>().unwrap_err();
    assert_eq!(
        (nn_cases::py_type(&e), e.to_string().as_str()),
        ("ValueError", "avg is not a valid value for reduction")
    );
}

#[test]
#[should_panic(expected = "Target 5 is out of bounds.")]
fn module_forward_panics_with_torchs_message() {
    nn::CrossEntropyLoss::new().forward(&Tensor::zeros(&[2, 3]), &Tensor::from_slice(&[0i64, 5]));
}

fn x64(shape: &[usize], seed: u64) -> Tensor {
    randn64(shape, seed).requires_grad_(true)
}

/// Probabilities strictly inside (0, 1), away from the clamps.
fn probs64(shape: &[usize], seed: u64) -> Tensor {
    randn64(shape, seed).sigmoid().detach().requires_grad_(true)
}

#[test]
fn regression_and_binary_losses_pass_gradcheck() {
    let reductions = [Reduction::None, Reduction::Mean, Reduction::Sum];
    for r in reductions {
        let (x, y) = (x64(&[3, 4], 10), x64(&[3, 4], 11));
        let both = [x.clone(), y.clone()];
        check_grad("mse", |v| F::mse_loss(&v[0], &v[1], r), &both);
        check_grad("mse broadcast", |v| F::mse_loss(&v[0], &v[1].narrow(0, 0, 1), r), &both);
        check_grad("l1", |v| F::l1_loss(&v[0], &v[1], r), &both);
        check_grad("smooth_l1", |v| F::smooth_l1_loss(&v[0], &v[1], r, 0.7), &both);
        check_grad("huber", |v| F::huber_loss(&v[0], &v[1], r, 0.7), &both);
        check_grad_grad("smooth_l1", |x| F::smooth_l1_loss(x, &y, r, 0.7), &x);
        let (p, t) = (probs64(&[3, 4], 12), probs64(&[3, 4], 13));
        let w = randn64(&[4], 14).abs();
        check_grad("bce", |v| F::binary_cross_entropy(&v[0], &v[1], Some(&w), r), &[p.clone(), t.clone()]);
        check_grad_grad("bce", |p| F::binary_cross_entropy(p, &t, None, r), &p);
        let pw = randn64(&[4], 15).abs();
        check_grad(
            "bce logits",
            |v| F::binary_cross_entropy_with_logits(&v[0], &v[1], Some(&w), r, None),
            &[x.clone(), t.clone()],
        );
        check_grad(
            "bce logits pos_weight",
            |v| F::binary_cross_entropy_with_logits(&v[0], &v[1], None, r, Some(&pw)),
            &[x.clone(), t.clone()],
        );
        check_grad_grad("bce logits", |x| F::binary_cross_entropy_with_logits(x, &t, None, r, Some(&pw)), &x);
    }
    for r in [Reduction::None, Reduction::Mean, Reduction::Sum, Reduction::BatchMean] {
        let x = x64(&[3, 4], 16);
        let t = probs64(&[3, 4], 17);
        check_grad("kl_div", |v| F::kl_div(&v[0], &v[1], r, false), &[x.clone(), t.clone()]);
        check_grad("kl_div log_target", |v| F::kl_div(&v[0], &v[1], r, true), &[x.clone(), x64(&[3, 4], 18)]);
    }
}

#[test]
fn class_losses_pass_gradcheck() {
    let w = randn64(&[4], 20).abs() + 0.5;
    let t2 = Tensor::from_slice(&[1i64, 3, -100, 0, 2]);
    let t3 = Tensor::from_vec(vec![0i64, 3, 1, -100, 2, 2], &[2, 3]);
    let probs = randn64(&[5, 4], 21).softmax(1);
    for r in [Reduction::None, Reduction::Mean, Reduction::Sum] {
        let x = x64(&[5, 4], 22);
        let x3 = x64(&[2, 4, 3], 23);
        let one = [x.clone()];
        check_grad("nll", |v| F::nll_loss(&v[0], &t2, Some(&w), -100, r), &one);
        check_grad("nll 3d", |v| F::nll_loss(&v[0], &t3, None, -100, r), std::slice::from_ref(&x3));
        check_grad("ce", |v| F::cross_entropy(&v[0], &t2, Some(&w), -100, r, 0.0), &one);
        check_grad("ce ls", |v| F::cross_entropy(&v[0], &t2, Some(&w), -100, r, 0.2), &one);
        check_grad("ce 3d ls", |v| F::cross_entropy(&v[0], &t3, None, -100, r, 0.2), std::slice::from_ref(&x3));
        check_grad(
            "ce probs",
            |v| F::cross_entropy(&v[0], &v[1], Some(&w), -100, r, 0.1),
            &[x.clone(), probs.detach().requires_grad_(true)],
        );
        check_grad_grad("ce", |x| F::cross_entropy(x, &t2, Some(&w), -100, r, 0.1), &x);
        // The input gradient is linear in the incoming gradient: check that derivative too.
        let v = x64(F::nll_loss(&x, &t2, None, -100, r).shape(), 24);
        let through_grad = |vs: &[Tensor]| {
            enable_grad(|| {
                let l = F::nll_loss(&x, &t2, Some(&w), -100, r);
                let opts = GradOptions { create_graph: true, ..Default::default() };
                grad(&[(&l * &vs[0]).sum()], std::slice::from_ref(&x), opts).unwrap()[0].clone().unwrap()
            })
        };
        check_grad("nll gradient wrt incoming gradient", through_grad, &[v]);
    }
}

#[test]
fn losses_are_modules_with_their_weights_as_buffers() {
    use torchlight::nn::{self, Module};
    use torchlight::{DType, Tensor};
    // torch: BCEWithLogitsLoss(weight=w, pos_weight=p).state_dict().keys() == ['weight', 'pos_weight'];
    // an unset weight is left out; repr is the bare class name.
    let m = nn::BCEWithLogitsLoss::new().weight(&Tensor::ones(&[3])).pos_weight(&Tensor::ones(&[3]));
    let keys: Vec<String> = m.named_buffers().into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["weight", "pos_weight"]);
    assert_eq!(m.state_dict().keys().collect::<Vec<_>>(), ["weight", "pos_weight"]);
    assert!(nn::CrossEntropyLoss::new().state_dict().is_empty());
    assert_eq!(nn::CrossEntropyLoss::new().weight(&Tensor::ones(&[2])).repr(), "CrossEntropyLoss()");
    assert_eq!(nn::MSELoss::new().reduction(nn::Reduction::Sum).repr(), "MSELoss()");
    assert!(m.parameters().is_empty() && m.is_training());
    m.eval();
    assert!(!m.is_training());
    let mut c = nn::CrossEntropyLoss::new().weight(&Tensor::ones(&[2]));
    c.to_dtype_(DType::F64);
    assert_eq!(c.weight.as_ref().unwrap().dtype(), DType::F64);
    // The two-argument forward is still the one called. Equal logits over two classes give
    // -log(1/2) = ln 2 whatever the target (mathematics, not a fixture).
    let l = c.forward(&Tensor::zeros_dtype(&[1, 2], DType::F64), &Tensor::from_slice(&[1i64]));
    assert!((l.item() - std::f64::consts::LN_2).abs() < 1e-12);
}
