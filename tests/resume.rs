//! Resuming training from a [`Checkpoint`]: the `digits` example trained 2 epochs, saved, and
//! resumed for 2 more epochs in a new process must end with the same weights, bit for bit, as
//! 4 epochs in one process. Also the checkpoint's own round trip (an Adam state, scheduler
//! dicts, floats that must keep every bit) and its errors.

use std::path::{Path, PathBuf};
use std::process::Command;
use torchlight::nn::{self, Module, StateDict};
use torchlight::optim::lr_scheduler::{LRScheduler, ReduceLROnPlateau, StepLR};
use torchlight::optim::{self, Dict, Optimizer, Value};
use torchlight::{self as tl, Checkpoint, Error, Tensor};

mod common;

/// Images used by the example runs: 4 batches of 32 for training, 26 test images.
const LIMIT: &str = "130";

/// A path in the temporary directory, unique to this process.
fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("torchlight-resume-{}-{name}", std::process::id()))
}

/// Removes the files when dropped, so a failing test cleans up too.
struct Cleanup(Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The example binary next to this test's (`target/<profile>/examples/<name>`). Cargo is run
/// every time, in the test's profile: it does nothing when the binary is up to date, and a
/// stale binary from before an edit of the example would test the wrong program.
fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["build", "--quiet", "--example", name]).current_dir(env!("CARGO_MANIFEST_DIR"));
    if profile_dir.file_name().is_some_and(|p| p == "release") {
        cmd.arg("--release");
    }
    let status = cmd.status().expect("running cargo build");
    assert!(status.success(), "cargo build --example {name} failed");
    let bin = profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "{} was not built", bin.display());
    bin
}

/// Runs the digits example with `args`; returns its standard output.
fn digits(bin: &Path, args: &[&str]) -> String {
    let out = Command::new(bin).args(args).output().expect("running the digits example");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "digits {args:?} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// The `epoch N  train loss ...  test accuracy ...` line of epoch `n`.
fn epoch_line(stdout: &str, n: usize) -> &str {
    let prefix = format!("epoch {n:>3}  ");
    stdout.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("no line for epoch {n} in:\n{stdout}"))
}

/// Every tensor of `a` and `b`, with the same names, dtypes, shapes and bits.
fn assert_bit_identical(a: &StateDict, b: &StateDict, what: &str) {
    let mut ka: Vec<&str> = a.keys().collect();
    let mut kb: Vec<&str> = b.keys().collect();
    ka.sort_unstable();
    kb.sort_unstable();
    assert_eq!(ka, kb, "{what}: different tensor names");
    for (name, t) in a.iter() {
        let u = &b[name];
        assert_eq!(t.dtype(), u.dtype(), "{what}: dtype of {name}");
        assert!(t.equal(u), "{what}: tensor {name} differs:\n{t}\n{u}");
    }
}

