//! Rust operators: `+ - * / %` and unary `-` for `Tensor`, `&Tensor` and numbers on either
//! side, and the in-place `+= -= *= /= %=`.
//!
//! A number on the right is any `Into<Scalar>` through one generic impl, so that a bare
//! literal infers (`(&x * 2.0).sum()` compiles; with one impl per number type the literal would
//! be ambiguous). On the left, Rust's orphan rule needs one impl per type: `f64` and `i64`, the
//! types bare literals fall back to, so `2.0 - &x` and `2 * &x` infer too.

use crate::{Scalar, Tensor};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign};

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
        impl<S: Into<Scalar>> $trait<S> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: S) -> Tensor {
                self.$op(rhs.into())
            }
        }
        impl<S: Into<Scalar>> $trait<S> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: S) -> Tensor {
                (&self).$op(rhs.into())
            }
        }
        binary_operator!(@scalars $trait, $method, $op, $rev, f64, i64);
    };
    (@scalars $trait:ident, $method:ident, $op:ident, $rev:expr, $($s:ty),*) => {$(
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
// Python's `%` is `torch.remainder`, with the number first for `s % t`.
binary_operator!(Rem, rem, remainder, |s, t| crate::error::unwrap(t.try_rremainder_scalar(s.into())));

impl Neg for &Tensor {
    type Output = Tensor;
    #[track_caller]
    fn neg(self) -> Tensor {
        Tensor::neg(self)
    }
}
impl Neg for Tensor {
    type Output = Tensor;
    #[track_caller]
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
        impl<S: Into<Scalar>> $trait<S> for Tensor {
            #[track_caller]
            fn $method(&mut self, rhs: S) {
                Tensor::$op(self, rhs.into());
            }
        }
    };
}
assign_operator!(AddAssign, add_assign, add_);
assign_operator!(SubAssign, sub_assign, sub_);
assign_operator!(MulAssign, mul_assign, mul_);
assign_operator!(DivAssign, div_assign, div_);
assign_operator!(RemAssign, rem_assign, remainder_);
