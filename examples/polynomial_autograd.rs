//! Stage 2 of the seed (`seed2_autograd.py`): autograd computes the gradients of a cubic
//! fitted to sin(x).
//!
//! Run: `cargo run --release --example polynomial_autograd -- --seed 0`

use std::f64::consts::PI;
use std::time::Instant;
use torchlight::{self as tl, Tensor};

fn main() {
    tl::manual_seed(seed_arg());
    let x = Tensor::linspace(-PI, PI, 2000);
    let y = x.sin();
    let a = Tensor::randn(&[]).requires_grad_(true);
    let b = Tensor::randn(&[]).requires_grad_(true);
    let c = Tensor::randn(&[]).requires_grad_(true);
    let d = Tensor::randn(&[]).requires_grad_(true);
    let learning_rate = 1e-6;
    let t0 = Instant::now();
    for t in 0..2000 {
        let y_pred = &a + &b * &x + &c * x.pow(2) + &d * x.pow(3);
        let loss = (&y_pred - &y).pow(2).sum();
        if t % 100 == 99 {
            println!("{} {}", t, py_float(loss.item()));
        }
        loss.backward();
        tl::no_grad(|| {
            for p in [&a, &b, &c, &d] {
                p.sub_(&(p.grad().unwrap() * learning_rate));
                p.set_grad(None);
            }
        });
    }
    let el = t0.elapsed().as_secs_f64();
    println!(
        "Result: y = {} + {} x + {} x^2 + {} x^3",
        py_float(a.item()),
        py_float(b.item()),
        py_float(c.item()),
        py_float(d.item())
    );
    eprintln!("loop_seconds {el:.6}");
}

fn seed_arg() -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == "--seed").and_then(|i| args.get(i + 1)).map_or(0, |s| s.parse().expect("--seed N"))
}

/// Python's `repr(float)`: the shortest string that round-trips, as Rust's `{:?}` gives,
/// with Python's exponent style.
fn py_float(v: f64) -> String {
    tl::format::python_repr(v)
}
