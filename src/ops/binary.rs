//! Binary elementwise ops with broadcasting and type promotion: arithmetic, pow,
//! maximum/minimum, comparisons and logical ops, each with its gradient.

// Kernels are generic over every dtype, bool included, so `x < y` on bools is intended.
#![allow(clippy::bool_comparison)]

use super::binary_kernel::binary_map;
use super::promote::result_type;
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::error::unwrap;
use crate::tensor::layout::broadcast_shapes;
use crate::{dispatch, dispatch_num, DType, Element, Error, NumElement, Result, Scalar, Tensor};
use std::borrow::Cow;

/// The right-hand side of a binary op: a tensor or a Rust number.
///
/// ```
/// use torchlight::{Operand, Tensor};
/// let t = Tensor::ones(&[2]);
/// let _a: Operand = (&t).into();
/// let _b: Operand = 2.0.into();
/// ```
#[derive(Clone, Copy)]
pub enum Operand<'a> {
    /// A tensor operand.
    Tensor(&'a Tensor),
    /// A number (PyTorch's wrapped scalar).
    Scalar(Scalar),
}

impl<'a> From<&'a Tensor> for Operand<'a> {
    fn from(t: &'a Tensor) -> Self {
        Operand::Tensor(t)
    }
}
macro_rules! operand_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Operand<'_> {
            fn from(v: $t) -> Self { Operand::Scalar(v.into()) }
        }
    )*};
}
operand_from!(f32, f64, i32, i64, bool, Scalar);

impl<'a> Operand<'a> {
    /// The operand as a tensor of `dtype` (a 0-dim tensor for a number).
    pub(crate) fn materialize(&self, dtype: DType) -> Tensor {
        match self {
            Operand::Tensor(t) => t.to_dtype(dtype),
            Operand::Scalar(s) => Tensor::full_dtype(&[], *s, dtype),
        }
    }

    /// [`Operand::materialize`] borrowing a tensor that already has `dtype` (no reference
    /// count traffic on the hot path of every binary op).
    pub(crate) fn materialize_cow(&self, dtype: DType) -> Cow<'a, Tensor> {
        match self {
            Operand::Tensor(t) if t.dtype() == dtype => Cow::Borrowed(*t),
            _ => Cow::Owned(self.materialize(dtype)),
        }
    }

    pub(crate) fn shape(&self) -> &[usize] {
        match self {
            Operand::Tensor(t) => t.shape(),
            Operand::Scalar(_) => &[],
        }
    }

    pub(crate) fn tensor(&self) -> Option<&Tensor> {
        match self {
            Operand::Tensor(t) => Some(t),
            Operand::Scalar(_) => None,
        }
    }
}

/// The four arithmetic ops that share one promotion and kernel path.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

impl<'a> Operand<'a> {
    fn is_bool(&self) -> bool {
        match self {
            Operand::Tensor(t) => t.dtype() == DType::Bool,
            Operand::Scalar(s) => matches!(s, Scalar::Bool(_)),
        }
    }
}

