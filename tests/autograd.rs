//! Conformance of autograd with PyTorch (pytorch-semantics.md §4): requires_grad rules, leaves,
//! accumulation, backward options and their errors, `autograd::grad`, higher-order gradients,
//! grad modes, detach, retain_grad, in-place ops on graphs and the version counter, custom
//! functions and gradcheck. Numbers and messages come from `scripts/gen_autograd_fixtures.py`.

mod common;

use common::{load_fixture, tensor_from};
use serde_json::Value;
use std::sync::OnceLock;
use torchlight::autograd::{self, apply, gradcheck, Function, FunctionCtx, GradOptions};
use torchlight::{BackwardOptions, DType, Tensor};

fn fx() -> &'static Value {
    static FX: OnceLock<Value> = OnceLock::new();
    FX.get_or_init(|| load_fixture("autograd.json"))
}

fn msg(name: &str) -> &'static str {
    fx()["messages"][name].as_str().unwrap_or_else(|| panic!("no message {name}"))
}

fn case(name: &str) -> &'static Value {
    let c = &fx()["cases"][name];
    assert!(c.is_object(), "no case {name}");
    c
}

/// A leaf that requires grad, with the fixture tensor's values.
fn leaf(v: &Value) -> Tensor {
    tensor_from(v).requires_grad_(true)
}

#[track_caller]
fn close(actual: &Tensor, expected: &Value, what: &str) {
    let rtol = if actual.dtype() == DType::F32 { 1e-6 } else { 1e-12 };
    common::assert_close(actual, expected, rtol, 1e-7, what);
}

fn backward_err(t: &Tensor, opts: BackwardOptions) -> String {
    t.try_backward(opts).unwrap_err().to_string()
}

#[test]
fn requires_grad_rules_and_messages() {
    let x = Tensor::from_slice(&[1.0f32, 2.0, 3.0]);
    assert!(!x.requires_grad() && x.is_leaf());
    let x = x.requires_grad_(true);
    assert!(x.requires_grad() && x.is_leaf() && x.grad_fn().is_none());
    let plain = Tensor::ones(&[3]);
    let y = &x * &plain;
    assert!(y.requires_grad() && !y.is_leaf());
    assert_eq!(y.grad_fn().unwrap().name(), "MulBackward0");
    assert!(!(&plain * 2.0).requires_grad(), "no input requires grad");
    // Integer and bool results never require grad.
    assert!(!x.gt(1.0).requires_grad() && !x.eq(&y).requires_grad());
    let i = Tensor::from_slice(&[1i64, 2]);
    assert_eq!(i.try_set_requires_grad(true).unwrap_err().to_string(), msg("int_requires_grad"));
    assert!(i.try_set_requires_grad(false).is_ok());
    assert_eq!(y.try_set_requires_grad(false).unwrap_err().to_string(), msg("nonleaf_requires_grad"));
    // A leaf may switch it off again.
    let w = Tensor::zeros(&[2]).requires_grad_(true);
    w.set_requires_grad(false);
    assert!(!w.requires_grad());
}

#[test]
fn leaves() {
    let x = Tensor::ones(&[2]).requires_grad_(true);
    let made_without_grad = torchlight::no_grad(|| &x * 2.0);
    assert!(made_without_grad.is_leaf() && !made_without_grad.requires_grad());
    assert!(made_without_grad.grad_fn().is_none());
    let d = (&x * 2.0).detach();
    assert!(d.is_leaf() && !d.requires_grad());
    assert!(!(&x * 2.0).is_leaf());
}

#[test]
fn grad_is_none_until_backward_then_accumulates_in_place() {
    let x = Tensor::from_slice(&[1.0f32, -2.0]).requires_grad_(true);
    assert!(x.grad().is_none());
    (&x * 3.0).sum().backward();
    let g = x.grad().unwrap();
    assert_eq!(g.to_vec::<f32>(), vec![3.0, 3.0]);
    assert!(!g.requires_grad());
    (&x * 3.0).sum().backward();
    // pytorch-semantics.md §4.2: accumulated in place, so `.grad` keeps its identity.
    assert!(x.grad().unwrap().is_same(&g));
    assert_eq!(g.to_vec::<f32>(), vec![6.0, 6.0]);
    x.set_grad(None);
    assert!(x.grad().is_none());
    (&x * 3.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![3.0, 3.0]);
    assert!(!x.grad().unwrap().is_same(&g));
}

