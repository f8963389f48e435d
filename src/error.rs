//! The crate's error type. Variants follow Python's exception classes so that a message
//! reads exactly as PyTorch's does.

/// An error raised by a tensor operation, an optimizer or an I/O routine.
///
/// The `Display` text is PyTorch's message for the same mistake.
///
/// ```
/// use torchlight::Tensor;
/// let err = Tensor::from_slice(&[1.0f32, 2.0]).try_item().unwrap_err();
/// assert_eq!(err.to_string(), "a Tensor with 2 elements cannot be converted to Scalar");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// PyTorch's `RuntimeError`: shapes, dtypes, autograd misuse.
    #[error("{0}")]
    Runtime(String),
    /// PyTorch's `ValueError`: bad hyper-parameters and arguments.
    #[error("{0}")]
    Value(String),
    /// PyTorch's `IndexError`: an index out of range.
    #[error("{0}")]
    Index(String),
    /// PyTorch's `TypeError`.
    #[error("{0}")]
    Type(String),
    /// PyTorch's `NotImplementedError`.
    #[error("{0}")]
    NotImplemented(String),
    /// A file could not be read or written.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file or data set is malformed.
    #[error("{0}")]
    Format(String),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Builds an `Error::Runtime` from a format string.
#[macro_export]
#[doc(hidden)]
macro_rules! runtime_err {
    ($($arg:tt)*) => { $crate::Error::Runtime(format!($($arg)*)) };
}

/// Returns early with an `Error::Runtime` unless the condition holds.
#[macro_export]
#[doc(hidden)]
macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond { return Err($crate::Error::Runtime(format!($($arg)*))); }
    };
}

/// PyTorch's error for a kernel with no implementation for `dtype`: its dispatch macros raise
/// `NotImplementedError` with this text.
pub(crate) fn not_implemented(kernel: &str, dtype: crate::DType) -> Error {
    Error::NotImplemented(format!("\"{kernel}\" not implemented for '{}'", dtype.scalar_name()))
}

/// Unwraps a `Result` from a `try_` twin, panicking with the error's message at the caller.
#[track_caller]
pub(crate) fn unwrap<T>(r: Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}
