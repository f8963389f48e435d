//! Learning-rate schedulers against PyTorch: 60-step learning-rate (and momentum) sequences,
//! compared exactly, state-dict keys and round trips, and every constructor error.
//! Fixtures: scripts/gen_optim_fixtures.py.

mod common;

use common::load_fixture;
use serde_json::Value as J;
use std::sync::OnceLock;
use torchlight::optim::lr_scheduler::{
    AnnealStrategy, CosineAnnealingLR, ExponentialLR, LRScheduler, LinearLR, MultiStepLR, OneCycleLR, OneCycleOptions,
    PlateauMode, ReduceLROnPlateau, StepLR, ThresholdMode,
};
use torchlight::optim::{self, Optimizer, ParamGroup};
use torchlight::Tensor;

fn fixture() -> &'static J {
    static F: OnceLock<J> = OnceLock::new();
    F.get_or_init(|| load_fixture("lr_scheduler.json"))
}

/// A float stored as its Python repr (null for None).
fn num(v: &J) -> Option<f64> {
    v.as_str().map(|s| s.parse().unwrap())
}

fn nums(v: &J) -> Vec<Option<f64>> {
    v.as_array().unwrap().iter().map(num).collect()
}

/// The generator's optimizer: one group per learning rate.
fn make_opt(kind: &str, lrs: &[f64]) -> Box<dyn Optimizer> {
    let groups: Vec<ParamGroup> =
        lrs.iter().map(|&lr| ParamGroup::new(vec![Tensor::zeros(&[2]).requires_grad_(true)]).with("lr", lr)).collect();
    match kind {
        "SGD" => Box::new(optim::SGD::from_groups(groups, lrs[0]).momentum(0.9)),
        "Adam" => Box::new(optim::Adam::from_groups(groups, lrs[0])),
        "Adagrad" => Box::new(optim::Adagrad::from_groups(groups, lrs[0])),
        other => panic!("unknown optimizer {other}"),
    }
}

fn case_opt(case: &J) -> Box<dyn Optimizer> {
    let lrs: Vec<f64> = case["lrs"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    make_opt(case["optimizer"].as_str().unwrap_or("SGD"), &lrs)
}

/// The fixture's scheduler, built on `opt`.
fn make_sched(name: &str, opt: &mut dyn Optimizer) -> Box<dyn LRScheduler> {
    let steps = fixture()["steps"].as_i64().unwrap();
    match name {
        "step" => Box::new(StepLR::new(opt, 3, 0.5)),
        "step_two_groups" => Box::new(StepLR::new(opt, 7, 0.3)),
        "multistep" => Box::new(MultiStepLR::new(opt, &[5, 12, 12, 30], 0.5)),
        "multistep_zero" => Box::new(MultiStepLR::new(opt, &[3, 0], 0.1)),
        "exponential" => Box::new(ExponentialLR::new(opt, 0.9)),
        "exponential_two_groups" => Box::new(ExponentialLR::new(opt, 0.97)),
        "cosine" => Box::new(CosineAnnealingLR::new(opt, 5, 0.01)),
        "cosine_two_groups" => Box::new(CosineAnnealingLR::new(opt, 17, 0.0)),
        "linear_default" => Box::new(LinearLR::new(opt, 1.0 / 3.0, 1.0, 5)),
        "linear_down" => Box::new(LinearLR::new(opt, 0.5, 0.1, 20)),
        "linear_to_zero" => Box::new(LinearLR::new(opt, 1.0, 0.0, 30)),
        "onecycle_sgd" => Box::new(OneCycleLR::new(opt, 0.5, steps)),
        "onecycle_three_phase_linear" => Box::new(
            OneCycleLR::try_new(
                opt,
                OneCycleOptions {
                    anneal_strategy: AnnealStrategy::Linear,
                    three_phase: true,
                    base_momentum: vec![0.8],
                    max_momentum: vec![0.9],
                    ..OneCycleOptions::new(1.0, steps + 5)
                },
            )
            .unwrap(),
        ),
        "onecycle_adam_groups" => Box::new(
            OneCycleLR::try_new(
                opt,
                OneCycleOptions {
                    max_lr: vec![0.01, 0.02],
                    pct_start: 0.25,
                    div_factor: 10.0,
                    final_div_factor: 100.0,
                    ..OneCycleOptions::new(0.0, steps)
                },
            )
            .unwrap(),
        ),
        "onecycle_epochs_no_momentum" => Box::new(
            OneCycleLR::try_new(
                opt,
                OneCycleOptions {
                    total_steps: None,
                    epochs: Some(6),
                    steps_per_epoch: Some(10),
                    cycle_momentum: false,
                    ..OneCycleOptions::new(0.1, 0)
                },
            )
            .unwrap(),
        ),
        other => panic!("unknown scheduler case {other}"),
    }
}

/// Each group's momentum, or beta1 for Adam (what OneCycleLR cycles).
fn momenta(opt: &dyn Optimizer) -> Vec<Option<f64>> {
    opt.param_groups()
        .iter()
        .map(|g| match g.get("betas") {
            Some(b) => b.as_f64_pair().map(|p| p.0),
            None => g.get("momentum").and_then(|m| m.as_f64()),
        })
        .collect()
}

fn lrs_of(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|&x| Some(x)).collect()
}