#[test]
fn two_epochs_saved_and_two_resumed_in_a_new_process_equal_four_straight() {
    let bin = example_binary("digits");
    let (straight, state, resumed, plot, scratch) =
        (temp("a.safetensors"), temp("s.safetensors"), temp("b.safetensors"), temp("plot.png"), temp("x.safetensors"));
    let _cleanup = Cleanup(vec![straight.clone(), state.clone(), resumed.clone(), plot.clone(), scratch.clone()]);
    let p = |p: &PathBuf| p.to_str().expect("UTF-8 temp path").to_string();
    // The learning rate halves after epoch 3, so the resumed run must have restored the
    // scheduler's epoch count as well as the optimizer's learning rate.
    let common = ["--limit", LIMIT, "--lr-step", "3", "--plot", &p(&plot)];

    let a = digits(&bin, &[&common[..], &["--epochs", "4", "--checkpoint", &p(&straight)]].concat());
    let s = digits(
        &bin,
        &[&common[..], &["--epochs", "2", "--save-state", &p(&state), "--checkpoint", &p(&scratch)]].concat(),
    );
    let b =
        digits(&bin, &[&common[..], &["--resume", &p(&state), "--epochs", "2", "--checkpoint", &p(&resumed)]].concat());

    assert!(s.contains("training state after epoch 2 written to"), "{s}");
    assert!(b.contains("resumed from") && b.contains("after epoch 2"), "{b}");
    // The same losses and accuracies, printed to the last digit, epoch by epoch.
    for n in 1..=2 {
        assert_eq!(epoch_line(&s, n), epoch_line(&a, n));
    }
    for n in 3..=4 {
        assert_eq!(epoch_line(&b, n), epoch_line(&a, n));
    }
    assert!(!b.contains("epoch   1 "), "the resumed run numbers its epochs on from 3:\n{b}");

    let (wa, wb) = (tl::load_file(&straight).unwrap(), tl::load_file(&resumed).unwrap());
    assert_bit_identical(&wa, &wb, "4 epochs straight vs 2 + 2 resumed");

    // The saved state is the model after 2 epochs, which the 2 resumed epochs changed.
    let ck = Checkpoint::load(&state).unwrap();
    assert_eq!(ck.value("epoch").unwrap().as_i64(), Some(2));
    let after_two = ck.state_dict("model").unwrap();
    assert!(!after_two["0.weight"].equal(&wa["0.weight"]), "the resumed epochs did not train");
    assert_eq!(ck.dict("scheduler").unwrap().i64("last_epoch").unwrap(), 2);
    assert_eq!(ck.rng_state("rng").unwrap().len(), tl::random::RNG_STATE_SIZE);
}

#[test]
fn resuming_with_other_data_is_refused() {
    let bin = example_binary("digits");
    let (state, plot, scratch) = (temp("refuse-s.safetensors"), temp("refuse.png"), temp("refuse-x.safetensors"));
    let _cleanup = Cleanup(vec![state.clone(), plot.clone(), scratch.clone()]);
    let p = |p: &PathBuf| p.to_str().unwrap().to_string();
    let args = ["--plot", &p(&plot), "--checkpoint", &p(&scratch), "--epochs", "1"];
    digits(&bin, &[&args[..], &["--limit", "40", "--save-state", &p(&state)]].concat());
    let out = Command::new(&bin).args(args).args(["--limit", "41", "--resume", &p(&state)]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("was trained with --seed 0 on 40 images"), "{stderr}");
}

/// A model and an Adam optimizer after a few steps under a StepLR schedule.
fn trained() -> (nn::Sequential, optim::Adam, StepLR) {
    tl::manual_seed(3);
    let model =
        nn::Sequential::new().add(nn::Linear::new(3, 4)).add(nn::BatchNorm1d::new(4)).add(nn::Linear::new(4, 1));
    let mut opt = optim::Adam::new(model.parameters(), 1e-2).amsgrad(true);
    let mut sched = StepLR::new(&mut opt, 2, 0.3);
    for _ in 0..3 {
        let loss = model.forward(&Tensor::randn(&[8, 3])).pow(2).mean();
        opt.zero_grad();
        loss.backward();
        opt.step();
        sched.step(&mut opt);
    }
    (model, opt, sched)
}

/// Floats that a careless text round trip would change.
fn awkward_floats() -> Vec<f64> {
    vec![
        0.1,
        1.0 / 3.0,
        2.0,
        -0.0,
        1e-5,
        2.5e16,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        2.638344616030823e-256,
        0.30000000000000004,
        9007199254740993.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ]
}