#[test]
fn backward_gradient_argument_and_its_errors() {
    let x = Tensor::from_slice(&[1.0f32, 2.0, 3.0]).requires_grad_(true);
    let y = &x * 2.0;
    assert_eq!(backward_err(&y, Default::default()), msg("nonscalar_backward"));
    let bad = BackwardOptions { gradient: Some(Tensor::ones(&[2])), ..Default::default() };
    assert_eq!(backward_err(&y, bad), msg("shape_mismatch"));
    let s = y.sum() * 2.0;
    let bad = BackwardOptions { gradient: Some(Tensor::ones(&[1])), ..Default::default() };
    assert_eq!(backward_err(&s, bad), msg("shape_mismatch_0d"));
    let g = Tensor::from_slice(&[1.0f32, 0.5, -1.0]);
    y.backward_with(BackwardOptions { gradient: Some(g), ..Default::default() });
    assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![2.0, 1.0, -2.0]);
    // Outputs without history: the same error whatever their shape or dtype.
    assert_eq!(backward_err(&Tensor::ones(&[3]).sum(), Default::default()), msg("no_grad_fn"));
    assert_eq!(backward_err(&Tensor::ones(&[3]), Default::default()), msg("no_grad_fn_nonscalar"));
    assert_eq!(backward_err(&x.sum().gt(0.0), Default::default()), msg("no_grad_fn_bool"));
}

#[test]
fn retain_graph_and_backward_twice() {
    let x = Tensor::from_slice(&[1.0f32, 2.0]).requires_grad_(true);
    let y = (&x * &x).sum();
    let retain = BackwardOptions { retain_graph: true, ..Default::default() };
    y.backward_with(retain.clone());
    y.backward_with(retain);
    assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![4.0, 8.0]);
    y.backward(); // frees the saved tensors
    assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![6.0, 12.0]);
    assert_eq!(backward_err(&y, Default::default()), msg("backward_twice"));
    // A graph that saved nothing can be run again (as in PyTorch).
    let z = (&x + 1.0).sum();
    x.set_grad(None);
    z.backward();
    z.backward();
    assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![2.0, 2.0]);
}

#[test]
fn autograd_grad() {
    let c = case("autograd_grad");
    let (x, y) = (leaf(&c["x"]), leaf(&c["y"]));
    let z = (&x * &y).sum() + x.sin().sum();
    let g = autograd::grad(&[z], &[x.clone(), y.clone()], Default::default()).unwrap();
    close(g[0].as_ref().unwrap(), &c["gx"], "dz/dx");
    close(g[1].as_ref().unwrap(), &c["gy"], "dz/dy");
    assert!(x.grad().is_none() && y.grad().is_none(), "autograd::grad leaves .grad alone");

    let unused = Tensor::ones_dtype(&[3], DType::F64).requires_grad_(true);
    let out = || (&x * 2.0).sum();
    let e = autograd::grad(&[out()], &[x.clone(), unused.clone()], Default::default()).unwrap_err();
    assert_eq!(e.to_string(), msg("unused_input"));
    let opts = GradOptions { allow_unused: true, ..Default::default() };
    let g = autograd::grad(&[out()], &[x.clone(), unused.clone()], opts).unwrap();
    assert!(g[1].is_none());
    assert_eq!(g[0].as_ref().unwrap().to_vec::<f64>(), vec![2.0; 3]);
    let opts = GradOptions { allow_unused: true, materialize_grads: true, ..Default::default() };
    let g = autograd::grad(&[out()], &[x.clone(), unused.clone()], opts).unwrap();
    assert_eq!(g[1].as_ref().unwrap().to_vec::<f64>(), vec![0.0; 3]);
    let plain = Tensor::ones(&[3]);
    let e = autograd::grad(&[out()], &[plain], Default::default()).unwrap_err();
    assert_eq!(e.to_string(), msg("grad_of_plain"));

    let c = case("grad_outputs");
    let x = leaf(&c["x"]);
    let opts = GradOptions { grad_outputs: Some(vec![tensor_from(&c["go"])]), ..Default::default() };
    let g = autograd::grad(&[&x.exp() * &x], std::slice::from_ref(&x), opts).unwrap();
    close(g[0].as_ref().unwrap(), &c["gx"], "grad_outputs");
}