#[test]
fn sequences_match_torch_exactly() {
    for (name, case) in fixture()["sequences"].as_object().unwrap() {
        let mut opt = case_opt(case);
        let mut sched = make_sched(name, &mut *opt);
        let expected = case["last_lr"].as_array().unwrap();
        let momentum = case["momentum"].as_array().unwrap();
        for (t, exp) in expected.iter().enumerate() {
            if t > 0 {
                opt.step();
                sched.step(&mut *opt);
            }
            assert_eq!(lrs_of(sched.get_last_lr()), nums(exp), "{name}: lr after {t} steps");
            assert_eq!(opt.get_lr(), sched.get_last_lr(), "{name}: the optimizer's groups carry the lr");
            assert_eq!(momenta(&*opt), nums(&momentum[t]), "{name}: momentum after {t} steps");
        }
        assert_eq!(sched.last_epoch(), case["last_epoch"].as_i64().unwrap(), "{name}");
        let sd = sched.state_dict();
        let keys: Vec<&str> = sd.keys().collect();
        let exp_keys: Vec<&str> = case["state_keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        assert_eq!(keys, exp_keys, "{name}: state dict keys");
    }
}

#[test]
fn golden_values_of_the_semantics_spec() {
    // Quoted in pytorch-semantics.md §1.7 (recorded from torch 2.15), lr=0.1.
    let run = |make: &dyn Fn(&mut dyn Optimizer) -> Box<dyn LRScheduler>, n: usize| {
        let mut opt = make_opt("SGD", &[0.1]);
        let mut s = make(&mut *opt);
        let mut out = vec![s.get_last_lr()[0]];
        for _ in 1..n {
            s.step(&mut *opt);
            out.push(s.get_last_lr()[0]);
        }
        out
    };
    let step = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.00625];
    assert_eq!(run(&|o| Box::new(StepLR::new(o, 3, 0.5)), 13), step);
    let exp = [0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002];
    assert_eq!(run(&|o| Box::new(ExponentialLR::new(o, 0.9)), 5), exp);
    let cos = [
        0.1,
        0.09140576474687263,
        0.06890576474687263,
        0.04109423525312736,
        0.018594235253127367,
        0.01,
        0.018594235253127367,
        0.04109423525312739,
        0.06890576474687267,
        0.09140576474687269,
        0.10000000000000006,
    ];
    assert_eq!(run(&|o| Box::new(CosineAnnealingLR::new(o, 5, 0.01)), 11), cos);
}

