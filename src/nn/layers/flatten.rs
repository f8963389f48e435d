//! [`Flatten`] and [`Unflatten`]: reshaping layers.

use super::py_tuple;
use crate::nn::{Module, TrainingFlag, Visitor, VisitorMut};
use crate::{Result, Tensor};

/// Flattens dims `start_dim..=end_dim` into one (`torch.nn.Flatten`; PyTorch's defaults are
/// `1, -1`, see [`Flatten::default`]).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let y = nn::Flatten::default().forward(&Tensor::zeros(&[2, 3, 4, 5]));
/// assert_eq!(y.shape(), &[2, 60]);
/// ```
pub struct Flatten {
    /// First dim to flatten.
    pub start_dim: i64,
    /// Last dim to flatten (inclusive).
    pub end_dim: i64,
    training: TrainingFlag,
}

impl Flatten {
    /// Flattens `start_dim..=end_dim`; negative dims count from the end.
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, Tensor};
    /// assert_eq!(nn::Flatten::new(0, 1).forward(&Tensor::zeros(&[4, 1])).shape(), &[4]);
    /// ```
    pub fn new(start_dim: i64, end_dim: i64) -> Flatten {
        Flatten { start_dim, end_dim, training: TrainingFlag::default() }
    }
}

impl Default for Flatten {
    /// `nn.Flatten()`: all dims but the batch dim.
    fn default() -> Flatten {
        Flatten::new(1, -1)
    }
}

impl Module for Flatten {
    #[track_caller]
    fn forward(&self, input: &Tensor) -> Tensor {
        input.flatten(self.start_dim, self.end_dim)
    }
    fn visit<'a>(&'a self, _: &mut dyn Visitor<'a>) {}
    fn visit_mut(&mut self, _: &mut dyn VisitorMut) {}
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "Flatten".into()
    }
    fn extra_repr(&self) -> String {
        format!("start_dim={}, end_dim={}", self.start_dim, self.end_dim)
    }
}

/// Splits dim `dim` into `unflattened_size` (`torch.nn.Unflatten`); one size may be `-1`.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let y = nn::Unflatten::new(1, &[2, -1]).forward(&Tensor::zeros(&[4, 6]));
/// assert_eq!(y.shape(), &[4, 2, 3]);
/// ```
pub struct Unflatten {
    /// The dim to split.
    pub dim: i64,
    /// The sizes it is split into.
    pub unflattened_size: Vec<i64>,
    training: TrainingFlag,
}

impl Unflatten {
    /// Splits `dim` into `unflattened_size`.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::Unflatten::new(1, &[2, 3]).repr(), "Unflatten(dim=1, unflattened_size=(2, 3))");
    /// ```
    pub fn new(dim: i64, unflattened_size: &[i64]) -> Unflatten {
        Unflatten { dim, unflattened_size: unflattened_size.to_vec(), training: TrainingFlag::default() }
    }

    /// Fallible twin of `forward` (`input.unflatten(dim, sizes)`).
    ///
    /// ```
    /// use torchlight::{nn, Tensor};
    /// let err = nn::Unflatten::new(1, &[2, 2]).try_forward(&Tensor::zeros(&[2, 6])).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "unflatten: Provided sizes [2, 2] don't multiply up to the size of dim 1 (6) in the input tensor"
    /// );
    /// ```
    pub fn try_forward(&self, input: &Tensor) -> Result<Tensor> {
        input.try_unflatten(self.dim, &self.unflattened_size)
    }
}

impl Module for Unflatten {
    #[track_caller]
    fn forward(&self, input: &Tensor) -> Tensor {
        crate::error::unwrap(self.try_forward(input))
    }
    fn visit<'a>(&'a self, _: &mut dyn Visitor<'a>) {}
    fn visit_mut(&mut self, _: &mut dyn VisitorMut) {}
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "Unflatten".into()
    }
    fn extra_repr(&self) -> String {
        format!("dim={}, unflattened_size={}", self.dim, py_tuple(&self.unflattened_size))
    }
}
