//! Stage 5 of the seed (`seed5_custom_module.py`): a custom `nn::Module` trained with SGD.
//!
//! Run: `cargo run --release --example polynomial_module -- --seed 0`

mod common;

use common::{py, seed_arg};
use std::f64::consts::PI;
use std::time::Instant;
use torchlight::{self as tl, nn, nn::Module, optim, optim::Optimizer, Tensor};

#[derive(Module)]
struct Polynomial3 {
    a: nn::Parameter,
    b: nn::Parameter,
    c: nn::Parameter,
    d: nn::Parameter,
}

impl Polynomial3 {
    fn new() -> Polynomial3 {
        Polynomial3 {
            a: nn::Parameter(Tensor::randn(&[])),
            b: nn::Parameter(Tensor::randn(&[])),
            c: nn::Parameter(Tensor::randn(&[])),
            d: nn::Parameter(Tensor::randn(&[])),
        }
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        &self.a + &self.b * x + &self.c * x.pow(2) + &self.d * x.pow(3)
    }

    fn string(&self) -> String {
        format!(
            "y = {} + {} x + {} x^2 + {} x^3",
            py(self.a.item()),
            py(self.b.item()),
            py(self.c.item()),
            py(self.d.item())
        )
    }
}

fn main() {
    tl::manual_seed(seed_arg());
    let x = Tensor::linspace(-PI, PI, 2000);
    let y = x.sin();
    let model = Polynomial3::new();
    let criterion = nn::MSELoss::new().reduction(nn::Reduction::Sum);
    let mut optimizer = optim::SGD::new(model.parameters(), 1e-6);
    let t0 = Instant::now();
    for t in 0..2000 {
        let y_pred = model.forward(&x);
        let loss = criterion.forward(&y_pred, &y);
        if t % 100 == 99 {
            println!("{} {}", t, py(loss.item()));
        }
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }
    let el = t0.elapsed().as_secs_f64();
    println!("Result: {}", model.string());
    eprintln!("loop_seconds {el:.6}");
}
