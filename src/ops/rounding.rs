//! Rounding: `floor`, `ceil`, `round`, `trunc`, `frac`, and the divisions that round their
//! quotient: `remainder` (and the `%` operator), `fmod`, `floor_divide` and `div` with a
//! rounding mode. Integer tensors keep their dtype and refuse a zero divisor with PyTorch's
//! `ZeroDivisionError`; floats follow IEEE division by zero.

use super::binary::Operand;
use super::binary_kernel::{binary_map, unary_map};
use super::promote::result_type;
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::not_implemented;
use crate::error::unwrap;
use crate::{DType, Element, Error, Result, Tensor};

/// How [`Tensor::div_rounding`] rounds the quotient (`rounding_mode` of `torch.div`; true
/// division, PyTorch's `None`, is [`Tensor::div`]).
///
/// ```
/// use torchlight::{RoundingMode, Tensor};
/// let a = Tensor::from_slice(&[-7.0f32]);
/// assert_eq!(a.div_rounding(2, RoundingMode::Trunc).to_vec::<f32>(), vec![-3.0]);
/// assert_eq!(a.div_rounding(2, RoundingMode::Floor).to_vec::<f32>(), vec![-4.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundingMode {
    /// Towards zero (`rounding_mode='trunc'`).
    Trunc,
    /// Towards negative infinity (`rounding_mode='floor'`).
    Floor,
}

/// The element-wise roundings, for the float types (integers are already whole).
trait Round: Element {
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn round(self) -> Self;
    fn trunc(self) -> Self;
}

/// The rounding divisions' element rules. For `i64` they assume a non-zero divisor (checked
/// before the kernel runs) and wrap on overflow, as PyTorch's C++ does on the one
/// overflowing case, `i64::MIN / -1`.
trait Divide: Element {
    /// Python's `%`: the remainder with the divisor's sign.
    fn remainder(self, b: Self) -> Self;
    /// C's `fmod`: the remainder with the dividend's sign.
    fn fmod(self, b: Self) -> Self;
    fn div_floor(self, b: Self) -> Self;
    fn div_trunc(self, b: Self) -> Self;
}

macro_rules! float_rounding {
    ($($t:ty),*) => {$(
        impl Round for $t {
            fn floor(self) -> Self { <$t>::floor(self) }
            fn ceil(self) -> Self { <$t>::ceil(self) }
            // torch.round rounds half to even (nearbyint).
            fn round(self) -> Self { <$t>::round_ties_even(self) }
            fn trunc(self) -> Self { <$t>::trunc(self) }
        }

        impl Divide for $t {
            // PyTorch's remainder kernel: fmod (exact), moved into the divisor's sign.
            fn remainder(self, b: Self) -> Self {
                let m = self % b;
                if m != 0.0 && ((b < 0.0) != (m < 0.0)) { m + b } else { m }
            }
            fn fmod(self, b: Self) -> Self { self % b }
            // PyTorch's div_floor_floating (c10/util/generic_math.h): the quotient of the exact
            // remainder, then floored, with a correction where the division rounded it up to
            // the next integer, and a signed zero.
            fn div_floor(self, b: Self) -> Self {
                if b == 0.0 {
                    return self / b;
                }
                let m = self % b;
                let mut div = (self - m) / b;
                if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
                    div -= 1.0;
                }
                if div != 0.0 {
                    let mut fl = div.floor();
                    if div - fl > 0.5 {
                        fl += 1.0;
                    }
                    fl
                } else {
                    (0.0 as $t).copysign(self / b)
                }
            }
            fn div_trunc(self, b: Self) -> Self { (self / b).trunc() }
        }
    )*};
}
float_rounding!(f32, f64);

