//! Keeps glibc's malloc from handing large tensor buffers back to the system between
//! training steps.
//!
//! glibc serves blocks above its mmap threshold (128 KiB at first, raised as blocks are freed,
//! at most 32 MiB) with fresh mappings, and returns free heap memory above its trim threshold
//! to the system. A training step frees and allocates the same activation buffers every
//! iteration, so each allocation page-faults and zero-fills its memory again: a quarter of a
//! small CNN's step here (W5: about 69 ms with glibc's defaults, 55 ms with the thresholds below).
//! At the first buffer of at least 1 MiB, torchlight fixes the mmap threshold at 32 MiB and the
//! trim threshold at 256 MiB, so freed buffers are reused, as PyTorch's caching allocators
//! reuse theirs. The cost is that up to 256 MiB of freed memory may stay with the process.
//!
//! Nothing is changed when the program sets malloc's thresholds itself (the environment
//! variables `MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_` or `GLIBC_TUNABLES`), or when
//! `TORCHLIGHT_SYSTEM_MALLOC` is set; nor on other C libraries.

/// Buffers at least this large configure malloc (smaller programs are left alone).
const LARGE_BYTES: usize = 1 << 20;

/// Called with the size of every new storage; configures malloc once, at the first large one.
#[inline]
pub(crate) fn note_allocation(bytes: usize) {
    if bytes >= LARGE_BYTES {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(configure);
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn configure() {
    const MMAP_THRESHOLD: libc::c_int = 32 << 20;
    const TRIM_THRESHOLD: libc::c_int = 256 << 20;
    let user_set = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES", "TORCHLIGHT_SYSTEM_MALLOC"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    if user_set {
        return;
    }
    // SAFETY: mallopt only sets allocator parameters; it is thread-safe (it takes the arena
    // locks) and these values are within glibc's accepted ranges. A refusal (return 0) leaves
    // the defaults, which are correct, only slower.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn configure() {}
