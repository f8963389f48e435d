//! Data loading (`torch.utils.data`): the [`Dataset`] trait, [`TensorDataset`], [`Subset`],
//! [`random_split`], the batching [`DataLoader`] with background prefetch, and readers for
//! [`idx`] (MNIST) and [`csv`] files.
//!
//! Shuffling reproduces torch's random streams: after `manual_seed(s)`, a shuffled loader yields
//! the batches `DataLoader(..., shuffle=True)` yields after `torch.manual_seed(s)`, epoch after
//! epoch, and leaves the global generator where torch leaves it.
//!
//! ```
//! use torchlight::data::{DataLoader, TensorDataset};
//! use torchlight::Tensor;
//! let x = Tensor::arange(0.0, 12.0, 1.0).reshape(&[6, 2]);
//! let y = Tensor::from_slice(&[0i64, 1, 0, 1, 0, 1]);
//! let loader = DataLoader::new(TensorDataset::new((x, y))).batch_size(4).shuffle(true);
//! let mut seen = 0;
//! for (xb, yb) in &loader {
//!     assert_eq!(xb.shape()[1], 2);
//!     seen += yb.shape()[0];
//! }
//! assert_eq!(seen, 6);
//! assert_eq!(loader.len(), 2);
//! ```
//!
//! File and data errors come back as `Err` ([`crate::Error::Io`] with the path, or
//! [`crate::Error::Format`] naming the file, the place and the problem); argument mistakes
//! panic with PyTorch's message and have `try_` twins.

mod collate;
pub mod csv;
mod dataset;
pub mod idx;
mod loader;
mod sampler;
mod split;
mod subset;
mod tensor_dataset;
mod workers;

pub use collate::Collate;
pub use dataset::Dataset;
pub use loader::{DataLoader, DataLoaderIter, DataLoaderOptions};
pub use split::{random_split, try_random_split, SplitLengths};
pub use subset::Subset;
pub use tensor_dataset::{TensorDataset, TensorTuple};