/// PyTorch's `sub_check`: subtraction involving bool operands is refused (NotImplementedError).
fn sub_check(a: Operand, b: Operand) -> Result<()> {
    match (a.is_bool(), b.is_bool()) {
        (true, true) => Err(Error::NotImplemented(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` \
             operator instead."
                .into(),
        )),
        (true, false) | (false, true) => Err(Error::NotImplemented(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, \
             use the `~` or `logical_not()` operator instead."
                .into(),
        )),
        (false, false) => Ok(()),
    }
}

/// PyTorch's `alpha_check` against the result dtype.
pub(crate) fn alpha_check(dtype: DType, alpha: Option<Scalar>) -> Result<()> {
    match alpha {
        Some(Scalar::Bool(_)) if dtype != DType::Bool => {
            Err(Error::Runtime("Boolean alpha only supported for Boolean results.".into()))
        }
        Some(Scalar::Float(_)) if !dtype.is_floating_point() => Err(Error::Runtime(
            "For integral input tensors, argument alpha must not be a floating point number.".into(),
        )),
        _ => Ok(()),
    }
}

/// The dtype the op computes in and returns.
pub(crate) fn arith_dtype(op: Arith, a: &Tensor, b: Operand) -> Result<DType> {
    if op == Arith::Sub {
        sub_check(Operand::Tensor(a), b)?;
    }
    let rt = result_type(&[Operand::Tensor(a), b]);
    Ok(if op == Arith::Div && !rt.is_floating_point() { crate::get_default_dtype() } else { rt })
}

/// The arithmetic kernel on operands already cast to `dtype`. `alpha` scales `b` for
/// add/sub and is fused as PyTorch's AVX2 kernel does (`fma(b, alpha, a)`).
pub(crate) fn arith_kernel(op: Arith, a: &Tensor, b: &Tensor, shape: &[usize], alpha: Option<Scalar>) -> Tensor {
    let dtype = a.dtype();
    dispatch_num!(dtype, T => {
        match (op, alpha) {
            (Arith::Add, None) => binary_map::<T, T>(a, b, shape, |x, y| x + y),
            (Arith::Sub, None) => binary_map::<T, T>(a, b, shape, |x, y| x - y),
            (Arith::Add, Some(al)) => { let al: T = al.to_elem(); binary_map::<T, T>(a, b, shape, move |x, y| y.mul_add_(al, x)) }
            (Arith::Sub, Some(al)) => { let al: T = -al.to_elem::<T>(); binary_map::<T, T>(a, b, shape, move |x, y| y.mul_add_(al, x)) }
            (Arith::Mul, _) => binary_map::<T, T>(a, b, shape, |x, y| x * y),
            (Arith::Div, _) => binary_map::<T, T>(a, b, shape, |x, y| x / y),
        }
    }, _ => match op {
        Arith::Add => binary_map::<bool, bool>(a, b, shape, |x, y| x | y),
        _ => binary_map::<bool, bool>(a, b, shape, |x, y| x & y),
    })
}

fn arith(op: Arith, a: &Tensor, b: Operand, alpha: Option<Scalar>) -> Result<Tensor> {
    let dtype = arith_dtype(op, a, b)?;
    alpha_check(dtype, alpha)?;
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    let at = if a.dtype() == dtype { Cow::Borrowed(a) } else { Cow::Owned(a.to_dtype(dtype)) };
    let out = match (b, alpha) {
        // A float tensor with a Rust number: map with the number captured, instead of
        // materialising it as a 0-dim tensor and broadcasting (same arithmetic, no allocations).
        (Operand::Scalar(s), None) if dtype.is_floating_point() => crate::dispatch_float!(dtype, T => {
            let v: T = s.to_elem();
            match op {
                Arith::Add => super::binary_kernel::unary_map::<T, T>(&at, move |x| x + v),
                Arith::Sub => super::binary_kernel::unary_map::<T, T>(&at, move |x| x - v),
                Arith::Mul => super::binary_kernel::unary_map::<T, T>(&at, move |x| x * v),
                Arith::Div => super::binary_kernel::unary_map::<T, T>(&at, move |x| x / v),
            }
        }, _ => unreachable!("floating dtypes only")),
        _ => arith_kernel(op, &at, &b.materialize_cow(dtype), &shape, alpha),
    };
    let grad = match b.tensor() {
        Some(bt) => needs_grad(&[a, bt]),
        None => needs_grad(&[a]),
    };
    if grad {
        record_arith(op, a, b, alpha, &out);
    }
    Ok(out)
}

/// Records the gradient rule of an arithmetic op whose output is `out`.
pub(crate) fn record_arith(op: Arith, a: &Tensor, b: Operand, alpha: Option<Scalar>, out: &Tensor) {
    let alpha_v = alpha.map_or(1.0, |s| s.to_f64());
    match b {
        Operand::Tensor(bt) => {
            // As PyTorch, save only what the needed gradients use: `w * x` with a plain `x`
            // keeps `x` alone, so modifying `w` in place afterwards is no error.
            let (need_a, need_b) = (a.requires_grad(), bt.requires_grad());
            let mut saved = crate::autograd::node::SavedTensors::new();
            let name = match op {
                Arith::Add => "AddBackward0",
                Arith::Sub => "SubBackward0",
                Arith::Mul | Arith::Div => {
                    if need_b {
                        saved.push(SavedTensor::input(a));
                    }
                    if need_a || op == Arith::Div {
                        saved.push(SavedTensor::input(bt));
                    }
                    if op == Arith::Mul {
                        "MulBackward0"
                    } else {
                        "DivBackward0"
                    }
                }
            };
            record_unary(name, &[a, bt], out, saved, move |ctx| {
                let g = ctx.grad();
                // Saved: [a if b needs grad] then [b if a needs grad (Mul) / always (Div)].
                let x = || &ctx.saved[0];
                let y = || ctx.saved.last().expect("saved divisor");
                Ok(match op {
                    Arith::Add => vec![
                        ctx.needs(0).then(|| g.clone()),
                        ctx.needs(1).then(|| if alpha_v == 1.0 { g.clone() } else { g * alpha_v }),
                    ],
                    Arith::Sub => vec![
                        ctx.needs(0).then(|| g.clone()),
                        ctx.needs(1).then(|| if alpha_v == 1.0 { -g } else { g * -alpha_v }),
                    ],
                    Arith::Mul => {
                        vec![(need_a && ctx.needs(0)).then(|| g * y()), (need_b && ctx.needs(1)).then(|| g * x())]
                    }
                    Arith::Div => vec![
                        (need_a && ctx.needs(0)).then(|| g / y()),
                        (need_b && ctx.needs(1)).then(|| -(g * &(&(x() / y()) / y()))),
                    ],
                })
            });
        }
        Operand::Scalar(s) => {
            let v = s.to_f64();
            // Python wraps a number into a 0-dim tensor, so torch records the tensor overloads'
            // nodes (`x * 2` has `MulBackward0`).
            let name = match op {
                Arith::Add => "AddBackward0",
                Arith::Sub => "SubBackward0",
                Arith::Mul => "MulBackward0",
                Arith::Div => "DivBackward0",
            };
            record_unary(name, &[a], out, [], move |ctx| {
                let g = ctx.grad();
                Ok(vec![Some(match op {
                    Arith::Add | Arith::Sub => g.clone(),
                    Arith::Mul => g * v,
                    Arith::Div => g / v,
                })])
            });
        }
    }
}

macro_rules! arith_methods {
    ($(($name:ident, $try_name:ident, $op:ident, $doc:literal, $ex:literal)),*) => {$(
        impl Tensor {
            #[doc = $doc]
            ///
            /// Broadcasts and promotes types as PyTorch does; panics with PyTorch's message on
            /// incompatible shapes.
            ///
            /// ```
            /// use torchlight::Tensor;
            /// let a = Tensor::from_slice(&[6.0f32, 8.0]);
            #[doc = $ex]
            /// ```
            #[track_caller]
            pub fn $name<'a>(&self, other: impl Into<Operand<'a>>) -> Tensor {
                unwrap(self.$try_name(other))
            }

            #[doc = concat!("Fallible twin of [`Tensor::", stringify!($name), "`].")]
            ///
            /// ```
            /// let a = torchlight::Tensor::ones(&[3]);
            #[doc = concat!("assert!(a.", stringify!($try_name), "(&torchlight::Tensor::ones(&[4])).is_err());")]
            /// ```
            pub fn $try_name<'a>(&self, other: impl Into<Operand<'a>>) -> Result<Tensor> {
                arith(Arith::$op, self, other.into(), None)
            }
        }
    )*};
}
arith_methods!(
    (
        add,
        try_add,
        Add,
        "Elementwise `self + other` (`torch.add`).",
        "assert_eq!(a.add(2.0).to_vec::<f32>(), vec![8.0, 10.0]);"
    ),
    (
        sub,
        try_sub,
        Sub,
        "Elementwise `self - other` (`torch.sub`).",
        "assert_eq!(a.sub(&a).to_vec::<f32>(), vec![0.0, 0.0]);"
    ),
    (
        mul,
        try_mul,
        Mul,
        "Elementwise `self * other` (`torch.mul`).",
        "assert_eq!(a.mul(0.5).to_vec::<f32>(), vec![3.0, 4.0]);"
    ),
    (
        div,
        try_div,
        Div,
        "Elementwise true division `self / other` (`torch.div`).",
        "assert_eq!(a.div(2).to_vec::<f32>(), vec![3.0, 4.0]);"
    )
);