#[test]
fn create_graph_higher_order_derivatives() {
    type F = fn(&Tensor) -> Tensor;
    let fns: [(&str, F); 4] =
        [("cube", |t| t.pow(3)), ("sin", |t| t.sin()), ("exp", |t| t.exp()), ("x2sin", |t| &(t * t) * &t.sin())];
    for (name, f) in fns {
        let c = case(&format!("double_{name}"));
        let x = leaf(&c["x"]);
        let create = || GradOptions { create_graph: true, ..Default::default() };
        let d1 = autograd::grad(&[f(&x).sum()], std::slice::from_ref(&x), create()).unwrap().remove(0).unwrap();
        assert!(d1.requires_grad(), "{name}: first derivative is differentiable");
        assert_eq!(d1.grad_fn().unwrap().name(), c["d1_grad_fn"].as_str().unwrap(), "{name}");
        let d2 = autograd::grad(&[d1.sum()], std::slice::from_ref(&x), create()).unwrap().remove(0).unwrap();
        let d3 = autograd::grad(&[d2.sum()], std::slice::from_ref(&x), Default::default()).unwrap().remove(0).unwrap();
        assert!(!d3.requires_grad());
        close(&d1, &c["d1"], &format!("{name}'"));
        close(&d2, &c["d2"], &format!("{name}''"));
        close(&d3, &c["d3"], &format!("{name}'''"));
    }
    // backward(create_graph=True): x.grad is itself differentiable.
    let c = case("backward_create_graph");
    let x = leaf(&c["x"]);
    x.pow(3).sum().backward_with(BackwardOptions { create_graph: true, ..Default::default() });
    let g = x.grad().unwrap();
    assert_eq!(g.requires_grad(), c["grad_requires_grad"].as_bool().unwrap());
    close(&g, &c["grad"], "3x²");
    let g2 = autograd::grad(&[g.sum()], &[x], Default::default()).unwrap().remove(0).unwrap();
    close(&g2, &c["g2"], "6x");
}

#[test]
fn grad_modes() {
    let x = Tensor::ones(&[2]).requires_grad_(true);
    assert!(torchlight::is_grad_enabled());
    torchlight::no_grad(|| {
        assert!(!torchlight::is_grad_enabled());
        let y = &x * 2.0;
        assert!(!y.requires_grad() && y.grad_fn().is_none());
        // enable_grad inside no_grad records again.
        let z = torchlight::enable_grad(|| &x * 2.0);
        assert!(z.requires_grad() && z.grad_fn().is_some());
        // Grad mode is per thread: another thread starts enabled.
        assert!(std::thread::spawn(torchlight::is_grad_enabled).join().unwrap());
    });
    assert!(torchlight::is_grad_enabled());
    {
        let _guard = torchlight::NoGradGuard::new();
        assert!(!(&x * 2.0).requires_grad());
        {
            let _on = torchlight::set_grad_enabled(true);
            assert!((&x * 2.0).requires_grad());
        }
        assert!(!torchlight::is_grad_enabled(), "inner guard restored the outer mode");
    }
    assert!(torchlight::is_grad_enabled());
    {
        let _off = torchlight::set_grad_enabled(false);
        assert!(!(&x + 1.0).requires_grad());
    }
    assert!((&x + 1.0).requires_grad());
}

#[test]
fn detach_and_detach_() {
    let x = Tensor::from_slice(&[1.0f32, 2.0, 3.0]).requires_grad_(true);
    let d = x.detach();
    assert!(d.shares_storage(&x) && !d.requires_grad() && d.is_leaf());
    // The alias shares the version counter: modifying it invalidates x's saved uses.
    let y = (&x * &x).sum();
    d.add_(1.0);
    assert_eq!(x.to_vec::<f32>(), vec![2.0, 3.0, 4.0]);
    assert_eq!(backward_err(&y, Default::default()), msg("version_through_detach"));
    let z = &x * 2.0;
    z.detach_();
    assert!(z.is_leaf() && !z.requires_grad() && z.grad_fn().is_none());
}