impl Divide for i64 {
    fn remainder(self, b: Self) -> Self {
        let r = self.wrapping_rem(b);
        if r != 0 && ((r < 0) != (b < 0)) {
            r + b
        } else {
            r
        }
    }
    fn fmod(self, b: Self) -> Self {
        self.wrapping_rem(b)
    }
    fn div_floor(self, b: Self) -> Self {
        let q = self.wrapping_div(b);
        if (self < 0) != (b < 0) && self.wrapping_rem(b) != 0 {
            q - 1
        } else {
            q
        }
    }
    fn div_trunc(self, b: Self) -> Self {
        self.wrapping_div(b)
    }
}

/// The four element-wise roundings.
#[derive(Clone, Copy, PartialEq)]
enum Rounder {
    Floor,
    Ceil,
    Nearest,
    Trunc,
}

impl Rounder {
    /// PyTorch's name for the op and for its (missing) bool kernel.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Rounder::Floor => ("FloorBackward0", "floor_vml_cpu"),
            Rounder::Ceil => ("CeilBackward0", "ceil_vml_cpu"),
            Rounder::Nearest => ("RoundBackward0", "round_vml_cpu"),
            Rounder::Trunc => ("TruncBackward0", "trunc_vml_cpu"),
        }
    }
}

fn round_kernel<T: Round>(x: &Tensor, op: Rounder) -> Tensor {
    match op {
        Rounder::Floor => unary_map::<T, T>(x, T::floor),
        Rounder::Ceil => unary_map::<T, T>(x, T::ceil),
        Rounder::Nearest => unary_map::<T, T>(x, T::round),
        Rounder::Trunc => unary_map::<T, T>(x, T::trunc),
    }
}

fn round_op(x: &Tensor, op: Rounder) -> Result<Tensor> {
    let (node, kernel) = op.names();
    let out = match x.dtype() {
        DType::F32 => round_kernel::<f32>(x, op),
        DType::F64 => round_kernel::<f64>(x, op),
        // Integers are already whole: PyTorch returns a copy.
        DType::I64 => x.copy(),
        DType::Bool => return Err(not_implemented(kernel, DType::Bool)),
    };
    if needs_grad(&[x]) {
        // A step function: its gradient is zero wherever it exists.
        record_unary(node, &[x], &out, [], |ctx| Ok(vec![Some(ctx.grad().zeros_like())]));
    }
    Ok(out)
}

macro_rules! round_methods {
    ($(($name:ident, $try_name:ident, $op:ident, $doc:literal, $ex:literal)),*) => {$(
        impl Tensor {
            #[doc = $doc]
            ///
            /// Integer tensors come back unchanged (a copy); the gradient is zero.
            ///
            /// ```
            /// use torchlight::Tensor;
            /// let a = Tensor::from_slice(&[-1.5f32, -0.5, 0.5, 1.5, 2.5]);
            #[doc = $ex]
            /// ```
            #[track_caller]
            pub fn $name(&self) -> Tensor {
                unwrap(self.$try_name())
            }

            #[doc = concat!("Fallible twin of [`Tensor::", stringify!($name), "`]: bool tensors are refused, as in PyTorch.")]
            ///
            /// ```
            /// let t = torchlight::Tensor::ones_dtype(&[2], torchlight::DType::Bool);
            #[doc = concat!("assert!(t.", stringify!($try_name), "().is_err());")]
            /// ```
            pub fn $try_name(&self) -> Result<Tensor> {
                round_op(self, Rounder::$op)
            }
        }
    )*};
}
round_methods!(
    (
        floor,
        try_floor,
        Floor,
        "Elementwise largest integer not above `x` (`torch.floor`).",
        "assert_eq!(a.floor().to_vec::<f32>(), vec![-2.0, -1.0, 0.0, 1.0, 2.0]);"
    ),
    (
        ceil,
        try_ceil,
        Ceil,
        "Elementwise smallest integer not below `x` (`torch.ceil`).",
        "assert_eq!(a.ceil().to_vec::<f32>(), vec![-1.0, -0.0, 1.0, 2.0, 3.0]);"
    ),
    (
        round,
        try_round,
        Nearest,
        "Elementwise nearest integer, halves to even (`torch.round`).",
        "assert_eq!(a.round().to_vec::<f32>(), vec![-2.0, -0.0, 0.0, 2.0, 2.0]);"
    ),
    (
        trunc,
        try_trunc,
        Trunc,
        "Elementwise integer part, rounding towards zero (`torch.trunc`).",
        "assert_eq!(a.trunc().to_vec::<f32>(), vec![-1.0, -0.0, 0.0, 1.0, 2.0]);"
    )
);

