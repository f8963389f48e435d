//! Optimizers against PyTorch: 50-step trajectories for every option combination, final
//! state dicts and group options, state-dict round trips, param groups, zero_grad, gradient
//! clipping and every constructor error. Fixtures: scripts/gen_optim_fixtures.py.

mod common;

use common::{assert_close, load_fixture, tensor_from};
use serde_json::Value as J;
use std::sync::OnceLock;
use torchlight::optim::{self, Dict, Optimizer, OptimizerStateDict, ParamGroup, Value};
use torchlight::{BackwardOptions, Tensor};

fn fixture() -> &'static J {
    static F: OnceLock<J> = OnceLock::new();
    F.get_or_init(|| load_fixture("optim.json"))
}

/// The fixture's problem: initial parameters and the gradient rule's constants.
struct Problem {
    w0: Tensor,
    b0: Tensor,
    z0: Tensor,
    c1: Vec<f32>,
    c2: Vec<f32>,
    noise: Vec<f32>,
}

fn problem() -> Problem {
    let p = &fixture()["problem"];
    Problem {
        w0: tensor_from(&p["w0"]),
        b0: tensor_from(&p["b0"]),
        z0: tensor_from(&p["z0"]),
        c1: tensor_from(&p["c1"]).to_vec(),
        c2: tensor_from(&p["c2"]).to_vec(),
        noise: tensor_from(&p["noise"]).to_vec(),
    }
}

impl Problem {
    /// Fresh leaf parameters w (3,2), b (2,), z (2,).
    fn params(&self) -> [Tensor; 3] {
        [self.w0.copy().requires_grad_(true), self.b0.copy().requires_grad_(true), self.z0.copy().requires_grad_(true)]
    }

    /// `grad = (p * c1 + c2) + noise[t]` for w and b, op by op as the generator; z gets none.
    fn set_grads(&self, params: &[Tensor; 3], t: usize) {
        for (p, range) in [(&params[0], 0..6), (&params[1], 6..8)] {
            let piece = |v: &[f32]| Tensor::from_vec(v[range.clone()].to_vec(), p.shape());
            let noise = Tensor::from_vec(self.noise[t * 8 + range.start..t * 8 + range.end].to_vec(), p.shape());
            let g = &(&(&p.detach() * &piece(&self.c1)) + &piece(&self.c2)) + &noise;
            p.set_grad(Some(g));
        }
    }
}

fn hex_f32s(s: &str) -> Vec<f32> {
    (0..s.len() / 8).map(|i| f32::from_bits(u32::from_str_radix(&s[8 * i..8 * i + 8], 16).unwrap())).collect()
}

/// A JSON option value as a group option.
fn to_value(v: &J) -> Value {
    match v {
        J::Null => Value::None,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => n.as_i64().map_or(Value::Float(n.as_f64().unwrap()), Value::Int),
        J::String(s) => Value::Str(s.clone()),
        J::Array(a) => Value::List(a.iter().map(to_value).collect()),
        J::Object(_) => panic!("unexpected nested dict"),
    }
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q)),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

/// Asserts that a group dict has torch's keys, in torch's order, with torch's values
/// (`expected` is a list of `[key, value]` pairs).
#[track_caller]
fn assert_dict(actual: &Dict, expected: &J, what: &str) {
    let exp: Vec<(&str, &J)> =
        expected.as_array().unwrap().iter().map(|kv| (kv[0].as_str().unwrap(), &kv[1])).collect();
    let keys: Vec<&str> = actual.keys().collect();
    let exp_keys: Vec<&str> = exp.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, exp_keys, "{what}: keys");
    for (k, v) in exp {
        assert!(same_value(actual.get(k).unwrap(), &to_value(v)), "{what}: {k} = {:?}, torch {v}", actual.get(k));
    }
}

fn kw(cfg: &J, key: &str) -> Option<f64> {
    cfg["kwargs"].get(key).and_then(J::as_f64)
}

fn kw_bool(cfg: &J, key: &str) -> bool {
    cfg["kwargs"].get(key).and_then(J::as_bool).unwrap_or(false)
}

fn kw_betas(cfg: &J) -> Option<(f64, f64)> {
    let b = cfg["kwargs"].get("betas")?.as_array()?;
    Some((b[0].as_f64()?, b[1].as_f64()?))
}

