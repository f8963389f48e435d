//! Text rendering of tensors, matching PyTorch's `print(tensor)` byte for byte.
//!
//! This module reproduces `torch/_tensor_str.py` (PyTorch 2.15) for strided
//! CPU tensors of real dtypes: the element formatter (integer mode for
//! whole-valued floats, fixed vs scientific notation, common width), nested
//! brackets with their newline/indent rules, line wrapping at `linewidth`,
//! summarization with `...` above `threshold` elements, and the trailing
//! `size=`, `dtype=`, `requires_grad=` / `grad_fn=` suffixes.
//!
//! It knows nothing about any tensor type: callers pass a shape, the values in
//! logical row-major order, and a description of the suffixes.
//!
//! ```
//! use torchlight::format::{format_tensor, FormatOptions, FormatValues, TensorSuffix};
//!
//! let s = format_tensor(
//!     &[2, 2],
//!     FormatValues::F32(&[1.5, -2.0, 0.25, 3.0]),
//!     &TensorSuffix::new("torch.float32"),
//!     &FormatOptions::default(),
//! );
//! assert_eq!(s, "tensor([[ 1.5000, -2.0000],\n        [ 0.2500,  3.0000]])");
//! ```

mod element;
mod python_float;
pub use python_float::python_repr;
mod layout;
#[cfg(test)]
mod tests;

use element::ElementFormatter;

/// The dtype name PyTorch reports by default (`torch.get_default_dtype()`).
///
/// ```
/// assert_eq!(torchlight::format::DEFAULT_DTYPE, "torch.float32");
/// ```
pub const DEFAULT_DTYPE: &str = "torch.float32";

/// Element values of a tensor in logical (row-major) order.
///
/// Other dtypes map onto these: half/bfloat16 widen losslessly to `F32`,
/// the integer dtypes to `I64` (name the real dtype in [`TensorSuffix`]).
///
/// ```
/// use torchlight::format::FormatValues;
///
/// let v = FormatValues::I64(&[1, -2, 3]);
/// assert_eq!(v.len(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FormatValues<'a> {
    /// 32-bit floats (also used for float16 / bfloat16 values).
    F32(&'a [f32]),
    /// 64-bit floats.
    F64(&'a [f64]),
    /// Signed integers (also used for the other integer dtypes).
    I64(&'a [i64]),
    /// Booleans.
    Bool(&'a [bool]),
}

impl FormatValues<'_> {
    /// Number of values.
    ///
    /// ```
    /// use torchlight::format::FormatValues;
    ///
    /// assert_eq!(FormatValues::Bool(&[true, false]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            FormatValues::F32(v) => v.len(),
            FormatValues::F64(v) => v.len(),
            FormatValues::I64(v) => v.len(),
            FormatValues::Bool(v) => v.len(),
        }
    }

    /// Whether there are no values.
    ///
    /// ```
    /// use torchlight::format::FormatValues;
    ///
    /// assert!(FormatValues::F64(&[]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Print options, as set by `torch.set_printoptions`.
///
/// `Default` gives PyTorch's defaults. `threshold: usize::MAX` plays the role
/// of `threshold=inf` (the `"full"` profile).
///
/// ```
/// use torchlight::format::FormatOptions;
///
/// let opts = FormatOptions { precision: 2, ..FormatOptions::default() };
/// assert_eq!(opts.threshold, 1000);
/// assert_eq!(opts.sci_mode, None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// Digits after the decimal point for floats (default 4).
    pub precision: usize,
    /// Summarize when the element count exceeds this (default 1000).
    pub threshold: usize,
    /// Items kept at each end of a summarized dimension (default 3).
    pub edgeitems: usize,
    /// Characters per line used for wrapping (default 80).
    pub linewidth: usize,
    /// Force (`Some(true)`) or forbid (`Some(false)`) scientific notation;
    /// `None` lets the formatter choose.
    pub sci_mode: Option<bool>,
}

impl Default for FormatOptions {
    /// PyTorch's defaults: precision 4, threshold 1000, edgeitems 3,
    /// linewidth 80, automatic scientific notation.
    ///
    /// ```
    /// use torchlight::format::FormatOptions;
    ///
    /// assert_eq!(FormatOptions::default().linewidth, 80);
    /// ```
    fn default() -> Self {
        FormatOptions { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sci_mode: None }
    }
}

/// What follows the values inside `tensor(...)`: dtype and autograd state.
///
/// The dtype suffix is decided from `dtype_name` and `default_dtype_name`,
/// as in PyTorch: a non-empty tensor shows `dtype=` unless its dtype is the
/// default float dtype, its complex counterpart, `torch.int64` or
/// `torch.bool`; an empty tensor shows it unless it is the default float
/// dtype. `grad_fn` wins over `requires_grad`, as in PyTorch.
///
/// ```
/// use torchlight::format::TensorSuffix;
///
/// let s = TensorSuffix {
///     grad_fn: Some("MulBackward0".to_string()),
///     ..TensorSuffix::new("torch.float64")
/// };
/// assert_eq!(s.default_dtype_name, "torch.float32");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorSuffix {
    /// The tensor's dtype as PyTorch prints it, e.g. `"torch.float64"`.
    pub dtype_name: &'static str,
    /// The current default dtype (`torch.get_default_dtype()`), normally
    /// [`DEFAULT_DTYPE`].
    pub default_dtype_name: &'static str,
    /// Whether the tensor is a leaf that requires grad.
    pub requires_grad: bool,
    /// Name of the node that produced the tensor, e.g. `"MulBackward0"`.
    pub grad_fn: Option<String>,
}

