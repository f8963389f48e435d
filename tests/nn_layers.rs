//! Layers and `nn::init` against PyTorch (fixtures from scripts/gen_nn_fixtures.py): initial
//! values and init streams bit for bit, forward and backward of Linear, LayerNorm, Dropout,
//! Flatten, and error messages.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use serde_json::Value;
use std::sync::OnceLock;
use torchlight::autograd::{gradcheck, GradcheckOptions};
use torchlight::nn::init::{self, FanMode, Nonlinearity};
use torchlight::nn::{self, Module};
use torchlight::{DType, Tensor};

fn fixture() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| load_fixture("nn.json"))
}

fn shape(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn error_text(name: &str) -> &'static str {
    fixture()["errors"][name].as_str().unwrap()
}

#[track_caller]
fn panic_text(f: impl FnOnce()) -> String {
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("expected a panic");
    err.downcast_ref::<String>().cloned().unwrap_or_else(|| err.downcast_ref::<&str>().unwrap().to_string())
}

/// Backward of `(out * grad_output).sum()`.
fn backward_with(out: &Tensor, case: &Value) {
    let g = tensor_from(&case["grad_output"]);
    (out * &g).sum().backward();
}

// ---- initialisation ---------------------------------------------------------------------------

#[test]
fn linear_init_is_bit_exact() {
    let _g = common::global_rng();
    for c in fixture()["linear_init"].as_array().unwrap() {
        let seed = c["seed"].as_u64().unwrap();
        let (fin, fout) = (c["in"].as_u64().unwrap() as usize, c["out"].as_u64().unwrap() as usize);
        let what = format!("seed {seed} Linear({fin}, {fout})");
        torchlight::manual_seed(seed);
        let lin = nn::Linear::with_bias(fin, fout, c["bias"].as_bool().unwrap());
        assert_close(&lin.weight, &c["weight"], 0.0, 0.0, &format!("{what} weight"));
        match &lin.bias {
            Some(b) => assert_close(b, &c["bias_t"], 0.0, 0.0, &format!("{what} bias")),
            None => assert!(c["bias_t"].is_null()),
        }
        // The generator advanced exactly as far as PyTorch's.
        assert_close(&Tensor::rand(&[3]), &c["next"], 0.0, 0.0, &format!("{what} next draw"));
        assert!(lin.weight.requires_grad() && lin.weight.is_leaf());
    }
}

#[test]
fn linear_init_matches_golden_value() {
    let _g = common::global_rng();
    // pytorch-golden.json "seed0 nn.Linear(3,2)" (bit patterns 0xbb8da3e8 ... and 0xbc3b6b40 0x3eea617a).
    torchlight::manual_seed(0);
    let lin = nn::Linear::new(3, 2);
    let bits: Vec<u32> = lin.weight.to_vec::<f32>().iter().map(|v| v.to_bits()).collect();
    assert_eq!(bits, [0xbb8da3e8, 0x3e9e9313, 0xbef34b7e, 0xbed98bc9, 0xbe63b4b1, 0x3e1e8953]);
    let bits: Vec<u32> = lin.bias.unwrap().to_vec::<f32>().iter().map(|v| v.to_bits()).collect();
    assert_eq!(bits, [0xbc3b6b40, 0x3eea617a]);
}

fn run_init(c: &Value) -> Tensor {
    let name = c["fn"].as_str().unwrap();
    let a = &c["args"];
    let dtype = common::dtype_of(c["out"]["dtype"].as_str().unwrap());
    let t = Tensor::empty_dtype(&shape(&c["shape"]), dtype);
    let mode = |a: &Value| a["mode"].as_str().unwrap().parse::<FanMode>().unwrap();
    let nl = |a: &Value| a["nonlinearity"].as_str().unwrap().parse::<Nonlinearity>().unwrap();
    match name {
        "uniform_" => init::uniform_(&t, f(&a["a"]), f(&a["b"])),
        "normal_" => init::normal_(&t, f(&a["mean"]), f(&a["std"])),
        "xavier_uniform_" => init::xavier_uniform_(&t, f(&a["gain"])),
        "xavier_normal_" => init::xavier_normal_(&t, f(&a["gain"])),
        "kaiming_uniform_" => init::kaiming_uniform_(&t, f(&a["a"]), mode(a), nl(a)),
        "kaiming_normal_" => init::kaiming_normal_(&t, f(&a["a"]), mode(a), nl(a)),
        "trunc_normal_" => init::trunc_normal_(&t, f(&a["mean"]), f(&a["std"]), f(&a["a"]), f(&a["b"])),
        "orthogonal_" => init::orthogonal_(&t, f(&a["gain"])),
        "constant_" => init::constant_(&t, f(&a["val"])),
        "eye_" => init::eye_(&t),
        other => panic!("unknown init {other}"),
    };
    t
}

