//! Element types: the runtime [`DType`] enum, the [`Element`] trait that kernels are
//! generic over, and the [`dispatch!`](crate::dispatch) macro that maps one to the other.

use crate::tensor::Buffer;
use std::fmt;

/// The element type of a tensor, as `torch.dtype`.
///
/// ```
/// use torchlight::DType;
/// assert_eq!(DType::F32.to_string(), "torch.float32");
/// assert!(DType::F64.is_floating_point());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum DType {
    /// `torch.bool`
    Bool,
    /// `torch.int64` (`torch.long`)
    I64,
    /// `torch.float32` (`torch.float`), the default dtype
    F32,
    /// `torch.float64` (`torch.double`)
    F64,
}

impl DType {
    /// Whether this is a floating-point dtype (`torch.is_floating_point`).
    ///
    /// ```
    /// assert!(!torchlight::DType::I64.is_floating_point());
    /// ```
    pub fn is_floating_point(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    /// Size of one element in bytes.
    ///
    /// ```
    /// assert_eq!(torchlight::DType::F64.size_in_bytes(), 8);
    /// ```
    pub fn size_in_bytes(self) -> usize {
        match self {
            DType::Bool => 1,
            DType::F32 => 4,
            DType::I64 | DType::F64 => 8,
        }
    }

    /// The legacy tensor type name PyTorch uses in error messages (`torch.FloatTensor`).
    ///
    /// ```
    /// assert_eq!(torchlight::DType::F32.legacy_type_name(), "torch.FloatTensor");
    /// ```
    pub fn legacy_type_name(self) -> &'static str {
        match self {
            DType::Bool => "torch.BoolTensor",
            DType::I64 => "torch.LongTensor",
            DType::F32 => "torch.FloatTensor",
            DType::F64 => "torch.DoubleTensor",
        }
    }

    /// The short scalar-type name PyTorch uses in messages (`Float`, `Long`).
    ///
    /// ```
    /// assert_eq!(torchlight::DType::I64.scalar_name(), "Long");
    /// ```
    pub fn scalar_name(self) -> &'static str {
        match self {
            DType::Bool => "Bool",
            DType::I64 => "Long",
            DType::F32 => "Float",
            DType::F64 => "Double",
        }
    }

    /// `torch.promote_types`: the smallest dtype both operands can be cast to.
    ///
    /// ```
    /// use torchlight::DType;
    /// assert_eq!(DType::F32.promote(DType::F64), DType::F64);
    /// assert_eq!(DType::Bool.promote(DType::I64), DType::I64);
    /// ```
    pub fn promote(self, other: DType) -> DType {
        // With bool < i64 < f32 < f64 every pair promotes to the larger one.
        self.max(other)
    }

    /// `torch.can_cast(from, to)`: no float to integer, no non-bool to bool.
    ///
    /// ```
    /// use torchlight::DType;
    /// assert!(!DType::F32.can_cast_to(DType::I64));
    /// ```
    pub fn can_cast_to(self, to: DType) -> bool {
        if self.is_floating_point() && !to.is_floating_point() {
            return false;
        }
        !(self != DType::Bool && to == DType::Bool)
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DType::Bool => "torch.bool",
            DType::I64 => "torch.int64",
            DType::F32 => "torch.float32",
            DType::F64 => "torch.float64",
        })
    }
}

/// A Rust type that can be a tensor element. Kernels are written once, generic over it.
///
/// ```
/// use torchlight::{DType, Element};
/// assert_eq!(<f32 as Element>::DTYPE, DType::F32);
/// assert_eq!(<i64 as Element>::from_f64(2.7), 2);
/// ```
pub trait Element: Copy + Send + Sync + PartialEq + PartialOrd + Default + fmt::Debug + 'static {
    /// The dtype of this element type.
    const DTYPE: DType;
    /// Converts to f64 (bool gives 0 or 1).
    fn to_f64(self) -> f64;
    /// Converts from f64 with C-cast semantics (truncation towards zero for integers).
    fn from_f64(v: f64) -> Self;
    /// Converts to i64.
    fn to_i64(self) -> i64;
    /// Converts from i64.
    fn from_i64(v: i64) -> Self;
    /// Whether the value is non-zero.
    fn to_bool(self) -> bool;
    /// 1 for true, 0 for false.
    fn from_bool(v: bool) -> Self;
    /// The typed slice of a buffer of this dtype.
    #[doc(hidden)]
    fn slice(buf: &Buffer) -> &[Self];
    /// The typed mutable slice of a buffer of this dtype.
    #[doc(hidden)]
    fn slice_mut(buf: &mut Buffer) -> &mut [Self];
    /// Wraps a vector (a `Vec`, taken over without copying, or an [`crate::AlignedVec`]) in
    /// a buffer.
    #[doc(hidden)]
    fn into_buffer(v: impl Into<crate::AlignedVec<Self>>) -> Buffer;
    /// Converts from another element type the way `Tensor.to(dtype)` does.
    fn cast_from<U: Element>(v: U) -> Self {
        match U::DTYPE {
            DType::I64 => Self::from_i64(v.to_i64()),
            DType::Bool => Self::from_bool(v.to_bool()),
            _ => Self::from_f64(v.to_f64()),
        }
    }
}