/// The fixture's optimizer: builder methods for one group, `try_new` with options for groups.
fn build(cfg: &J, params: &[Tensor; 3]) -> Box<dyn Optimizer> {
    let name = cfg["optimizer"].as_str().unwrap();
    let lr = kw(cfg, "lr").unwrap();
    if let Some(groups) = cfg["groups"].as_array() {
        let with = |g: ParamGroup, o: &J| {
            o.as_array().unwrap().iter().fold(g, |g, kv| g.with(kv[0].as_str().unwrap(), to_value(&kv[1])))
        };
        let groups = vec![
            with(ParamGroup::new(vec![params[0].clone()]), &groups[0]),
            with(ParamGroup::new(vec![params[1].clone(), params[2].clone()]), &groups[1]),
        ];
        return match name {
            "SGD" => {
                let o = optim::SGDOptions { lr, momentum: kw(cfg, "momentum").unwrap_or(0.0), ..Default::default() };
                Box::new(optim::SGD::try_new(groups, o).unwrap())
            }
            "Adam" => Box::new(optim::Adam::try_new(groups, optim::AdamOptions { lr, ..Default::default() }).unwrap()),
            other => panic!("no group case for {other}"),
        };
    }
    let ps = params.to_vec();
    let f = |k: &str, d: f64| kw(cfg, k).unwrap_or(d);
    match name {
        "SGD" => Box::new(
            optim::SGD::new(ps, lr)
                .momentum(f("momentum", 0.0))
                .dampening(f("dampening", 0.0))
                .nesterov(kw_bool(cfg, "nesterov"))
                .weight_decay(f("weight_decay", 0.0))
                .maximize(kw_bool(cfg, "maximize")),
        ),
        "RMSprop" => Box::new(
            optim::RMSprop::new(ps, lr)
                .alpha(f("alpha", 0.99))
                .eps(f("eps", 1e-8))
                .centered(kw_bool(cfg, "centered"))
                .momentum(f("momentum", 0.0))
                .weight_decay(f("weight_decay", 0.0))
                .maximize(kw_bool(cfg, "maximize")),
        ),
        "Adam" | "AdamW" => {
            let (b1, b2) = kw_betas(cfg).unwrap_or((0.9, 0.999));
            let wd = f("weight_decay", if name == "Adam" { 0.0 } else { 1e-2 });
            let (eps, ams, max) = (f("eps", 1e-8), kw_bool(cfg, "amsgrad"), kw_bool(cfg, "maximize"));
            if name == "Adam" {
                Box::new(optim::Adam::new(ps, lr).betas(b1, b2).eps(eps).weight_decay(wd).amsgrad(ams).maximize(max))
            } else {
                Box::new(optim::AdamW::new(ps, lr).betas(b1, b2).eps(eps).weight_decay(wd).amsgrad(ams).maximize(max))
            }
        }
        "Adagrad" => Box::new(
            optim::Adagrad::new(ps, lr)
                .lr_decay(f("lr_decay", 0.0))
                .weight_decay(f("weight_decay", 0.0))
                .initial_accumulator_value(f("initial_accumulator_value", 0.0))
                .eps(f("eps", 1e-10))
                .maximize(kw_bool(cfg, "maximize")),
        ),
        other => panic!("unknown optimizer {other}"),
    }
}

/// Relative tolerance of a trajectory. SGD uses no square root and must match bit for
/// bit; the others go through torch's MKL sqrt, which is not correctly rounded (§0.2).
fn rtol(cfg: &J) -> f64 {
    if cfg["optimizer"] == "SGD" {
        0.0
    } else {
        2e-6
    }
}

/// FNV-1a (64-bit) over 32-bit words, as the generator computes it.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xCBF29CE484222325)
    }
}

