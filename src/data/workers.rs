//! Background prefetch: worker threads that fetch and collate batches ahead of the consumer.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;

use super::collate::Collate;
use super::dataset::Dataset;
use crate::Result;

/// Fetches the items at `indices` and collates them into one batch.
pub(crate) fn fetch<D: Dataset>(dataset: &D, indices: &[usize]) -> Result<<D::Item as Collate>::Batch>
where
    D::Item: Collate,
{
    Collate::collate(indices.iter().map(|&i| dataset.get(i)).collect())
}

/// What a worker sends for one batch: the batch or its collation error, or the payload of a
/// panic in `Dataset::get`, re-raised in the consumer's thread as torch re-raises a worker's
/// exception in the main process.
type Produced<B> = std::thread::Result<Result<B>>;

/// `num_workers` threads; worker `k` builds batches `k`, `k + num_workers`, ... in order (torch
/// hands out index batches round robin too) into its own bounded channel, so reading the
/// channels round robin returns the batches in order without a reordering buffer.
pub(crate) struct Workers<B> {
    receivers: Vec<Receiver<Produced<B>>>,
    handles: Vec<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
}

impl<B: Send + 'static> Workers<B> {
    /// Starts the threads. Each worker keeps at most `prefetch_factor` batches ready: a
    /// channel of `prefetch_factor - 1` slots plus the one it blocks on sending.
    pub(crate) fn spawn<D>(
        dataset: Arc<D>,
        batches: Arc<Vec<Vec<usize>>>,
        num_workers: usize,
        prefetch_factor: usize,
    ) -> Workers<B>
    where
        D: Dataset + Send + Sync + 'static,
        D::Item: Collate<Batch = B>,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let mut receivers = Vec::with_capacity(num_workers);
        let mut handles = Vec::with_capacity(num_workers);
        for k in 0..num_workers {
            let (tx, rx) = sync_channel::<Produced<B>>(prefetch_factor - 1);
            let (dataset, batches, stop) = (Arc::clone(&dataset), Arc::clone(&batches), Arc::clone(&stop));
            let handle = std::thread::Builder::new()
                .name(format!("torchlight-data-worker-{k}"))
                .spawn(move || {
                    for indices in batches.iter().skip(k).step_by(num_workers) {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let produced = catch_unwind(AssertUnwindSafe(|| fetch(&*dataset, indices)));
                        let panicked = produced.is_err();
                        // A closed channel means the iterator was dropped: nothing more is wanted.
                        if tx.send(produced).is_err() || panicked {
                            return;
                        }
                    }
                })
                .unwrap_or_else(|e| panic!("DataLoader: could not start worker thread {k}: {e}"));
            receivers.push(rx);
            handles.push(handle);
        }
        Workers { receivers, handles, stop }
    }

    /// Batch number `index` of the epoch; batches must be asked for in order.
    pub(crate) fn recv(&self, index: usize) -> Result<B> {
        let k = index % self.receivers.len();
        match self.receivers[k].recv() {
            Ok(Ok(batch)) => batch,
            Ok(Err(payload)) => resume_unwind(payload),
            Err(_) => panic!("DataLoader worker {k} exited unexpectedly"),
        }
    }
}

impl<B> Drop for Workers<B> {
    /// Stops the workers: closing the channels wakes any worker blocked on a full one, and
    /// `stop` keeps them from starting another batch. Joining waits at most for the batches
    /// being built.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.receivers.clear();
        for h in self.handles.drain(..) {
            // A worker's panic was already sent to (or discarded with) the consumer.
            let _ = h.join();
        }
    }
}
