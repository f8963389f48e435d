//! PyTorch's type promotion (`torch.result_type`): dimensioned tensors outrank 0-dim
//! tensors, which outrank Rust numbers; a lower class can only change the category.

use super::binary::Operand;
use crate::DType;

fn combine(higher: Option<DType>, lower: Option<DType>) -> Option<DType> {
    match (higher, lower) {
        (None, l) => l,
        (h, None) => h,
        (Some(h), Some(l)) => {
            if h.is_floating_point() {
                Some(h)
            } else if h == DType::Bool || l.is_floating_point() {
                Some(h.promote(l))
            } else {
                Some(h)
            }
        }
    }
}

fn join(acc: Option<DType>, d: DType) -> Option<DType> {
    Some(acc.map_or(d, |a| a.promote(d)))
}

/// The dtype PyTorch computes `a op b` in.
///
/// ```ignore
/// // i64 tensor + 2.5 is float32; f32 tensor + f64 0-dim tensor is float32.
/// ```
#[inline]
pub(crate) fn result_type(ops: &[Operand]) -> DType {
    let (mut dim, mut zero, mut wrapped) = (None, None, None);
    for op in ops {
        match op {
            Operand::Tensor(t) if t.dim() > 0 => dim = join(dim, t.dtype()),
            Operand::Tensor(t) => zero = join(zero, t.dtype()),
            Operand::Scalar(s) => wrapped = join(wrapped, s.dtype()),
        }
    }
    combine(dim, combine(zero, wrapped)).expect("result_type of no operands")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Scalar, Tensor};

    #[test]
    fn promotion_table_from_spec() {
        // Cases from pytorch-semantics.md §5.3 (verified against torch 2.15).
        let f32t = Tensor::zeros_dtype(&[1], DType::F32);
        let f64t = Tensor::zeros_dtype(&[1], DType::F64);
        let i64t = Tensor::zeros_dtype(&[1], DType::I64);
        let bt = Tensor::zeros_dtype(&[1], DType::Bool);
        let f64s = Tensor::zeros_dtype(&[], DType::F64);
        let f32s = Tensor::zeros_dtype(&[], DType::F32);
        let rt = |a: &Tensor, b: Operand| result_type(&[Operand::Tensor(a), b]);
        assert_eq!(rt(&f32t, Operand::Tensor(&f64t)), DType::F64);
        assert_eq!(rt(&f32t, Operand::Tensor(&i64t)), DType::F32);
        assert_eq!(rt(&i64t, Operand::Scalar(Scalar::Float(2.5))), DType::F32);
        assert_eq!(rt(&f32t, Operand::Tensor(&f64s)), DType::F32);
        assert_eq!(rt(&i64t, Operand::Tensor(&f32s)), DType::F32);
        assert_eq!(rt(&f64s, Operand::Tensor(&i64t)), DType::F64);
        assert_eq!(rt(&f32s, Operand::Tensor(&f64s)), DType::F64);
        assert_eq!(rt(&bt, Operand::Scalar(Scalar::Int(1))), DType::I64);
        assert_eq!(rt(&bt, Operand::Scalar(Scalar::Float(1.5))), DType::F32);
        assert_eq!(rt(&f64t, Operand::Scalar(Scalar::Float(1.5))), DType::F64);
    }
}
