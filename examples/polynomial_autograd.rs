//! Stage 2 of the seed (`seed2_autograd.py`): autograd computes the gradients.
//!
//! Run: `cargo run --release --example polynomial_autograd -- --seed 0`

mod common;

use common::{py, seed_arg};
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
            println!("{} {}", t, py(loss.item()));
        }
        loss.backward();
        tl::no_grad(|| {
            for p in [&a, &b, &c, &d] {
                p.sub_(&(learning_rate * p.grad().unwrap()));
                p.set_grad(None);
            }
        });
    }
    let el = t0.elapsed().as_secs_f64();
    println!("Result: y = {} + {} x + {} x^2 + {} x^3", py(a.item()), py(b.item()), py(c.item()), py(d.item()));
    eprintln!("loop_seconds {el:.6}");
}
