//! A small convolutional network trained on real handwritten digits: the 1,797 8×8 images of
//! the UCI optical-digits set, committed as `examples/assets/digits.csv.gz` (source and
//! licence in `examples/assets/digits-SOURCE.md`).
//!
//! The PyTorch workflow end to end: a data set read from a compressed CSV, a seeded
//! `random_split` into 80% training and 20% held-out test images, shuffling `DataLoader`s, a
//! CNN (Conv2d, BatchNorm2d, ReLU, MaxPool2d, Dropout, Linear), cross-entropy, Adam, a progress
//! bar, per-epoch train loss and test accuracy, a safetensors checkpoint and a PNG of the
//! curves.
//!
//! A `StepLR` schedule halves the learning rate every 10 epochs (`--lr-step N`).
//!
//! Run: `cargo run --release --example digits -- [--epochs N] [--seed N] [--plot PATH] [--checkpoint PATH]`
//! (by default 20 epochs, `digits.png` and `digits.safetensors` in the current directory).
//!
//! Resuming, as `torch.save` / `torch.load` of a dict of states would: `--save-state PATH`
//! writes a `Checkpoint` after training (model, Adam, StepLR, the global generator's state,
//! the epoch count); `--resume PATH` restores it before training and numbers the `--epochs N`
//! more epochs on from the saved one. The global generator drives the dropout masks and the
//! training loader's shuffling, so 2 epochs, a save, and 2 more epochs in a new process give
//! the same weights, bit for bit, as 4 epochs in one. `--limit N` uses only the first N images.

mod common;

use common::classifier::{accuracy, fit, plot_history, History};
use common::{arg_value, seed_arg};
use std::io::Read;
use std::path::{Path, PathBuf};
use torchlight::data::csv::{self, CsvOptions};
use torchlight::data::{random_split, DataLoader, TensorDataset};
use torchlight::nn::{self, Module};
use torchlight::optim::lr_scheduler::{LRScheduler, StepLR};
use torchlight::optim::Optimizer;
use torchlight::random::Generator;
use torchlight::{self as tl, optim, Checkpoint, DType, Tensor};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/digits.csv.gz");
const BATCH: usize = 32;
const LR: f64 = 2e-3;
/// StepLR: the learning rate is multiplied by `LR_GAMMA` every `--lr-step` epochs (10).
const LR_STEP: i64 = 10;
const LR_GAMMA: f64 = 0.5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plot_path = PathBuf::from(arg_value("--plot").unwrap_or_else(|| "digits.png".into()));
    let ckpt_path = PathBuf::from(arg_value("--checkpoint").unwrap_or_else(|| "digits.safetensors".into()));
    let epochs: usize = arg_value("--epochs").map_or(20, |s| s.parse().expect("--epochs takes a positive integer"));
    let limit: Option<usize> = arg_value("--limit").map(|s| s.parse().expect("--limit takes a positive integer"));
    let lr_step: i64 =
        arg_value("--lr-step").map_or(LR_STEP, |s| s.parse().expect("--lr-step takes a positive integer"));
    let save_state = arg_value("--save-state").map(PathBuf::from);
    let resume = arg_value("--resume").map(PathBuf::from);
    let seed = seed_arg();
    tl::manual_seed(seed);

    let (mut images, mut labels) = load_digits(DATA)?;
    if let Some(limit) = limit {
        let n = limit.min(images.shape()[0]);
        (images, labels) = (images.narrow(0, 0, n), labels.narrow(0, 0, n));
    }
    let n = images.shape()[0];
    let data = TensorDataset::new((images, labels));
    // The split has its own generator, so it is the same whatever the model draws.
    let split_gen = Generator::with_seed(seed);
    let n_test = n / 5;
    let parts = random_split(data, [n - n_test, n_test], &split_gen);
    let (train_set, test_set) = (parts[0].clone(), parts[1].clone());
    let train = DataLoader::new(train_set).batch_size(BATCH).shuffle(true).num_workers(1);
    let test = DataLoader::new(test_set).batch_size(256);

    let model = cnn();
    let n_params: usize = model.parameters().iter().map(Tensor::numel).sum();
    let mut optimizer = optim::Adam::new(model.parameters(), LR);
    let mut scheduler = StepLR::new(&mut optimizer, lr_step, LR_GAMMA);
    println!("data: {n} images 8x8 ({} train, {n_test} test)", n - n_test);
    println!("model: {n_params} parameters\n{}", model.repr());

    // Restored after the model, the optimizer and the scheduler are built (their constructors
    // draw initial weights and set the groups' `initial_lr`), as a PyTorch script does.
    let first_epoch = match &resume {
        Some(path) => restore(path, &model, &mut optimizer, &mut scheduler, seed, n)?,
        None => 0,
    };

    let mut history = History::default();
    let seconds = fit(&model, &train, &test, &mut optimizer, Some(&mut scheduler), first_epoch, epochs, &mut history);
    // Saved before the evaluation below, which draws from the global generator (each loader
    // epoch takes a seed), so that the saved state is the one the next epoch would start from.
    if let Some(path) = &save_state {
        let mut state = Checkpoint::new();
        state
            .put_state_dict("model", &model.state_dict())
            .put_optimizer("optimizer", &optimizer.state_dict())
            .put_dict("scheduler", &scheduler.state_dict())
            .put_rng_state("rng", &tl::random::get_rng_state())
            .put_value("epoch", (first_epoch + epochs) as i64)
            .put_value("seed", seed as i64)
            .put_value("images", n as i64);
        state.save(path)?;
    }
    let final_acc = accuracy(&model, &test);

    model.save_file(&ckpt_path)?;
    let restored = cnn();
    restored.load_file(&ckpt_path, true)?;
    let same = accuracy(&restored, &test) == final_acc;
    assert!(same, "the reloaded checkpoint predicts differently");
    plot_history(&plot_path, &history, first_epoch)?;

    println!("trained {epochs} epochs in {seconds:.2} s");
    println!(
        "final test accuracy: {:.2}% ({} of {n_test} images)",
        100.0 * final_acc,
        (final_acc * n_test as f64).round()
    );
    println!("checkpoint written to {} (reloaded: same accuracy)", ckpt_path.display());
    println!("plot written to {}", plot_path.display());
    if let Some(path) = &save_state {
        println!("training state after epoch {} written to {}", first_epoch + epochs, path.display());
    }
    Ok(())
}