impl Tensor {
    /// `self + alpha * other` (`torch.add(self, other, alpha=alpha)`), fused as PyTorch's
    /// CPU kernel does.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_slice(&[1.0f32]);
    /// assert_eq!(a.add_scaled(&Tensor::from_slice(&[2.0f32]), 3.0).to_vec::<f32>(), vec![7.0]);
    /// ```
    #[track_caller]
    pub fn add_scaled<'a>(&self, other: impl Into<Operand<'a>>, alpha: impl Into<Scalar>) -> Tensor {
        unwrap(self.try_add_scaled(other, alpha))
    }

    /// Fallible twin of [`Tensor::add_scaled`].
    ///
    /// ```
    /// let i = torchlight::Tensor::from_slice(&[1i64]);
    /// assert!(i.try_add_scaled(&i, 1.5).is_err()); // float alpha on an integer result
    /// ```
    pub fn try_add_scaled<'a>(&self, other: impl Into<Operand<'a>>, alpha: impl Into<Scalar>) -> Result<Tensor> {
        arith(Arith::Add, self, other.into(), Some(alpha.into()))
    }

    /// `self - alpha * other` (`torch.sub(self, other, alpha=alpha)`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_slice(&[7.0f32]);
    /// assert_eq!(a.sub_scaled(&Tensor::from_slice(&[2.0f32]), 3.0).to_vec::<f32>(), vec![1.0]);
    /// ```
    #[track_caller]
    pub fn sub_scaled<'a>(&self, other: impl Into<Operand<'a>>, alpha: impl Into<Scalar>) -> Tensor {
        unwrap(self.try_sub_scaled(other, alpha))
    }

    /// Fallible twin of [`Tensor::sub_scaled`].
    ///
    /// ```
    /// let b = torchlight::Tensor::from_slice(&[true]);
    /// assert!(b.try_sub_scaled(&b, 1).is_err()); // bool subtraction
    /// ```
    pub fn try_sub_scaled<'a>(&self, other: impl Into<Operand<'a>>, alpha: impl Into<Scalar>) -> Result<Tensor> {
        arith(Arith::Sub, self, other.into(), Some(alpha.into()))
    }

    /// `s - self` for a number `s` (Python's `s - t`, `torch.rsub`).
    pub(crate) fn try_rsub_scalar(&self, s: Scalar) -> Result<Tensor> {
        sub_check(Operand::Scalar(s), Operand::Tensor(self))?;
        let dtype = result_type(&[Operand::Scalar(s), Operand::Tensor(self)]);
        let out =
            arith_kernel(Arith::Sub, &Tensor::full_dtype(&[], s, dtype), &self.to_dtype(dtype), self.shape(), None);
        if needs_grad(&[self]) {
            record_unary("RsubBackward1", &[self], &out, [], |ctx| Ok(vec![Some(-ctx.grad())]));
        }
        Ok(out)
    }
}

