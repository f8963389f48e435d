//! The PyTorch tutorial's custom autograd function: y = a + b·P3(c + d·x) with the Legendre
//! polynomial P3(x) = ½(5x³ − 3x) written as an `autograd::Function` whose backward is
//! 1.5(5x² − 1), trained with plain gradient steps of lr 5e-6.
//! `scripts/reference_custom_function.py` is the same program in PyTorch.
//!
//! Run: `cargo run --release --example polynomial_custom_function -- --seed 0`

mod common;

use common::{py, seed_arg};
use std::f64::consts::PI;
use std::time::Instant;
use torchlight::autograd::{self, Function, FunctionCtx};
use torchlight::{self as tl, Tensor};

struct LegendrePolynomial3;

impl Function for LegendrePolynomial3 {
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        let input = &inputs[0];
        ctx.save_for_backward(&[input]);
        vec![0.5 * (5.0 * input.pow(3) - 3.0 * input)]
    }

    fn backward(&self, ctx: &FunctionCtx, grad_outputs: &[Tensor]) -> Vec<Option<Tensor>> {
        let input = &ctx.saved_tensors()[0];
        vec![Some(&grad_outputs[0] * (1.5 * (5.0 * input.pow(2) - 1.0)))]
    }
}

fn p3(x: &Tensor) -> Tensor {
    autograd::apply(LegendrePolynomial3, &[x]).remove(0)
}

fn main() {
    tl::manual_seed(seed_arg());
    let x = Tensor::linspace(-PI, PI, 2000);
    let y = x.sin();
    let a = Tensor::full(&[], 0.0).requires_grad_(true);
    let b = Tensor::full(&[], -1.0).requires_grad_(true);
    let c = Tensor::full(&[], 0.0).requires_grad_(true);
    let d = Tensor::full(&[], 0.3).requires_grad_(true);
    let learning_rate = 5e-6;
    let t0 = Instant::now();
    for t in 0..2000 {
        let y_pred = &a + &b * p3(&(&c + &d * &x));
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
    println!("Result: y = {} + {} * P3({} + {} x)", py(a.item()), py(b.item()), py(c.item()), py(d.item()));
    eprintln!("loop_seconds {el:.6}");
}
