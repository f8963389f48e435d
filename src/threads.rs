//! Intra-op thread count (`torch.set_num_threads` / `torch.get_num_threads`).

use parking_lot::RwLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

static NUM_THREADS: AtomicUsize = AtomicUsize::new(0);
static POOL: RwLock<Option<Arc<rayon::ThreadPool>>> = RwLock::new(None);

/// The number of threads large ops use (`torch.get_num_threads()`); defaults to the
/// number of available cores.
///
/// ```
/// assert!(torchlight::get_num_threads() >= 1);
/// ```
pub fn get_num_threads() -> usize {
    match NUM_THREADS.load(Ordering::Relaxed) {
        0 => {
            // available_parallelism reads cgroup files: ask once.
            let n = std::thread::available_parallelism().map_or(1, |n| n.get());
            let _ = NUM_THREADS.compare_exchange(0, n, Ordering::Relaxed, Ordering::Relaxed);
            n
        }
        n => n,
    }
}

/// Sets the number of threads large ops use (`torch.set_num_threads(n)`).
///
/// ```
/// torchlight::set_num_threads(2);
/// assert_eq!(torchlight::get_num_threads(), 2);
/// ```
pub fn set_num_threads(n: usize) {
    let n = n.max(1);
    NUM_THREADS.store(n, Ordering::Relaxed);
    *POOL.write() = None;
}

/// Runs `f` inside the pool sized by [`get_num_threads`].
pub(crate) fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    let pool = {
        let guard = POOL.read();
        guard.clone()
    };
    let pool = match pool {
        Some(p) => p,
        None => {
            let p =
                Arc::new(rayon::ThreadPoolBuilder::new().num_threads(get_num_threads()).build().expect("thread pool"));
            *POOL.write() = Some(p.clone());
            p
        }
    };
    pool.install(f)
}
