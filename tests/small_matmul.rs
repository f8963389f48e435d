//! Thin products summed in PyTorch's order: the seed's Linear(3, 1), forward and weight
//! gradient, bit for bit against torch (fixtures from scripts/gen_matmul_fixtures.py).

mod common;

use common::{assert_close, load_fixture, tensor_from};
use torchlight::nn::{self, Module};

#[test]
fn linear_3_to_1_matches_torch_bit_for_bit() {
    for c in load_fixture("matmul_small.json")["cases"].as_array().unwrap() {
        let seed = c["seed"].as_u64().unwrap();
        let lin = nn::Linear::from_parts(
            tensor_from(&c["weight"]).requires_grad_(true),
            Some(tensor_from(&c["bias"]).requires_grad_(true)),
        );
        let y_pred = lin.forward(&tensor_from(&c["input"])).flatten(0, 1);
        assert_close(&y_pred, &c["y_pred"], 0.0, 0.0, &format!("seed {seed} y_pred"));
        let loss = nn::functional::mse_loss(&y_pred, &tensor_from(&c["target"]), nn::Reduction::Sum);
        assert_eq!(loss.item(), c["loss"].as_f64().unwrap(), "seed {seed} loss");
        loss.backward();
        assert_close(&lin.weight.grad().unwrap(), &c["grad_weight"], 0.0, 0.0, &format!("seed {seed} grad weight"));
        let gb = lin.bias.as_ref().unwrap().grad().unwrap();
        assert_close(&gb, &c["grad_bias"], 0.0, 0.0, &format!("seed {seed} grad bias"));
    }
}
