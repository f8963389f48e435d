//! Module semantics against PyTorch (fixtures from scripts/gen_nn_fixtures.py): registration
//! order and names, state dicts and load_state_dict, train/eval, zero_grad, freezing,
//! printing, and `#[derive(Module)]`.

mod common;

use common::{assert_close, load_fixture, tensor_from};
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use torchlight::nn::{self, Module, StateDict};
use torchlight::{DType, Tensor};

fn fixture() -> &'static Value {
    static F: OnceLock<Value> = OnceLock::new();
    F.get_or_init(|| load_fixture("nn.json"))
}

/// `f` run right after `manual_seed(seed)`, as the fixture's models were built.
fn seeded<R>(seed: u64, f: impl FnOnce() -> R) -> R {
    torchlight::manual_seed(seed);
    f()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

fn bools(v: &Value) -> Vec<bool> {
    v.as_array().unwrap().iter().map(|s| s.as_bool().unwrap()).collect()
}

// ---- the models of the fixture script, rebuilt with the derive ---------------------------------

fn model_mixed() -> nn::Sequential {
    nn::Sequential::new()
        .add(nn::Linear::new(2, 3))
        .add(nn::Identity::new())
        .add(nn::Dropout::new(0.1))
        .add(nn::LayerNorm::new(&[3]))
        .add(nn::Linear::new(3, 1))
}

#[derive(Module)]
#[module(no_forward)]
struct AttrOrder {
    fc2: nn::Linear,
    w: nn::Parameter,
    fc1: nn::Linear,
}

fn attr_order() -> AttrOrder {
    AttrOrder { fc2: nn::Linear::new(1, 2), w: nn::Parameter(Tensor::zeros(&[2])), fc1: nn::Linear::new(2, 1) }
}

#[derive(Module)]
#[module(no_forward)]
struct Net {
    encoder: nn::Sequential,
    scale: nn::Parameter,
    #[buffer]
    running: Tensor,
    #[buffer(persistent = false)]
    scratch: Tensor,
    heads: nn::ModuleList,
    norm: nn::LayerNorm,
    extra: nn::ModuleDict,
    training: nn::TrainingFlag,
}

fn net() -> Net {
    Net {
        encoder: nn::Sequential::new().add(nn::Linear::new(4, 3)).add(nn::Dropout::new(0.5)).add(nn::Linear::new(3, 2)),
        scale: nn::Parameter(Tensor::ones(&[2])),
        running: Tensor::zeros(&[2]),
        scratch: Tensor::zeros(&[2]),
        heads: nn::ModuleList::new().add(nn::Linear::new(2, 1)).add(nn::Linear::new(2, 1)),
        norm: nn::LayerNorm::new(&[2]).elementwise_affine(false),
        extra: nn::ModuleDict::new().add("b", nn::Linear::new(2, 2)).add("a", nn::Identity::new()),
        training: Default::default(),
    }
}

/// A `Vec` of modules is a ModuleList; this one also has a forward.
#[derive(Module)]
struct Stack {
    layers: Vec<nn::Linear>,
    out: nn::Linear,
}

impl Stack {
    fn forward(&self, x: &Tensor) -> Tensor {
        let h = self.layers.iter().fold(x.clone(), |h, l| l.forward(&h));
        self.out.forward(&h)
    }
}

fn stack() -> Stack {
    Stack { layers: (0..3).map(|_| nn::Linear::new(2, 2)).collect(), out: nn::Linear::no_bias(2, 1) }
}

/// Seed stage 5's custom module.
#[derive(Module)]
struct Polynomial3 {
    a: Tensor,
    b: Tensor,
    c: Tensor,
    d: Tensor,
}

impl Polynomial3 {
    fn new() -> Polynomial3 {
        Polynomial3 {
            a: nn::Parameter(Tensor::randn(&[])),
            b: nn::Parameter(Tensor::randn(&[])),
            c: nn::Parameter(Tensor::randn(&[])),
            d: nn::Parameter(Tensor::randn(&[])),
        }
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        &self.a + &self.b * x + &self.c * x.pow(2) + &self.d * x.pow(3)
    }
}

fn model_shared() -> nn::Sequential {
    let lin = Arc::new(nn::Linear::new(2, 2));
    nn::Sequential::new().add(lin.clone()).add(lin).add(nn::Linear::new(2, 1))
}

fn model_tied() -> nn::Sequential {
    let a = nn::Linear::new(3, 3);
    let b = nn::Linear::new(3, 3);
    let b = nn::Linear::from_parts(a.weight.clone(), b.bias);
    nn::Sequential::new().add(a).add(b)
}

fn check_names(m: &dyn Module, name: &str) {
    let e = &fixture()["registration"][name];
    let names = |v: Vec<(String, Tensor)>| v.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
    assert_eq!(names(m.named_parameters()), strings(&e["params"]), "{name}: named_parameters");
    assert_eq!(names(m.named_buffers()), strings(&e["buffers"]), "{name}: named_buffers");
    assert_eq!(m.state_dict().keys().collect::<Vec<_>>(), strings(&e["state_dict"]), "{name}: state_dict");
    let modules: Vec<String> = m.named_modules().into_iter().map(|(n, _)| n).collect();
    assert_eq!(modules, strings(&e["modules"]), "{name}: named_modules");
    let types: Vec<String> = m.modules().into_iter().map(|m| m.type_name()).collect();
    assert_eq!(types, strings(&e["module_types"]), "{name}: module types");
    let children: Vec<String> = m.named_children().into_iter().map(|(n, _)| n).collect();
    assert_eq!(children, strings(&e["children"]), "{name}: named_children");
    assert_eq!(m.parameters().len(), m.named_parameters().len());
}

#[test]
fn registration_order_and_names_match_torch() {
    let _g = common::global_rng();
    check_names(&model_mixed(), "mixed");
    check_names(&attr_order(), "attr_order");
    check_names(&net(), "net");
    check_names(&stack(), "stack");
    check_names(&model_shared(), "shared");
    check_names(&model_tied(), "tied");
    check_names(&Polynomial3::new(), "polynomial3");
}

#[test]
fn shared_parameters_are_the_same_tensors() {
    let _g = common::global_rng();
    let m = model_shared();
    let sd = m.state_dict();
    // Saved under both names, detached, sharing the parameter's storage.
    assert!(sd["0.weight"].shares_storage(&sd["1.weight"]));
    assert!(!sd["0.weight"].requires_grad());
    assert!(m.parameters()[0].requires_grad());
}

// ---- load_state_dict --------------------------------------------------------------------------

fn model_by_name(name: &str) -> Box<dyn Module> {
    if name.starts_with("net") {
        Box::new(net())
    } else if name.starts_with("scalar") {
        Box::new(Polynomial3::new())
    } else {
        Box::new(nn::Sequential::new().add(nn::Linear::new(3, 2)).add(nn::Flatten::new(0, 1)))
    }
}

fn entries(v: &Value) -> StateDict {
    v.as_array().unwrap().iter().map(|e| (e[0].as_str().unwrap().to_string(), tensor_from(&e[1]))).collect()
}

#[test]
fn load_state_dict_matches_torch() {
    let _g = common::global_rng();
    for case in fixture()["load"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let model = seeded(0, || model_by_name(name));
        let sd = entries(&case["entries"]);
        let r = model.load_state_dict(&sd, case["strict"].as_bool().unwrap());
        match case["error"].as_str() {
            Some(msg) => assert_eq!(r.unwrap_err().to_string(), msg, "{name}"),
            None => {
                let keys = r.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(keys.missing_keys, strings(&case["missing"]), "{name}: missing");
                assert_eq!(keys.unexpected_keys, strings(&case["unexpected"]), "{name}: unexpected");
                let after = model.state_dict();
                let expected = case["after"].as_array().unwrap();
                assert_eq!(after.len(), expected.len(), "{name}");
                for (e, (k, t)) in expected.iter().zip(after.iter()) {
                    assert_eq!(e[0].as_str().unwrap(), k);
                    assert_close(t, &e[1], 0.0, 0.0, &format!("{name}: {k}"));
                }
            }
        }
    }
}

#[test]
fn state_dict_round_trip_copies_values_in_place() {
    let _g = common::global_rng();
    let a = seeded(3, model_mixed);
    let b = seeded(4, model_mixed);
    let w_before = b.parameters()[0].clone();
    assert!(!w_before.equal(&a.parameters()[0]));
    let keys = b.load_state_dict(&a.state_dict(), true).unwrap();
    assert_eq!(keys, nn::IncompatibleKeys::default());
    for ((ka, ta), (kb, tb)) in a.state_dict().iter().zip(b.state_dict().iter()) {
        assert_eq!(ka, kb);
        assert!(ta.equal(tb), "{ka}");
        assert!(!ta.shares_storage(tb), "{ka}: loading copies");
    }
    // The parameter object is kept (optimizers hold it) and still requires grad.
    assert!(b.parameters()[0].is_same(&w_before) && w_before.requires_grad());
}

// ---- modes, gradients, conversion -------------------------------------------------------------

#[test]
fn train_eval_propagates_like_torch() {
    let _g = common::global_rng();
    let e = &fixture()["train_eval"];
    let n = net();
    let modes = |m: &Net| m.modules().into_iter().map(|m| m.is_training()).collect::<Vec<_>>();
    assert_eq!(modes(&n), bools(&e["initial"]));
    n.eval();
    assert_eq!(modes(&n), bools(&e["after_eval"]));
    n.heads.train(true);
    assert_eq!(modes(&n), bools(&e["after_heads_train"]));
    n.train(true);
    assert_eq!(modes(&n), bools(&e["after_train"]));
    // Dropout follows its flag.
    n.eval();
    let x = Tensor::ones(&[2, 4]);
    assert!(n.encoder.forward(&x).equal(&n.encoder.forward(&x)));
}

#[test]
fn requires_grad_freezes_and_zero_grad_resets() {
    let _g = common::global_rng();
    let e = &fixture()["grads"];
    let (model, x) = seeded(0, || {
        let m = nn::Sequential::new().add(nn::Linear::new(3, 4)).add(nn::Linear::new(4, 2));
        let x = Tensor::randn(&[5, 3]);
        (m, x)
    });
    assert_close(&x, &e["x"], 0.0, 0.0, "x");
    for (p, ep) in model.parameters().iter().zip(e["params"].as_array().unwrap()) {
        assert_close(p, ep, 0.0, 0.0, "initial parameter");
    }
    model.get::<nn::Linear>(0).unwrap().requires_grad_(false);
    model.forward(&x).sum().backward();
    let params = model.parameters();
    let rg: Vec<bool> = params.iter().map(|p| p.requires_grad()).collect();
    assert_eq!(rg, bools(&e["requires_grad"]));
    let none: Vec<bool> = params.iter().map(|p| p.grad().is_none()).collect();
    assert_eq!(none, bools(&e["grad_is_none"]));
    for (p, g) in params.iter().zip(e["grads"].as_array().unwrap()) {
        if !g.is_null() {
            assert_close(&p.grad().unwrap(), g, 1e-5, 1e-6, "grad");
        }
    }
    model.zero_grad();
    let none: Vec<bool> = params.iter().map(|p| p.grad().is_none()).collect();
    assert_eq!(none, bools(&e["after_zero_grad_is_none"]));
}

#[test]
fn to_dtype_converts_parameters_and_keeps_ties() {
    let _g = common::global_rng();
    let mut m = model_tied();
    let x = Tensor::ones(&[1, 3]);
    m.forward(&x).sum().backward();
    m.to_dtype_(DType::F64);
    let sd = m.state_dict();
    assert!(sd.values().all(|t| t.dtype() == DType::F64));
    let params = m.parameters();
    assert_eq!(params.len(), 3, "the tied weight is still one tensor");
    assert!(params.iter().all(|p| p.requires_grad() && p.is_leaf()));
    assert_eq!(params[0].grad().unwrap().dtype(), DType::F64);
    let y = m.forward(&x.double());
    assert_eq!(y.dtype(), DType::F64);
    let back = stack().double().float();
    assert!(back.parameters().iter().all(|p| p.dtype() == DType::F32));
}

#[test]
fn repr_matches_torch() {
    let _g = common::global_rng();
    let e = &fixture()["repr"];
    let check = |m: &dyn Module, name: &str| assert_eq!(m.repr(), e[name].as_str().unwrap(), "{name}");
    check(&model_mixed(), "mixed");
    check(&net(), "net");
    check(&stack(), "stack");
    let big = nn::ModuleList::new()
        .add(nn::Linear::new(1, 1))
        .add(nn::Linear::new(1, 1))
        .add(nn::Identity::new())
        .add(nn::Linear::new(1, 1));
    check(&big, "module_list");
    check(&nn::Sequential::new(), "empty_sequential");
    check(&nn::ModuleList::new(), "empty_module_list");
    check(&vec![nn::Parameter(Tensor::zeros(&[2, 3]))], "parameter_list_1");
    check(&vec![nn::Parameter(Tensor::zeros(&[2, 3])), nn::Parameter(Tensor::zeros(&[2]))], "parameter_list_2");
    check(&nn::Linear::no_bias(3, 2), "linear_no_bias");
    check(&nn::Dropout::new(0.25), "dropout");
    check(&nn::LayerNorm::new(&[2, 3]).eps(1e-6).elementwise_affine(false), "layernorm_23");
    check(&nn::LayerNorm::new(&[5]).bias(false), "layernorm_no_bias");
    check(&nn::Flatten::default(), "flatten");
    check(&nn::Unflatten::new(1, &[6]), "unflatten");
    check(&nn::Embedding::new(10, 3), "embedding");
    check(&nn::Embedding::new(10, 3).padding_idx(-2), "embedding_padding");
    let boxed: Box<dyn Module> = Box::new(model_mixed());
    assert_eq!(format!("{boxed}"), e["mixed"].as_str().unwrap());
}

#[test]
fn missing_forward_panics_with_torchs_message() {
    let _g = common::global_rng();
    let msg = fixture()["errors"]["missing_forward"].as_str().unwrap().to_string();
    let err = std::panic::catch_unwind(|| nn::ModuleList::new().forward(&Tensor::ones(&[1]))).unwrap_err();
    assert_eq!(err.downcast_ref::<String>().unwrap(), &msg);
    let err = std::panic::catch_unwind(|| attr_order().forward(&Tensor::ones(&[1]))).unwrap_err();
    assert_eq!(
        err.downcast_ref::<String>().unwrap(),
        "Module [AttrOrder] is missing the required \"forward\" function"
    );
}

// ---- the derive -------------------------------------------------------------------------------

#[test]
fn seed5_polynomial3_first_step_matches_torch() {
    let _g = common::global_rng();
    let e = &fixture()["seed5"];
    let (model, x) =
        seeded(0, || (Polynomial3::new(), Tensor::linspace(-std::f64::consts::PI, std::f64::consts::PI, 2000)));
    for (name, p) in model.named_parameters() {
        assert_close(&p, &e["init"][&name], 0.0, 0.0, &name);
    }
    let y = x.sin();
    // `Module::forward` (through the trait) and the inherent forward agree.
    let dynamic: &dyn Module = &model;
    assert!(dynamic.forward(&x).equal(&model.forward(&x)));
    let loss = (model.forward(&x) - &y).pow(2).sum();
    let expected = e["loss"].as_f64().unwrap();
    assert!((loss.item() - expected).abs() <= 1e-5 * expected.abs(), "loss {} vs {expected}", loss.item());
    loss.backward();
    for (name, p) in model.named_parameters() {
        assert_close(&p.grad().unwrap(), &e["grads"][&name], 1e-4, 1e-3, &name);
    }
}

/// Options, skipped fields, plain data, tuple structs, `Box<dyn Module>` and generic structs.
#[derive(Module)]
#[module(name = "Fancy", no_forward)]
struct Fancy {
    bias: Option<Tensor>,
    missing: Option<Tensor>,
    #[buffer]
    count: Option<Tensor>,
    head: Option<nn::Linear>,
    none_head: Option<nn::Linear>,
    body: Box<dyn Module>,
    inner: Wrapper,
    params: Vec<Tensor>,
    hidden: usize,
    eps: f64,
    label: String,
    shape: Vec<usize>,
    #[module(skip)]
    cache: std::sync::Mutex<Option<Tensor>>,
}

#[derive(Module)]
struct Wrapper(nn::Linear, #[buffer] Tensor);

impl Wrapper {
    fn forward(&self, x: &Tensor) -> Tensor {
        self.0.forward(x) + &self.1
    }
}

#[derive(Module)]
#[module(no_forward)]
struct Generic<M: Module> {
    first: M,
    second: M,
}

#[test]
fn derive_handles_options_plain_data_and_wrappers() {
    let _g = common::global_rng();
    let f = Fancy {
        bias: Some(nn::Parameter(Tensor::zeros(&[2]))),
        missing: None,
        count: Some(Tensor::zeros_dtype(&[], DType::I64)),
        head: Some(nn::Linear::new(2, 2)),
        none_head: None,
        body: Box::new(nn::Sequential::new().add(nn::Linear::new(2, 1))),
        inner: Wrapper(nn::Linear::new(1, 1), Tensor::ones(&[1])),
        params: vec![nn::Parameter(Tensor::ones(&[1])), nn::Parameter(Tensor::ones(&[3]))],
        hidden: 2,
        eps: 0.1,
        label: "x".into(),
        shape: vec![1],
        cache: Default::default(),
    };
    let names: Vec<String> = f.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "bias",
            "head.weight",
            "head.bias",
            "body.0.weight",
            "body.0.bias",
            "inner.0.weight",
            "inner.0.bias",
            "params.0",
            "params.1"
        ]
    );
    let keys: Vec<String> = f.state_dict().keys().map(String::from).collect();
    assert_eq!(keys[..2], ["bias", "count"]);
    assert!(keys.contains(&"inner.1".to_string()));
    assert_eq!(f.type_name(), "Fancy");
    let types: Vec<String> = f.modules().into_iter().map(|m| m.type_name()).collect();
    assert_eq!(types, ["Fancy", "Linear", "Sequential", "Linear", "Wrapper", "Linear", "ParameterList"]);
    assert_eq!(f.inner.forward(&Tensor::zeros(&[1])).shape(), &[1]);
    assert!(f.hidden == 2 && f.eps == 0.1 && f.label == "x" && f.shape == [1] && f.cache.lock().unwrap().is_none());
    // Without a flag of its own, a module reports its first child's mode.
    f.eval();
    assert!(!f.is_training() && !f.head.as_ref().unwrap().is_training());

    let g = Generic { first: nn::Linear::new(1, 2), second: nn::Linear::new(2, 1) };
    assert_eq!(g.named_parameters()[2].0, "second.weight");
    assert_eq!(g.type_name(), "Generic");
}