#[test]
fn state_dict_round_trip_resumes_the_schedule() {
    for (name, case) in fixture()["sequences"].as_object().unwrap() {
        let expected = case["last_lr"].as_array().unwrap();
        let mut opt = case_opt(case);
        let mut sched = make_sched(name, &mut *opt);
        for _ in 0..25 {
            opt.step();
            sched.step(&mut *opt);
        }
        let (opt_state, sched_state) = (opt.state_dict(), sched.state_dict());
        // PyTorch's recipe: build the scheduler, then load the optimizer, then the scheduler.
        let mut opt2 = case_opt(case);
        let mut sched2 = make_sched(name, &mut *opt2);
        opt2.load_state_dict(&opt_state);
        sched2.load_state_dict(&sched_state);
        assert_eq!(sched2.state_dict(), sched_state, "{name}");
        for (t, exp) in expected.iter().enumerate().skip(26) {
            opt2.step();
            sched2.step(&mut *opt2);
            assert_eq!(lrs_of(sched2.get_last_lr()), nums(exp), "{name}: resumed, lr after {t} steps");
        }
    }
}

fn make_plateau(case: &J, opt: &dyn Optimizer) -> ReduceLROnPlateau {
    let mut s = ReduceLROnPlateau::new(opt);
    for (k, v) in case["kwargs"].as_object().unwrap() {
        s = match k.as_str() {
            "mode" => s.mode(if v == "max" { PlateauMode::Max } else { PlateauMode::Min }),
            "threshold_mode" => s.threshold_mode(if v == "abs" { ThresholdMode::Abs } else { ThresholdMode::Rel }),
            "threshold" => s.threshold(v.as_f64().unwrap()),
            "patience" => s.patience(v.as_i64().unwrap()),
            "cooldown" => s.cooldown(v.as_i64().unwrap()),
            "factor" => s.factor(v.as_f64().unwrap()),
            "eps" => s.eps(v.as_f64().unwrap()),
            "min_lr" => match v.as_array() {
                Some(list) => s.min_lrs(list.iter().map(|x| x.as_f64().unwrap()).collect()),
                None => s.min_lr(v.as_f64().unwrap()),
            },
            other => panic!("unknown option {other}"),
        };
    }
    s
}