#[test]
fn retain_grad() {
    let x = Tensor::from_slice(&[1.0f32, 2.0]).requires_grad_(true);
    let y = &x * 3.0;
    let z = &y * &y;
    y.retain_grad();
    x.retain_grad(); // a no-op on a leaf
    assert!(y.retains_grad() && !x.retains_grad());
    z.sum().backward_with(BackwardOptions { retain_graph: true, ..Default::default() });
    assert_eq!(y.grad().unwrap().to_vec::<f32>(), vec![6.0, 12.0]); // 2y
    assert!(z.grad().is_none(), "non-leaf without retain_grad");
    z.sum().backward();
    assert_eq!(y.grad().unwrap().to_vec::<f32>(), vec![12.0, 24.0]);
    assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![36.0, 72.0]);
    let e = Tensor::ones(&[1]).try_retain_grad().unwrap_err();
    assert_eq!(e.to_string(), msg("retain_grad_plain"));
}

#[test]
fn inplace_on_non_leaves_matches_torch() {
    let _g = common::global_rng();
    // b = a*2; b.add_(1); c = b*3; b.mul_(c)
    let c = case("mul_by_other");
    let a = leaf(&c["a"]);
    let b = &a * 2.0;
    b.add_(1.0);
    let c3 = &b * 3.0;
    b.mul_(&c3);
    assert_eq!(b.grad_fn().unwrap().name(), c["grad_fn"].as_str().unwrap());
    assert_eq!(b.version(), c["version"].as_u64().unwrap());
    b.sum().backward();
    close(&b, &c["out"], "mul_by_other value");
    close(&a.grad().unwrap(), &c["grad"], "mul_by_other grad");

    let c = case("chain");
    let a = leaf(&c["a"]);
    let b = a.copy();
    b.mul_(&a);
    b.sub_(1.5);
    b.div_(2.0);
    b.add_scaled_(&a, 0.5);
    b.clamp_(Some(-0.4), None);
    b.sin().sum().backward();
    close(&b, &c["out"], "chain value");
    close(&a.grad().unwrap(), &c["grad"], "chain grad");

    let c = case("copy_");
    let (a, s) = (leaf(&c["a"]), leaf(&c["s"]));
    let b = &a * 3.0;
    b.copy_(&(&s * &s));
    assert_eq!(b.grad_fn().unwrap().name(), c["grad_fn"].as_str().unwrap());
    (&b * &b).sum().backward();
    close(&b, &c["out"], "copy_ value");
    close(&a.grad().unwrap(), &c["grad_a"], "copy_ grad a");
    close(&s.grad().unwrap(), &c["grad_s"], "copy_ grad s");

    let c = case("fill_");
    let a = leaf(&c["a"]);
    let b = &a * 3.0;
    b.fill_(2.0);
    assert_eq!(b.grad_fn().unwrap().name(), c["grad_fn"].as_str().unwrap());
    (&b * &a).sum().backward();
    close(&a.grad().unwrap(), &c["grad"], "fill_ grad");

    let c = case("zero_");
    let a = leaf(&c["a"]);
    let b = &a * 3.0;
    b.zero_();
    assert_eq!(b.grad_fn().unwrap().name(), c["grad_fn"].as_str().unwrap());
    (&b + &(&a * &a)).sum().backward();
    close(&a.grad().unwrap(), &c["grad"], "zero_ grad");

    let c = case("uniform_");
    let a = leaf(&c["a"]);
    let b = &a * 3.0;
    torchlight::manual_seed(5);
    b.uniform_(0.0, 1.0);
    assert_eq!(b.grad_fn().unwrap().name(), c["grad_fn"].as_str().unwrap());
    (&b * &a).sum().backward();
    close(&b, &c["out"], "uniform_ values");
    close(&a.grad().unwrap(), &c["grad"], "uniform_ grad");

    let c = case("plain_self_grad_other");
    let a = leaf(&c["a"]);
    let z = Tensor::zeros(&[4]);
    z.add_(&(&a * &a));
    z.mul_(&a);
    assert_eq!(z.requires_grad(), c["requires_grad"].as_bool().unwrap());
    assert_eq!(z.is_leaf(), c["is_leaf"].as_bool().unwrap());
    assert_eq!(z.grad_fn().unwrap().name(), c["grad_fn"].as_str().unwrap());
    z.sum().backward();
    close(&z, &c["out"], "plain self value");
    close(&a.grad().unwrap(), &c["grad"], "plain self grad");

    // sigmoid saves its output, so modifying its input is fine (§4.3).
    let c = case("sigmoid_saves_output");
    let a = leaf(&c["a"]);
    let b = &a * 2.0;
    let s = b.sigmoid();
    b.mul_(3.0);
    s.sum().backward();
    close(&a.grad().unwrap(), &c["grad"], "sigmoid grad");

    let c = case("clamp_on_nonleaf");
    let a = leaf(&c["a"]);
    let b = &a * &a;
    b.clamp_(Some(0.1), Some(0.5));
    (&b * 2.0).sum().backward();
    close(&a.grad().unwrap(), &c["grad"], "clamp_ grad");

    let c = case("mixed_dtype_inplace");
    let (a, d) = (leaf(&c["a"]), leaf(&c["d"]));
    let b = &a * 1.0;
    b.add_(&(&d * &d));
    (&b * &b).sum().backward();
    close(&b, &c["out"], "mixed value");
    close(&a.grad().unwrap(), &c["grad_a"], "mixed grad a");
    let gd = d.grad().unwrap();
    assert_eq!(gd.dtype(), DType::F64);
    close(&gd, &c["grad_d"], "mixed grad d");
}