#[test]
fn containers_give_typed_access() {
    let _g = common::global_rng();
    let model = nn::Sequential::new().add(nn::Linear::new(3, 1)).add(nn::Flatten::new(0, 1));
    let linear: &nn::Linear = model.get(0).unwrap();
    assert_eq!((linear.in_features, linear.out_features), (3, 1));
    assert!(model.get::<nn::Linear>(1).is_none() && model.get::<nn::Linear>(2).is_none());
    assert!(model[1].is::<nn::Flatten>());
    assert_eq!(model.iter().count(), 2);
    let shared = Arc::new(nn::Linear::new(2, 2));
    let list = nn::ModuleList::new().add(shared.clone()).add(Box::new(nn::Identity::new()) as Box<dyn Module>);
    assert!(list.get::<nn::Linear>(0).unwrap().weight.is_same(&shared.weight), "downcasts see through Arc");
    assert!(list[1].is::<nn::Identity>(), "and through Box");
    let named = nn::Sequential::new().add_named("fc", nn::Linear::new(2, 1)).add_named("act", nn::Identity::new());
    assert_eq!(named.state_dict().keys().collect::<Vec<_>>(), ["fc.weight", "fc.bias"]);
    let dict = nn::ModuleDict::new().add("x", nn::Linear::new(1, 1));
    assert!(dict.get::<nn::Linear>("x").is_some() && dict.get::<nn::Identity>("x").is_none());
}