/// Comparison and logical ops: computed in the promoted dtype, returning bool.
#[derive(Clone, Copy, Debug)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Xor,
}

fn compare(op: Cmp, a: &Tensor, b: Operand) -> Result<Tensor> {
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    let (dtype, a, b) = match op {
        Cmp::And | Cmp::Or | Cmp::Xor => (DType::Bool, a.to_dtype(DType::Bool), b.materialize(DType::Bool)),
        _ => {
            let rt = result_type(&[Operand::Tensor(a), b]);
            (rt, a.to_dtype(rt), b.materialize(rt))
        }
    };
    Ok(dispatch!(dtype, T => match op {
        Cmp::Eq => binary_map::<T, bool>(&a, &b, &shape, |x, y| x == y),
        Cmp::Ne => binary_map::<T, bool>(&a, &b, &shape, |x, y| x != y),
        Cmp::Lt => binary_map::<T, bool>(&a, &b, &shape, |x, y| x < y),
        Cmp::Le => binary_map::<T, bool>(&a, &b, &shape, |x, y| x <= y),
        Cmp::Gt => binary_map::<T, bool>(&a, &b, &shape, |x, y| x > y),
        Cmp::Ge => binary_map::<T, bool>(&a, &b, &shape, |x, y| x >= y),
        Cmp::And => binary_map::<bool, bool>(&a, &b, &shape, |x, y| x & y),
        Cmp::Or => binary_map::<bool, bool>(&a, &b, &shape, |x, y| x | y),
        Cmp::Xor => binary_map::<bool, bool>(&a, &b, &shape, |x, y| x ^ y),
    }))
}