#[test]
fn checkpoint_round_trip_keeps_every_bit() {
    let _g = common::global_rng();
    let path = temp("roundtrip.safetensors");
    let _cleanup = Cleanup(vec![path.clone()]);
    let (model, opt, sched) = trained();
    let plateau = ReduceLROnPlateau::new(&opt); // its `best` is inf
    let floats = awkward_floats();
    let nested = Dict::new()
        .with("floats", floats.clone())
        .with("ints", vec![0i64, -1, i64::MIN, i64::MAX])
        .with("text", "quote \" backslash \\ newline \n tab \t bell \u{7} é ∑ 🦀")
        .with("none", Value::None)
        .with("flags", Value::List(vec![Value::Bool(true), Value::Bool(false), Value::List(vec![])]))
        .with("inner", Dict::new().with("nan", f64::NAN).with("empty", Dict::new()));
    let generator = tl::Generator::with_seed(11);
    generator.lock().random();

    let mut ck = Checkpoint::new();
    ck.put_state_dict("model", &model.state_dict())
        .put_optimizer("optimizer", &opt.state_dict())
        .put_dict("scheduler", &sched.state_dict())
        .put_dict("plateau", &plateau.state_dict())
        .put_dict("nested", &nested)
        .put_rng_state("rng", &generator.get_state())
        .put_value("epoch", 3i64)
        .put_value("best", 0.1)
        .put_value("name", "run.1");
    ck.save(&path).unwrap();
    let back = Checkpoint::load(&path).unwrap();

    assert_eq!(back.names().collect::<Vec<_>>(), ck.names().collect::<Vec<_>>());
    assert_bit_identical(back.state_dict("model").unwrap(), &model.state_dict(), "model");
    let keys: Vec<&str> = back.state_dict("model").unwrap().keys().collect();
    assert_eq!(keys, model.state_dict().keys().collect::<Vec<_>>(), "the state dict keeps its order");

    let (saved, loaded) = (opt.state_dict(), back.optimizer("optimizer").unwrap());
    assert_eq!(loaded.param_groups, saved.param_groups);
    assert_eq!(loaded.state.keys().collect::<Vec<_>>(), saved.state.keys().collect::<Vec<_>>());
    for (i, map) in &saved.state {
        let sd =
            |m: &std::collections::BTreeMap<String, Tensor>| m.iter().map(|(k, t)| (k.clone(), t.clone())).collect();
        assert_bit_identical(&sd(&loaded.state[i]), &sd(map), &format!("optimizer state {i}"));
    }
    assert_eq!(back.dict("scheduler").unwrap(), &sched.state_dict());
    assert_eq!(back.dict("plateau").unwrap(), &plateau.state_dict());
    assert_eq!(back.dict("plateau").unwrap().f64("best").unwrap(), f64::INFINITY);

    let n = back.dict("nested").unwrap();
    let bits = |v: Vec<f64>| v.into_iter().map(f64::to_bits).collect::<Vec<_>>();
    assert_eq!(bits(n.f64_list("floats").unwrap()), bits(floats));
    assert_eq!(n.get("ints"), nested.get("ints"));
    assert_eq!(n.get("text"), nested.get("text"));
    assert_eq!(n.get("none"), Some(&Value::None));
    assert_eq!(n.get("flags"), nested.get("flags"));
    let Some(Value::Dict(inner)) = n.get("inner") else { panic!("inner is not a dict: {n:?}") };
    assert!(inner.f64("nan").unwrap().is_nan());
    assert_eq!(inner.get("empty"), Some(&Value::Dict(Dict::new())));

    let restored = tl::Generator::new();
    restored.set_state(back.rng_state("rng").unwrap()).unwrap();
    assert_eq!(restored.lock().random(), generator.lock().random());
    assert_eq!(back.value("epoch").unwrap(), &Value::Int(3));
    assert_eq!(back.value("best").unwrap().as_f64().map(f64::to_bits), Some(0.1f64.to_bits()));
    assert_eq!(back.value("name").unwrap().as_str(), Some("run.1"));
}

