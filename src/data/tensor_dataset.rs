//! [`TensorDataset`]: items are rows of tensors that share their first dimension.

use super::dataset::Dataset;
use crate::error::unwrap;
use crate::{Error, Result, Tensor};

/// A tensor or a group of tensors that [`TensorDataset`] indexes together along dim 0.
///
/// Implemented for [`Tensor`], `Vec<Tensor>` and tuples of up to four tensors; the
/// dataset's items have the same type, so a tuple destructures in a `for` pattern.
///
/// ```
/// use torchlight::data::TensorTuple;
/// use torchlight::Tensor;
/// let pair = (Tensor::zeros(&[3, 2]), Tensor::zeros(&[3]));
/// assert_eq!(pair.tensors().len(), 2);
/// assert_eq!(pair.row(1).0.shape(), &[2]);
/// ```
pub trait TensorTuple: Clone {
    /// The tensors, in order.
    fn tensors(&self) -> Vec<&Tensor>;

    /// Every tensor's `index`-th sub-tensor along dim 0 (`t[index]`); panics when out of range.
    fn row(&self, index: usize) -> Self;
}

fn row_of(t: &Tensor, index: usize) -> Tensor {
    t.select(0, index as i64)
}

impl TensorTuple for Tensor {
    fn tensors(&self) -> Vec<&Tensor> {
        vec![self]
    }

    fn row(&self, index: usize) -> Self {
        row_of(self, index)
    }
}

impl TensorTuple for Vec<Tensor> {
    fn tensors(&self) -> Vec<&Tensor> {
        self.iter().collect()
    }

    fn row(&self, index: usize) -> Self {
        self.iter().map(|t| row_of(t, index)).collect()
    }
}

/// `Tensor`, whatever the token: spells a tuple of tensors from its field indices.
macro_rules! tensor_for {
    ($idx:tt) => {
        Tensor
    };
}

macro_rules! tuple_impl {
    ($($idx:tt),+) => {
        impl TensorTuple for ($(tensor_for!($idx),)+) {
            fn tensors(&self) -> Vec<&Tensor> {
                vec![$(&self.$idx),+]
            }

            fn row(&self, index: usize) -> Self {
                ($(row_of(&self.$idx, index),)+)
            }
        }
    };
}
tuple_impl!(0);
tuple_impl!(0, 1);
tuple_impl!(0, 1, 2);
tuple_impl!(0, 1, 2, 3);

/// A data set of tensors indexed together along their first dimension
/// (`torch.utils.data.TensorDataset`): item `i` is every tensor's row `i`.
///
/// The item type is the type given to [`TensorDataset::new`]: a tuple gives tuples, a
/// `Vec<Tensor>` gives `Vec`s.
///
/// ```
/// use torchlight::data::{Dataset, TensorDataset};
/// use torchlight::Tensor;
/// let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
/// let y = Tensor::from_slice(&[7i64, 8, 9]);
/// let ds = TensorDataset::new((x.clone(), y.clone()));
/// let (xi, yi) = ds.get(1);
/// assert_eq!((xi.to_vec::<f32>(), yi.item()), (vec![3.0, 4.0], 8.0));
/// let as_vec = TensorDataset::new(vec![x, y]);
/// assert_eq!(as_vec.get(2).len(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct TensorDataset<T> {
    tensors: T,
    len: usize,
}

impl<T: TensorTuple> TensorDataset<T> {
    /// Wraps the tensors; panics with torch's "Size mismatch between tensors" when their
    /// first dimensions differ.
    ///
    /// ```
    /// use torchlight::data::TensorDataset;
    /// use torchlight::Tensor;
    /// let ds = TensorDataset::new((Tensor::zeros(&[5, 3]), Tensor::zeros(&[5])));
    /// assert_eq!(ds.tensors().1.shape(), &[5]);
    /// ```
    #[track_caller]
    pub fn new(tensors: T) -> Self {
        unwrap(Self::try_new(tensors))
    }

    /// Fallible twin of [`TensorDataset::new`]: also an error for no tensors or a 0-dim one.
    ///
    /// ```
    /// use torchlight::data::TensorDataset;
    /// use torchlight::Tensor;
    /// let err = TensorDataset::try_new((Tensor::zeros(&[3]), Tensor::zeros(&[4]))).unwrap_err();
    /// assert_eq!(err.to_string(), "Size mismatch between tensors");
    /// ```
    pub fn try_new(tensors: T) -> Result<Self> {
        let list = tensors.tensors();
        let Some(first) = list.first() else {
            return Err(Error::Value("TensorDataset needs at least one tensor".into()));
        };
        let Some(&len) = first.shape().first() else {
            return Err(Error::Index("dimension specified as 0 but tensor has no dimensions".into()));
        };
        if list.iter().any(|t| t.shape().first() != Some(&len)) {
            // torch's `assert all(...)`: an AssertionError with exactly this text.
            return Err(Error::Value("Size mismatch between tensors".into()));
        }
        Ok(TensorDataset { tensors, len })
    }

    /// The wrapped tensors (`dataset.tensors`).
    ///
    /// ```
    /// let ds = torchlight::data::TensorDataset::new(vec![torchlight::Tensor::zeros(&[2])]);
    /// assert_eq!(ds.tensors().len(), 1);
    /// ```
    pub fn tensors(&self) -> &T {
        &self.tensors
    }
}

impl<T: TensorTuple> Dataset for TensorDataset<T> {
    type Item = T;

    fn len(&self) -> usize {
        self.len
    }

    /// Every tensor's row `index`; panics with `select`'s message when out of range.
    fn get(&self, index: usize) -> T {
        self.tensors.row(index)
    }
}