impl Tensor {
    /// Elementwise fractional part `x - trunc(x)`, with the sign of `x` (`torch.frac`).
    ///
    /// Panics on integer and bool tensors, which PyTorch refuses; see [`Tensor::try_frac`].
    ///
    /// ```
    /// let a = torchlight::Tensor::from_slice(&[-1.25f32, 2.5]);
    /// assert_eq!(a.frac().to_vec::<f32>(), vec![-0.25, 0.5]);
    /// ```
    #[track_caller]
    pub fn frac(&self) -> Tensor {
        unwrap(self.try_frac())
    }

    /// Fallible twin of [`Tensor::frac`].
    ///
    /// ```
    /// let e = torchlight::Tensor::from_slice(&[3i64]).try_frac().unwrap_err();
    /// assert_eq!(e.to_string(), "\"frac_cpu\" not implemented for 'Long'");
    /// ```
    pub fn try_frac(&self) -> Result<Tensor> {
        let out = match self.dtype() {
            DType::F32 => unary_map::<f32, f32>(self, |x| x - x.trunc()),
            DType::F64 => unary_map::<f64, f64>(self, |x| x - x.trunc()),
            other => return Err(not_implemented("frac_cpu", other)),
        };
        if needs_grad(&[self]) {
            record_unary("FracBackward0", &[self], &out, [], |ctx| Ok(vec![Some(ctx.grad().clone())]));
        }
        Ok(out)
    }
}

/// The rounding divisions.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Division {
    Remainder,
    Fmod,
    Floor,
    Trunc,
}

impl Division {
    /// PyTorch's kernel name, as its missing-dtype error prints it.
    fn kernel(self) -> &'static str {
        match self {
            Division::Remainder => "remainder_cpu",
            Division::Fmod => "fmod_cpu",
            Division::Floor => "div_floor_cpu",
            Division::Trunc => "div_trunc_cpu",
        }
    }
}

fn division_kernel<T: Divide>(op: Division, a: &Tensor, b: &Tensor, shape: &[usize]) -> Tensor {
    match op {
        Division::Remainder => binary_map::<T, T>(a, b, shape, T::remainder),
        Division::Fmod => binary_map::<T, T>(a, b, shape, T::fmod),
        Division::Floor => binary_map::<T, T>(a, b, shape, T::div_floor),
        Division::Trunc => binary_map::<T, T>(a, b, shape, T::div_trunc),
    }
}