#[test]
fn loaded_states_continue_training_identically() {
    let _g = common::global_rng();
    let path = temp("continue.safetensors");
    let _cleanup = Cleanup(vec![path.clone()]);
    let (model, mut opt, mut sched) = trained();
    let mut ck = Checkpoint::new();
    ck.put_state_dict("model", &model.state_dict())
        .put_optimizer("optimizer", &opt.state_dict())
        .put_dict("scheduler", &sched.state_dict())
        .put_rng_state("rng", &tl::random::get_rng_state());
    ck.save(&path).unwrap();

    let step = |model: &nn::Sequential, opt: &mut optim::Adam, sched: &mut StepLR| {
        for _ in 0..3 {
            let loss = model.forward(&Tensor::randn(&[8, 3])).pow(2).mean();
            opt.zero_grad();
            loss.backward();
            opt.step();
            sched.step(opt);
        }
    };
    step(&model, &mut opt, &mut sched);

    // Fresh objects (other initial weights), then the saved states.
    tl::manual_seed(99);
    let (model2, mut opt2, mut sched2) = {
        let m =
            nn::Sequential::new().add(nn::Linear::new(3, 4)).add(nn::BatchNorm1d::new(4)).add(nn::Linear::new(4, 1));
        let mut o = optim::Adam::new(m.parameters(), 1e-2).amsgrad(true);
        let s = StepLR::new(&mut o, 2, 0.3);
        (m, o, s)
    };
    let back = Checkpoint::load(&path).unwrap();
    model2.load_state_dict(back.state_dict("model").unwrap(), true).unwrap();
    opt2.try_load_state_dict(back.optimizer("optimizer").unwrap()).unwrap();
    sched2.try_load_state_dict(back.dict("scheduler").unwrap()).unwrap();
    tl::random::set_rng_state(back.rng_state("rng").unwrap()).unwrap();
    step(&model2, &mut opt2, &mut sched2);

    assert_bit_identical(&model2.state_dict(), &model.state_dict(), "continued model");
    assert_eq!(opt2.get_lr(), opt.get_lr());
    assert_eq!(sched2.state_dict(), sched.state_dict());
}

#[test]
fn missing_and_mistyped_entries_are_errors_naming_the_file() {
    let _g = common::global_rng();
    let path = temp("missing.safetensors");
    let _cleanup = Cleanup(vec![path.clone()]);
    let mut ck = Checkpoint::new();
    ck.put_value("epoch", 2i64).put_state_dict("model", &nn::Linear::new(2, 2).state_dict());
    ck.save(&path).unwrap();
    let back = Checkpoint::load(&path).unwrap();
    let file = path.display().to_string();

    let err = back.optimizer("optimizer").unwrap_err();
    assert!(matches!(err, Error::Value(_)), "{err:?}");
    assert_eq!(err.to_string(), format!("KeyError: 'optimizer' (checkpoint '{file}' has entries 'epoch', 'model')"));

    let err = back.state_dict("epoch").unwrap_err();
    assert!(matches!(err, Error::Type(_)), "{err:?}");
    assert_eq!(err.to_string(), format!("entry 'epoch' of checkpoint '{file}' is a value, not a state dict"));

    let err = Checkpoint::new().dict("scheduler").unwrap_err();
    assert_eq!(err.to_string(), "KeyError: 'scheduler' (the checkpoint has no entries)");
}

#[test]
fn a_failed_save_keeps_the_previous_file() {
    let path = temp("keep.safetensors");
    let _cleanup = Cleanup(vec![path.clone()]);
    let mut ck = Checkpoint::new();
    ck.put_value("epoch", 1i64);
    ck.save(&path).unwrap();

    // "a" + "b.c" and "a.b" + "c" would both store the tensor "a.b.c".
    let mut clash = Checkpoint::new();
    clash.put_state_dict("a", &[("b.c".to_string(), Tensor::zeros(&[1]))].into_iter().collect());
    clash.put_state_dict("a.b", &[("c".to_string(), Tensor::ones(&[1]))].into_iter().collect());
    let err = clash.save(&path).unwrap_err();
    assert_eq!(
        err.to_string(),
        "checkpoint entries 'a' and 'a.b' both store a tensor named 'a.b.c'; rename one of them"
    );
    let mut reserved = Checkpoint::new();
    reserved.put_value("torchlight.checkpoint", 1i64);
    assert!(reserved.save(&path).is_err());
    let mut unwritable = Checkpoint::new();
    unwritable.put_value("epoch", 2i64);
    assert!(unwritable.save(temp("no-such-dir").join("x.safetensors")).is_err());

    assert_eq!(Checkpoint::load(&path).unwrap().value("epoch").unwrap().as_i64(), Some(1));
}

