//! The [`Dataset`] trait (`torch.utils.data.Dataset`, map-style).

use std::sync::Arc;

/// A map-style data set: `len()` items, the `index`-th returned by `get`
/// (`__len__` and `__getitem__`).
///
/// Items are usually tensors or tuples / `Vec`s of tensors, which a
/// [`DataLoader`](super::DataLoader) stacks into batches through [`Collate`](super::Collate).
/// `get` panics on an index out of range, as indexing does.
///
/// ```
/// use torchlight::data::Dataset;
/// use torchlight::Tensor;
/// struct Squares(usize);
/// impl Dataset for Squares {
///     type Item = (Tensor, i64);
///     fn len(&self) -> usize {
///         self.0
///     }
///     fn get(&self, index: usize) -> (Tensor, i64) {
///         assert!(index < self.0, "index {index} is out of range for Squares of length {}", self.0);
///         let i = index as i64;
///         (Tensor::from_slice(&[i as f32]), i * i)
///     }
/// }
/// assert_eq!(Squares(4).get(3).1, 9);
/// ```
pub trait Dataset {
    /// What one index yields.
    type Item;

    /// The number of items.
    fn len(&self) -> usize;

    /// The item at `index` (`0 <= index < len()`).
    fn get(&self, index: usize) -> Self::Item;

    /// Whether there are no items.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A shared data set is a data set, so one set can back several
/// [`Subset`](super::Subset)s or loaders without being copied.
///
/// ```
/// use std::sync::Arc;
/// use torchlight::data::{Dataset, TensorDataset};
/// let ds = Arc::new(TensorDataset::new(torchlight::Tensor::zeros(&[3])));
/// assert_eq!(Arc::clone(&ds).len(), 3);
/// ```
impl<D: Dataset + ?Sized> Dataset for Arc<D> {
    type Item = D::Item;

    fn len(&self) -> usize {
        (**self).len()
    }

    fn get(&self, index: usize) -> D::Item {
        (**self).get(index)
    }
}