/// The gradient node a division records.
#[derive(Clone, Copy)]
enum Node {
    /// PyTorch's node of this name.
    Named(&'static str),
    /// PyTorch has no derivative for this ATen op: the node is `NotImplemented`, and a
    /// backward through it fails with PyTorch's message.
    Missing(&'static str),
}

/// The node of `remainder` or `fmod`, whose names differ for a number and a tensor divisor.
fn by_divisor(b: &Operand, scalar: &'static str, tensor: &'static str) -> Node {
    Node::Named(if b.tensor().is_some() { tensor } else { scalar })
}

/// `op(a, b)` for two operands (at least one a tensor), with broadcasting and PyTorch's type
/// promotion, recording `node`.
fn division(op: Division, a: Operand, b: Operand, node: Node) -> Result<Tensor> {
    let shape = crate::tensor::layout::broadcast_shapes(a.shape(), b.shape())?;
    let dtype = result_type(&[a, b]);
    let (x, y) = (a.materialize_cow(dtype), b.materialize_cow(dtype));
    let out = match dtype {
        DType::F32 => division_kernel::<f32>(op, &x, &y, &shape),
        DType::F64 => division_kernel::<f64>(op, &x, &y, &shape),
        DType::I64 => {
            if y.to_vec::<i64>().contains(&0) {
                return Err(Error::Runtime("ZeroDivisionError".into()));
            }
            division_kernel::<i64>(op, &x, &y, &shape)
        }
        DType::Bool => return Err(not_implemented(op.kernel(), DType::Bool)),
    };
    let inputs: Vec<&Tensor> = [a.tensor(), b.tensor()].into_iter().flatten().collect();
    if needs_grad(&inputs) {
        // The quotient rounding that remainder (floor) and fmod (trunc) subtract; only their
        // gradients read the operands, so only they keep them.
        let quotient = match op {
            Division::Remainder => Some(RoundingMode::Floor),
            Division::Fmod => Some(RoundingMode::Trunc),
            Division::Floor | Division::Trunc => None,
        };
        let saved = match quotient {
            Some(_) => vec![SavedTensor::input(&x), SavedTensor::input(&y)],
            None => vec![],
        };
        let name = match node {
            Node::Named(name) => name,
            Node::Missing(_) => "torch::autograd::NotImplemented",
        };
        let (a_is_tensor, b_is_tensor) = (a.tensor().is_some(), b.tensor().is_some());
        record_unary(name, &inputs, &out, saved, move |ctx| {
            if let Node::Missing(aten) = node {
                return Err(Error::Runtime(format!("derivative for aten::{aten} is not implemented")));
            }
            let g = ctx.grad();
            // remainder(a, b) = a - b * floor(a / b), fmod with trunc: d/da = 1 and
            // d/db = -(the rounded quotient); the rounded divisions are steps, gradient 0.
            let (da, db) = match quotient {
                Some(mode) => (g.clone(), -(g * &ctx.saved[0].try_div_rounding(&ctx.saved[1], mode)?)),
                None => (g.zeros_like(), g.zeros_like()),
            };
            // One gradient per tensor operand, in order.
            let mut grads = Vec::with_capacity(2);
            for (is_tensor, d) in [(a_is_tensor, da), (b_is_tensor, db)] {
                if is_tensor {
                    grads.push(ctx.needs(grads.len()).then_some(d));
                }
            }
            Ok(grads)
        });
    }
    Ok(out)
}

macro_rules! division_methods {
    ($(($name:ident, $try_name:ident, $op:ident, $node:expr, $doc:literal, $ex:literal)),*) => {$(
        impl Tensor {
            #[doc = $doc]
            ///
            /// Broadcasts and promotes types as the arithmetic ops do; an integer division by
            /// zero fails with PyTorch's `ZeroDivisionError`.
            ///
            /// ```
            /// use torchlight::Tensor;
            /// let a = Tensor::from_slice(&[-7i64, 7]);
            #[doc = $ex]
            /// ```
            #[track_caller]
            pub fn $name<'a>(&self, other: impl Into<Operand<'a>>) -> Tensor {
                unwrap(self.$try_name(other))
            }

            #[doc = concat!("Fallible twin of [`Tensor::", stringify!($name), "`].")]
            ///
            /// ```
            /// let a = torchlight::Tensor::from_slice(&[1i64, 2]);
            #[doc = concat!("assert_eq!(a.", stringify!($try_name), "(0).unwrap_err().to_string(), \"ZeroDivisionError\");")]
            /// ```
            pub fn $try_name<'a>(&self, other: impl Into<Operand<'a>>) -> Result<Tensor> {
                let other = other.into();
                let node: fn(&Operand) -> Node = $node;
                division(Division::$op, Operand::Tensor(self), other, node(&other))
            }
        }
    )*};
}
division_methods!(
    (
        remainder,
        try_remainder,
        Remainder,
        |b| by_divisor(b, "RemainderBackward0", "RemainderBackward1"),
        "Elementwise Python remainder, with the sign of the divisor (`torch.remainder`, the `%` operator).",
        "assert_eq!(a.remainder(3).to_vec::<i64>(), vec![2, 1]);"
    ),
    (
        fmod,
        try_fmod,
        Fmod,
        |b| by_divisor(b, "FmodBackward0", "FmodBackward1"),
        "Elementwise C remainder, with the sign of the dividend (`torch.fmod`).",
        "assert_eq!(a.fmod(3).to_vec::<i64>(), vec![-1, 1]);"
    ),
    (
        floor_divide,
        try_floor_divide,
        Floor,
        |_| Node::Missing("floor_divide"),
        "Elementwise division rounded down (`torch.floor_divide`, Python's `//`). As in \
         PyTorch it has no gradient: a backward through it fails.",
        "assert_eq!(a.floor_divide(2).to_vec::<i64>(), vec![-4, 3]);"
    )
);

