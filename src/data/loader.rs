//! [`DataLoader`]: batches of a [`Dataset`], optionally shuffled and prefetched by worker
//! threads (`torch.utils.data.DataLoader` over a map-style data set).

use std::sync::Arc;

use super::collate::Collate;
use super::dataset::Dataset;
use super::sampler::{batches, draw_base_seed, num_batches, EpochOrder};
use super::workers::{fetch, Workers};
use crate::error::unwrap;
use crate::random::Generator;
use crate::{Error, Result};

/// The options of a [`DataLoader`], with torch's defaults.
///
/// ```
/// let o = torchlight::data::DataLoaderOptions::default();
/// assert_eq!((o.batch_size, o.shuffle, o.drop_last, o.num_workers, o.prefetch_factor), (1, false, false, 0, 2));
/// assert!(o.generator.is_none());
/// ```
#[derive(Clone, Debug)]
pub struct DataLoaderOptions {
    /// Items per batch (default 1).
    pub batch_size: usize,
    /// Draw a new random order at the start of every epoch (default false).
    pub shuffle: bool,
    /// The generator shuffling draws from; `None` (the default) seeds a fresh generator each
    /// epoch from the global one, as torch's `RandomSampler` does.
    pub generator: Option<Generator>,
    /// Leave out a last batch smaller than `batch_size` (default false).
    pub drop_last: bool,
    /// Worker threads building batches in the background; 0 (the default) builds each batch in
    /// the calling thread when it is asked for.
    pub num_workers: usize,
    /// Batches each worker keeps ready ahead of the consumer (default 2); unused without
    /// workers.
    pub prefetch_factor: usize,
}

impl Default for DataLoaderOptions {
    fn default() -> Self {
        DataLoaderOptions {
            batch_size: 1,
            shuffle: false,
            generator: None,
            drop_last: false,
            num_workers: 0,
            prefetch_factor: 2,
        }
    }
}

impl DataLoaderOptions {
    /// torch's `ValueError`s, checked against a data set of `n` items.
    fn validate(&self, n: usize) -> Result<()> {
        if self.batch_size == 0 {
            return Err(Error::Value("batch_size should be a positive integer value, but got batch_size=0".into()));
        }
        if self.prefetch_factor == 0 {
            return Err(Error::Value(
                "prefetch_factor should be a positive integer value, but got prefetch_factor=0".into(),
            ));
        }
        if self.shuffle && n == 0 {
            return Err(Error::Value("num_samples should be a positive integer value, but got num_samples=0".into()));
        }
        Ok(())
    }
}

/// Iterates a [`Dataset`] in batches: each epoch (each call of [`DataLoader::iter`], or each
/// `for batch in &loader`) visits the items in order, or in a fresh random order with
/// `shuffle`, and collates `batch_size` of them at a time with [`Collate`].
///
/// Shuffling draws exactly what torch draws: with no generator, a seed from the global
/// generator at each epoch's first batch; with one, each epoch's permutation from it. So
/// `manual_seed(s)` here and `torch.manual_seed(s)` there give the same batches, and after a
/// full epoch both leave their generators in the same state. (Each epoch also takes one
/// 64-bit draw when it starts, shuffled or not, which torch takes to seed its worker
/// processes.)
///
/// With `num_workers > 0`, worker threads fetch and collate the next batches while the
/// caller trains on the current one; batches still arrive in order, and a panic in
/// `Dataset::get` is re-raised in the caller. Random ops inside `get` then run on several
/// threads against one generator, in no fixed order; give such a data set its own
/// generators when the stream matters.
///
/// Options are set by builder methods, each checked with torch's message, or all at once by
/// [`DataLoader::try_new`].
///
/// ```
/// use torchlight::data::{DataLoader, TensorDataset};
/// use torchlight::random::Generator;
/// use torchlight::Tensor;
/// let ds = TensorDataset::new(Tensor::arange(0.0, 10.0, 1.0));
/// let g = Generator::with_seed(0);
/// let loader = DataLoader::new(ds).batch_size(4).shuffle(true).generator(&g).drop_last(true).num_workers(2);
/// let epoch: Vec<Vec<f32>> = loader.iter().map(|b| b.to_vec::<f32>()).collect();
/// assert_eq!(epoch.len(), 2);
/// assert!(epoch.iter().all(|b| b.len() == 4));
/// ```
pub struct DataLoader<D> {
    dataset: Arc<D>,
    options: DataLoaderOptions,
}

impl<D> Clone for DataLoader<D> {
    /// Another loader over the same (shared) data set, with the same generator handle.
    fn clone(&self) -> Self {
        DataLoader { dataset: Arc::clone(&self.dataset), options: self.options.clone() }
    }
}

