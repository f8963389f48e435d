//! F::normalize, F::cosine_similarity and F::pairwise_distance against PyTorch (fixtures
//! from `scripts/gen_distance_fixtures.py`): outputs and every input's gradient, with
//! broadcasting, zero vectors under the eps clamp, and several norms.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use torchlight::autograd::{self, GradOptions};
use torchlight::nn::functional as F;
use torchlight::{DType, Tensor};

#[test]
fn distances_match_torch() {
    let f = load_fixture("distance.json");
    let cases = f["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let xs: Vec<Tensor> =
            c["inputs"].as_array().unwrap().iter().map(|v| input_from(v).requires_grad_(true)).collect();
        let a = &c["args"];
        let num = |k: &str| match a[k].as_str() {
            Some("inf") => f64::INFINITY,
            _ => a[k].as_f64().unwrap(),
        };
        let y = match c["op"].as_str().unwrap() {
            "normalize" => F::try_normalize(&xs[0], num("p"), a["dim"].as_i64().unwrap(), num("eps")),
            "cosine_similarity" => F::try_cosine_similarity(&xs[0], &xs[1], a["dim"].as_i64().unwrap(), num("eps")),
            "pairwise_distance" => {
                F::try_pairwise_distance(&xs[0], &xs[1], num("p"), num("eps"), a["keepdim"].as_bool().unwrap())
            }
            other => panic!("unknown op {other}"),
        }
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Norms and sums in another order than PyTorch's kernels: a few ulps apart.
        let tol = if y.dtype() == DType::F32 { 1e-5 } else { 1e-12 };
        assert_close(&y, &c["y"], tol, tol, name);
        let g = tensor_from(&c["grad_output"]);
        let grads = autograd::grad(&[(&y * &g).sum()], &xs, GradOptions::default()).unwrap();
        for (i, (gx, want)) in grads.iter().zip(c["grads"].as_array().unwrap()).enumerate() {
            assert_close(gx.as_ref().unwrap(), want, tol, tol, &format!("{name}: gradient {i}"));
        }
    }
}

#[test]
fn cosine_similarity_needs_a_float_dtype() {
    let a = Tensor::from_slice(&[1i64, 2]);
    let e = F::try_cosine_similarity(&a, &a, 0, 1e-8).unwrap_err();
    let f = load_fixture("distance.json");
    assert_eq!(e.to_string(), f["errors"]["cosine_int"].as_str().unwrap());
}