#[test]
fn init_streams_match_torch() {
    let _g = common::global_rng();
    for c in fixture()["init"].as_array().unwrap() {
        let what = format!("seed {} {} {:?}", c["seed"], c["fn"], c["shape"]);
        torchlight::manual_seed(c["seed"].as_u64().unwrap());
        let t = run_init(c);
        // QR runs in f64 here and in f32 LAPACK in PyTorch; everything else is bit for bit.
        let (rtol, atol) = if c["fn"] == "orthogonal_" { (1e-5, 1e-6) } else { (0.0, 0.0) };
        assert_close(&t, &c["out"], rtol, atol, &what);
        assert_close(&Tensor::rand(&[2]), &c["next"], 0.0, 0.0, &format!("{what}: next draw"));
    }
}

#[test]
fn init_leaves_no_history_on_parameters() {
    let p = nn::Parameter(Tensor::empty(&[3, 4]));
    let _g = common::global_rng();
    init::xavier_uniform_(&p, 1.0);
    init::orthogonal_(&p, 1.0);
    init::trunc_normal_(&p, 0.0, 1.0, -2.0, 2.0);
    assert!(p.is_leaf() && p.requires_grad());
    // A zero-element weight is left alone by Kaiming init, as PyTorch's warning says.
    let empty = Tensor::empty(&[0, 3]);
    init::kaiming_uniform_(&empty, 0.0, FanMode::FanIn, Nonlinearity::LeakyRelu);
}

#[test]
fn gains_and_fans_match_torch() {
    for c in fixture()["gain"].as_array().unwrap() {
        let nl: Nonlinearity = c["nonlinearity"].as_str().unwrap().parse().unwrap();
        let gain = init::calculate_gain(nl, c["param"].as_f64());
        assert_eq!(gain, f(&c["gain"]), "{c}");
    }
    for c in fixture()["fan"].as_array().unwrap() {
        let (fi, fo) = init::calculate_fan_in_and_fan_out(&Tensor::empty(&shape(&c["shape"])));
        assert_eq!(vec![fi as u64, fo as u64], [c["fan"][0].as_u64().unwrap(), c["fan"][1].as_u64().unwrap()]);
    }
}

#[test]
fn init_errors_match_torch() {
    let e = |r: torchlight::Result<&Tensor>| r.unwrap_err().to_string();
    assert_eq!(e(init::try_xavier_uniform_(&Tensor::empty(&[3]), 1.0)), error_text("fan"));
    assert_eq!(e(init::try_orthogonal_(&Tensor::empty(&[3]), 1.0)), error_text("orthogonal"));
    assert_eq!(e(init::try_eye_(&Tensor::empty(&[3]))), error_text("eye"));
    assert_eq!("swish".parse::<Nonlinearity>().unwrap_err().to_string(), error_text("gain"));
    assert_eq!("fan_avg".parse::<FanMode>().unwrap_err().to_string(), error_text("fan_mode"));
    assert_eq!(
        panic_text(|| {
            init::xavier_normal_(&Tensor::empty(&[3]), 1.0);
        }),
        error_text("fan")
    );
}

// ---- Linear -----------------------------------------------------------------------------------