#[test]
fn version_counter_messages() {
    // b = a.exp(); b.add_(1): exp saved its output.
    let a = Tensor::ones(&[3]).requires_grad_(true);
    let b = a.exp();
    b.add_(1.0);
    assert_eq!(backward_err(&b.sum(), Default::default()), msg("version_saved_output"));
    // b.sin() saved its input b, which add_ then modified.
    let b = &a * 2.0;
    let c = b.sin();
    b.add_(1.0);
    assert_eq!(backward_err(&c.sum(), Default::default()), msg("version_saved_input"));
    // A plain tensor saved by mul, modified under no_grad.
    let w = Tensor::ones(&[2, 3]).requires_grad_(true);
    let x = Tensor::ones(&[2, 3]);
    let y = (&w * &x).sum();
    torchlight::no_grad(|| x.add_(1.0));
    assert_eq!(backward_err(&y, Default::default()), msg("version_saved_plain"));
    // ... while modifying w is fine: w * x with a plain x saves only x.
    let y = (&w * &Tensor::ones(&[2, 3])).sum();
    torchlight::no_grad(|| w.add_(1.0));
    y.backward();
    // A leaf saved by w * w.
    let w = Tensor::scalar(1.5f64).requires_grad_(true);
    let y = &w * &w;
    torchlight::no_grad(|| w.add_(1.0));
    assert_eq!(backward_err(&y, Default::default()), msg("version_saved_leaf_0d"));
    // b.mul_(b) saves b and overwrites it.
    let b = &a * 2.0;
    b.add_(1.0);
    b.mul_(&b);
    assert_eq!(backward_err(&b.sum(), Default::default()), msg("version_mul_self"));
    // A custom function's saved output.
    let a = Tensor::ones(&[2, 2]).requires_grad_(true);
    let b = apply(Cube, &[&a]).remove(0);
    b.mul_(2.0);
    assert_eq!(backward_err(&b.sum(), Default::default()), msg("version_custom_function"));
}

