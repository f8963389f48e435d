//! [`Scalar`]: a Rust number used as an operand, PyTorch's "wrapped number".

use crate::DType;

/// A number given where a tensor could be (`a + 2.0`, `full(&[2], 1)`).
///
/// As in PyTorch, a scalar takes part in type promotion only by its kind: a float scalar
/// makes an integer tensor float32 but leaves a float64 tensor float64.
///
/// ```
/// use torchlight::Scalar;
/// assert_eq!(Scalar::from(2), Scalar::Int(2));
/// assert_eq!(Scalar::from(0.5f32), Scalar::Float(0.5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// Python `bool`
    Bool(bool),
    /// Python `int`
    Int(i64),
    /// Python `float`
    Float(f64),
}

impl Scalar {
    /// The value as f64.
    ///
    /// ```
    /// assert_eq!(torchlight::Scalar::Int(3).to_f64(), 3.0);
    /// ```
    pub fn to_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as u8 as f64,
            Scalar::Int(i) => i as f64,
            Scalar::Float(f) => f,
        }
    }

    /// The value as i64 (floats truncate).
    ///
    /// ```
    /// assert_eq!(torchlight::Scalar::Float(-2.7).to_i64(), -2);
    /// ```
    pub fn to_i64(self) -> i64 {
        match self {
            Scalar::Bool(b) => b as i64,
            Scalar::Int(i) => i,
            Scalar::Float(f) => f as i64,
        }
    }

    /// The dtype a tensor made from this scalar gets (`torch.tensor(v).dtype`).
    ///
    /// ```
    /// assert_eq!(torchlight::Scalar::Int(1).dtype(), torchlight::DType::I64);
    /// ```
    pub fn dtype(self) -> DType {
        match self {
            Scalar::Bool(_) => DType::Bool,
            Scalar::Int(_) => DType::I64,
            Scalar::Float(_) => crate::get_default_dtype(),
        }
    }

    /// Converts to the element type `T`.
    pub(crate) fn to_elem<T: crate::Element>(self) -> T {
        match self {
            Scalar::Bool(b) => T::from_bool(b),
            Scalar::Int(i) => T::from_i64(i),
            Scalar::Float(f) => T::from_f64(f),
        }
    }
}

macro_rules! scalar_from {
    ($($t:ty => $variant:ident as $as:ty),*) => {$(
        impl From<$t> for Scalar {
            fn from(v: $t) -> Scalar { Scalar::$variant(v as $as) }
        }
    )*};
}
scalar_from!(f32 => Float as f64, f64 => Float as f64, i32 => Int as i64, i64 => Int as i64,
    u32 => Int as i64, usize => Int as i64, u8 => Int as i64);
impl From<bool> for Scalar {
    fn from(v: bool) -> Scalar {
        Scalar::Bool(v)
    }
}