#[test]
fn files_that_are_no_checkpoint_are_format_errors() {
    let path = temp("corrupt.safetensors");
    let _cleanup = Cleanup(vec![path.clone()]);
    let file = path.display().to_string();
    let load_err = |tensors: &StateDict, meta: &[(&str, &str)]| {
        let meta = meta.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        tl::save_file(tensors, &path, Some(meta)).unwrap();
        let err = Checkpoint::load(&path).unwrap_err();
        assert!(matches!(err, Error::Format(_)), "{err:?}");
        let text = err.to_string();
        assert!(text.starts_with(&format!("'{file}' is not a valid checkpoint: ")), "{text}");
        text
    };
    let index = r#"{"format_version": 1, "entries": ["x"]}"#;
    let empty = StateDict::new();
    let one: StateDict = [("x.w".to_string(), Tensor::zeros(&[2]))].into_iter().collect();

    // A plain state dict, as safetensors.torch.save_file writes it.
    assert!(load_err(&one, &[("format", "pt")]).contains("no 'torchlight.checkpoint' index"));
    assert!(load_err(&empty, &[("torchlight.checkpoint", "[1")]).contains("not valid JSON"));
    let newer = load_err(&empty, &[("torchlight.checkpoint", r#"{"format_version": 2, "entries": []}"#)]);
    assert!(newer.contains("format version 2"), "{newer}");
    assert!(load_err(&empty, &[("torchlight.checkpoint", index)]).contains("entry 'x': the metadata has no string"));
    let bad_json = load_err(&empty, &[("torchlight.checkpoint", index), ("x", r#"{"kind": "value", "value": [1,]}"#)]);
    assert!(bad_json.contains("entry 'x': its metadata is not valid JSON"), "{bad_json}");
    let deep = format!(r#"{{"kind": "value", "value": {}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    assert!(load_err(&empty, &[("torchlight.checkpoint", index), ("x", &deep)]).contains("nesting too deep"));
    let missing =
        load_err(&empty, &[("torchlight.checkpoint", index), ("x", r#"{"kind": "state_dict", "keys": ["w"]}"#)]);
    assert!(missing.contains("entry 'x': the tensor 'x.w' is missing from the file"), "{missing}");
    let stray = load_err(&one, &[("torchlight.checkpoint", index), ("x", r#"{"kind": "value", "value": 1}"#)]);
    assert!(stray.contains("the tensor 'x.w' belongs to no entry"), "{stray}");
    let big = load_err(
        &empty,
        &[("torchlight.checkpoint", index), ("x", r#"{"kind": "value", "value": 9223372036854775808}"#)],
    );
    assert!(big.contains("int64 range"), "{big}");
    let hex = load_err(&empty, &[("torchlight.checkpoint", index), ("x", r#"{"kind": "rng_state", "hex": "abc"}"#)]);
    assert!(hex.contains("'hex' is not a string of hexadecimal byte pairs"), "{hex}");
    let kind = load_err(&empty, &[("torchlight.checkpoint", index), ("x", r#"{"kind": "pickle"}"#)]);
    assert!(kind.contains("its kind 'pickle' is unknown"), "{kind}");

    // Python's json.dumps spacing, escapes and non-finite numbers read back.
    let ok =
        r#"{"kind": "dict", "value": {"a": [1, 2.5, -1e-05, NaN, -Infinity], "s": "\u00e9\ud83e\udd80\n", "n": null}}"#;
    tl::save_file(
        &empty,
        &path,
        Some([("torchlight.checkpoint", index), ("x", ok)].map(|(k, v)| (k.to_string(), v.to_string())).into()),
    )
    .unwrap();
    let d = Checkpoint::load(&path).unwrap().dict("x").unwrap().clone();
    let a = d.get("a").unwrap();
    let Value::List(items) = a else { panic!("{a:?}") };
    assert_eq!(items[0], Value::Int(1));
    assert_eq!(items[1], Value::Float(2.5));
    assert_eq!(items[2], Value::Float(-1e-5));
    assert!(items[3].as_f64().unwrap().is_nan());
    assert_eq!(items[4], Value::Float(f64::NEG_INFINITY));
    assert_eq!(d.str("s").unwrap(), "é🦀\n");
    assert_eq!(d.get("n"), Some(&Value::None));
}
