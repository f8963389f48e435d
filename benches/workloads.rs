//! torchlight's side of the side-by-side benchmark (the workloads of
//! `../shared/bench/README.md`), printing `RESULT {json}` lines in the format of the
//! PyTorch harness so `scripts/bench.py` can compare them.
//!
//! Run: `cargo bench --bench workloads -- <w1|w2|w3|w4|w5|ops> [--reps N]`

use std::f64::consts::PI;
use std::time::Instant;
use torchlight::nn::{self, Module};
use torchlight::optim::{self, Optimizer};
use torchlight::{self as tl, Tensor};

const POLY_STEPS: usize = 2000;
/// The shared initial values of W1 (`torch.manual_seed(0); torch.randn(4)`).
const W1_INIT: [f64; 4] = [1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991];

/// The shared initial Linear(3, 1) of W2 (`torch.manual_seed(0); nn.Linear(3, 1)`).
const W2_W: [f64; 3] = [-0.004322517663240433, 0.3097158372402191, -0.4751853346824646];
const W2_B: [f64; 1] = [-0.4248946011066437];

fn emit(fields: &[(&str, String)]) {
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
    println!("RESULT {{\"framework\": \"torchlight\", \"threads\": {}, {}}}", tl::get_num_threads(), body.join(", "));
}

fn list(v: &[f64]) -> String {
    format!("[{}]", v.iter().map(|x| format!("{x:e}")).collect::<Vec<_>>().join(", "))
}

fn run_w1(x: &Tensor, y: &Tensor) -> (f64, f64) {
    let lr = 1e-6;
    let p: Vec<Tensor> = W1_INIT.iter().map(|&v| Tensor::scalar(v as f32).requires_grad_(true)).collect();
    let (a, b, c, d) = (&p[0], &p[1], &p[2], &p[3]);
    let t0 = Instant::now();
    let mut last = 0.0;
    for _ in 0..POLY_STEPS {
        let y_pred = a + b * x + c * x.pow(2) + d * x.pow(3);
        let loss = (&y_pred - y).pow(2).sum();
        loss.backward();
        tl::no_grad(|| {
            for p in [a, b, c, d] {
                p.sub_(&(lr * p.grad().unwrap()));
                p.set_grad(None);
            }
        });
        last = loss.item();
    }
    (t0.elapsed().as_secs_f64(), last)
}

fn w1(reps: usize) {
    let x = Tensor::linspace(-PI, PI, 2000);
    let y = x.sin();
    let mut times = vec![];
    let mut loss = 0.0;
    for _ in 0..reps {
        let (t, l) = run_w1(&x, &y);
        times.push(t);
        loss = l;
    }
    emit(&[
        ("workload", "\"w1\"".into()),
        ("unit", "\"s/2000 iters\"".into()),
        ("reps", list(&times)),
        ("final_loss", format!("{loss}")),
    ]);
}

fn run_w2(xx: &Tensor, y: &Tensor) -> (f64, f64) {
    let lin = nn::Linear::from_parts(
        Tensor::from_vec(W2_W.map(|v| v as f32).to_vec(), &[1, 3]).requires_grad_(true),
        Some(Tensor::from_slice(&W2_B.map(|v| v as f32)).requires_grad_(true)),
    );
    let model = nn::Sequential::new().add(lin).add(nn::Flatten::new(0, 1));
    let loss_fn = nn::MSELoss::new().reduction(nn::Reduction::Sum);
    let mut optimizer = optim::RMSprop::new(model.parameters(), 1e-3);
    let t0 = Instant::now();
    let mut loss = Tensor::scalar(0.0f32);
    for _ in 0..POLY_STEPS {
        let y_pred = model.forward(xx);
        loss = loss_fn.forward(&y_pred, y);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }
    (t0.elapsed().as_secs_f64(), loss.item())
}

/// W2: the seed's stage 4 loop (Linear(3, 1), Flatten, MSE sum, RMSprop).
fn w2(reps: usize) {
    let x = Tensor::linspace(-PI, PI, 2000);
    let y = x.sin();
    let xx = x.unsqueeze(-1).pow(&Tensor::from_slice(&[1i64, 2, 3]));
    let mut times = vec![];
    let mut loss = 0.0;
    for _ in 0..reps {
        let (t, l) = run_w2(&xx, &y);
        times.push(t);
        loss = l;
    }
    emit(&[
        ("workload", "\"w2\"".into()),
        ("unit", "\"s/2000 steps\"".into()),
        ("reps", list(&times)),
        ("final_loss", format!("{loss}")),
    ]);
}

