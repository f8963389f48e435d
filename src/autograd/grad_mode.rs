//! Thread-local grad mode: `no_grad`, `enable_grad`, `set_grad_enabled`.

use std::cell::Cell;

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Whether operations on this thread record autograd graphs (`torch.is_grad_enabled()`).
///
/// ```
/// assert!(torchlight::is_grad_enabled());
/// torchlight::no_grad(|| assert!(!torchlight::is_grad_enabled()));
/// ```
#[inline]
pub fn is_grad_enabled() -> bool {
    GRAD_ENABLED.with(|g| g.get())
}

/// Sets grad mode on this thread (`torch.set_grad_enabled(mode)`), returning a guard
/// that restores the previous mode when dropped.
///
/// ```
/// {
///     let _g = torchlight::set_grad_enabled(false);
///     assert!(!torchlight::is_grad_enabled());
/// }
/// assert!(torchlight::is_grad_enabled());
/// ```
#[must_use = "the mode is restored when the guard is dropped"]
pub fn set_grad_enabled(mode: bool) -> GradModeGuard {
    let prev = GRAD_ENABLED.with(|g| g.replace(mode));
    GradModeGuard { prev }
}

/// Restores the previous grad mode when dropped.
///
/// ```
/// let guard = torchlight::NoGradGuard::new();
/// assert!(!torchlight::is_grad_enabled());
/// drop(guard);
/// ```
#[must_use = "the mode is restored when the guard is dropped"]
pub struct GradModeGuard {
    prev: bool,
}

impl Drop for GradModeGuard {
    fn drop(&mut self) {
        GRAD_ENABLED.with(|g| g.set(self.prev));
    }
}

/// Guard form of [`no_grad`]: grad mode is off until it is dropped.
pub type NoGradGuard = GradModeGuard;

impl GradModeGuard {
    /// Turns grad mode off (`with torch.no_grad():`).
    ///
    /// ```
    /// let _g = torchlight::NoGradGuard::new();
    /// assert!(!torchlight::is_grad_enabled());
    /// ```
    #[allow(clippy::new_without_default)]
    pub fn new() -> GradModeGuard {
        set_grad_enabled(false)
    }
}

/// Runs `f` without recording autograd graphs (`with torch.no_grad():`).
///
/// ```
/// let x = torchlight::Tensor::ones(&[2]).requires_grad_(true);
/// let y = torchlight::no_grad(|| &x * 2.0);
/// assert!(!y.requires_grad());
/// ```
pub fn no_grad<R>(f: impl FnOnce() -> R) -> R {
    let _g = set_grad_enabled(false);
    f()
}

/// Runs `f` with grad mode on, also inside [`no_grad`] (`with torch.enable_grad():`).
///
/// ```
/// torchlight::no_grad(|| torchlight::enable_grad(|| assert!(torchlight::is_grad_enabled())));
/// ```
pub fn enable_grad<R>(f: impl FnOnce() -> R) -> R {
    let _g = set_grad_enabled(true);
    f()
}