impl Fnv {
    fn words(&mut self, words: impl Iterator<Item = u32>) {
        for w in words {
            self.0 = (self.0 ^ w as u64).wrapping_mul(0x100000001B3);
        }
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

fn flat(params: &[Tensor; 3]) -> Vec<f32> {
    let mut v = params[0].to_vec::<f32>();
    v.extend(params[1].to_vec::<f32>());
    v
}

#[track_caller]
fn assert_step(actual: &[f32], expected: &[f32], rtol: f64, what: &str) {
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        let (a, e) = (a as f64, e as f64);
        assert!(a == e || (a - e).abs() <= rtol * (e.abs() + 1.0), "{what}: element {i}: got {a}, torch {e}");
    }
}

#[test]
fn trajectories_match_torch() {
    let pb = problem();
    let steps = fixture()["steps"].as_u64().unwrap() as usize;
    for (name, cfg) in fixture()["trajectories"].as_object().unwrap() {
        let expected = hex_f32s(cfg["params"].as_str().unwrap());
        let params = pb.params();
        let mut opt = build(cfg, &params);
        let mut hash = Fnv::default();
        for t in 0..steps {
            pb.set_grads(&params, t);
            opt.step();
            hash.words(flat(&params).iter().map(|v| v.to_bits()));
            assert_step(&flat(&params), &expected[8 * t..8 * t + 8], rtol(cfg), &format!("{name} step {}", t + 1));
        }
        // With torch's sqrt replaced by a correctly rounded one, every step matches bit for bit.
        assert_eq!(hash.hex(), cfg["exact_sqrt_fnv"].as_str().unwrap(), "{name}: bit-exact trajectory");
        assert!(params[2].equal(&pb.z0), "{name}: a parameter without gradient must not move");
        // The final state dict: same entries as torch's, same values.
        let sd = opt.state_dict();
        let exp_state = cfg["state"].as_object().unwrap();
        let idx: Vec<String> = sd.state.keys().map(|k| k.to_string()).collect();
        assert_eq!(idx, exp_state.keys().cloned().collect::<Vec<_>>(), "{name}: state indices");
        for (i, st) in &sd.state {
            let exp = exp_state[&i.to_string()].as_object().unwrap();
            assert_eq!(st.keys().collect::<Vec<_>>(), exp.keys().collect::<Vec<_>>(), "{name}: state keys");
            for (k, t) in st {
                let tol = if k == "step" { 0.0 } else { rtol(cfg).max(1e-6) };
                assert_close(t, &exp[k], tol, 1e-7, &format!("{name}: state {i} {k}"));
            }
        }
        for (g, exp) in sd.param_groups.iter().zip(cfg["param_groups"].as_array().unwrap()) {
            assert_dict(g, exp, &format!("{name}: param group"));
        }
    }
}

#[test]
fn state_dict_round_trip_continues_the_same_trajectory() {
    let pb = problem();
    for (name, cfg) in fixture()["trajectories"].as_object().unwrap() {
        let (a, b) = (pb.params(), pb.params());
        let mut full = build(cfg, &a);
        let mut first = build(cfg, &b);
        for t in 0..10 {
            pb.set_grads(&a, t);
            full.step();
            pb.set_grads(&b, t);
            first.step();
        }
        let saved: OptimizerStateDict = first.state_dict();
        drop(first);
        // A fresh optimizer over fresh tensors holding the same values.
        let c = pb.params();
        for (dst, src) in c.iter().zip(&b) {
            torchlight::no_grad(|| {
                dst.copy_(src);
            });
        }
        let mut resumed = build(cfg, &c);
        resumed.load_state_dict(&saved);
        for t in 10..30 {
            pb.set_grads(&a, t);
            full.step();
            pb.set_grads(&c, t);
            resumed.step();
            assert_eq!(flat(&a), flat(&c), "{name}: step {} after reload", t + 1);
        }
        // The saved dict is a snapshot: later steps did not change it.
        let again = resumed.state_dict();
        if let (Some(s0), Some(s1)) = (saved.state.get(&0), again.state.get(&0)) {
            if let (Some(x), Some(y)) = (s0.values().next(), s1.values().next()) {
                assert!(!x.equal(y), "{name}: state dict must be a copy");
            }
        }
    }
}

#[test]
fn defaults_match_torch() {
    let w = || vec![Tensor::zeros(&[1]).requires_grad_(true)];
    let d = &fixture()["defaults"];
    assert_dict(optim::SGD::new(w(), 1e-3).defaults(), &d["SGD"], "SGD");
    assert_dict(optim::RMSprop::new(w(), 1e-2).defaults(), &d["RMSprop"], "RMSprop");
    assert_dict(optim::Adam::new(w(), 1e-3).defaults(), &d["Adam"], "Adam");
    assert_dict(optim::AdamW::new(w(), 1e-3).defaults(), &d["AdamW"], "AdamW");
    assert_dict(optim::Adagrad::new(w(), 1e-2).defaults(), &d["Adagrad"], "Adagrad");
    let o = (optim::SGDOptions::default(), optim::RMSpropOptions::default(), optim::AdamOptions::default());
    assert_eq!((o.0.lr, o.1.lr, o.2.lr), (1e-3, 1e-2, 1e-3));
}

#[test]
fn param_groups_per_group_options_and_add_param_group() {
    let w = Tensor::ones(&[2]).requires_grad_(true);
    let b = Tensor::ones(&[1]).requires_grad_(true);
    let mut opt = optim::SGD::from_groups(vec![ParamGroup::new(vec![w.clone()])], 0.1).momentum(0.9);
    opt.add_param_group(ParamGroup::new(vec![b.clone()]).with("lr", 0.01));
    assert_eq!(opt.get_lr(), vec![0.1, 0.01]);
    // The second group took the default momentum at add time.
    assert_eq!(opt.param_groups()[1].get("momentum"), Some(&Value::Float(0.9)));
    // Per-group lr: grads of 1 move w by 0.1 and b by 0.01.
    w.set_grad(Some(Tensor::ones(&[2])));
    b.set_grad(Some(Tensor::ones(&[1])));
    opt.step();
    assert_eq!(w.to_vec::<f32>(), vec![0.9, 0.9]);
    assert_eq!(b.to_vec::<f32>(), vec![0.99]);
    opt.param_groups_mut()[1].set_lr(0.5);
    opt.set_lr(0.25);
    assert_eq!(opt.get_lr(), vec![0.25, 0.25]);
    // A builder call updates the default and the groups that did not set the option.
    let g = vec![ParamGroup::new(vec![w.clone()]), ParamGroup::new(vec![b.clone()]).with("weight_decay", 0.5)];
    let opt = optim::SGD::from_groups(g, 0.1).weight_decay(0.1);
    let wd: Vec<_> = opt.param_groups().iter().map(|g| g.get("weight_decay").unwrap().as_f64()).collect();
    assert_eq!(wd, vec![Some(0.1), Some(0.5)]);
}

#[test]
fn zero_grad_semantics() {
    let w = Tensor::from_slice(&[1.0f32, 2.0]).requires_grad_(true);
    let opt = optim::SGD::new(vec![w.clone()], 0.1);
    // set_to_none (the default): the grad becomes None.
    (&w * &w).sum().backward();
    opt.zero_grad();
    assert!(w.grad().is_none());
    // set_to_none=false: the same grad tensor, zeroed in place and cut from autograd.
    (&w * &w).sum().backward_with(BackwardOptions { create_graph: true, ..Default::default() });
    let g = w.grad().unwrap();
    assert!(g.grad_fn().is_some(), "a create_graph gradient has a grad_fn");
    opt.zero_grad_with(false);
    let after = w.grad().unwrap();
    assert!(after.is_same(&g));
    assert!(after.grad_fn().is_none() && !after.requires_grad());
    assert_eq!(after.to_vec::<f32>(), vec![0.0, 0.0]);
    // A leaf gradient that requires grad is switched off with requires_grad_(False).
    w.set_grad(Some(Tensor::ones(&[2]).requires_grad_(true)));
    opt.zero_grad_with(false);
    assert!(!w.grad().unwrap().requires_grad());
    // No grad at all: nothing happens.
    w.set_grad(None);
    opt.zero_grad_with(false);
    assert!(w.grad().is_none());
}

#[test]
fn step_runs_without_recording_and_with_closure() {
    let w = Tensor::from_slice(&[1.0f32]).requires_grad_(true);
    let mut opt = optim::Adam::new(vec![w.clone()], 0.1);
    let loss = opt.step_with_closure(&mut || {
        let l = (&w * &w).sum();
        l.backward();
        l
    });
    assert_eq!(loss.item(), 1.0);
    assert!(w.is_leaf() && w.grad_fn().is_none(), "the update is not recorded");
    assert!((w.to_vec::<f32>()[0] - 0.9).abs() < 1e-6);
}

/// Adam updates contiguous parameters in one fused pass and others op by op; both must give
/// the same bits, for every option, in f32 and f64, on one thread and split over two (the
/// parameter has more elements than PyTorch's grain size).
#[test]
fn fused_adam_matches_the_op_by_op_update() {
    use torchlight::DType;
    for dtype in [DType::F32, DType::F64] {
        for (amsgrad, maximize, wd, adamw) in
            [(false, false, 0.0, false), (true, false, 0.0, false), (false, true, 0.1, false), (true, true, 0.1, true)]
        {
            torchlight::manual_seed(3);
            let init = Tensor::randn(&[260, 130]).to_dtype(dtype);
            // The same values, as a contiguous leaf and as a transposed (non-contiguous) one.
            let fused = init.copy().requires_grad_(true);
            let strided = init.t().contiguous().t().requires_grad_(true);
            assert!(!strided.is_contiguous());
            let make = |p: &Tensor| -> Box<dyn Optimizer> {
                if adamw {
                    Box::new(
                        optim::AdamW::new(vec![p.clone()], 1e-2).weight_decay(wd).amsgrad(amsgrad).maximize(maximize),
                    )
                } else {
                    Box::new(
                        optim::Adam::new(vec![p.clone()], 1e-2).weight_decay(wd).amsgrad(amsgrad).maximize(maximize),
                    )
                }
            };
            let (mut a, mut b) = (make(&fused), make(&strided));
            for _ in 0..5 {
                let g = Tensor::randn(&[260, 130]).to_dtype(dtype);
                fused.set_grad(Some(g.copy()));
                strided.set_grad(Some(g));
                a.step();
                b.step();
            }
            let what = format!("{dtype:?} amsgrad={amsgrad} maximize={maximize} wd={wd} adamw={adamw}");
            let bits = |t: &Tensor| t.to_vec::<f64>().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&fused), bits(&strided), "{what}: parameters");
            let (sa, sb) = (a.state_dict(), b.state_dict());
            for (k, t) in &sa.state[&0] {
                assert_eq!(bits(t), bits(&sb.state[&0][k]), "{what}: state {k}");
            }
        }
    }
}

