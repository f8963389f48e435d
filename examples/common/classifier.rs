//! What the image-classifier examples (`digits`, `mnist`) share: the training loop with a
//! progress bar, per-epoch test accuracy, and the PNG of the loss and accuracy curves.

use super::plot::{save_panels, Panel, Series, BLUE, ORANGE};
use super::sci3;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::time::Instant;
use torchlight::data::{DataLoader, Dataset};
use torchlight::nn::{self, Module};
use torchlight::optim::lr_scheduler::LRScheduler;
use torchlight::optim::Optimizer;
use torchlight::{self as tl, Tensor};

/// Per-epoch results.
#[derive(Default)]
pub struct History {
    /// Mean training loss of each epoch.
    pub train_loss: Vec<f64>,
    /// Test accuracy after each epoch, in [0, 1].
    pub test_accuracy: Vec<f64>,
}

/// One epoch of training over `loader`; returns the mean loss per sample.
pub fn train_epoch<D>(
    model: &dyn Module,
    loader: &DataLoader<D>,
    optimizer: &mut dyn Optimizer,
    bar: &ProgressBar,
) -> f64
where
    D: Dataset<Item = (Tensor, Tensor)> + Send + Sync + 'static,
{
    let criterion = nn::CrossEntropyLoss::new();
    model.train(true);
    let (mut total, mut seen) = (0.0, 0usize);
    for (x, y) in loader.iter() {
        let loss = criterion.forward(&model.forward(&x), &y);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        let n = x.shape()[0];
        total += loss.item() * n as f64;
        seen += n;
        bar.inc(1);
    }
    total / seen.max(1) as f64
}

/// Fraction of `loader`'s samples whose arg-max prediction is the label, in eval mode
/// without recording gradients.
pub fn accuracy<D>(model: &dyn Module, loader: &DataLoader<D>) -> f64
where
    D: Dataset<Item = (Tensor, Tensor)> + Send + Sync + 'static,
{
    model.eval();
    let (mut correct, mut seen) = (0usize, 0usize);
    tl::no_grad(|| {
        for (x, y) in loader.iter() {
            let pred = model.forward(&x).argmax(Some(1), false);
            correct += pred.eq(&y).sum().item() as usize;
            seen += y.numel();
        }
    });
    correct as f64 / seen.max(1) as f64
}

/// Trains for `epochs` epochs (numbered from `first_epoch + 1`), stepping `scheduler` (if
/// any) after each, and prints the train loss and test accuracy of each, with a progress bar
/// over the batches. Returns the seconds taken.
#[allow(clippy::too_many_arguments)]
pub fn fit<D, T>(
    model: &dyn Module,
    train: &DataLoader<D>,
    test: &DataLoader<T>,
    optimizer: &mut dyn Optimizer,
    mut scheduler: Option<&mut dyn LRScheduler>,
    first_epoch: usize,
    epochs: usize,
    history: &mut History,
) -> f64
where
    D: Dataset<Item = (Tensor, Tensor)> + Send + Sync + 'static,
    T: Dataset<Item = (Tensor, Tensor)> + Send + Sync + 'static,
{
    let bar = ProgressBar::new((epochs * train.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} {bar:40.cyan/blue} {pos}/{len} batches  {msg}")
            .expect("progress template"),
    );
    let t0 = Instant::now();
    for epoch in first_epoch + 1..=first_epoch + epochs {
        let loss = train_epoch(model, train, optimizer, &bar);
        if let Some(s) = scheduler.as_deref_mut() {
            s.step(optimizer);
        }
        let acc = accuracy(model, test);
        history.train_loss.push(loss);
        history.test_accuracy.push(acc);
        // `suspend` prints even when the bar is hidden (output not a terminal), unlike `println`.
        bar.suspend(|| println!("epoch {epoch:>3}  train loss {}  test accuracy {:.2}%", sci3(loss), 100.0 * acc));
        bar.set_message(format!("epoch {epoch}, accuracy {:.2}%", 100.0 * acc));
    }
    bar.finish_and_clear();
    t0.elapsed().as_secs_f64()
}

/// Writes the loss and accuracy curves side by side.
pub fn plot_history(path: &Path, history: &History, first_epoch: usize) -> Result<(), Box<dyn std::error::Error>> {
    let epoch = |i: usize| (first_epoch + i + 1) as f64;
    let panels = [
        Panel {
            title: "training loss".into(),
            x_label: "epoch".into(),
            y_label: "cross-entropy".into(),
            log_y: true,
            series: vec![Series {
                label: "epoch mean".into(),
                points: history.train_loss.iter().enumerate().map(|(i, &l)| (epoch(i), l)).collect(),
                color: BLUE,
                width: 2,
            }],
        },
        Panel {
            title: "test accuracy".into(),
            x_label: "epoch".into(),
            y_label: "accuracy (%)".into(),
            log_y: false,
            series: vec![Series {
                label: "held-out split".into(),
                points: history.test_accuracy.iter().enumerate().map(|(i, &a)| (epoch(i), 100.0 * a)).collect(),
                color: ORANGE,
                width: 2,
            }],
        },
    ];
    save_panels(path, &panels, (640, 480))
}