/// A classifier workload: for each repetition (seeded with its index) an input of `shape`
/// drawn from randn, labels in 0..10, a model and optimizer from `build`, and a
/// cross-entropy training step run `warmup` times untimed, then `steps` times timed.
fn classifier_workload(
    name: &str,
    reps: usize,
    (warmup, steps): (usize, usize),
    shape: &[usize],
    build: impl Fn() -> (nn::Sequential, Box<dyn Optimizer>),
) {
    let mut times = vec![];
    let mut loss = 0.0;
    for r in 0..reps {
        tl::manual_seed(r as u64);
        let x = Tensor::randn(shape);
        let labels = Tensor::randint(0, 10, &[shape[0]]);
        let (model, mut opt) = build();
        let loss_fn = nn::CrossEntropyLoss::new();
        let mut step = || {
            opt.zero_grad();
            let l = loss_fn.forward(&model.forward(&x), &labels);
            l.backward();
            opt.step();
            l
        };
        for _ in 0..warmup {
            step();
        }
        let t0 = Instant::now();
        let mut last = Tensor::scalar(0.0f32);
        for _ in 0..steps {
            last = step();
        }
        times.push(t0.elapsed().as_secs_f64());
        loss = last.item();
    }
    emit(&[
        ("workload", format!("\"{name}\"")),
        ("unit", format!("\"s/{steps} steps\"")),
        ("reps", list(&times)),
        ("steps", steps.to_string()),
        ("batch", shape[0].to_string()),
        ("final_loss", format!("{loss}")),
    ]);
}

/// W3: MLP 784-1024-1024-10 with ReLU, batch 256, cross-entropy, Adam; 3 warm-up steps,
/// then 20 timed steps, everything rebuilt per repetition.
fn w3(reps: usize) {
    classifier_workload("w3", reps, (3, 20), &[256, 784], || {
        let model = nn::Sequential::new()
            .add(nn::Linear::new(784, 1024))
            .add(nn::ReLU::new())
            .add(nn::Linear::new(1024, 1024))
            .add(nn::ReLU::new())
            .add(nn::Linear::new(1024, 10));
        let opt = optim::Adam::new(model.parameters(), 1e-3);
        (model, Box::new(opt))
    });
}

/// W5: the small CNN (Conv2d(1,32,3)-ReLU-Conv2d(32,64,3)-ReLU-MaxPool2d(2)-Flatten-
/// Linear(9216,128)-ReLU-Linear(128,10)), batch 64 of 28x28, cross-entropy, SGD lr 0.01;
/// 2 warm-up steps, then 10 timed steps, everything rebuilt per repetition.
fn w5(reps: usize) {
    classifier_workload("w5", reps, (2, 10), &[64, 1, 28, 28], || {
        let model = nn::Sequential::new()
            .add(nn::Conv2d::new(1, 32, 3))
            .add(nn::ReLU::new())
            .add(nn::Conv2d::new(32, 64, 3))
            .add(nn::ReLU::new())
            .add(nn::MaxPool2d::new(2))
            .add(nn::Flatten::new(1, -1))
            .add(nn::Linear::new(9216, 128))
            .add(nn::ReLU::new())
            .add(nn::Linear::new(128, 10));
        let opt = optim::SGD::new(model.parameters(), 0.01);
        (model, Box::new(opt))
    });
}

fn w4(reps: usize) {
    tl::manual_seed(0);
    for (n, iters) in [(256usize, 100usize), (1024, 10), (2048, 3)] {
        let a = Tensor::randn(&[n, n]);
        let b = Tensor::randn(&[n, n]);
        let mut c = a.matmul(&b);
        let mut times = vec![];
        for _ in 0..reps {
            let t0 = Instant::now();
            for _ in 0..iters {
                c = a.matmul(&b);
            }
            times.push(t0.elapsed().as_secs_f64());
        }
        let checksum = c.select(0, 0).select(0, 0).item();
        emit(&[
            ("workload", format!("\"w4_n{n}\"")),
            ("unit", format!("\"s/{iters} matmuls\"")),
            ("reps", list(&times)),
            ("n", n.to_string()),
            ("iters", iters.to_string()),
            ("checksum", format!("{checksum}")),
        ]);
    }
}

/// Per-op overhead: `a + b` on 1 and 2000 elements, with and without autograd recording.
fn ops(reps: usize) {
    const ITERS: usize = 100_000;
    for n in [1usize, 2000] {
        for grad in [false, true] {
            let a = Tensor::ones(&[n]).requires_grad_(grad);
            let b = Tensor::ones(&[n]);
            let mut times = vec![];
            for _ in 0..reps {
                let t0 = Instant::now();
                for _ in 0..ITERS {
                    std::hint::black_box(&a + &b);
                }
                times.push(t0.elapsed().as_secs_f64() / ITERS as f64 * 1e9);
            }
            emit(&[
                ("workload", format!("\"add_n{n}{}\"", if grad { "_grad" } else { "" })),
                ("unit", "\"ns/op\"".into()),
                ("reps", list(&times)),
            ]);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let reps = args.iter().position(|a| a == "--reps").and_then(|i| args.get(i + 1)).map_or(5, |s| s.parse().unwrap());
    let threads = std::env::var("TL_NUM_THREADS").ok().and_then(|s| s.parse().ok()).unwrap_or(2);
    tl::set_num_threads(threads);
    match args.first().map(String::as_str) {
        Some("w1") => w1(reps),
        Some("w2") => w2(reps),
        Some("w3") => w3(reps),
        Some("w4") => w4(reps),
        Some("w5") => w5(reps),
        Some("ops") => ops(reps),
        other => {
            eprintln!("usage: workloads <w1|w2|w3|w4|w5|ops> [--reps N] (got {other:?})");
            std::process::exit(2);
        }
    }
}