impl TensorSuffix {
    /// A suffix for a tensor of dtype `dtype_name` without autograd state,
    /// under the default dtype [`DEFAULT_DTYPE`].
    ///
    /// ```
    /// use torchlight::format::TensorSuffix;
    ///
    /// let s = TensorSuffix::new("torch.int64");
    /// assert!(!s.requires_grad && s.grad_fn.is_none());
    /// ```
    pub fn new(dtype_name: &'static str) -> Self {
        TensorSuffix { dtype_name, default_dtype_name: DEFAULT_DTYPE, requires_grad: false, grad_fn: None }
    }

    /// Whether the dtype is one PyTorch omits for non-empty tensors.
    fn has_default_dtype(&self) -> bool {
        let default_complex =
            if self.default_dtype_name == "torch.float64" { "torch.complex128" } else { "torch.complex64" };
        [self.default_dtype_name, default_complex, "torch.int64", "torch.bool"].contains(&self.dtype_name)
    }
}

/// Render a tensor exactly as PyTorch's `str(tensor)` / `print(tensor)`.
///
/// `shape` is the tensor's shape (`&[]` for a 0-dim tensor) and `values`
/// holds its `shape.iter().product()` elements in row-major order.
///
/// # Panics
///
/// If the number of values does not match the shape.
///
/// ```
/// use torchlight::format::{format_tensor, FormatOptions, FormatValues, TensorSuffix};
///
/// let opts = FormatOptions::default();
/// let f64_suffix = TensorSuffix::new("torch.float64");
/// assert_eq!(
///     format_tensor(&[2], FormatValues::F64(&[1.0, 2.0]), &f64_suffix, &opts),
///     "tensor([1., 2.], dtype=torch.float64)"
/// );
/// let bools = TensorSuffix::new("torch.bool");
/// assert_eq!(
///     format_tensor(&[2], FormatValues::Bool(&[true, false]), &bools, &opts),
///     "tensor([ True, False])"
/// );
/// let empty = TensorSuffix::new("torch.float32");
/// assert_eq!(
///     format_tensor(&[0, 3], FormatValues::F32(&[]), &empty, &opts),
///     "tensor([], size=(0, 3))"
/// );
/// ```
pub fn format_tensor(shape: &[usize], values: FormatValues<'_>, suffix: &TensorSuffix, opts: &FormatOptions) -> String {
    let numel: usize = shape.iter().product();
    assert_eq!(values.len(), numel, "format_tensor: {} values for shape {:?}", values.len(), shape);
    const PREFIX: &str = "tensor(";
    let indent = PREFIX.len();
    let mut suffixes = Vec::new();
    let body = if numel == 0 {
        // Empty tensors print their shape unless it is (0,), and their dtype
        // unless it is the default one (even int64: nothing shows it).
        if shape.len() != 1 {
            suffixes.push(format!("size={}", shape_tuple(shape)));
        }
        if suffix.dtype_name != suffix.default_dtype_name {
            suffixes.push(format!("dtype={}", suffix.dtype_name));
        }
        "[]".to_string()
    } else {
        if opts.edgeitems == 0 {
            suffixes.push(format!("size={}", shape_tuple(shape)));
        }
        if !suffix.has_default_dtype() {
            suffixes.push(format!("dtype={}", suffix.dtype_name));
        }
        values_str(shape, values, indent, opts)
    };
    if let Some(name) = &suffix.grad_fn {
        suffixes.push(format!("grad_fn=<{name}>"));
    } else if suffix.requires_grad {
        suffixes.push("requires_grad=True".to_string());
    }
    add_suffixes(PREFIX.to_string() + &body, &suffixes, indent, opts.linewidth)
}

/// The bracketed values of a non-empty tensor (`_tensor_str`).
fn values_str(shape: &[usize], values: FormatValues<'_>, indent: usize, opts: &FormatOptions) -> String {
    let numel = values.len();
    let summarize = numel > opts.threshold;
    // The common width and notation come only from the values that are shown.
    let shown: Vec<usize> = if summarize {
        let mut out = Vec::new();
        layout::summarized_indices(shape, 0, opts.edgeitems, &mut out);
        out
    } else {
        (0..numel).collect()
    };
    let formatter = ElementFormatter::new(values, &shown, opts);
    layout::Layout { formatter: &formatter, opts, summarize }.tensor_str(shape, 0, indent)
}

/// Append `, suffix` items, moving one to a new line when it would pass
/// `linewidth` (`_add_suffixes`, including its line-length arithmetic).
fn add_suffixes(mut s: String, suffixes: &[String], indent: usize, linewidth: usize) -> String {
    // Python: len(s) - s.rfind("\n") + 1, where rfind gives -1 when absent.
    let mut last_line_len = match s.rfind('\n') {
        Some(pos) => s.len() - pos + 1,
        None => s.len() + 2,
    };
    for suffix in suffixes {
        if last_line_len + suffix.len() + 2 > linewidth {
            s.push_str(",\n");
            s.push_str(&" ".repeat(indent));
            last_line_len = indent + suffix.len();
        } else {
            s.push_str(", ");
            last_line_len += suffix.len() + 2;
        }
        s.push_str(suffix);
    }
    s.push(')');
    s
}

/// Python's `str(tuple(shape))`: `()`, `(3,)`, `(0, 3)`.
fn shape_tuple(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => {
            let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", dims.join(", "))
        }
    }
}
