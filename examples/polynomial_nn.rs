//! Stage 3 of the seed (`seed3_nn.py`): `nn::Sequential`, `nn::Linear`, `nn::Flatten` and
//! `nn::MSELoss`, with the update written by hand.
//!
//! Run: `cargo run --release --example polynomial_nn -- --seed 0`

mod common;

use common::{py, seed_arg};
use std::f64::consts::PI;
use std::time::Instant;
use torchlight::{self as tl, nn, nn::Module, Tensor};

fn main() {
    tl::manual_seed(seed_arg());
    let x = Tensor::linspace(-PI, PI, 2000);
    let y = x.sin();
    let p = Tensor::from_slice(&[1i64, 2, 3]);
    let xx = x.unsqueeze(-1).pow(&p);
    let model = nn::Sequential::new().add(nn::Linear::new(3, 1)).add(nn::Flatten::new(0, 1));
    let loss_fn = nn::MSELoss::new().reduction(nn::Reduction::Sum);
    let learning_rate = 1e-6;
    let t0 = Instant::now();
    for t in 0..2000 {
        let y_pred = model.forward(&xx);
        let loss = loss_fn.forward(&y_pred, &y);
        if t % 100 == 99 {
            println!("{} {}", t, py(loss.item()));
        }
        model.zero_grad();
        loss.backward();
        tl::no_grad(|| {
            for param in model.parameters() {
                param.sub_(&(learning_rate * param.grad().unwrap()));
            }
        });
    }
    let el = t0.elapsed().as_secs_f64();
    let linear_layer: &nn::Linear = model.get(0).unwrap();
    let w = &linear_layer.weight;
    println!(
        "Result: y = {} + {} x + {} x^2 + {} x^3",
        py(linear_layer.bias.as_ref().unwrap().item()),
        py(w.select(1, 0).item()),
        py(w.select(1, 1).item()),
        py(w.select(1, 2).item())
    );
    eprintln!("loop_seconds {el:.6}");
}