#[test]
fn linear_forward_backward_match_torch() {
    let _g = common::global_rng();
    for c in fixture()["linear"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let bias = c["bias"].as_bool().unwrap();
        // The fixture drew the layer right after manual_seed(7).
        torchlight::manual_seed(7);
        let lin = nn::Linear::with_bias(c["in"].as_u64().unwrap() as usize, c["out"].as_u64().unwrap() as usize, bias);
        assert_close(&lin.weight, &c["weight"], 0.0, 0.0, &format!("{name}: init"));
        let x = input_from(&c["x"]);
        let y = lin.forward(&x);
        assert_close(&y, &c["y"], 1e-5, 1e-6, &format!("{name}: y"));
        backward_with(&y, c);
        assert_close(&x.grad().unwrap(), &c["x_grad"], 1e-5, 1e-6, &format!("{name}: x.grad"));
        for (p, g) in lin.parameters().iter().zip(c["param_grads"].as_array().unwrap()) {
            assert_close(&p.grad().unwrap(), g, 1e-5, 1e-5, &format!("{name}: param grad"));
        }
    }
}

#[test]
fn linear_gradcheck() {
    let _g = common::global_rng();
    let w = Tensor::randn_dtype(&[3, 4], DType::F64).requires_grad_(true);
    let b = Tensor::randn_dtype(&[3], DType::F64).requires_grad_(true);
    let x = Tensor::randn_dtype(&[2, 4], DType::F64).requires_grad_(true);
    let f = |t: &[Tensor]| nn::Linear::from_parts(t[1].clone(), Some(t[2].clone())).forward(&t[0]);
    gradcheck(f, &[x, w, b], GradcheckOptions::default()).unwrap();
}

#[test]
fn linear_records_addmm_as_torch() {
    // torch: nn.Linear(3, 2)(x) on a matrix has grad_fn AddmmBackward0; without bias,
    // MmBackward0.
    let _g = common::global_rng();
    let x = Tensor::ones(&[4, 3]);
    assert_eq!(nn::Linear::new(3, 2).forward(&x).grad_fn().unwrap().name(), "AddmmBackward0");
    assert_eq!(nn::Linear::no_bias(3, 2).forward(&x).grad_fn().unwrap().name(), "MmBackward0");
}

#[test]
fn relu_gradient_is_threshold_backward() {
    // threshold_backward(g, x, 0) is `x <= 0 ? 0 : g`: exactly 0 where x <= 0 even for an
    // infinite or NaN gradient, and g where x is NaN (NaN <= 0 is false).
    let x = Tensor::from_slice(&[0.0f32, -1.0, 2.0, f32::NAN]).requires_grad_(true);
    let g = Tensor::from_slice(&[f32::INFINITY, f32::NAN, 3.0, 5.0]);
    x.relu().backward_with(torchlight::BackwardOptions { gradient: Some(g), ..Default::default() });
    assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![0.0, 0.0, 3.0, 5.0]);
    // Second order: for y = sum(relu(x)^2), dy/dx = 2 relu(x) [x > 0], whose own gradient
    // (summed) is 2 [x > 0].
    let x = Tensor::from_slice(&[0.5f64, -1.0, 2.0]).requires_grad_(true);
    let r = x.relu();
    let y = (&r * &r).sum();
    let opts = torchlight::autograd::GradOptions { create_graph: true, ..Default::default() };
    let g = torchlight::autograd::grad(&[y], std::slice::from_ref(&x), opts).unwrap()[0].clone().unwrap();
    assert_eq!(g.to_vec::<f64>(), vec![1.0, 0.0, 4.0]);
    g.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec::<f64>(), vec![2.0, 0.0, 2.0]);
}

#[test]
fn linear_errors_match_torch() {
    let _g = common::global_rng();
    let lin = nn::Linear::new(3, 2);
    let nb = nn::Linear::no_bias(3, 2);
    let e = |l: &nn::Linear, s: &[usize]| l.try_forward(&Tensor::ones(s)).unwrap_err().to_string();
    assert_eq!(e(&lin, &[2, 4]), error_text("linear_2d"));
    assert_eq!(e(&nb, &[2, 4]), error_text("linear_no_bias"));
    assert_eq!(e(&lin, &[4]), error_text("linear_1d"));
    assert_eq!(e(&lin, &[5, 2, 4]), error_text("linear_3d"));
    assert_eq!(e(&lin, &[]), error_text("linear_0d"));
    assert_eq!(panic_text(|| drop(lin.forward(&Tensor::ones(&[2, 4])))), error_text("linear_2d"));
}

// ---- LayerNorm --------------------------------------------------------------------------------