#[test]
fn inplace_on_leaves_and_their_views() {
    let x = Tensor::ones(&[3]).requires_grad_(true);
    assert_eq!(x.try_add_(1.0).unwrap_err().to_string(), msg("leaf_inplace"));
    assert_eq!(x.select(0, 0).try_add_(1.0).unwrap_err().to_string(), msg("view_of_leaf_inplace"));
    let m = Tensor::ones(&[2, 3]).requires_grad_(true);
    assert_eq!(m.t().try_mul_(2.0).unwrap_err().to_string(), msg("view_of_leaf_inplace_t"));
    assert_eq!(x.version(), 0, "a refused op leaves the tensor alone");
    // Under no_grad, leaves may be updated in place (how optimizers work); the version moves.
    torchlight::no_grad(|| x.add_(1.0));
    assert_eq!((x.to_vec::<f32>(), x.version()), (vec![2.0; 3], 1));
    assert!(x.is_leaf() && x.requires_grad());
}

/// Saves its output: used for the version-counter message of custom functions.
struct Cube;
impl Function for Cube {
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        let y = &(&inputs[0] * &inputs[0]) * &inputs[0];
        ctx.save_for_backward(&[&y]);
        vec![y]
    }
    fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
        vec![Some(&grads[0] * &ctx.saved_tensors()[0])]
    }
}

/// The PyTorch tutorial's custom function: P3(x) = ½(5x³ − 3x), P3'(x) = 1.5(5x² − 1).
struct LegendrePolynomial3;
impl Function for LegendrePolynomial3 {
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        let x = &inputs[0];
        ctx.save_for_backward(&[x]);
        vec![(x.pow(3) * 5.0 - x * 3.0) * 0.5]
    }
    fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
        let x = &ctx.saved_tensors()[0];
        vec![Some(&(&grads[0] * 1.5) * &(x.pow(2) * 5.0 - 1.0))]
    }
}

/// A deliberately wrong backward (1.4 instead of 1.5) that gradcheck must catch.
struct WrongLegendre;
impl Function for WrongLegendre {
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        LegendrePolynomial3.forward(ctx, inputs)
    }
    fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
        let x = &ctx.saved_tensors()[0];
        vec![Some(&(&grads[0] * 1.4) * &(x.pow(2) * 5.0 - 1.0))]
    }
}

#[test]
fn custom_function_matches_torch() {
    let c = case("legendre");
    let x = leaf(&c["x"]);
    let y = apply(LegendrePolynomial3, &[&x]).remove(0);
    assert_eq!(y.grad_fn().unwrap().name(), c["grad_fn"].as_str().unwrap());
    y.backward_with(BackwardOptions { gradient: Some(tensor_from(&c["go"])), ..Default::default() });
    close(&y, &c["y"], "P3(x)");
    close(&x.grad().unwrap(), &c["grad"], "P3 backward");
    // Without inputs that require grad nothing is recorded.
    let plain = apply(LegendrePolynomial3, &[&tensor_from(&c["x"])]).remove(0);
    assert!(!plain.requires_grad());
}

#[test]
fn legendre_tutorial_trajectory() {
    // polynomial_custom_function.py, 50 steps of plain gradient descent.
    let c = case("legendre_tutorial");
    let x = Tensor::linspace(-std::f64::consts::PI, std::f64::consts::PI, 2000);
    let y = x.sin();
    let p = [0.0, -1.0, 0.0, 0.3].map(|v| Tensor::full(&[], v).requires_grad_(true));
    let [a, b, cc, d] = &p;
    let lr = 5e-6;
    for (t, want) in c["losses"].as_array().unwrap().iter().enumerate() {
        let p3 = apply(LegendrePolynomial3, &[&(cc + &(d * &x))]).remove(0);
        let y_pred = a + &(b * &p3);
        let loss = (&y_pred - &y).pow(2).sum();
        let (got, want) = (loss.item(), want.as_f64().unwrap());
        assert!((got - want).abs() <= 1e-5 * want.abs(), "step {t}: loss {got}, torch {want}");
        loss.backward();
        torchlight::no_grad(|| {
            for q in &p {
                q.sub_(&(q.grad().unwrap() * lr));
                q.set_grad(None);
            }
        });
    }
    for (q, want) in p.iter().zip(c["params"].as_array().unwrap()) {
        let (got, want) = (q.item(), want.as_f64().unwrap());
        assert!((got - want).abs() <= 1e-5 * want.abs() + 1e-9, "param {got}, torch {want}");
    }
}