macro_rules! compare_methods {
    ($(($name:ident, $try_name:ident, $op:ident, $doc:literal, $ex:literal)),*) => {$(
        impl Tensor {
            #[doc = $doc]
            ///
            /// ```
            /// use torchlight::Tensor;
            /// let a = Tensor::from_slice(&[1.0f32, 2.0, 3.0]);
            #[doc = $ex]
            /// ```
            #[track_caller]
            pub fn $name<'a>(&self, other: impl Into<Operand<'a>>) -> Tensor {
                unwrap(self.$try_name(other))
            }

            #[doc = concat!("Fallible twin of [`Tensor::", stringify!($name), "`].")]
            ///
            /// ```
            /// let a = torchlight::Tensor::ones(&[3]);
            #[doc = concat!("assert!(a.", stringify!($try_name), "(&torchlight::Tensor::ones(&[2])).is_err());")]
            /// ```
            pub fn $try_name<'a>(&self, other: impl Into<Operand<'a>>) -> Result<Tensor> {
                compare(Cmp::$op, self, other.into())
            }
        }
    )*};
}
compare_methods!(
    (
        eq,
        try_eq,
        Eq,
        "Elementwise `==`, as a bool tensor (`torch.eq`).",
        "assert_eq!(a.eq(2.0).to_vec::<bool>(), vec![false, true, false]);"
    ),
    (
        ne,
        try_ne,
        Ne,
        "Elementwise `!=` (`torch.ne`).",
        "assert_eq!(a.ne(2.0).to_vec::<bool>(), vec![true, false, true]);"
    ),
    (
        lt,
        try_lt,
        Lt,
        "Elementwise `<` (`torch.lt`).",
        "assert_eq!(a.lt(2.0).to_vec::<bool>(), vec![true, false, false]);"
    ),
    (
        le,
        try_le,
        Le,
        "Elementwise `<=` (`torch.le`).",
        "assert_eq!(a.le(2.0).to_vec::<bool>(), vec![true, true, false]);"
    ),
    (
        gt,
        try_gt,
        Gt,
        "Elementwise `>` (`torch.gt`).",
        "assert_eq!(a.gt(2.0).to_vec::<bool>(), vec![false, false, true]);"
    ),
    (
        ge,
        try_ge,
        Ge,
        "Elementwise `>=` (`torch.ge`).",
        "assert_eq!(a.ge(2.0).to_vec::<bool>(), vec![false, true, true]);"
    ),
    (
        logical_and,
        try_logical_and,
        And,
        "Elementwise logical and of truth values (`torch.logical_and`).",
        "assert_eq!(a.logical_and(0.0).to_vec::<bool>(), vec![false; 3]);"
    ),
    (
        logical_or,
        try_logical_or,
        Or,
        "Elementwise logical or (`torch.logical_or`).",
        "assert_eq!(a.logical_or(0.0).to_vec::<bool>(), vec![true; 3]);"
    ),
    (
        logical_xor,
        try_logical_xor,
        Xor,
        "Elementwise logical xor (`torch.logical_xor`).",
        "assert_eq!(a.logical_xor(1.0).to_vec::<bool>(), vec![false; 3]);"
    )
);