#[test]
fn apply_visits_children_first() {
    let _g = common::global_rng();
    let m = net();
    let mut seen = Vec::new();
    m.apply(&mut |m| seen.push(m.type_name()));
    assert_eq!(seen.first().map(String::as_str), Some("Linear"));
    assert_eq!(seen.last().map(String::as_str), Some("Net"));
    assert_eq!(seen.len(), m.modules().len());
    m.apply(&mut |m| {
        if let Some(l) = m.downcast_ref::<nn::Linear>() {
            nn::init::zeros_(&l.weight);
        }
    });
    assert!(m.heads.get::<nn::Linear>(1).unwrap().weight.equal(&Tensor::zeros(&[1, 2])));
}

#[test]
fn modules_are_send_and_sync() {
    let _g = common::global_rng();
    fn check<T: Send + Sync>(_: &T) {}
    check(&model_mixed());
    check(&net());
    let m = Arc::new(model_mixed());
    let m2 = m.clone();
    let y = std::thread::spawn(move || m2.forward(&Tensor::ones(&[1, 2])).shape().to_vec()).join().unwrap();
    assert_eq!(y, [1, 1]);
}

#[test]
fn state_dict_map_behaves_like_an_ordered_dict() {
    let _g = common::global_rng();
    let mut sd = StateDict::new();
    sd.insert("b", Tensor::zeros(&[1]));
    sd.insert("a", Tensor::zeros(&[2]));
    sd.insert("b", Tensor::ones(&[3]));
    assert_eq!(sd.keys().collect::<Vec<_>>(), ["b", "a"]);
    assert_eq!(sd["b"].shape(), &[3]);
    assert_eq!(sd.remove("b").unwrap().shape(), &[3]);
    assert_eq!(sd.get("a").unwrap().shape(), &[2]);
    assert!(sd.get("b").is_none() && sd.len() == 1);
    let pairs: Vec<(String, Tensor)> = sd.into_iter().collect();
    assert_eq!(pairs[0].0, "a");
}