#[test]
fn clip_grad_norm_matches_torch() {
    let c = &fixture()["clip"];
    let grads: Vec<Tensor> = c["grads"].as_array().unwrap().iter().map(tensor_from).collect();
    let params = || {
        let ps = [Tensor::zeros(&[3, 4]), Tensor::zeros(&[5]), Tensor::zeros(&[2])].map(|t| t.requires_grad_(true));
        ps[0].set_grad(Some(grads[0].copy()));
        ps[1].set_grad(Some(grads[1].copy()));
        ps
    };
    for case in c["norm"].as_array().unwrap() {
        let norm_type = match &case["norm_type"] {
            J::String(s) if s == "inf" => f64::INFINITY,
            v => v.as_f64().unwrap(),
        };
        let max_norm = case["max_norm"].as_f64().unwrap();
        let ps = params();
        let total = optim::clip_grad_norm_(&ps, max_norm, norm_type);
        let what = format!("clip_grad_norm_({max_norm}, {norm_type})");
        assert_close(&total, &case["total"], 1e-6, 0.0, &what);
        for (p, e) in ps.iter().zip(case["grads"].as_array().unwrap()) {
            assert_close(&p.grad().unwrap(), e, 2e-6, 0.0, &what);
        }
        assert!(ps[2].grad().is_none());
    }
    for case in c["value"].as_array().unwrap() {
        let ps = params();
        optim::clip_grad_value_(&ps, case["clip_value"].as_f64().unwrap());
        for (p, e) in ps.iter().zip(case["grads"].as_array().unwrap()) {
            assert!(p.grad().unwrap().equal(&tensor_from(e)), "clip_grad_value_");
        }
    }
    let p = Tensor::zeros(&[2]).requires_grad_(true);
    p.set_grad(Some(Tensor::from_slice(&[f32::INFINITY, 1.0])));
    let err = optim::try_clip_grad_norm_(std::slice::from_ref(&p), 1.0, 2.0, true).unwrap_err();
    assert_eq!(err.to_string(), c["nonfinite_error"].as_str().unwrap());
    assert_eq!(p.grad().unwrap().to_vec::<f32>(), vec![f32::INFINITY, 1.0], "left untouched");
    // No gradients: a zero norm.
    assert_eq!(optim::clip_grad_norm_(&[Tensor::zeros(&[1])], 1.0, 2.0).item(), 0.0);
}

