//! [`Subset`]: a view of a data set through a list of indices.

use super::dataset::Dataset;

/// The items of `dataset` at `indices`, in that order (`torch.utils.data.Subset`).
///
/// Holds the data set by value; wrap it in an `Arc` (itself a [`Dataset`]) to share one
/// set between subsets, or pass a cheap-to-clone one such as
/// [`TensorDataset`](super::TensorDataset), whose tensors share storage.
///
/// ```
/// use torchlight::data::{Dataset, Subset, TensorDataset};
/// use torchlight::Tensor;
/// let ds = TensorDataset::new(Tensor::from_slice(&[10i64, 11, 12, 13]));
/// let sub = Subset::new(ds, vec![3, 0]);
/// assert_eq!(sub.len(), 2);
/// assert_eq!(sub.get(0).item(), 13.0);
/// ```
#[derive(Clone, Debug)]
pub struct Subset<D> {
    dataset: D,
    indices: Vec<usize>,
}

impl<D: Dataset> Subset<D> {
    /// The items of `dataset` at `indices`. Like torch, the indices are not checked here:
    /// an index past the data set's end panics when its item is fetched.
    ///
    /// ```
    /// use torchlight::data::{Subset, TensorDataset};
    /// let sub = Subset::new(TensorDataset::new(torchlight::Tensor::zeros(&[5])), vec![1, 2]);
    /// assert_eq!(sub.indices(), &[1, 2]);
    /// ```
    pub fn new(dataset: D, indices: Vec<usize>) -> Self {
        Subset { dataset, indices }
    }

    /// The underlying data set (`subset.dataset`).
    ///
    /// ```
    /// use torchlight::data::{Dataset, Subset, TensorDataset};
    /// let sub = Subset::new(TensorDataset::new(torchlight::Tensor::zeros(&[5])), vec![]);
    /// assert_eq!(sub.dataset().len(), 5);
    /// ```
    pub fn dataset(&self) -> &D {
        &self.dataset
    }

    /// The indices into the underlying data set (`subset.indices`).
    ///
    /// ```
    /// use torchlight::data::{Subset, TensorDataset};
    /// let sub = Subset::new(TensorDataset::new(torchlight::Tensor::zeros(&[5])), vec![4]);
    /// assert_eq!(sub.indices(), &[4]);
    /// ```
    pub fn indices(&self) -> &[usize] {
        &self.indices
    }
}

impl<D: Dataset> Dataset for Subset<D> {
    type Item = D::Item;

    fn len(&self) -> usize {
        self.indices.len()
    }

    fn get(&self, index: usize) -> D::Item {
        let Some(&i) = self.indices.get(index) else {
            panic!("Subset index {index} is out of range for a Subset of length {}", self.indices.len());
        };
        self.dataset.get(i)
    }
}
