//! [`Dropout`] and [`Dropout2d`]: zero elements, or whole channels, at random during training.

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

impl Module for Dropout {
    fn forward(&self, input: &Tensor) -> Tensor {
        crate::nn::functional::dropout(input, self.p, self.is_training())
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

/// During training, zeroes whole channels of `[N, C, H, W]` with probability `p` and scales
/// the others by `1/(1-p)`; in evaluation mode, the identity (`torch.nn.Dropout2d`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// torchlight::manual_seed(0);
/// let drop = nn::Dropout2d::new(0.5);
/// let y = drop.forward(&Tensor::ones(&[1, 4, 2, 2]));
/// assert!(y.to_vec::<f32>().chunks(4).all(|c| c.iter().all(|&v| v == c[0])));
/// assert_eq!(drop.repr(), "Dropout2d(p=0.5, inplace=False)");
/// ```
pub struct Dropout2d {
    /// The probability of zeroing a channel.
    pub p: f64,
    training: TrainingFlag,
}

impl Dropout2d {
    /// Channel dropout with probability `p`; panics unless `0 <= p <= 1`, as PyTorch raises.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::Dropout2d::new(0.2).p, 0.2);
    /// ```
    #[track_caller]
    pub fn new(p: f64) -> Dropout2d {
        let d = Dropout::new(p);
        Dropout2d { p: d.p, training: TrainingFlag::default() }
    }
}

impl Module for Dropout2d {
    #[track_caller]
    fn forward(&self, input: &Tensor) -> Tensor {
        crate::nn::functional::dropout2d(input, self.p, self.is_training())
    }
    fn visit<'a>(&'a self, _: &mut dyn Visitor<'a>) {}
    fn visit_mut(&mut self, _: &mut dyn VisitorMut) {}
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "Dropout2d".into()
    }
    fn extra_repr(&self) -> String {
        format!("p={}, inplace={}", python_repr(self.p), py_bool(false))
    }
}