impl Tensor {
    /// Elementwise division with the quotient rounded by `mode` (`torch.div(self, other,
    /// rounding_mode=...)`); integer tensors stay integer. The gradient is zero.
    ///
    /// ```
    /// use torchlight::{RoundingMode, Tensor};
    /// let a = Tensor::from_slice(&[-7i64, 7]);
    /// assert_eq!(a.div_rounding(2, RoundingMode::Trunc).to_vec::<i64>(), vec![-3, 3]);
    /// ```
    #[track_caller]
    pub fn div_rounding<'a>(&self, other: impl Into<Operand<'a>>, mode: RoundingMode) -> Tensor {
        unwrap(self.try_div_rounding(other, mode))
    }

    /// Fallible twin of [`Tensor::div_rounding`].
    ///
    /// ```
    /// use torchlight::{RoundingMode, Tensor};
    /// assert!(Tensor::from_slice(&[1i64]).try_div_rounding(0, RoundingMode::Floor).is_err());
    /// ```
    pub fn try_div_rounding<'a>(&self, other: impl Into<Operand<'a>>, mode: RoundingMode) -> Result<Tensor> {
        let op = match mode {
            RoundingMode::Trunc => Division::Trunc,
            RoundingMode::Floor => Division::Floor,
        };
        division(op, Operand::Tensor(self), other.into(), Node::Named("DivBackward2"))
    }

    /// `s % self` for a number `s` (Python's `s % t`, `torch.remainder(s, t)`, which PyTorch
    /// does not differentiate).
    pub(crate) fn try_rremainder_scalar(&self, s: crate::Scalar) -> Result<Tensor> {
        division(Division::Remainder, Operand::Scalar(s), Operand::Tensor(self), Node::Missing("remainder"))
    }
}

macro_rules! round_inplace_methods {
    ($(($name:ident, $try_name:ident, $op:ident, $try_op:ident, $ex:literal)),*) => {$(
        impl Tensor {
            #[doc = concat!("In-place [`Tensor::", stringify!($op), "`] (`tensor.", stringify!($name), "()`).")]
            ///
            /// ```
            /// let a = torchlight::Tensor::from_slice(&[-1.5f32, 2.5]);
            #[doc = concat!("a.", stringify!($name), "();")]
            #[doc = $ex]
            /// ```
            #[track_caller]
            pub fn $name(&self) -> &Tensor {
                unwrap(self.$try_name());
                self
            }

            #[doc = concat!("Fallible twin of [`Tensor::", stringify!($name), "`].")]
            ///
            /// ```
            /// let t = torchlight::Tensor::ones_dtype(&[2], torchlight::DType::Bool);
            #[doc = concat!("assert!(t.", stringify!($try_name), "().is_err());")]
            /// ```
            pub fn $try_name(&self) -> Result<()> {
                self.inplace_via(None, |t| t.$try_op())
            }
        }
    )*};
}
round_inplace_methods!(
    (floor_, try_floor_, floor, try_floor, "assert_eq!(a.to_vec::<f32>(), vec![-2.0, 2.0]);"),
    (ceil_, try_ceil_, ceil, try_ceil, "assert_eq!(a.to_vec::<f32>(), vec![-1.0, 3.0]);"),
    (round_, try_round_, round, try_round, "assert_eq!(a.to_vec::<f32>(), vec![-2.0, 2.0]);"),
    (trunc_, try_trunc_, trunc, try_trunc, "assert_eq!(a.to_vec::<f32>(), vec![-1.0, 2.0]);"),
    (frac_, try_frac_, frac, try_frac, "assert_eq!(a.to_vec::<f32>(), vec![-0.5, 0.5]);")
);