#[test]
fn reduce_lr_on_plateau_matches_torch() {
    let metrics: Vec<f64> = nums(&fixture()["metrics"]).into_iter().map(Option::unwrap).collect();
    for (name, case) in fixture()["plateaus"].as_object().unwrap() {
        let mut opt = case_opt(case);
        let mut s = make_plateau(case, &*opt);
        let expected = case["last_lr"].as_array().unwrap();
        assert_eq!(lrs_of(s.get_last_lr()), nums(&expected[0]), "{name}: initial");
        let mut saved = None;
        for (t, m) in metrics.iter().enumerate() {
            opt.step();
            s.step(&mut *opt, *m);
            assert_eq!(lrs_of(s.get_last_lr()), nums(&expected[t + 1]), "{name}: lr after metric {t}");
            if t == 20 {
                saved = Some((opt.state_dict(), s.state_dict()));
            }
        }
        let sd = s.state_dict();
        assert_eq!(Some(sd.f64("best").unwrap()), num(&case["best"]), "{name}: best");
        assert_eq!(sd.i64("num_bad_epochs").unwrap(), case["num_bad_epochs"].as_i64().unwrap(), "{name}");
        assert_eq!(sd.i64("cooldown_counter").unwrap(), case["cooldown_counter"].as_i64().unwrap(), "{name}");
        let keys: Vec<&str> = sd.keys().collect();
        let exp_keys: Vec<&str> = case["state_keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        assert_eq!(keys, exp_keys, "{name}: state dict keys");
        // Resume from the state after metric 20.
        let (opt_state, sched_state) = saved.unwrap();
        let mut opt2 = case_opt(case);
        opt2.load_state_dict(&opt_state);
        let mut s2 = ReduceLROnPlateau::new(&*opt2);
        s2.load_state_dict(&sched_state);
        for (t, m) in metrics.iter().enumerate().skip(21) {
            s2.step(&mut *opt2, *m);
            assert_eq!(lrs_of(s2.get_last_lr()), nums(&expected[t + 1]), "{name}: resumed after metric {t}");
        }
    }
}

fn err<T>(r: torchlight::Result<T>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn errors_match_torch() {
    let e = fixture()["errors"].as_object().unwrap();
    let one = || make_opt("SGD", &[0.1]);
    let two = || make_opt("SGD", &[0.1, 0.1]);
    let oc = |o: OneCycleOptions, opt: &mut dyn Optimizer| err(OneCycleLR::try_new(opt, o));
    let base = || OneCycleOptions::new(0.1, 10);
    let cases: Vec<(&str, String)> = vec![
        ("linear_start", err(LinearLR::try_new(&mut *one(), 0.0, 1.0, 5, -1))),
        ("linear_start_big", err(LinearLR::try_new(&mut *one(), 1.5, 1.0, 5, -1))),
        ("linear_end", err(LinearLR::try_new(&mut *one(), 1.0 / 3.0, 1.5, 5, -1))),
        ("plateau_factor", err(ReduceLROnPlateau::new(&*one()).try_factor(1.0))),
        ("plateau_min_lrs", err(ReduceLROnPlateau::new(&*two()).try_min_lrs(vec![0.1, 0.2, 0.3]))),
        ("onecycle_total_steps", oc(OneCycleOptions { total_steps: Some(0), ..base() }, &mut *one())),
        (
            "onecycle_epochs",
            oc(
                OneCycleOptions { total_steps: None, epochs: Some(-1), steps_per_epoch: Some(10), ..base() },
                &mut *one(),
            ),
        ),
        (
            "onecycle_steps_per_epoch",
            oc(OneCycleOptions { total_steps: None, epochs: Some(2), steps_per_epoch: Some(0), ..base() }, &mut *one()),
        ),
        ("onecycle_missing", oc(OneCycleOptions { total_steps: None, ..base() }, &mut *one())),
        ("onecycle_pct_start", oc(OneCycleOptions { pct_start: 1.5, ..base() }, &mut *one())),
        ("onecycle_max_lr_len", oc(OneCycleOptions { max_lr: vec![0.1, 0.2, 0.3], ..base() }, &mut *two())),
        ("onecycle_momentum", oc(base(), &mut *make_opt("Adagrad", &[0.1]))),
        ("resume_without_initial_lr", err(StepLR::try_new(&mut *one(), 3, 0.1, 5))),
    ];
    for (name, msg) in cases {
        assert_eq!(msg, e[name].as_str().unwrap(), "{name}");
    }
    let mut opt = one();
    let mut s = OneCycleLR::new(&mut *opt, 0.1, 3);
    for _ in 0..3 {
        s.step(&mut *opt);
    }
    assert_eq!(err(s.try_step(&mut *opt)), e["onecycle_overstep"].as_str().unwrap());
}

#[test]
fn resuming_with_last_epoch_uses_initial_lr() {
    // A scheduler built with last_epoch >= 0 takes base_lrs from the groups' initial_lr.
    let r = &fixture()["resume"];
    let mut opt = make_opt("SGD", &[0.1]);
    let mut first = ExponentialLR::new(&mut *opt, 0.5);
    first.step(&mut *opt);
    opt.set_lr(0.3);
    let mut resumed = ExponentialLR::try_new(&mut *opt, 0.5, 1).unwrap();
    assert_eq!(lrs_of(&resumed.base().base_lrs), nums(&r["base_lrs"]));
    assert_eq!(resumed.last_epoch(), r["last_epoch"].as_i64().unwrap());
    assert_eq!(lrs_of(resumed.get_last_lr()), nums(&r["last_lr"]));
    resumed.step(&mut *opt);
    assert_eq!(lrs_of(resumed.get_last_lr()), nums(&r["next_lr"]));
}
