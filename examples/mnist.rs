//! The `digits` pipeline on MNIST: 60,000 training and 10,000 test images of 28×28, read
//! from the IDX files in `--data DIR`. The program downloads nothing: get the four files
//! (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
//! `t10k-labels-idx1-ubyte`, each optionally `.gz`) from a MNIST mirror, as the README says.
//!
//! The network is PyTorch's `examples/mnist` one: two 3×3 convolutions, max-pooling, dropout
//! and two linear layers; trained with Adam, with a progress bar,
//! per-epoch loss and accuracy, a safetensors checkpoint and a PNG of the curves.
//!
//! Run: `cargo run --release --example mnist -- --data DIR [--epochs N] [--limit N] [--seed N] [--plot PATH] [--checkpoint PATH]`
//! (by default 2 epochs over all images, `mnist.png` and `mnist.safetensors` in the current
//! directory; `--limit N` trains on the first N training images only).

mod common;

use common::classifier::{accuracy, fit, plot_history, History};
use common::{arg_value, seed_arg};
use std::path::{Path, PathBuf};
use torchlight::data::{idx, DataLoader, TensorDataset};
use torchlight::nn::{self, Module};
use torchlight::{self as tl, optim, DType, Tensor};

const BATCH: usize = 64;
const LR: f64 = 1e-3;
// Mean and standard deviation of MNIST's training pixels, as PyTorch's example normalises.
const MEAN: f64 = 0.1307;
const STD: f64 = 0.3081;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(dir) = arg_value("--data") else {
        eprintln!("usage: mnist --data DIR (a folder with MNIST's four IDX files; see the README)");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    let plot_path = PathBuf::from(arg_value("--plot").unwrap_or_else(|| "mnist.png".into()));
    let ckpt_path = PathBuf::from(arg_value("--checkpoint").unwrap_or_else(|| "mnist.safetensors".into()));
    let epochs: usize = arg_value("--epochs").map_or(2, |s| s.parse().expect("--epochs takes a positive integer"));
    let limit: Option<usize> = arg_value("--limit").map(|s| s.parse().expect("--limit takes a positive integer"));
    tl::manual_seed(seed_arg());

    let (train_x, train_y) = load_split(&dir, "train", limit)?;
    let (test_x, test_y) = load_split(&dir, "t10k", None)?;
    let (n_train, n_test) = (train_x.shape()[0], test_x.shape()[0]);
    let train = DataLoader::new(TensorDataset::new((train_x, train_y))).batch_size(BATCH).shuffle(true).num_workers(1);
    let test = DataLoader::new(TensorDataset::new((test_x, test_y))).batch_size(1000);

    let model = cnn();
    let n_params: usize = model.parameters().iter().map(Tensor::numel).sum();
    let mut optimizer = optim::Adam::new(model.parameters(), LR);
    println!("data: {n_train} training and {n_test} test images 28x28 from {}", dir.display());
    println!("model: {n_params} parameters\n{}", model.repr());

    let mut history = History::default();
    let seconds = fit(&model, &train, &test, &mut optimizer, None, 0, epochs, &mut history);
    let final_acc = accuracy(&model, &test);
    model.save_file(&ckpt_path)?;
    plot_history(&plot_path, &history, 0)?;

    println!("trained {epochs} epochs in {seconds:.2} s");
    println!("final test accuracy: {:.2}%", 100.0 * final_acc);
    println!("checkpoint written to {}", ckpt_path.display());
    println!("plot written to {}", plot_path.display());
    Ok(())
}

/// Images `[n, 1, 28, 28]` normalised as PyTorch's example does, and int64 labels `[n]`,
/// from `{prefix}-images-idx3-ubyte` and `{prefix}-labels-idx1-ubyte` (or their `.gz`).
fn load_split(dir: &Path, prefix: &str, limit: Option<usize>) -> Result<(Tensor, Tensor), Box<dyn std::error::Error>> {
    let images = idx::read_as(find(dir, &format!("{prefix}-images-idx3-ubyte"))?, DType::F32)?;
    let labels = idx::read(find(dir, &format!("{prefix}-labels-idx1-ubyte"))?)?;
    if images.dim() != 3 || labels.dim() != 1 || images.shape()[0] != labels.shape()[0] {
        return Err(format!(
            "{}: expected images [n, h, w] and labels [n], got {:?} and {:?}",
            dir.display(),
            images.shape(),
            labels.shape()
        )
        .into());
    }
    let n = limit.map_or(images.shape()[0], |l| l.min(images.shape()[0]));
    let images = ((images.narrow(0, 0, n) / 255.0 - MEAN) / STD).unsqueeze(1).contiguous();
    Ok((images, labels.narrow(0, 0, n).contiguous()))
}

/// `dir/name`, or `dir/name.gz` when only the compressed file is there.
fn find(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let plain = dir.join(name);
    let gz = dir.join(format!("{name}.gz"));
    if plain.exists() {
        Ok(plain)
    } else if gz.exists() {
        Ok(gz)
    } else {
        Err(format!("{}: missing {name} (or {name}.gz); see the README for where to get MNIST", dir.display()))
    }
}

/// PyTorch's `examples/mnist` network.
fn cnn() -> nn::Sequential {
    nn::Sequential::new()
        .add(nn::Conv2d::new(1, 32, 3))
        .add(nn::ReLU::new())
        .add(nn::Conv2d::new(32, 64, 3))
        .add(nn::ReLU::new())
        .add(nn::MaxPool2d::new(2))
        .add(nn::Dropout::new(0.25))
        .add(nn::Flatten::new(1, -1))
        .add(nn::Linear::new(9216, 128))
        .add(nn::ReLU::new())
        .add(nn::Dropout::new(0.5))
        .add(nn::Linear::new(128, 10))
}