impl<D: Dataset> DataLoader<D> {
    /// A loader with torch's defaults: batches of 1, in order, no workers.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[3, 2])));
    /// assert_eq!(loader.len(), 3);
    /// assert_eq!(loader.iter().next().unwrap().shape(), &[1, 2]);
    /// ```
    pub fn new(dataset: D) -> Self {
        DataLoader { dataset: Arc::new(dataset), options: DataLoaderOptions::default() }
    }

    /// A loader with every option given at once; `Err` with torch's message for a zero
    /// `batch_size` or `prefetch_factor`, or `shuffle` over an empty data set.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, DataLoaderOptions, TensorDataset};
    /// let ds = TensorDataset::new(torchlight::Tensor::zeros(&[3]));
    /// let bad = DataLoaderOptions { batch_size: 0, ..Default::default() };
    /// let err = DataLoader::try_new(ds, bad).err().unwrap();
    /// assert_eq!(err.to_string(), "batch_size should be a positive integer value, but got batch_size=0");
    /// ```
    pub fn try_new(dataset: D, options: DataLoaderOptions) -> Result<Self> {
        options.validate(dataset.len())?;
        Ok(DataLoader { dataset: Arc::new(dataset), options })
    }

    #[track_caller]
    fn update(mut self, f: impl FnOnce(&mut DataLoaderOptions)) -> Self {
        f(&mut self.options);
        unwrap(self.options.validate(self.dataset.len()));
        self
    }

    /// Items per batch; panics on 0 with torch's message.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[5]))).batch_size(2);
    /// assert_eq!(loader.len(), 3);
    /// ```
    #[track_caller]
    pub fn batch_size(self, batch_size: usize) -> Self {
        self.update(|o| o.batch_size = batch_size)
    }

    /// Reshuffle at every epoch; panics over an empty data set, as torch's `RandomSampler`.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[5]))).shuffle(true);
    /// assert!(loader.options().shuffle);
    /// ```
    #[track_caller]
    pub fn shuffle(self, shuffle: bool) -> Self {
        self.update(|o| o.shuffle = shuffle)
    }

    /// Shuffle with `generator` (a shared handle: the loader advances the caller's generator)
    /// instead of seeds drawn from the global generator.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// use torchlight::random::Generator;
    /// let g = Generator::with_seed(1);
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[5]))).generator(&g);
    /// assert!(loader.options().generator.as_ref().unwrap().ptr_eq(&g));
    /// ```
    pub fn generator(mut self, generator: &Generator) -> Self {
        self.options.generator = Some(generator.clone());
        self
    }

    /// Leave out a last, incomplete batch.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[5]))).batch_size(2).drop_last(true);
    /// assert_eq!(loader.len(), 2);
    /// ```
    pub fn drop_last(mut self, drop_last: bool) -> Self {
        self.options.drop_last = drop_last;
        self
    }

    /// Build batches on `num_workers` background threads (0: in the calling thread).
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[5]))).num_workers(2);
    /// assert_eq!(loader.iter().count(), 5);
    /// ```
    pub fn num_workers(mut self, num_workers: usize) -> Self {
        self.options.num_workers = num_workers;
        self
    }

    /// Batches each worker keeps ready; panics on 0.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[5]))).num_workers(1).prefetch_factor(4);
    /// assert_eq!(loader.options().prefetch_factor, 4);
    /// ```
    #[track_caller]
    pub fn prefetch_factor(self, prefetch_factor: usize) -> Self {
        self.update(|o| o.prefetch_factor = prefetch_factor)
    }

    /// The options in effect.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[5])));
    /// assert_eq!(loader.options().batch_size, 1);
    /// ```
    pub fn options(&self) -> &DataLoaderOptions {
        &self.options
    }

    /// The data set (`loader.dataset`).
    ///
    /// ```
    /// use torchlight::data::{DataLoader, Dataset, TensorDataset};
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[5])));
    /// assert_eq!(loader.dataset().len(), 5);
    /// ```
    pub fn dataset(&self) -> &D {
        &self.dataset
    }

    /// The number of batches in an epoch (`len(loader)`).
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[10]))).batch_size(3);
    /// assert_eq!(loader.len(), 4);
    /// ```
    pub fn len(&self) -> usize {
        num_batches(self.dataset.len(), self.options.batch_size, self.options.drop_last)
    }

    /// Whether an epoch yields no batch.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[3]))).batch_size(4).drop_last(true);
    /// assert!(loader.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<D> DataLoader<D>