impl Tensor {
    /// Elementwise logical not (`torch.logical_not`).
    ///
    /// ```
    /// let a = torchlight::Tensor::from_slice(&[0.0f32, 2.0]);
    /// assert_eq!(a.logical_not().to_vec::<bool>(), vec![true, false]);
    /// ```
    pub fn logical_not(&self) -> Tensor {
        let b = self.to_dtype(DType::Bool);
        super::binary_kernel::unary_map::<bool, bool>(&b, |x| !x)
    }

    /// Whether two tensors have the same shape and elements (`torch.equal`).
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[2]);
    /// assert!(a.equal(&a.copy()));
    /// ```
    pub fn equal(&self, other: &Tensor) -> bool {
        self.shape() == other.shape() && self.eq(other).to_vec::<bool>().into_iter().all(|x| x)
    }

    /// Elementwise maximum of two tensors (`torch.maximum`); NaN propagates.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_slice(&[1.0f32, 5.0]);
    /// assert_eq!(a.maximum(&Tensor::from_slice(&[3.0f32, 2.0])).to_vec::<f32>(), vec![3.0, 5.0]);
    /// ```
    #[track_caller]
    pub fn maximum(&self, other: &Tensor) -> Tensor {
        unwrap(self.try_max_min(other, true))
    }

    /// Elementwise minimum of two tensors (`torch.minimum`); NaN propagates.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_slice(&[1.0f32, 5.0]);
    /// assert_eq!(a.minimum(&Tensor::from_slice(&[3.0f32, 2.0])).to_vec::<f32>(), vec![1.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn minimum(&self, other: &Tensor) -> Tensor {
        unwrap(self.try_max_min(other, false))
    }

    /// Fallible twin of [`Tensor::maximum`] (`max = true`) and [`Tensor::minimum`].
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[2]);
    /// assert!(a.try_max_min(&torchlight::Tensor::ones(&[3]), true).is_err());
    /// ```
    pub fn try_max_min(&self, other: &Tensor, max: bool) -> Result<Tensor> {
        let shape = broadcast_shapes(self.shape(), other.shape())?;
        let rt = result_type(&[Operand::Tensor(self), Operand::Tensor(other)]);
        let (a, b) = (self.to_dtype(rt), other.to_dtype(rt));
        let out = dispatch!(rt, T => binary_map::<T, T>(&a, &b, &shape, move |x, y| {
            #[allow(clippy::eq_op)]
            let nan = |v: T| v != v;
            if nan(x) { x } else if nan(y) { y } else if (x > y) == max { x } else { y }
        }));
        if needs_grad(&[self, other]) {
            let name = if max { "MaximumBackward0" } else { "MinimumBackward0" };
            record_unary(
                name,
                &[self, other],
                &out,
                vec![SavedTensor::input(self), SavedTensor::input(other)],
                move |ctx| {
                    // PyTorch's rule: ties split the gradient in half; the losing side gets 0; where
                    // a NaN is involved nothing compares true, so both sides get the full gradient.
                    let (x, y) = (&ctx.saved[0], &ctx.saved[1]);
                    let g = ctx.grad();
                    let tie = x.eq(y);
                    let shared = g.masked_fill(&tie, 0.0) + &g.mul(0.5).masked_fill(&tie.logical_not(), 0.0);
                    let (x_loses, y_loses) = if max { (x.lt(y), x.gt(y)) } else { (x.gt(y), x.lt(y)) };
                    Ok(vec![
                        ctx.needs(0).then(|| shared.masked_fill(&x_loses, 0.0)),
                        ctx.needs(1).then(|| shared.masked_fill(&y_loses, 0.0)),
                    ])
                },
            );
        }
        Ok(out)
    }
}