macro_rules! division_inplace_methods {
    ($(($name:ident, $try_name:ident, $op:ident, $try_op:ident, $ex:literal)),*) => {$(
        impl Tensor {
            #[doc = concat!("In-place [`Tensor::", stringify!($op), "`] (`tensor.", stringify!($name), "(other)`); `other` broadcasts to `self`'s shape.")]
            ///
            /// ```
            /// let a = torchlight::Tensor::from_slice(&[-7i64, 7]);
            #[doc = concat!("a.", stringify!($name), "(3);")]
            #[doc = $ex]
            /// ```
            #[track_caller]
            pub fn $name<'a>(&self, other: impl Into<Operand<'a>>) -> &Tensor {
                unwrap(self.$try_name(other));
                self
            }

            #[doc = concat!("Fallible twin of [`Tensor::", stringify!($name), "`]: fails where the result's dtype or shape does not fit `self`, as PyTorch does.")]
            ///
            /// ```
            /// let a = torchlight::Tensor::from_slice(&[5i64]);
            #[doc = concat!("let e = a.", stringify!($try_name), "(2.5).unwrap_err();")]
            /// assert_eq!(e.to_string(), "result type Float can't be cast to the desired output type Long");
            /// ```
            pub fn $try_name<'a>(&self, other: impl Into<Operand<'a>>) -> Result<()> {
                let other = other.into();
                self.inplace_via(Some(other), |t| t.$try_op(other))
            }
        }
    )*};
}
division_inplace_methods!(
    (remainder_, try_remainder_, remainder, try_remainder, "assert_eq!(a.to_vec::<i64>(), vec![2, 1]);"),
    (fmod_, try_fmod_, fmod, try_fmod, "assert_eq!(a.to_vec::<i64>(), vec![-1, 1]);"),
    (floor_divide_, try_floor_divide_, floor_divide, try_floor_divide, "assert_eq!(a.to_vec::<i64>(), vec![-3, 2]);")
);

impl Tensor {
    /// In-place [`Tensor::div_rounding`] (`tensor.div_(other, rounding_mode=...)`).
    ///
    /// ```
    /// use torchlight::{RoundingMode, Tensor};
    /// let a = Tensor::from_slice(&[-7i64, 7]);
    /// a.div_rounding_(2, RoundingMode::Floor);
    /// assert_eq!(a.to_vec::<i64>(), vec![-4, 3]);
    /// ```
    #[track_caller]
    pub fn div_rounding_<'a>(&self, other: impl Into<Operand<'a>>, mode: RoundingMode) -> &Tensor {
        unwrap(self.try_div_rounding_(other, mode));
        self
    }

    /// Fallible twin of [`Tensor::div_rounding_`].
    ///
    /// ```
    /// use torchlight::{RoundingMode, Tensor};
    /// assert!(Tensor::from_slice(&[5i64]).try_div_rounding_(0, RoundingMode::Trunc).is_err());
    /// ```
    pub fn try_div_rounding_<'a>(&self, other: impl Into<Operand<'a>>, mode: RoundingMode) -> Result<()> {
        let other = other.into();
        self.inplace_via(Some(other), |t| t.try_div_rounding(other, mode))
    }
}
