//! The main example: the whole training workflow on one small problem, fitting sin(x) on
//! [-π, π] with a multi-layer perceptron.
//!
//! Data as tensors, a `Sequential` model, shuffled mini-batches, Adam with a cosine learning-rate
//! schedule, a progress bar, evaluation without gradient recording, a summary, a safetensors
//! checkpoint (reloaded into a fresh model to check it), and a PNG with the fitted curve against
//! sin(x) and the loss per epoch.
//!
//! `scripts/reference_fit_sine.py` is the same program in PyTorch: under the same seed it prints
//! the same loss and error lines.
//!
//! Run: `cargo run --release --example fit_sine -- [--plot PATH] [--checkpoint PATH] [--epochs N] [--seed N]`
//! (by default `fit_sine.png` and `fit_sine.safetensors` in the current directory).

mod common;

use common::plot::{save_panels, Panel, Series, BLUE, ORANGE};
use common::{arg_value, sci3, seed_arg};
use indicatif::{ProgressBar, ProgressStyle};
use std::f64::consts::PI;
use std::path::PathBuf;
use std::time::Instant;
use torchlight::optim::lr_scheduler::{CosineAnnealingLR, LRScheduler};
use torchlight::{self as tl, nn, nn::Module, optim, optim::Optimizer, Tensor};

const POINTS: i64 = 2000;
const BATCH: usize = 100;
const HIDDEN: usize = 32;
const LR: f64 = 1e-2;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plot_path = PathBuf::from(arg_value("--plot").unwrap_or_else(|| "fit_sine.png".into()));
    let ckpt_path = PathBuf::from(arg_value("--checkpoint").unwrap_or_else(|| "fit_sine.safetensors".into()));
    let epochs: usize = arg_value("--epochs").map_or(100, |s| s.parse().expect("--epochs takes a positive integer"));
    tl::manual_seed(seed_arg());

    // Inputs as a column: the model maps one feature to one output.
    let x = Tensor::linspace(-PI, PI, POINTS).unsqueeze(1);
    let y = x.sin();

    let model = mlp();
    let n_params: usize = model.parameters().iter().map(Tensor::numel).sum();
    let criterion = nn::MSELoss::new();
    let mut optimizer = optim::Adam::new(model.parameters(), LR);
    let mut scheduler = CosineAnnealingLR::new(&mut optimizer, epochs as i64, 0.0);

    let bar = ProgressBar::new(epochs as u64);
    bar.set_style(ProgressStyle::with_template("{elapsed_precise} {bar:40.cyan/blue} {pos}/{len} epochs  {msg}")?);
    let mut epoch_losses = Vec::with_capacity(epochs);
    let t0 = Instant::now();
    model.train(true);
    for _ in 0..epochs {
        // A fresh order each epoch from the global generator, as a shuffling DataLoader would draw.
        let order = Tensor::randperm(POINTS as usize);
        let mut total = 0.0;
        for idx in order.split(BATCH, 0) {
            let (xb, yb) = (x.index_select(0, &idx), y.index_select(0, &idx));
            let loss = criterion.forward(&model.forward(&xb), &yb);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            total += loss.item() * idx.numel() as f64;
        }
        scheduler.step(&mut optimizer);
        let mean = total / POINTS as f64;
        epoch_losses.push(mean);
        bar.set_message(format!("loss {}", sci3(mean)));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let seconds = t0.elapsed().as_secs_f64();

    model.eval();
    let pred = tl::no_grad(|| model.forward(&x));
    let final_loss = criterion.forward(&pred, &y).item();
    let err = (&pred - &y).abs();
    let worst = err.argmax(None, false).item() as usize;
    let xs = x.flatten(0, -1).to_vec::<f32>();
    let (ys, ps) = (y.flatten(0, -1).to_vec::<f32>(), pred.flatten(0, -1).to_vec::<f32>());

    // The checkpoint, named as PyTorch names the state dict (`0.weight`, ...), loads into a
    // fresh model that then predicts exactly what the trained one does.
    model.save_file(&ckpt_path)?;
    let restored = mlp();
    restored.load_file(&ckpt_path, true)?;
    restored.eval();
    let same = tl::no_grad(|| restored.forward(&x)).equal(&pred);
    assert!(same, "the reloaded checkpoint predicts differently");

    let steps = epochs * (POINTS as usize).div_ceil(BATCH);
    println!("model: MLP 1-{HIDDEN}-{HIDDEN}-1 with tanh, {n_params} parameters");
    println!("training: Adam lr {LR} with cosine annealing, {epochs} epochs of {POINTS} points in batches of {BATCH}");
    println!("final loss (mean squared error over the {POINTS} points): {}", sci3(final_loss));
    println!("largest error |f(x) - sin(x)|: {} at x = {:.3}", sci3(err.max().item()), xs[worst]);
    println!("trained in {seconds:.2} s ({:.0} steps/s)", steps as f64 / seconds);

    let curve = |v: &[f32]| xs.iter().zip(v).map(|(&a, &b)| (a as f64, b as f64)).collect::<Vec<_>>();
    let panels = [
        Panel {
            title: "sin(x) and the fitted MLP".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            log_y: false,
            series: vec![
                Series { label: "sin(x)".into(), points: curve(&ys), color: BLUE, width: 4 },
                Series { label: "model(x)".into(), points: curve(&ps), color: ORANGE, width: 2 },
            ],
        },
        Panel {
            title: "training loss".into(),
            x_label: "epoch".into(),
            y_label: "mean squared error".into(),
            log_y: true,
            series: vec![Series {
                label: "epoch mean".into(),
                points: epoch_losses.iter().enumerate().map(|(i, &l)| ((i + 1) as f64, l)).collect(),
                color: BLUE,
                width: 2,
            }],
        },
    ];
    save_panels(&plot_path, &panels, (640, 480))?;
    println!("checkpoint written to {} (reloaded: same predictions)", ckpt_path.display());
    println!("plot written to {}", plot_path.display());
    Ok(())
}

/// The network: one input, two hidden tanh layers, one output.
fn mlp() -> nn::Sequential {
    nn::Sequential::new()
        .add(nn::Linear::new(1, HIDDEN))
        .add(nn::Tanh::new())
        .add(nn::Linear::new(HIDDEN, HIDDEN))
        .add(nn::Tanh::new())
        .add(nn::Linear::new(HIDDEN, 1))
}