/// `x ** e` for every element of a float tensor, with PyTorch's special cases (`x*x` for 2,
/// `x*x*x` for 3, `sqrt` for 0.5, ...). Each case is its own loop, so that the common
/// exponents compile to vectorised code instead of a per-element branch around `powf`.
/// Binds `$f` to the element rule of `x.pow(e)` for a float exponent, the same rule the
/// forward kernel and the fused gradient use: PyTorch's special cases for exponents 0, 1, 2,
/// 3, ±0.5, -1 and -2 (exact products, square roots and reciprocals), `powf` otherwise.
macro_rules! with_float_pow {
    ($e:expr, $T:ty, $f:ident => $body:expr) => {{
        let e: f64 = $e;
        if e == 0.0 {
            let $f = |_: $T| <$T as num_traits::One>::one();
            $body
        } else if e == 1.0 {
            let $f = |v: $T| v;
            $body
        } else if e == 2.0 {
            let $f = |v: $T| v * v;
            $body
        } else if e == 3.0 {
            let $f = |v: $T| v * v * v;
            $body
        } else if e == 0.5 {
            let $f = |v: $T| v.sqrt();
            $body
        } else if e == -0.5 {
            let $f = |v: $T| <$T as num_traits::One>::one() / v.sqrt();
            $body
        } else if e == -1.0 {
            let $f = |v: $T| <$T as num_traits::One>::one() / v;
            $body
        } else if e == -2.0 {
            let $f = |v: $T| <$T as num_traits::One>::one() / (v * v);
            $body
        } else {
            let et = <$T as crate::Element>::from_f64(e);
            let $f = move |v: $T| v.powf(et);
            $body
        }
    }};
}

fn float_pow_map<T: crate::FloatElement>(x: &Tensor, e: f64) -> Tensor {
    with_float_pow!(e, T, f => super::binary_kernel::unary_map::<T, T>(x, f))
}

/// PowBackward0's `grad * (x.pow(e - 1) * e)` in one pass: each element is rounded exactly
/// as the three ops round it, so the result is the same to the bit.
fn pow_backward_fused<T: crate::FloatElement>(g: &Tensor, x: &Tensor, e: f64) -> Tensor {
    let et = T::from_f64(e);
    with_float_pow!(e - 1.0, T, f => super::binary_kernel::binary_map::<T, T>(g, x, x.shape(), move |gv, xv| gv * (f(xv) * et)))
}

/// Integer power by square-and-multiply with wrapping overflow (PyTorch's `powi`).
fn powi(mut a: i64, mut b: i64) -> i64 {
    if b < 0 {
        return match a {
            1 => 1,
            -1 => {
                if b % 2 != 0 {
                    -1
                } else {
                    1
                }
            }
            _ => 0,
        };
    }
    let mut r: i64 = 1;
    while b != 0 {
        if b & 1 == 1 {
            r = r.wrapping_mul(a);
        }
        b /= 2;
        a = a.wrapping_mul(a);
    }
    r
}