#[test]
fn layernorm_forward_backward_match_torch() {
    for c in fixture()["layernorm"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let ln = nn::LayerNorm::new(&shape(&c["normalized_shape"]))
            .eps(f(&c["eps"]))
            .elementwise_affine(c["affine"].as_bool().unwrap())
            .bias(c["bias"].as_bool().unwrap());
        let params = ln.parameters();
        assert_eq!(params.len(), c["params"].as_array().unwrap().len(), "{name}");
        for (p, v) in params.iter().zip(c["params"].as_array().unwrap()) {
            torchlight::no_grad(|| p.copy_(&tensor_from(v)));
        }
        let x = input_from(&c["x"]);
        let y = ln.forward(&x);
        assert_close(&y, &c["y"], 1e-5, 1e-5, &format!("{name}: y"));
        backward_with(&y, c);
        assert_close(&x.grad().unwrap(), &c["x_grad"], 1e-4, 1e-5, &format!("{name}: x.grad"));
        for (p, g) in params.iter().zip(c["param_grads"].as_array().unwrap()) {
            assert_close(&p.grad().unwrap(), g, 1e-4, 1e-5, &format!("{name}: param grad"));
        }
    }
}

#[test]
fn layernorm_gradcheck() {
    let _g = common::global_rng();
    let x = Tensor::randn_dtype(&[3, 4], DType::F64).requires_grad_(true);
    let w = Tensor::randn_dtype(&[4], DType::F64).requires_grad_(true);
    let b = Tensor::randn_dtype(&[4], DType::F64).requires_grad_(true);
    let f = |t: &[Tensor]| {
        let mut ln = nn::LayerNorm::new(&[4]).elementwise_affine(false);
        ln.weight = Some(t[1].clone());
        ln.bias = Some(t[2].clone());
        ln.forward(&t[0])
    };
    gradcheck(f, &[x, w, b], GradcheckOptions::default()).unwrap();
}

#[test]
fn layernorm_errors_match_torch() {
    let e = |ln: nn::LayerNorm, s: &[usize]| ln.try_forward(&Tensor::ones(s)).unwrap_err().to_string();
    assert_eq!(e(nn::LayerNorm::new(&[4]), &[2, 3]), error_text("layernorm"));
    assert_eq!(e(nn::LayerNorm::new(&[2, 3]), &[3]), error_text("layernorm_23"));
}

// ---- Dropout ----------------------------------------------------------------------------------

#[test]
fn dropout_masks_match_torch_bit_for_bit() {
    let _g = common::global_rng();
    for c in fixture()["dropout"].as_array().unwrap() {
        let what = format!("seed {} p {} {}", c["seed"], c["p"], c["x"]["layout"]);
        let x = input_from(&c["x"]);
        torchlight::manual_seed(c["seed"].as_u64().unwrap());
        let d = nn::Dropout::new(f(&c["p"]));
        let y = d.forward(&x);
        assert_close(&y, &c["y"], 0.0, 0.0, &format!("{what}: y"));
        assert_close(&Tensor::rand(&[2]), &c["next"], 0.0, 0.0, &format!("{what}: next draw"));
        backward_with(&y, c);
        assert_close(&x.grad().unwrap(), &c["x_grad"], 0.0, 0.0, &format!("{what}: x.grad"));
    }
}

#[test]
fn dropout_special_cases_match_torch() {
    let _g = common::global_rng();
    let s = &fixture()["dropout_special"];
    let x = Tensor::from_slice(&[1.0f32, f32::NAN, -2.0]);
    assert_close(&nn::Dropout::new(1.0).forward(&x), &s["p1"], 0.0, 0.0, "p=1");
    assert_close(&nn::Dropout::new(0.0).forward(&x), &s["p0"], 0.0, 0.0, "p=0");
    let d = nn::Dropout::new(0.5);
    d.eval();
    assert!(d.forward(&x).is_same(&x), "evaluation mode is the identity");
    for (p, key) in [(1.5, "dropout_1.5"), (-0.5, "dropout_-0.5"), (2.0, "dropout_2")] {
        assert_eq!(nn::Dropout::try_new(p).err().unwrap().to_string(), error_text(key));
    }
}

// ---- Embedding --------------------------------------------------------------------------------