#[test]
fn gradcheck_accepts_right_and_rejects_wrong_functions() {
    let x = Tensor::from_slice(&[-0.9f64, -0.3, 0.2, 0.7]).requires_grad_(true);
    gradcheck(|v| apply(LegendrePolynomial3, &[&v[0]]).remove(0), std::slice::from_ref(&x), Default::default())
        .unwrap();
    let e = gradcheck(|v| apply(WrongLegendre, &[&v[0]]).remove(0), std::slice::from_ref(&x), Default::default())
        .unwrap_err();
    assert!(e.to_string().starts_with("Jacobian mismatch"), "{e}");
    // Float32 inputs are refused: the finite differences would be meaningless.
    let x32 = Tensor::from_slice(&[0.5f32]).requires_grad_(true);
    assert!(gradcheck(|v| v[0].sin(), &[x32], Default::default()).is_err());
}

fn grad_fn_names(ts: &[&Tensor]) -> Vec<String> {
    ts.iter().map(|t| t.grad_fn().map_or("NoneType".into(), |n| n.name().to_string())).collect()
}

fn names_of(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

#[test]
fn inplace_on_views_rebases_the_base_like_torch() {
    use torchlight::s;
    // A row of a non-leaf multiplied in place by a leaf.
    let c = case("view_row_mul");
    let (a, w) = (leaf(&c["a"]), leaf(&c["w"]));
    let b = &a.view(&[2, 3]) * 2.0;
    let v = b.i(0);
    v.mul_(&w);
    assert_eq!(grad_fn_names(&[&b, &v]), names_of(&c["grad_fn"]));
    (&b * &b).sum().backward();
    close(&b, &c["out"], "view_row_mul value");
    close(&a.grad().unwrap(), &c["grad_a"], "view_row_mul grad a");
    close(&w.grad().unwrap(), &c["grad_w"], "view_row_mul grad w");

    // A column of a plain tensor; a view taken before the write requires grad afterwards.
    let c = case("plain_base_column_add");
    let w = leaf(&c["w"]);
    let z = Tensor::zeros(&[2, 3]);
    let sib = z.i(1);
    z.i(s![.., 1]).add_(&w);
    let flags: Vec<bool> = c["flags"].as_array().unwrap().iter().map(|f| f.as_bool().unwrap()).collect();
    assert_eq!(vec![z.requires_grad(), z.is_leaf(), sib.requires_grad(), sib.is_leaf()], flags);
    assert_eq!(grad_fn_names(&[&z, &sib]), names_of(&c["grad_fn"]));
    (z.sum() + (&sib * &sib).sum()).backward();
    close(&z, &c["out"], "plain base value");
    close(&w.grad().unwrap(), &c["grad_w"], "plain base grad w");

    // A column of a transposed view: a view of a view.
    let c = case("transposed_column_clamp");
    let a = leaf(&c["a"]);
    let b = &a.view(&[2, 3]) * 1.0;
    b.t().i(1).clamp_(Some(-0.3), Some(0.3));
    assert_eq!(grad_fn_names(&[&b]), names_of(&c["grad_fn"]));
    b.sin().sum().backward();
    close(&b, &c["out"], "transposed column value");
    close(&a.grad().unwrap(), &c["grad_a"], "transposed column grad");

    // An overlapping sibling made before the write is regenerated from the base.
    let c = case("sibling_regenerated");
    let a = leaf(&c["a"]);
    let b = &a * 1.0;
    let (v1, v2) = (b.i(s![0..4]), b.i(s![2..6]));
    v1.mul_(2.0);
    assert_eq!(grad_fn_names(&[&v1, &v2, &b]), names_of(&c["grad_fn"]));
    (&v2 * &v2).sum().backward();
    close(&v2, &c["out"], "sibling value");
    close(&a.grad().unwrap(), &c["grad_a"], "sibling grad");

    // copy_ into a stepped slice: the overwritten values get no gradient.
    let c = case("step_slice_copy");
    let (a, w) = (leaf(&c["a"]), leaf(&c["w"]));
    let b = &a * 3.0;
    b.i(s![..;2]).copy_(&(&w * &w));
    assert_eq!(grad_fn_names(&[&b]), names_of(&c["grad_fn"]));
    (&b * &b).sum().backward();
    close(&b, &c["out"], "step slice value");
    close(&a.grad().unwrap(), &c["grad_a"], "step slice grad a");
    close(&w.grad().unwrap(), &c["grad_w"], "step slice grad w");

    // lerp_ on a slice.
    let c = case("view_lerp");
    let (a, e) = (leaf(&c["a"]), leaf(&c["e"]));
    let b = &a * 1.0;
    b.i(s![1..4]).lerp_(&e, 0.25);
    (&b * &b).sum().backward();
    close(&b, &c["out"], "lerp value");
    close(&a.grad().unwrap(), &c["grad_a"], "lerp grad a");
    close(&e.grad().unwrap(), &c["grad_e"], "lerp grad e");
}

#[test]
fn inplace_on_views_errors_match_torch() {
    let b = &Tensor::ones(&[3]).requires_grad_(true) * 1.0;
    let v = torchlight::no_grad(|| b.i(torchlight::s![0..2]));
    assert_eq!(v.try_add_(1.0).unwrap_err().to_string(), msg("view_created_in_no_grad"));
    let e = Tensor::zeros(&[1]).expand(&[3]);
    assert_eq!(e.try_add_(1.0).unwrap_err().to_string(), msg("internal_overlap"));
}

#[test]
fn inplace_on_views_has_correct_gradients() {
    use torchlight::s;
    // f(a, w) = sin(b) where b = a * 1 with b[1:3] multiplied in place by w and b[0] scaled.
    let f = |t: &[Tensor]| {
        let b = &t[0] * 1.0;
        b.i(s![1..3]).mul_(&t[1]);
        b.i(0).mul_(3.0);
        b.sin()
    };
    let g = torchlight::Generator::with_seed(3);
    let a = Tensor::randn_with(&[4], &g).to_dtype(DType::F64).requires_grad_(true);
    let w = Tensor::randn_with(&[2], &g).to_dtype(DType::F64).requires_grad_(true);
    gradcheck(f, &[a.clone(), w.clone()], Default::default()).unwrap();
    // Second derivatives through CopySlices: the gradient of sum(f) is itself differentiable.
    // (gradcheck evaluates its function without recording; the inner gradient needs a graph.)
    let df = |t: &[Tensor]| {
        torchlight::enable_grad(|| {
            let y = f(t).sum();
            let o = GradOptions { create_graph: true, ..Default::default() };
            let gs: Vec<Tensor> = autograd::grad(&[y], t, o).unwrap().into_iter().map(Option::unwrap).collect();
            Tensor::cat(&gs, 0)
        })
    };
    gradcheck(df, &[a, w], Default::default()).unwrap();
}

/// PowBackward0 runs as one fused pass when no graph is built for the gradient, and op by op
/// (`grad * (x.pow(e - 1) * e)`) when one is: both must give the same bits, for every special
/// exponent of the forward kernel, a general one, both float dtypes and a broadcast gradient.
#[test]
fn fused_pow_gradient_matches_the_differentiable_one() {
    for dtype in [DType::F32, DType::F64] {
        for e in [0.0, 1.0, 2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 2.5, -1.7] {
            let x = Tensor::linspace(0.1, 3.0, 37).to_dtype(dtype).requires_grad_(true);
            let fused = autograd::grad(&[x.pow(e).sum()], std::slice::from_ref(&x), GradOptions::default()).unwrap();
            let create = GradOptions { create_graph: true, ..Default::default() };
            let op_by_op = autograd::grad(&[x.pow(e).sum()], std::slice::from_ref(&x), create).unwrap();
            let (a, b) = (fused[0].as_ref().unwrap(), op_by_op[0].as_ref().unwrap());
            assert!(e == 0.0 || b.grad_fn().is_some(), "create_graph takes the op-by-op path");
            assert_eq!(a.to_vec::<f64>(), b.to_vec::<f64>(), "exponent {e} in {dtype:?}");
        }
    }
}
