//! Stage 1 of the seed (`seed1_manual_grad.py`): raw tensors, gradients derived by hand.
//!
//! Run: `cargo run --release --example polynomial_tensor -- --seed 0`

mod common;

use common::{py, seed_arg};
use std::f64::consts::PI;
use std::time::Instant;
use torchlight::{self as tl, Tensor};

fn main() {
    tl::manual_seed(seed_arg());
    let x = Tensor::linspace(-PI, PI, 2000);
    let y = x.sin();
    let mut a = Tensor::randn(&[]);
    let mut b = Tensor::randn(&[]);
    let mut c = Tensor::randn(&[]);
    let mut d = Tensor::randn(&[]);
    let learning_rate = 1e-6;
    let t0 = Instant::now();
    for t in 0..2000 {
        let y_pred = &a + &b * &x + &c * x.pow(2) + &d * x.pow(3);
        let loss = (&y_pred - &y).pow(2).sum().item();
        if t % 100 == 99 {
            println!("{} {}", t, py(loss));
        }
        let grad_y_pred = 2.0 * (&y_pred - &y);
        let grad_a = grad_y_pred.sum();
        let grad_b = (&grad_y_pred * &x).sum();
        let grad_c = (&grad_y_pred * x.pow(2)).sum();
        let grad_d = (&grad_y_pred * x.pow(3)).sum();
        a -= learning_rate * grad_a;
        b -= learning_rate * grad_b;
        c -= learning_rate * grad_c;
        d -= learning_rate * grad_d;
    }
    let el = t0.elapsed().as_secs_f64();
    println!("Result: y = {} + {} x + {} x^2 + {} x^3", py(a.item()), py(b.item()), py(c.item()), py(d.item()));
    eprintln!("loop_seconds {el:.6}");
}