fn embedding(num: usize, dim: usize, pad: &Value) -> nn::Embedding {
    let e = nn::Embedding::new(num, dim);
    match pad.as_i64() {
        Some(p) => e.padding_idx(p),
        None => e,
    }
}

#[test]
fn embedding_init_is_bit_exact() {
    let _g = common::global_rng();
    for c in fixture()["embedding"]["init"].as_array().unwrap() {
        let what =
            format!("seed {} Embedding({}, {}, padding_idx={})", c["seed"], c["num"], c["dim"], c["padding_idx"]);
        torchlight::manual_seed(c["seed"].as_u64().unwrap());
        let e = embedding(c["num"].as_u64().unwrap() as usize, c["dim"].as_u64().unwrap() as usize, &c["padding_idx"]);
        assert_close(&e.weight, &c["weight"], 0.0, 0.0, &what);
        assert_close(&Tensor::rand(&[2]), &c["next"], 0.0, 0.0, &format!("{what}: next draw"));
    }
}

#[test]
fn embedding_forward_backward_match_torch() {
    let _g = common::global_rng();
    for c in fixture()["embedding"]["forward"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let e = embedding(5, 3, &c["padding_idx"]);
        torchlight::no_grad(|| e.weight.copy_(&tensor_from(&c["weight"])));
        let idx = tensor_from(&c["idx"]);
        // The fixture's transposed index is a transposed view, as here.
        let idx = if c["transposed"].as_bool().unwrap() { idx.t().contiguous().t() } else { idx };
        let y = e.forward(&idx);
        assert_close(&y, &c["y"], 0.0, 0.0, &format!("{name}: y"));
        backward_with(&y, c);
        assert_close(&e.weight.grad().unwrap(), &c["weight_grad"], 1e-6, 1e-6, &format!("{name}: weight grad"));
    }
}

#[test]
fn embedding_errors_match_torch() {
    let _g = common::global_rng();
    assert_eq!(panic_text(|| drop(nn::Embedding::new(3, 2).padding_idx(3))), error_text("embedding_padding"));
    let e = nn::Embedding::new(3, 2);
    let err = |t: Tensor| e.try_forward(&t).unwrap_err().to_string();
    assert_eq!(err(Tensor::from_slice(&[3i64])), error_text("embedding_range"));
    assert_eq!(err(Tensor::from_slice(&[-1i64])), error_text("embedding_negative"));
    assert_eq!(err(Tensor::from_slice(&[1.0f32])), error_text("embedding_float"));
    assert_eq!(err(Tensor::from_slice(&[true])), error_text("embedding_bool"));
    let frozen = nn::Embedding::from_pretrained(Tensor::ones(&[3, 2]), true);
    assert!(!frozen.weight.requires_grad() && frozen.forward(&Tensor::from_slice(&[2i64])).shape() == [1, 2]);
}

// ---- activations ------------------------------------------------------------------------------

fn activation(name: &str, a: &Value) -> Box<dyn Module> {
    let arg = |k: &str, default: f64| a.get(k).and_then(Value::as_f64).unwrap_or(default);
    match name {
        "ReLU" => Box::new(nn::ReLU::new()),
        "LeakyReLU" => {
            Box::new(a.get("negative_slope").map_or_else(nn::LeakyReLU::default, |s| nn::LeakyReLU::new(f(s))))
        }
        "ELU" => Box::new(a.get("alpha").map_or_else(nn::ELU::default, |s| nn::ELU::new(f(s)))),
        "GELU" => Box::new(nn::GELU::new().approximate(a.get("approximate").and_then(Value::as_str).unwrap_or("none"))),
        "SiLU" => Box::new(nn::SiLU::new()),
        "Sigmoid" => Box::new(nn::Sigmoid::new()),
        "Tanh" => Box::new(nn::Tanh::new()),
        "Softmax" => Box::new(nn::Softmax::new(a["dim"].as_i64().unwrap())),
        "LogSoftmax" => Box::new(nn::LogSoftmax::new(a["dim"].as_i64().unwrap())),
        "Softplus" if a.get("beta").is_none() => Box::new(nn::Softplus::default()),
        "Softplus" => Box::new(nn::Softplus::new(arg("beta", 1.0), arg("threshold", 20.0))),
        other => panic!("unknown activation {other}"),
    }
}