impl Tensor {
    /// Elementwise power (`torch.pow`), with a number or a tensor as exponent.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let x = Tensor::from_slice(&[2.0f32, 3.0]);
    /// assert_eq!(x.pow(2).to_vec::<f32>(), vec![4.0, 9.0]);
    /// let p = Tensor::from_slice(&[1i64, 3]);
    /// assert_eq!(x.pow(&p).to_vec::<f32>(), vec![2.0, 27.0]);
    /// ```
    #[track_caller]
    pub fn pow<'a>(&self, exponent: impl Into<Operand<'a>>) -> Tensor {
        unwrap(self.try_pow(exponent))
    }

    /// Fallible twin of [`Tensor::pow`].
    ///
    /// ```
    /// let i = torchlight::Tensor::from_slice(&[2i64]);
    /// assert_eq!(i.try_pow(-1).unwrap_err().to_string(), "Integers to negative integer powers are not allowed.");
    /// ```
    pub fn try_pow<'a>(&self, exponent: impl Into<Operand<'a>>) -> Result<Tensor> {
        match exponent.into() {
            Operand::Scalar(s) => self.pow_scalar(s),
            Operand::Tensor(e) => self.pow_tensor(e),
        }
    }

    fn pow_scalar(&self, s: Scalar) -> Result<Tensor> {
        let rt = result_type(&[Operand::Tensor(self), Operand::Scalar(s)]);
        if !rt.is_floating_point() && matches!(s, Scalar::Int(i) if i < 0) {
            return Err(Error::Runtime("Integers to negative integer powers are not allowed.".into()));
        }
        let e = s.to_f64();
        let x = self.to_dtype(rt);
        let out = if e == 0.0 {
            x.ones_like()
        } else if e == 1.0 {
            x.copy()
        } else {
            dispatch!(rt, T => {
                match rt {
                    DType::F32 => float_pow_map::<f32>(&x, e),
                    DType::F64 => float_pow_map::<f64>(&x, e),
                    _ => { let ei = s.to_i64(); super::binary_kernel::unary_map::<T, T>(&x, move |v| <T as crate::Element>::from_i64(powi(v.to_i64(), ei))) }
                }
            })
        };
        if needs_grad(&[self]) {
            record_unary("PowBackward0", &[self], &out, [SavedTensor::input(self)], move |ctx| {
                let (x, g) = (&ctx.saved[0], ctx.grad());
                let fused = !crate::is_grad_enabled() && x.dtype() == g.dtype() && g.shape() == x.shape();
                Ok(vec![Some(if e == 0.0 {
                    g.zeros_like()
                } else if fused && x.dtype() == DType::F32 {
                    pow_backward_fused::<f32>(g, x, e)
                } else if fused && x.dtype() == DType::F64 {
                    pow_backward_fused::<f64>(g, x, e)
                } else {
                    g * &(x.pow(e - 1.0) * e)
                })])
            });
        }
        Ok(out)
    }

    fn pow_tensor(&self, e: &Tensor) -> Result<Tensor> {
        let shape = broadcast_shapes(self.shape(), e.shape())?;
        let rt = result_type(&[Operand::Tensor(self), Operand::Tensor(e)]);
        if rt == DType::Bool {
            return Err(Error::NotImplemented("\"pow\" not implemented for 'Bool'".into()));
        }
        let (x, y) = (self.to_dtype(rt), e.to_dtype(rt));
        let out = match rt {
            DType::F32 => binary_map::<f32, f32>(&x, &y, &shape, |a, b| a.powf(b)),
            DType::F64 => binary_map::<f64, f64>(&x, &y, &shape, |a, b| a.powf(b)),
            DType::I64 => binary_map::<i64, i64>(&x, &y, &shape, powi),
            DType::Bool => unreachable!("refused above"),
        };
        if needs_grad(&[self, e]) {
            // The result is saved only for the exponent's gradient, as in PyTorch.
            let mut saved = vec![SavedTensor::input(self), SavedTensor::input(e)];
            if e.requires_grad() {
                saved.push(SavedTensor::output(&out, 0));
            }
            record_unary("PowBackward1", &[self, e], &out, saved, |ctx| {
                let (x, y) = (&ctx.saved[0], &ctx.saved[1]);
                let g = ctx.grad();
                // PyTorch's rule: 0 where the exponent is 0 (even at x = 0, where y·x^(y-1) is NaN).
                let gx = ctx.needs(0).then(|| {
                    let ym1 = y.sub(1.0);
                    (g * &(y * &x.pow(&ym1))).masked_fill(&y.eq(0.0), 0.0)
                });
                // d/dy x^y = x^y ln x, taken as 0 where x == 0 and y >= 0 (PyTorch's mask).
                let gy = ctx.saved.get(2).filter(|_| ctx.needs(1)).map(|r| {
                    let mask = x.eq(0.0).logical_and(&y.ge(0.0));
                    // The log is taken in the result dtype (`f32 ** f64` differentiates in f64).
                    (g * &(r * &x.to_dtype(r.dtype()).log())).masked_fill(&mask, 0.0)
                });
                Ok(vec![gx, gy])
            });
        }
        Ok(out)
    }
}