where
    D: Dataset + Send + Sync + 'static,
    D::Item: Collate,
    <D::Item as Collate>::Batch: Send + 'static,
{
    /// Starts an epoch (`iter(loader)`): takes the epoch's base-seed draw now; the shuffled
    /// order is drawn at the first batch, or right away when workers start fetching ahead.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, TensorDataset};
    /// use torchlight::Tensor;
    /// let loader = DataLoader::new(TensorDataset::new(Tensor::arange(0.0, 5.0, 1.0))).batch_size(2);
    /// let firsts: Vec<f32> = loader.iter().map(|b| b.to_vec::<f32>()[0]).collect();
    /// assert_eq!(firsts, vec![0.0, 2.0, 4.0]);
    /// ```
    pub fn iter(&self) -> DataLoaderIter<'_, D> {
        draw_base_seed(self.options.generator.as_ref());
        let mut it = DataLoaderIter {
            loader: self,
            order: None,
            batches: Arc::new(Vec::new()),
            next: 0,
            workers: None,
            state: State::Fresh,
        };
        if self.options.num_workers > 0 {
            it.start();
        }
        it
    }
}

impl<'a, D> IntoIterator for &'a DataLoader<D>
where
    D: Dataset + Send + Sync + 'static,
    D::Item: Collate,
    <D::Item as Collate>::Batch: Send + 'static,
{
    type Item = <D::Item as Collate>::Batch;
    type IntoIter = DataLoaderIter<'a, D>;

    fn into_iter(self) -> DataLoaderIter<'a, D> {
        self.iter()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Fresh,
    Running,
    Done,
}

/// One epoch of a [`DataLoader`]: yields collated batches, panicking with the collation
/// error's message (use [`DataLoaderIter::try_next`] to get it as a `Result`). Dropping it
/// part-way stops its workers.
///
/// ```
/// use torchlight::data::{DataLoader, TensorDataset};
/// let loader = DataLoader::new(TensorDataset::new(torchlight::Tensor::zeros(&[7]))).batch_size(3);
/// let mut it = loader.iter();
/// assert_eq!(it.len(), 3);
/// it.next();
/// assert_eq!(it.len(), 2);
/// ```
pub struct DataLoaderIter<'a, D>
where
    D: Dataset,
    D::Item: Collate,
{
    loader: &'a DataLoader<D>,
    order: Option<EpochOrder>,
    batches: Arc<Vec<Vec<usize>>>,
    next: usize,
    workers: Option<Workers<<D::Item as Collate>::Batch>>,
    state: State,
}

impl<D> DataLoaderIter<'_, D>
where
    D: Dataset + Send + Sync + 'static,
    D::Item: Collate,
    <D::Item as Collate>::Batch: Send + 'static,
{
    fn start(&mut self) {
        let o = &self.loader.options;
        let order = EpochOrder::draw(self.loader.dataset.len(), o.shuffle, o.generator.as_ref());
        self.batches = Arc::new(batches(&order.indices, o.batch_size, o.drop_last));
        self.order = Some(order);
        if o.num_workers > 0 {
            self.workers = Some(Workers::spawn(
                Arc::clone(&self.loader.dataset),
                Arc::clone(&self.batches),
                o.num_workers,
                o.prefetch_factor,
            ));
        }
        self.state = State::Running;
    }

    /// The next batch, or the error collating it; `None` at the end of the epoch.
    ///
    /// ```
    /// use torchlight::data::{DataLoader, Dataset};
    /// use torchlight::Tensor;
    /// struct Ragged;
    /// impl Dataset for Ragged {
    ///     type Item = Tensor;
    ///     fn len(&self) -> usize { 2 }
    ///     fn get(&self, i: usize) -> Tensor { Tensor::zeros(&[i + 1]) }
    /// }
    /// let loader = DataLoader::new(Ragged).batch_size(2);
    /// let err = loader.iter().try_next().unwrap().unwrap_err();
    /// assert!(err.to_string().starts_with("stack expects each tensor to be equal size"));
    /// ```
    pub fn try_next(&mut self) -> Option<Result<<D::Item as Collate>::Batch>> {
        match self.state {
            State::Done => return None,
            State::Fresh => self.start(),
            State::Running => {}
        }
        let i = self.next;
        if i == self.batches.len() {
            self.state = State::Done;
            self.workers = None;
            if let Some(order) = self.order.take() {
                order.finish();
            }
            return None;
        }
        self.next += 1;
        Some(match &self.workers {
            Some(w) => w.recv(i),
            None => fetch(&*self.loader.dataset, &self.batches[i]),
        })
    }
}

impl<D> Iterator for DataLoaderIter<'_, D>
where
    D: Dataset + Send + Sync + 'static,
    D::Item: Collate,
    <D::Item as Collate>::Batch: Send + 'static,
{
    type Item = <D::Item as Collate>::Batch;

    #[track_caller]
    fn next(&mut self) -> Option<Self::Item> {
        self.try_next().map(unwrap)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = match self.state {
            State::Fresh => self.loader.len(),
            State::Running => self.batches.len() - self.next,
            State::Done => 0,
        };
        (left, Some(left))
    }
}

impl<D> ExactSizeIterator for DataLoaderIter<'_, D>
where
    D: Dataset + Send + Sync + 'static,
    D::Item: Collate,
    <D::Item as Collate>::Batch: Send + 'static,
{
}
