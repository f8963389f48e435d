//! `F.linear`: `input @ weight.T + bias`. For a matrix input the bias is added by the
//! product itself, as PyTorch's `addmm`: the output starts as the bias, row by row, and the
//! product accumulates into it. That saves the separate addition pass and its buffer, and
//! records one `AddmmBackward0` node, as PyTorch does.

use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::backend::cpu::matmul::{gemm_strided, GemmElem, MatMut, MatRef};
use crate::error::unwrap;
use crate::{DType, Element, Error, Result, Tensor};

/// `input @ weight.T + bias` (`torch.nn.functional.linear`): `input` is `[*, in_features]`,
/// `weight` is `[out_features, in_features]`, `bias` is `[out_features]`.
///
/// Panics with PyTorch's message when the shapes disagree; see [`try_linear`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let x = Tensor::from_vec(vec![1.0f32, 2.0], &[1, 2]);
/// let w = Tensor::from_vec(vec![1.0f32, 1.0, 0.0, 2.0], &[2, 2]);
/// let y = F::linear(&x, &w, Some(&Tensor::from_slice(&[0.5f32, -1.0])));
/// assert_eq!(y.to_vec::<f32>(), vec![3.5, 3.0]);
/// ```
#[track_caller]
pub fn linear(input: &Tensor, weight: &Tensor, bias: Option<&Tensor>) -> Tensor {
    unwrap(try_linear(input, weight, bias))
}

/// Fallible twin of [`linear`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let err = F::try_linear(&Tensor::ones(&[4, 3]), &Tensor::ones(&[2, 5]), None).unwrap_err();
/// assert_eq!(err.to_string(), "mm: mat1 and mat2 shapes cannot be multiplied (4x3 and 5x2)");
/// ```
pub fn try_linear(input: &Tensor, weight: &Tensor, bias: Option<&Tensor>) -> Result<Tensor> {
    if input.dim() == 0 {
        return Err(Error::Runtime(format!(
            "both arguments to linear need to be at least 1D, but they are 0D and {}D",
            weight.dim()
        )));
    }
    let k = input.shape()[input.dim() - 1];
    if weight.dim() == 2 && k != weight.shape()[1] {
        let rows = input.numel() / k.max(1);
        let op = if bias.is_some() { "addmm" } else { "mm" };
        return Err(Error::Runtime(format!(
            "{op}: mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and {}x{})",
            weight.shape()[1],
            weight.shape()[0]
        )));
    }
    let wt = weight.t();
    if let Some(b) = bias {
        let fused = input.dim() == 2
            && weight.dim() == 2
            && b.shape() == [weight.shape()[0]]
            && [input.dtype(), weight.dtype()].iter().all(|&d| d == b.dtype())
            && matches!(b.dtype(), DType::F32 | DType::F64);
        if fused {
            return Ok(addmm(b, input, &wt));
        }
    }
    let y = input.try_matmul(&wt)?;
    match bias {
        Some(b) => y.try_add(b),
        None => Ok(y),
    }
}

/// `bias + mat1 @ mat2` for a 1-D `bias`, 2-D operands of one float dtype, shapes checked.
fn addmm(bias: &Tensor, mat1: &Tensor, mat2: &Tensor) -> Tensor {
    let out = match bias.dtype() {
        DType::F32 => addmm_kernel::<f32>(bias, mat1, mat2),
        _ => addmm_kernel::<f64>(bias, mat1, mat2),
    };
    if needs_grad(&[bias, mat1, mat2]) {
        let saved = vec![SavedTensor::input(mat1), SavedTensor::input(mat2)];
        record_unary("AddmmBackward0", &[bias, mat1, mat2], &out, saved, |ctx| {
            let (m1, m2) = (&ctx.saved[0], &ctx.saved[1]);
            let g = ctx.grad();
            // As PyTorch's mm_mat1/mat2_backward: mat2 is the transposed weight (column-major),
            // so its gradient is made as (gᵀ·mat1)ᵀ and reaches the weight contiguous.
            Ok(vec![
                ctx.needs(0).then(|| g.sum_to_size(&[m2.shape()[1]])),
                ctx.needs(1).then(|| g.matmul(&m2.t())),
                ctx.needs(2).then(|| g.t().matmul(m1).t()),
            ])
        });
    }
    out
}

fn addmm_kernel<T: GemmElem + Element>(bias: &Tensor, mat1: &Tensor, mat2: &Tensor) -> Tensor {
    let (m, k, n) = (mat1.shape()[0], mat1.shape()[1], mat2.shape()[1]);
    let mut out = bias.contiguous_vec::<T>().repeat(m);
    mat1.with_slice(|d1: &[T], l1| {
        mat2.with_slice(|d2: &[T], l2| {
            let lhs = MatRef::new(d1, l1.offset, m, k, l1.strides[0], l1.strides[1]);
            let rhs = MatRef::new(d2, l2.offset, k, n, l2.strides[0], l2.strides[1]);
            let mut dst = MatMut::row_major(&mut out, m, n);
            gemm_strided(&mut dst, &lhs, &rhs, true, crate::get_num_threads());
        })
    });
    Tensor::from_vec(out, &[m, n])
}