macro_rules! buffer_access {
    ($variant:ident) => {
        #[inline]
        fn slice(buf: &Buffer) -> &[Self] {
            match buf {
                Buffer::$variant(v) => v,
                other => panic!("internal dtype mismatch: expected {}, found {}", Self::DTYPE, other.dtype()),
            }
        }
        #[inline]
        fn slice_mut(buf: &mut Buffer) -> &mut [Self] {
            match buf {
                Buffer::$variant(v) => v,
                other => panic!("internal dtype mismatch: expected {}, found {}", Self::DTYPE, other.dtype()),
            }
        }
        #[inline]
        fn into_buffer(v: impl Into<crate::AlignedVec<Self>>) -> Buffer {
            Buffer::$variant(v.into())
        }
    };
}

impl Element for f32 {
    const DTYPE: DType = DType::F32;
    buffer_access!(F32);
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn to_i64(self) -> i64 {
        self as i64
    }
    fn from_i64(v: i64) -> Self {
        v as f32
    }
    fn to_bool(self) -> bool {
        self != 0.0
    }
    fn from_bool(v: bool) -> Self {
        v as u8 as f32
    }
}

impl Element for f64 {
    const DTYPE: DType = DType::F64;
    buffer_access!(F64);
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(v: f64) -> Self {
        v
    }
    fn to_i64(self) -> i64 {
        self as i64
    }
    fn from_i64(v: i64) -> Self {
        v as f64
    }
    fn to_bool(self) -> bool {
        self != 0.0
    }
    fn from_bool(v: bool) -> Self {
        v as u8 as f64
    }
}

impl Element for i64 {
    const DTYPE: DType = DType::I64;
    buffer_access!(I64);
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn from_f64(v: f64) -> Self {
        v as i64
    }
    fn to_i64(self) -> i64 {
        self
    }
    fn from_i64(v: i64) -> Self {
        v
    }
    fn to_bool(self) -> bool {
        self != 0
    }
    fn from_bool(v: bool) -> Self {
        v as i64
    }
}

impl Element for bool {
    const DTYPE: DType = DType::Bool;
    buffer_access!(Bool);
    fn to_f64(self) -> f64 {
        self as u8 as f64
    }
    fn from_f64(v: f64) -> Self {
        v != 0.0
    }
    fn to_i64(self) -> i64 {
        self as i64
    }
    fn from_i64(v: i64) -> Self {
        v != 0
    }
    fn to_bool(self) -> bool {
        self
    }
    fn from_bool(v: bool) -> Self {
        v
    }
}

/// A floating-point element: the dtypes that can require gradients.
pub trait FloatElement: Element + num_traits::Float + std::iter::Sum {}
impl FloatElement for f32 {}
impl FloatElement for f64 {}

/// Runs `$body` with the type alias `$T` bound to the Rust type of `$dtype`.
///
/// ```
/// use torchlight::{dispatch, DType, Element};
/// let size = dispatch!(DType::F64, T => std::mem::size_of::<T>());
/// assert_eq!(size, 8);
/// ```
#[macro_export]
macro_rules! dispatch {
    ($dtype:expr, $T:ident => $body:expr) => {
        match $dtype {
            $crate::DType::Bool => {
                type $T = bool;
                $body
            }
            $crate::DType::I64 => {
                type $T = i64;
                $body
            }
            $crate::DType::F32 => {
                type $T = f32;
                $body
            }
            $crate::DType::F64 => {
                type $T = f64;
                $body
            }
        }
    };
}

/// Like [`dispatch!`](crate::dispatch) for floating dtypes only; `$other` handles the rest.
#[macro_export]
macro_rules! dispatch_float {
    ($dtype:expr, $T:ident => $body:expr, _ => $other:expr) => {
        match $dtype {
            $crate::DType::F32 => {
                type $T = f32;
                $body
            }
            $crate::DType::F64 => {
                type $T = f64;
                $body
            }
            _ => $other,
        }
    };
}

/// A numeric element (integers and floats): the dtypes arithmetic kernels run on.
pub trait NumElement:
    Element + num_traits::Num + num_traits::NumCast + std::ops::Neg<Output = Self> + std::ops::AddAssign + std::iter::Sum
{
    /// `a * b + c`, fused for floats (PyTorch's AVX2 kernels contract these), plain for integers.
    fn mul_add_(self, b: Self, c: Self) -> Self;
}
impl NumElement for f32 {
    #[inline(always)]
    fn mul_add_(self, b: Self, c: Self) -> Self {
        self.mul_add(b, c)
    }
}
impl NumElement for f64 {
    #[inline(always)]
    fn mul_add_(self, b: Self, c: Self) -> Self {
        self.mul_add(b, c)
    }
}
impl NumElement for i64 {
    #[inline(always)]
    fn mul_add_(self, b: Self, c: Self) -> Self {
        self.wrapping_mul(b).wrapping_add(c)
    }
}

/// Like [`dispatch!`](crate::dispatch) for numeric dtypes; `$other` handles bool.
#[macro_export]
macro_rules! dispatch_num {
    ($dtype:expr, $T:ident => $body:expr, _ => $other:expr) => {
        match $dtype {
            $crate::DType::I64 => {
                type $T = i64;
                $body
            }
            $crate::DType::F32 => {
                type $T = f32;
                $body
            }
            $crate::DType::F64 => {
                type $T = f64;
                $body
            }
            _ => $other,
        }
    };
}
