//! `einsum` against PyTorch (fixtures from `scripts/gen_einsum_fixtures.py`): outputs and
//! every operand's gradient over products, sums, diagonals, ellipsis broadcasting, implicit
//! outputs, three operands, empty and non-contiguous operands; PyTorch's error messages;
//! gradcheck.

mod common;

use common::{assert_close, input_from, load_fixture, tensor_from};
use torchlight::autograd::{self, gradcheck, GradOptions};
use torchlight::{einsum, try_einsum, DType, Error, Tensor};

#[test]
fn einsum_matches_torch() {
    let f = load_fixture("einsum.json");
    let cases = f["cases"].as_array().unwrap();
    assert!(cases.len() > 40);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let xs: Vec<Tensor> = c["operands"].as_array().unwrap().iter().map(input_from).collect();
        let refs: Vec<&Tensor> = xs.iter().collect();
        let y = try_einsum(c["equation"].as_str().unwrap(), &refs).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Sums of products in another order than MKL's: a few float32 ulps apart.
        let tol = match y.dtype() {
            DType::F32 => 1e-5,
            DType::F64 => 1e-12,
            _ => 0.0,
        };
        assert_close(&y, &c["y"], tol, tol, name);
        if let Some(go) = c.get("grad_output") {
            let g = tensor_from(go);
            let grads = autograd::grad(&[(&y * &g).sum()], &xs, GradOptions::default()).unwrap();
            for (i, (gx, want)) in grads.iter().zip(c["grads"].as_array().unwrap()).enumerate() {
                let gx = gx.as_ref().unwrap_or_else(|| panic!("{name}: no gradient for operand {i}"));
                assert_close(gx, want, tol, tol, &format!("{name}: gradient of operand {i}"));
            }
        }
    }
}

#[test]
fn errors_match_torch() {
    let f = load_fixture("einsum.json");
    let o = |s: &[usize]| Tensor::ones(s);
    let cases: Vec<(&str, Vec<Tensor>)> = vec![
        ("ijk", vec![o(&[2, 3])]),
        ("ij,jk", vec![o(&[2, 3])]),
        ("ij", vec![o(&[2, 3]), o(&[3])]),
        ("i1", vec![o(&[2, 3])]),
        ("ij->ii", vec![o(&[2, 3])]),
        ("ij->k", vec![o(&[2, 3])]),
        ("ii", vec![o(&[2, 3])]),
        ("ij,ij->", vec![o(&[2, 3]), o(&[2, 4])]),
        ("...ij", vec![o(&[2])]),
        ("i.j", vec![o(&[2, 3])]),
        ("......", vec![o(&[2])]),
        ("i->i.", vec![o(&[2])]),
        ("i,j.", vec![o(&[2]), o(&[2])]),
        ("i->i1", vec![o(&[2])]),
        ("...i,...i", vec![o(&[2, 3]), o(&[4, 3])]),
        ("i,i", vec![o(&[2]), Tensor::ones_dtype(&[2], DType::F64)]),
        ("i->i", vec![]),
    ];
    for (eq, ops) in cases {
        let refs: Vec<&Tensor> = ops.iter().collect();
        let e = try_einsum(eq, &refs).unwrap_err();
        if ops.is_empty() {
            assert!(matches!(e, Error::Value(_)), "{eq}: {e:?}");
        }
        assert_eq!(e.to_string(), f["errors"][eq].as_str().unwrap(), "{eq}");
    }
}

#[test]
fn gradcheck_einsum() {
    let g = torchlight::Generator::with_seed(3);
    let rand = |s: &[usize]| {
        let t = Tensor::zeros_dtype(s, DType::F64);
        t.try_uniform_with(-1.0, 1.0, &g).unwrap();
        t.requires_grad_(true)
    };
    let (a, b, c) = (rand(&[2, 3, 3]), rand(&[3, 4]), rand(&[4]));
    let eqs = ["bij,jk->bik", "bii,ik,k->b", "bij,jk,k", "...j,jk->...k", "bii->ib"];
    for eq in eqs {
        let inputs = [a.clone(), b.clone(), c.clone()];
        let n = eq.split("->").next().unwrap().split(',').count();
        gradcheck(|v| einsum(eq, &v.iter().collect::<Vec<_>>()), &inputs[..n], Default::default())
            .unwrap_or_else(|e| panic!("{eq}: {e}"));
    }
}
