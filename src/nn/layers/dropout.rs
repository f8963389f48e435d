//! [`Dropout`]: zeroes elements at random during training.

use super::py_bool;
use crate::format::python_repr;
use crate::nn::{Module, TrainingFlag, Visitor, VisitorMut};
use crate::{Error, Result, Tensor};

/// During training, zeroes each element with probability `p` and scales the others by
/// `1/(1-p)`; in evaluation mode, the identity (`torch.nn.Dropout`).
///
/// The mask is PyTorch's CPU one: `bernoulli_(1-p)` on a tensor shaped like the input, in
/// storage order, then divided by `1-p`. (PyTorch builds with MKL draw it differently on
/// Intel CPUs; torchlight follows the portable path, which PyTorch uses on other CPUs.)
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// torchlight::manual_seed(0);
/// let drop = nn::Dropout::new(0.5);
/// let y = drop.forward(&Tensor::ones(&[10]));
/// assert_eq!(y.to_vec::<f32>(), vec![0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 2.0, 2.0, 0.0, 2.0]);
/// drop.eval();
/// assert_eq!(drop.forward(&Tensor::ones(&[2])).to_vec::<f32>(), vec![1.0, 1.0]);
/// ```
pub struct Dropout {
    /// The probability of zeroing an element.
    pub p: f64,
    training: TrainingFlag,
}

impl Dropout {
    /// Dropout with probability `p`; panics unless `0 <= p <= 1`, as PyTorch raises.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::Dropout::new(0.2).p, 0.2);
    /// ```
    #[track_caller]
    pub fn new(p: f64) -> Dropout {
        crate::error::unwrap(Dropout::try_new(p))
    }

    /// Fallible twin of [`Dropout::new`].
    ///
    /// ```
    /// let err = torchlight::nn::Dropout::try_new(1.5).err().unwrap();
    /// assert_eq!(err.to_string(), "dropout probability has to be between 0 and 1, but got 1.5");
    /// ```
    pub fn try_new(p: f64) -> Result<Dropout> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::Value(format!(
                "dropout probability has to be between 0 and 1, but got {}",
                python_number(p)
            )));
        }
        Ok(Dropout { p, training: TrainingFlag::default() })
    }
}

/// A float as Python prints a number the user typed: integers without a fraction.
fn python_number(p: f64) -> String {
    if p.fract() == 0.0 && p.abs() < 1e16 {
        format!("{}", p as i64)
    } else {
        python_repr(p)
    }
}

/// `F.dropout` in its CPU form (`_dropout_impl`).
pub(crate) fn dropout(input: &Tensor, p: f64, train: bool) -> Tensor {
    if p == 0.0 || !train || input.numel() == 0 {
        return input.clone();
    }
    if p == 1.0 {
        // Multiplying keeps NaNs and the graph, as PyTorch's `input * zeros({})` does.
        return input * &Tensor::zeros_dtype(&[], input.dtype());
    }
    let noise = noise_like(input);
    noise.bernoulli_(1.0 - p);
    noise.div_(1.0 - p);
    input * &noise
}

/// A zero tensor shaped like `input` with the same memory order when `input` is a permuted
/// dense tensor (PyTorch's `empty_like` keeps such strides), so that the mask, drawn in
/// storage order, lands on the same elements as in PyTorch. Other layouts get a contiguous one.
fn noise_like(input: &Tensor) -> Tensor {
    let l = input.layout();
    if l.is_contiguous() || !l.is_dense() {
        return Tensor::zeros_dtype(input.shape(), input.dtype());
    }
    // Dims from the largest stride to the smallest: the memory order.
    let mut order: Vec<usize> = (0..input.dim()).collect();
    order.sort_by_key(|&d| std::cmp::Reverse(l.strides[d]));
    let shape: Vec<usize> = order.iter().map(|&d| input.shape()[d]).collect();
    let mut inverse = vec![0i64; order.len()];
    for (i, &d) in order.iter().enumerate() {
        inverse[d] = i as i64;
    }
    Tensor::zeros_dtype(&shape, input.dtype()).permute(&inverse)
}

impl Module for Dropout {
    fn forward(&self, input: &Tensor) -> Tensor {
        dropout(input, self.p, self.is_training())
    }
    fn visit<'a>(&'a self, _: &mut dyn Visitor<'a>) {}
    fn visit_mut(&mut self, _: &mut dyn VisitorMut) {}
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "Dropout".into()
    }
    fn extra_repr(&self) -> String {
        format!("p={}, inplace={}", python_repr(self.p), py_bool(false))
    }
}