#[test]
fn activations_match_torch() {
    for c in fixture()["activations"].as_array().unwrap() {
        let what = format!("{} {}", c["name"], c["args"]);
        let m = activation(c["name"].as_str().unwrap(), &c["args"]);
        assert_eq!(m.repr(), c["repr"].as_str().unwrap(), "{what}");
        assert!(m.parameters().is_empty());
        let x = input_from(&c["x"]);
        let y = m.forward(&x);
        // exp, erf and tanh go through MKL in PyTorch: compare with a tolerance.
        assert_close(&y, &c["y"], 1e-5, 1e-6, &format!("{what}: y"));
        backward_with(&y, c);
        assert_close(&x.grad().unwrap(), &c["x_grad"], 1e-5, 1e-6, &format!("{what}: x.grad"));
    }
    let bad = nn::GELU::new().approximate("fast");
    assert_eq!(panic_text(|| drop(bad.forward(&Tensor::ones(&[1])))), error_text("gelu"));
}

// ---- Flatten / Unflatten / Identity -------------------------------------------------------------

#[test]
fn flatten_shapes_match_torch() {
    for c in fixture()["flatten"].as_array().unwrap() {
        let x = Tensor::zeros(&shape(&c["in"]));
        let y = if c.get("start").is_some() {
            nn::Flatten::new(c["start"].as_i64().unwrap(), c["end"].as_i64().unwrap()).forward(&x)
        } else {
            let sizes: Vec<i64> = c["sizes"].as_array().unwrap().iter().map(|s| s.as_i64().unwrap()).collect();
            nn::Unflatten::new(c["dim"].as_i64().unwrap(), &sizes).forward(&x)
        };
        assert_eq!(y.shape(), shape(&c["out"]).as_slice(), "{c}");
    }
    // Flattening a transposed tensor copies; unflattening it is a view.
    let t = Tensor::arange(0, 6, 1).reshape(&[2, 3]).t();
    assert_eq!(nn::Flatten::new(0, 1).forward(&t).to_vec::<i64>(), vec![0, 3, 1, 4, 2, 5]);
    let u = nn::Unflatten::new(0, &[3, 1]).forward(&t);
    assert!(u.shares_storage(&t) && u.shape() == [3, 1, 2]);
    let e = |d: i64, s: &[i64]| nn::Unflatten::new(d, s).try_forward(&Tensor::ones(&[2, 6])).unwrap_err().to_string();
    assert_eq!(e(1, &[2, 2]), error_text("unflatten"));
    assert_eq!(e(-1, &[4, 2]), error_text("unflatten_neg"));
    assert_eq!(e(1, &[]), error_text("unflatten_empty"));
}

// ---- the seed program ----------------------------------------------------------------------------

#[test]
fn seed3_sequential_first_step_matches_torch() {
    let _g = common::global_rng();
    let e = &fixture()["seed3"];
    torchlight::manual_seed(0);
    let x = Tensor::linspace(-std::f64::consts::PI, std::f64::consts::PI, 2000);
    let y = x.sin();
    let p = Tensor::from_slice(&[1i64, 2, 3]);
    let xx = x.unsqueeze(-1).pow(&p);
    let model = nn::Sequential::new().add(nn::Linear::new(3, 1)).add(nn::Flatten::new(0, 1));
    let linear: &nn::Linear = model.get(0).unwrap();
    assert_close(&linear.weight, &e["weight"], 0.0, 0.0, "weight");
    assert_close(linear.bias.as_ref().unwrap(), &e["bias"], 0.0, 0.0, "bias");
    let loss = (model.forward(&xx) - &y).pow(2).sum();
    let expected = f(&e["loss"]);
    assert!((loss.item() - expected).abs() <= 1e-5 * expected, "loss {} vs {expected}", loss.item());
    model.zero_grad();
    loss.backward();
    assert_close(&linear.weight.grad().unwrap(), &e["weight_grad"], 1e-4, 1e-2, "weight grad");
    assert_close(&linear.bias.as_ref().unwrap().grad().unwrap(), &e["bias_grad"], 1e-4, 1e-2, "bias grad");
}
