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
//! Run: `cargo run --release --example digits -- [--epochs N] [--seed N] [--plot PATH] [--checkpoint PATH]`
//! (by default 20 epochs, `digits.png` and `digits.safetensors` in the current directory).

mod common;

use common::classifier::{accuracy, fit, plot_history, History};
use common::{arg_value, seed_arg};
use std::io::Read;
use std::path::PathBuf;
use torchlight::data::csv::{self, CsvOptions};
use torchlight::data::{random_split, DataLoader, TensorDataset};
use torchlight::nn::{self, Module};
use torchlight::random::Generator;
use torchlight::{self as tl, optim, DType, Tensor};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/digits.csv.gz");
const BATCH: usize = 32;
const LR: f64 = 2e-3;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plot_path = PathBuf::from(arg_value("--plot").unwrap_or_else(|| "digits.png".into()));
    let ckpt_path = PathBuf::from(arg_value("--checkpoint").unwrap_or_else(|| "digits.safetensors".into()));
    let epochs: usize = arg_value("--epochs").map_or(20, |s| s.parse().expect("--epochs takes a positive integer"));
    let seed = seed_arg();
    tl::manual_seed(seed);

    let (images, labels) = load_digits(DATA)?;
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
    println!("data: {n} images 8x8 ({} train, {n_test} test)", n - n_test);
    println!("model: {n_params} parameters\n{}", model.repr());

    let mut history = History::default();
    let seconds = fit(&model, &train, &test, &mut optimizer, 0, epochs, &mut history);
    let final_acc = accuracy(&model, &test);

    model.save_file(&ckpt_path)?;
    let restored = cnn();
    restored.load_file(&ckpt_path, true)?;
    let same = accuracy(&restored, &test) == final_acc;
    assert!(same, "the reloaded checkpoint predicts differently");
    plot_history(&plot_path, &history, 0)?;

    println!("trained {epochs} epochs in {seconds:.2} s");
    println!(
        "final test accuracy: {:.2}% ({} of {n_test} images)",
        100.0 * final_acc,
        (final_acc * n_test as f64).round()
    );
    println!("checkpoint written to {} (reloaded: same accuracy)", ckpt_path.display());
    println!("plot written to {}", plot_path.display());
    Ok(())
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
