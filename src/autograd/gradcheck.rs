//! `torch.autograd.gradcheck`: compares autograd's gradients with central differences.

use super::functional::{grad, GradOptions};
use crate::{DType, Error, Result, Tensor};

/// Tolerances of [`gradcheck`]; the defaults are PyTorch's.
///
/// ```
/// let o = torchlight::autograd::GradcheckOptions::default();
/// assert_eq!((o.eps, o.atol, o.rtol), (1e-6, 1e-5, 1e-3));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct GradcheckOptions {
    /// Finite-difference step.
    pub eps: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// Relative tolerance.
    pub rtol: f64,
}

impl Default for GradcheckOptions {
    fn default() -> Self {
        GradcheckOptions { eps: 1e-6, atol: 1e-5, rtol: 1e-3 }
    }
}

/// Checks the analytical Jacobian of `f` against central differences
/// `(f(x+eps) - f(x-eps)) / 2eps` for every input that requires grad, element by element,
/// with `|a - n| <= atol + rtol·|n|`. Inputs should be float64.
///
/// ```
/// use torchlight::{autograd, DType, Tensor};
/// let x = Tensor::from_slice(&[0.3f64, -1.2, 2.0]).requires_grad_(true);
/// autograd::gradcheck(|v| v[0].sin() * &v[0], &[x], Default::default()).unwrap();
/// ```
pub fn gradcheck(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor], opts: GradcheckOptions) -> Result<()> {
    let out = f(inputs);
    let n_out = out.numel();
    let diff: Vec<usize> = (0..inputs.len()).filter(|&i| inputs[i].requires_grad()).collect();
    for &i in &diff {
        if inputs[i].dtype() != DType::F64 {
            return Err(Error::Runtime(format!("gradcheck: input {i} is not float64; use double precision inputs")));
        }
    }
    let targets: Vec<Tensor> = diff.iter().map(|&i| inputs[i].clone()).collect();
    // Analytical: one backward per output element.
    let mut analytical: Vec<Vec<f64>> = targets.iter().map(|t| vec![0.0; t.numel() * n_out]).collect();
    for j in 0..n_out {
        let mut onehot = vec![0.0f64; n_out];
        onehot[j] = 1.0;
        let go = Tensor::from_vec(onehot, out.shape()).to_dtype(out.dtype());
        let opts = GradOptions {
            grad_outputs: Some(vec![go]),
            retain_graph: Some(true),
            allow_unused: true,
            ..Default::default()
        };
        let gs = grad(std::slice::from_ref(&out), &targets, opts)?;
        for (k, g) in gs.iter().enumerate() {
            if let Some(g) = g {
                for (e, v) in g.to_vec::<f64>().into_iter().enumerate() {
                    analytical[k][e * n_out + j] = v;
                }
            }
        }
    }
    // Numerical: perturb each element in place.
    for (k, t) in targets.iter().enumerate() {
        let base = t.to_vec::<f64>();
        for e in 0..base.len() {
            let eval = |v: f64| -> Vec<f64> {
                let mut data = base.clone();
                data[e] = v;
                crate::no_grad(|| t.copy_(&Tensor::from_vec(data, t.shape())));
                crate::no_grad(|| f(inputs)).to_vec::<f64>()
            };
            let plus = eval(base[e] + opts.eps);
            let minus = eval(base[e] - opts.eps);
            crate::no_grad(|| t.copy_(&Tensor::from_vec(base.clone(), t.shape())));
            for j in 0..n_out {
                let num = (plus[j] - minus[j]) / (2.0 * opts.eps);
                let ana = analytical[k][e * n_out + j];
                if (ana - num).abs() > opts.atol + opts.rtol * num.abs() {
                    return Err(Error::Runtime(format!(
                        "Jacobian mismatch for output 0 with respect to input {}: element ({e}, {j}) numerical {num} \
                         analytical {ana}",
                        diff[k]
                    )));
                }
            }
        }
    }
    Ok(())
}