fn group() -> Vec<ParamGroup> {
    vec![ParamGroup::new(vec![Tensor::zeros(&[2]).requires_grad_(true)])]
}

fn err<T>(r: torchlight::Result<T>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn constructor_errors_match_torch() {
    use optim::{AdagradOptions as Ag, AdamOptions as Am, RMSpropOptions as Rm, SGDOptions as Sg};
    let e = fixture()["errors"].as_object().unwrap();
    let d = Sg::default;
    let cases: Vec<(&str, String)> = vec![
        ("sgd_lr", err(optim::SGD::try_new(group(), Sg { lr: -0.1, ..d() }))),
        ("sgd_momentum", err(optim::SGD::try_new(group(), Sg { lr: 0.1, momentum: -0.5, ..d() }))),
        ("sgd_weight_decay", err(optim::SGD::try_new(group(), Sg { lr: 0.1, weight_decay: -1e-3, ..d() }))),
        ("sgd_nesterov", err(optim::SGD::try_new(group(), Sg { lr: 0.1, nesterov: true, ..d() }))),
        (
            "sgd_nesterov_dampening",
            err(optim::SGD::try_new(group(), Sg { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true, ..d() })),
        ),
        ("rmsprop_lr", err(optim::RMSprop::try_new(group(), Rm { lr: -1e-5, ..Default::default() }))),
        ("rmsprop_eps", err(optim::RMSprop::try_new(group(), Rm { eps: -1e-8, ..Default::default() }))),
        ("rmsprop_momentum", err(optim::RMSprop::try_new(group(), Rm { momentum: -0.9, ..Default::default() }))),
        (
            "rmsprop_weight_decay",
            err(optim::RMSprop::try_new(group(), Rm { weight_decay: -2.0, ..Default::default() })),
        ),
        ("rmsprop_alpha", err(optim::RMSprop::try_new(group(), Rm { alpha: -0.99, ..Default::default() }))),
        ("adam_lr", err(optim::Adam::try_new(group(), Am { lr: -1e-3, ..Default::default() }))),
        ("adam_eps", err(optim::Adam::try_new(group(), Am { eps: -1.0, ..Default::default() }))),
        ("adam_beta0", err(optim::Adam::try_new(group(), Am { betas: (1.0, 0.999), ..Default::default() }))),
        ("adam_beta1", err(optim::Adam::try_new(group(), Am { betas: (0.9, -0.25), ..Default::default() }))),
        ("adam_beta_nan", err(optim::Adam::try_new(group(), Am { betas: (f64::NAN, 0.999), ..Default::default() }))),
        ("adam_weight_decay", err(optim::Adam::try_new(group(), Am { weight_decay: -0.5, ..Default::default() }))),
        ("adamw_weight_decay", err(optim::AdamW::try_new(group(), Am { weight_decay: -0.01, ..Am::adamw() }))),
        ("adamw_beta1", err(optim::AdamW::try_new(group(), Am { betas: (0.9, 1.5), ..Am::adamw() }))),
        ("adagrad_lr", err(optim::Adagrad::try_new(group(), Ag { lr: -0.01, ..Default::default() }))),
        ("adagrad_lr_decay", err(optim::Adagrad::try_new(group(), Ag { lr_decay: -1e-4, ..Default::default() }))),
        (
            "adagrad_weight_decay",
            err(optim::Adagrad::try_new(group(), Ag { weight_decay: -1.0, ..Default::default() })),
        ),
        (
            "adagrad_initial_accumulator_value",
            err(optim::Adagrad::try_new(group(), Ag { initial_accumulator_value: -0.1, ..Default::default() })),
        ),
        ("adagrad_eps", err(optim::Adagrad::try_new(group(), Ag { eps: -1e-10, ..Default::default() }))),
        ("empty", err(optim::SGD::try_new(optim_empty(), Sg { lr: 0.1, ..d() }))),
        ("non_leaf", err(optim::SGD::try_new(vec![ParamGroup::new(vec![non_leaf()])], Sg { lr: 0.1, ..d() }))),
    ];
    for (name, msg) in cases {
        assert_eq!(msg, e[name].as_str().unwrap(), "{name}");
    }
    // Groups: a parameter in two groups, at construction and through add_param_group.
    let a = Tensor::zeros(&[2]).requires_grad_(true);
    let two = vec![ParamGroup::new(vec![a.clone()]), ParamGroup::new(vec![a.clone()])];
    assert_eq!(err(optim::Adam::try_new(two, Am::default())), e["duplicate_groups"].as_str().unwrap());
    let mut opt = optim::SGD::new(vec![a.clone()], 0.1);
    let msg = err(opt.try_add_param_group(ParamGroup::new(vec![a.clone()])));
    assert_eq!(msg, e["add_param_group_duplicate"].as_str().unwrap());
    // load_state_dict: group count and group size.
    let w = || Tensor::zeros(&[2]).requires_grad_(true);
    let two = optim::SGD::from_groups(vec![ParamGroup::new(vec![w()]), ParamGroup::new(vec![w()])], 0.1);
    assert_eq!(err(opt.try_load_state_dict(&two.state_dict())), e["load_group_count"].as_str().unwrap());
    let big = optim::SGD::new(vec![w(), w()], 0.1);
    assert_eq!(err(opt.try_load_state_dict(&big.state_dict())), e["load_group_size"].as_str().unwrap());
}

fn one_param() -> Vec<Tensor> {
    vec![Tensor::zeros(&[2]).requires_grad_(true)]
}

fn optim_empty() -> Vec<ParamGroup> {
    vec![]
}

fn non_leaf() -> Tensor {
    &Tensor::zeros(&[2]).requires_grad_(true) * 2.0
}

#[test]
fn panicking_constructors_and_builders_use_torch_messages() {
    let e = fixture()["errors"].as_object().unwrap();
    let msg = |f: fn()| {
        let p = std::panic::catch_unwind(f).unwrap_err();
        p.downcast_ref::<String>().cloned().unwrap_or_else(|| p.downcast_ref::<&str>().unwrap().to_string())
    };
    assert_eq!(msg(|| drop(optim::SGD::new(vec![], 0.1))), e["empty"].as_str().unwrap());
    assert_eq!(msg(|| drop(optim::SGD::new(one_param(), -0.1))), e["sgd_lr"].as_str().unwrap());
    // Nesterov needs the momentum set first.
    assert_eq!(msg(|| drop(optim::SGD::new(one_param(), 0.1).nesterov(true))), e["sgd_nesterov"].as_str().unwrap());
    assert_eq!(msg(|| drop(optim::Adam::new(one_param(), 1e-3).betas(1.0, 0.999))), e["adam_beta0"].as_str().unwrap());
    assert_eq!(msg(|| drop(optim::RMSprop::new(one_param(), 1e-2).alpha(-0.99))), e["rmsprop_alpha"].as_str().unwrap());
    assert_eq!(msg(|| drop(optim::Adagrad::new(one_param(), 1e-2).eps(-1e-10))), e["adagrad_eps"].as_str().unwrap());
    assert_eq!(
        msg(|| drop(optim::AdamW::new(one_param(), 1e-3).weight_decay(-0.01))),
        e["adamw_weight_decay"].as_str().unwrap()
    );
}

#[test]
fn adagrad_creates_state_eagerly_and_lazily_for_added_groups() {
    let a = Tensor::ones(&[2]).requires_grad_(true);
    let b = Tensor::ones(&[1]).requires_grad_(true);
    let mut opt = optim::Adagrad::new(vec![a.clone()], 0.1).initial_accumulator_value(0.5);
    let sd = opt.state_dict();
    assert_eq!(sd.state[&0]["sum"].to_vec::<f32>(), vec![0.5, 0.5]);
    assert_eq!(sd.state[&0]["step"].item(), 0.0);
    opt.add_param_group(ParamGroup::new(vec![b.clone()]));
    assert_eq!(opt.state_dict().state.len(), 1, "no state before its first step");
    b.set_grad(Some(Tensor::ones(&[1])));
    opt.step();
    let sd = opt.state_dict();
    assert_eq!(sd.state[&1]["sum"].to_vec::<f32>(), vec![1.5], "lazy state starts at the default accumulator");
    assert_eq!(sd.state[&0]["step"].item(), 0.0, "a has no grad: its step did not advance");
}

#[test]
fn adam_with_decoupled_weight_decay_is_adamw() {
    let pb = problem();
    let cfg = &fixture()["trajectories"]["adamw_wd"];
    let (a, b) = (pb.params(), pb.params());
    let mut adamw = build(cfg, &a);
    let mut adam = optim::Adam::new(b.to_vec(), 0.01).weight_decay(0.3).decoupled_weight_decay(true);
    for t in 0..10 {
        pb.set_grads(&a, t);
        adamw.step();
        pb.set_grads(&b, t);
        adam.step();
    }
    assert_eq!(flat(&a), flat(&b));
}
