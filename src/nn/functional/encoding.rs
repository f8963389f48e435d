//! `F.one_hot`: class indices as one-hot rows.

use crate::error::unwrap;
use crate::{DType, Error, Result, Tensor};

/// One-hot encoding of int64 class indices (`F.one_hot(input, num_classes)`): an int64
/// tensor of shape `[*input.shape, num_classes]` with a 1 at each index. `num_classes = -1`
/// takes the largest index + 1.
///
/// Panics with PyTorch's messages on bad input; see [`try_one_hot`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let y = F::one_hot(&Tensor::from_slice(&[0i64, 2]), 3);
/// assert_eq!(y.to_vec::<i64>(), vec![1, 0, 0, 0, 0, 1]);
/// assert_eq!(F::one_hot(&Tensor::from_slice(&[1i64]), -1).shape(), &[1, 2]);
/// ```
#[track_caller]
pub fn one_hot(input: &Tensor, num_classes: i64) -> Tensor {
    unwrap(try_one_hot(input, num_classes))
}

/// Fallible twin of [`one_hot`].
///
/// ```
/// use torchlight::{nn::functional as F, Tensor};
/// let e = F::try_one_hot(&Tensor::from_slice(&[0i64, 3]), 3).unwrap_err();
/// assert_eq!(e.to_string(), "Class values must be smaller than num_classes.");
/// ```
pub fn try_one_hot(input: &Tensor, num_classes: i64) -> Result<Tensor> {
    if input.dtype() != DType::I64 {
        return Err(Error::Runtime("one_hot is only applicable to index tensor of type LongTensor.".into()));
    }
    let classes = input.to_vec::<i64>();
    let fail = |m: &str| Err(Error::Runtime(m.into()));
    if classes.is_empty() && num_classes == -1 {
        return fail("Can not infer total number of classes from empty tensor.");
    }
    if classes.iter().any(|&c| c < 0) {
        return fail("Class values must be non-negative.");
    }
    let n = if num_classes == -1 { classes.iter().max().map_or(0, |&m| m + 1) } else { num_classes };
    if classes.iter().any(|&c| c >= n) || n < 0 {
        return fail("Class values must be smaller than num_classes.");
    }
    let n = n as usize;
    let mut out = vec![0i64; classes.len() * n];
    for (row, &c) in classes.iter().enumerate() {
        out[row * n + c as usize] = 1;
    }
    let mut shape = input.shape().to_vec();
    shape.push(n);
    Ok(Tensor::from_vec(out, &shape))
}
