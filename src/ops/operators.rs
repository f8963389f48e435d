//! Rust operators: `+ - * /` and unary `-` for `Tensor`, `&Tensor` and numbers on either
//! side, and the in-place `+= -= *= /=`.
//!
//! Numbers on either side are `f64` or `i64` only: with one float and one integer type, a
//! literal such as `2.0 * &t` has exactly one impl to pick, so its type is known at once.
//! Other number types go through the methods (`t.mul(x_f32)`).

use crate::Tensor;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

macro_rules! binary_operator {
    ($trait:ident, $method:ident, $op:ident, $rev:expr) => {
        impl $trait<&Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                self.$op(rhs)
            }
        }
        impl $trait<Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                self.$op(&rhs)
            }
        }
        impl $trait<&Tensor> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                (&self).$op(rhs)
            }
        }
        impl $trait<Tensor> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                (&self).$op(&rhs)
            }
        }
        binary_operator!(@scalars $trait, $method, $op, $rev, f64, i64);
    };
    (@scalars $trait:ident, $method:ident, $op:ident, $rev:expr, $($s:ty),*) => {$(
        impl $trait<$s> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: $s) -> Tensor {
                self.$op(rhs)
            }
        }
        impl $trait<$s> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: $s) -> Tensor {
                (&self).$op(rhs)
            }
        }
        impl $trait<&Tensor> for $s {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                let f: fn($s, &Tensor) -> Tensor = $rev;
                f(self, rhs)
            }
        }
        impl $trait<Tensor> for $s {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                let f: fn($s, &Tensor) -> Tensor = $rev;
                f(self, &rhs)
            }
        }
    )*};
}

binary_operator!(Add, add, add, |s, t| t.add(s));
binary_operator!(Sub, sub, sub, |s, t| crate::error::unwrap(t.try_rsub_scalar(s.into())));
binary_operator!(Mul, mul, mul, |s, t| t.mul(s));
// Python's `s / t` is `t.reciprocal() * s` (`Tensor.__rdiv__`); the same rounding follows.
binary_operator!(Div, div, div, |s, t| t.reciprocal().mul(s));

impl Neg for &Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(self)
    }
}
impl Neg for Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(&self)
    }
}

macro_rules! assign_operator {
    ($trait:ident, $method:ident, $op:ident) => {
        impl $trait<&Tensor> for Tensor {
            #[track_caller]
            fn $method(&mut self, rhs: &Tensor) {
                Tensor::$op(self, rhs);
            }
        }
        impl $trait<Tensor> for Tensor {
            #[track_caller]
            fn $method(&mut self, rhs: Tensor) {
                Tensor::$op(self, &rhs);
            }
        }
        assign_operator!(@scalars $trait, $method, $op, f64, i64);
    };
    (@scalars $trait:ident, $method:ident, $op:ident, $($s:ty),*) => {$(
        impl $trait<$s> for Tensor {
            #[track_caller]
            fn $method(&mut self, rhs: $s) {
                Tensor::$op(self, rhs);
            }
        }
    )*};
}
assign_operator!(AddAssign, add_assign, add_);
assign_operator!(SubAssign, sub_assign, sub_);
assign_operator!(MulAssign, mul_assign, mul_);
assign_operator!(DivAssign, div_assign, div_);