/// Loads the training state written by `--save-state`: model, optimizer, scheduler and
/// global generator; returns the epoch it was saved after. The data must be the same (the
/// seed fixes the split, the image count the shuffling draws).
fn restore(
    path: &Path,
    model: &dyn Module,
    optimizer: &mut dyn Optimizer,
    scheduler: &mut dyn LRScheduler,
    seed: u64,
    n: usize,
) -> Result<usize, Box<dyn std::error::Error>> {
    let state = Checkpoint::load(path)?;
    let int = |name: &str| -> Result<i64, Box<dyn std::error::Error>> {
        let v = state.value(name)?;
        v.as_i64().ok_or_else(|| format!("'{}': '{name}' is {v:?}, not an int", path.display()).into())
    };
    let (saved_seed, saved_n) = (int("seed")? as u64, int("images")?);
    if saved_seed != seed || saved_n != n as i64 {
        return Err(format!(
            "'{}' was trained with --seed {saved_seed} on {saved_n} images; resume with the same \
             --seed and --limit (now --seed {seed}, {n} images)",
            path.display()
        )
        .into());
    }
    model.load_state_dict(state.state_dict("model")?, true)?;
    optimizer.try_load_state_dict(state.optimizer("optimizer")?)?;
    scheduler.try_load_state_dict(state.dict("scheduler")?)?;
    tl::random::set_rng_state(state.rng_state("rng")?)?;
    let epoch = int("epoch")?;
    let epoch = usize::try_from(epoch).map_err(|_| format!("'{}': epoch {epoch} is negative", path.display()))?;
    println!("resumed from {} after epoch {epoch}", path.display());
    Ok(epoch)
}

/// Reads the gzip-compressed CSV: 64 pixels (0..16) and a label per line. Returns images
/// `[n, 1, 8, 8]` scaled to [0, 1] and int64 labels `[n]`.
fn load_digits(path: &str) -> Result<(Tensor, Tensor), Box<dyn std::error::Error>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_string(&mut text)?;
    let table = csv::parse(&text, &CsvOptions::default())?;
    let n = table.shape()[0];
    let images = table.narrow(1, 0, 64).reshape(&[n as i64, 1, 8, 8]) / 16.0;
    let labels = table.select(1, 64).to_dtype(DType::I64);
    Ok((images.contiguous(), labels))
}

/// Two 3×3 convolution blocks (the first with batch normalisation), then a classifier head:
/// 8×8 → 4×4 → 2×2 with 32 channels → 10 logits.
fn cnn() -> nn::Sequential {
    nn::Sequential::new()
        .add(nn::Conv2d::with_options(1, 16, 3, nn::ConvOptions::new().padding(1)))
        .add(nn::BatchNorm2d::new(16))
        .add(nn::ReLU::new())
        .add(nn::MaxPool2d::new(2))
        .add(nn::Conv2d::with_options(16, 32, 3, nn::ConvOptions::new().padding(1)))
        .add(nn::ReLU::new())
        .add(nn::MaxPool2d::new(2))
        .add(nn::Flatten::new(1, -1))
        .add(nn::Dropout::new(0.25))
        .add(nn::Linear::new(32 * 2 * 2, 64))
        .add(nn::ReLU::new())
        .add(nn::Linear::new(64, 10))
}
