//! Fused pointwise ops the optimizers are written with: `addcmul`, `addcdiv`, `lerp` (scalar
//! weight) and `sqrt_`, each with PyTorch's CPU rounding (pytorch-semantics.md §1.2) and its
//! gradient.

use super::binary::Operand;
use super::binary_kernel::{unary_inplace, GRAIN_SIZE};
use super::inplace::check_inplace_result;
use super::promote::result_type;
use crate::autograd::node::SavedTensor;
use crate::autograd::record::{needs_grad, record_unary};
use crate::backend::cpu::strided::{broadcast_strides, walk};
use crate::error::unwrap;
use crate::tensor::layout::broadcast_shapes;
use crate::{AlignedVec, DType, Element, Error, FloatElement, Result, Scalar, Tensor};
use rayon::prelude::*;
use std::mem::MaybeUninit;

/// `f(a, b, c)` over three operands of dtype `T` broadcast to `shape`, into a new tensor.
fn ternary_map<T: Element>(
    a: &Tensor,
    b: &Tensor,
    c: &Tensor,
    shape: &[usize],
    f: impl Fn(T, T, T) -> T + Sync,
) -> Tensor {
    let n: usize = shape.iter().product();
    let out = a.with_slice(|da: &[T], la| {
        b.with_slice(|db: &[T], lb| {
            c.with_slice(|dc: &[T], lc| {
                let dense = [la, lb, lc].iter().all(|l| l.is_contiguous() && l.shape.as_slice() == shape);
                if dense {
                    let (xa, xb, xc) =
                        (&da[la.offset..la.offset + n], &db[lb.offset..lb.offset + n], &dc[lc.offset..lc.offset + n]);
                    // Chunks of half a grain, on all threads when there is enough work.
                    let fill_chunk = |start: usize, o: &mut [MaybeUninit<T>]| {
                        let end = start + o.len();
                        for (((o, &x), &y), &z) in
                            o.iter_mut().zip(&xa[start..end]).zip(&xb[start..end]).zip(&xc[start..end])
                        {
                            o.write(f(x, y, z));
                        }
                    };
                    let fill = |out: &mut [MaybeUninit<T>]| {
                        let half = GRAIN_SIZE / 2;
                        if n >= GRAIN_SIZE && crate::get_num_threads() > 1 {
                            crate::threads::install(|| {
                                out.par_chunks_mut(half).enumerate().for_each(|(i, o)| fill_chunk(i * half, o))
                            })
                        } else {
                            fill_chunk(0, out)
                        }
                    };
                    // SAFETY: the chunks cover all `n` slots and each is written.
                    return unsafe { AlignedVec::from_fill(n, fill) };
                }
                let sa = broadcast_strides(&la.shape, &la.strides, shape);
                let sb = broadcast_strides(&lb.shape, &lb.strides, shape);
                let sc = broadcast_strides(&lc.shape, &lc.strides, shape);
                let mut out = AlignedVec::with_capacity(n);
                walk(shape, [&sa, &sb, &sc], [la.offset, lb.offset, lc.offset], |[i, j, k]| {
                    out.push(f(da[i], db[j], dc[k]))
                });
                out
            })
        })
    });
    Tensor::from_buffer(T::into_buffer(out), shape)
}

/// `a[i] = f(a[i], b[j], c[k])` in place, `b` and `c` (dtype `T`) broadcast to `a`'s shape.
/// The caller guarantees that neither shares `a`'s storage.
fn ternary_inplace<T: Element>(a: &Tensor, b: &Tensor, c: &Tensor, f: impl Fn(T, T, T) -> T + Sync) {
    let (gb, gc) = (b.0.storage.read(), c.0.storage.read());
    let (db, dc): (&[T], &[T]) = (T::slice(&gb), T::slice(&gc));
    let (la, lb, lc) = (&a.0.layout, b.layout(), c.layout());
    {
        let mut ga = a.0.storage.write();
        let da: &mut [T] = T::slice_mut(&mut ga);
        let n = la.numel();
        if [la, lb, lc].iter().all(|l| l.is_contiguous() && l.shape == la.shape) {
            let xa = &mut da[la.offset..la.offset + n];
            let (xb, xc) = (&db[lb.offset..lb.offset + n], &dc[lc.offset..lc.offset + n]);
            if n >= GRAIN_SIZE && crate::get_num_threads() > 1 {
                crate::threads::install(|| {
                    (xa, xb, xc).into_par_iter().with_min_len(GRAIN_SIZE / 2).for_each(|(x, &y, &z)| *x = f(*x, y, z))
                });
            } else {
                xa.iter_mut().zip(xb).zip(xc).for_each(|((x, &y), &z)| *x = f(*x, y, z));
            }
        } else {
            let sb = broadcast_strides(&lb.shape, &lb.strides, &la.shape);
            let sc = broadcast_strides(&lc.shape, &lc.strides, &la.shape);
            walk(&la.shape, [&la.strides, &sb, &sc], [la.offset, lb.offset, lc.offset], |[i, j, k]| {
                da[i] = f(da[i], db[j], dc[k])
            });
        }
    }
    a.0.storage.bump_version();
}

/// The two `self + value * t1 (op) t2` ops.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Addc {
    Mul,
    Div,
}

const ADDCDIV_INT_ERR: &str = "Integer division with addcdiv is no longer supported, and in a future  release addcdiv \
will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + \
value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) \
for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), \
for all dtypes.";

/// The computation dtype and broadcast shape of `self.addc*(t1, t2)`.
fn addc_plan(op: Addc, a: &Tensor, t1: &Tensor, t2: &Tensor) -> Result<(DType, Vec<usize>)> {
    let integral = |t: &Tensor| !t.dtype().is_floating_point();
    if op == Addc::Div && integral(t1) && integral(t2) {
        return Err(Error::Runtime(ADDCDIV_INT_ERR.into()));
    }
    let rt = result_type(&[Operand::Tensor(a), Operand::Tensor(t1), Operand::Tensor(t2)]);
    let shape = broadcast_shapes(&broadcast_shapes(a.shape(), t1.shape())?, t2.shape())?;
    Ok((rt, shape.to_vec()))
}

/// The kernel on operands already in dtype `rt`: `fma(v*t1, t2, a)` for addcmul and
/// `a + (v*t1)/t2` for addcdiv (PyTorch's AVX2 `PointwiseOpsKernel.cpp`). With `dst`,
/// writes into it (same dtype, shape `shape`); otherwise returns a new tensor.
fn addc_kernel(op: Addc, a: &Tensor, t1: &Tensor, t2: &Tensor, value: Scalar, shape: &[usize], dst: bool) -> Tensor {
    macro_rules! run {
        ($T:ty, $f:expr) => {{
            let f = $f;
            if dst {
                ternary_inplace::<$T>(a, t1, t2, f);
                a.clone()
            } else {
                ternary_map::<$T>(a, t1, t2, shape, f)
            }
        }};
    }
    match (a.dtype(), op) {
        (DType::F32, Addc::Mul) => {
            let v: f32 = value.to_elem();
            run!(f32, move |x, y, z| addcmul_elem(v, x, y, z))
        }
        (DType::F32, Addc::Div) => {
            let v: f32 = value.to_elem();
            run!(f32, move |x, y, z| addcdiv_elem(v, x, y, z))
        }
        (DType::F64, Addc::Mul) => {
            let v: f64 = value.to_elem();
            run!(f64, move |x, y, z| addcmul_elem(v, x, y, z))
        }
        (DType::F64, Addc::Div) => {
            let v: f64 = value.to_elem();
            run!(f64, move |x, y, z| addcdiv_elem(v, x, y, z))
        }
        (DType::I64, _) => {
            let v: i64 = value.to_elem();
            run!(i64, move |x: i64, y: i64, z: i64| x.wrapping_add(v.wrapping_mul(y).wrapping_mul(z)))
        }
        (DType::Bool, _) => {
            let v: bool = value.to_elem();
            run!(bool, move |x: bool, y: bool, z: bool| x | (v & y & z))
        }
    }
}

/// One element of `x.addcmul(y, z, value=v)` as PyTorch's CPU kernel rounds it:
/// `fma(v*y, z, x)`. The fused optimizer updates use it too, so they round as the op does.
#[inline(always)]
pub(crate) fn addcmul_elem<T: FloatElement>(v: T, x: T, y: T, z: T) -> T {
    (v * y).mul_add(z, x)
}

/// One element of `x.addcdiv(y, z, value=v)` as PyTorch's CPU kernel rounds it:
/// `x + (v*y)/z`, unfused.
#[inline(always)]
pub(crate) fn addcdiv_elem<T: FloatElement>(v: T, x: T, y: T, z: T) -> T {
    x + (v * y) / z
}

fn addc(op: Addc, a: &Tensor, t1: &Tensor, t2: &Tensor, value: Scalar) -> Result<Tensor> {
    let (rt, shape) = addc_plan(op, a, t1, t2)?;
    let out = addc_kernel(op, &a.to_dtype(rt), &t1.to_dtype(rt), &t2.to_dtype(rt), value, &shape, false);
    if needs_grad(&[a, t1, t2]) {
        let name = if op == Addc::Mul { "AddcmulBackward0" } else { "AddcdivBackward0" };
        let saved = vec![SavedTensor::input(t1), SavedTensor::input(t2)];
        record_unary(name, &[a, t1, t2], &out, saved, move |ctx| {
            let (x1, x2) = (&ctx.saved[0], &ctx.saved[1]);
            let g = ctx.grad();
            let (g1, g2) = match op {
                Addc::Mul => (ctx.needs(1).then(|| g * &x2.mul(value)), ctx.needs(2).then(|| g * &x1.mul(value))),
                // value / t2 is `t2.reciprocal() * value`, as ATen's Scalar / Tensor operator.
                Addc::Div => (
                    ctx.needs(1).then(|| g * &x2.reciprocal().mul(value)),
                    ctx.needs(2).then(|| -g * &(&x1.mul(value) / &(x2 * x2))),
                ),
            };
            Ok(vec![Some(g.clone()), g1, g2])
        });
    }
    Ok(out)
}

fn addc_(op: Addc, a: &Tensor, t1: &Tensor, t2: &Tensor, value: Scalar) -> Result<()> {
    let (rt, shape) = addc_plan(op, a, t1, t2)?;
    check_inplace_result(a, rt, &shape)?;
    a.inplace(
        &[t1, t2],
        |dst| {
            let own = |t: &Tensor| {
                let t = t.to_dtype(rt);
                if t.shares_storage(dst) {
                    t.detach().copy()
                } else {
                    t
                }
            };
            let (x1, x2) = (own(t1), own(t2));
            if rt == dst.dtype() {
                addc_kernel(op, dst, &x1, &x2, value, &shape, true);
            } else {
                let r = addc_kernel(op, &dst.to_dtype(rt), &x1, &x2, value, &shape, false);
                dst.copy_kernel(&r);
            }
        },
        |snap| addc(op, snap, t1, t2, value),
    )
}

/// The dtype name ATen's `TypeMeta` prints (`"float"`, `"long int"`).
fn type_meta_name(d: DType) -> &'static str {
    match d {
        DType::F32 => "float",
        DType::F64 => "double",
        DType::I64 => "long int",
        DType::Bool => "bool",
    }
}

fn lerp_check(a: &Tensor, end: &Tensor) -> Result<Vec<usize>> {
    if a.dtype() != end.dtype() {
        return Err(Error::Runtime(format!(
            "expected dtype {} for `end` but got dtype {}",
            type_meta_name(a.dtype()),
            type_meta_name(end.dtype())
        )));
    }
    if !a.dtype().is_floating_point() {
        return Err(crate::error::not_implemented("lerp_kernel_scalar", a.dtype()));
    }
    Ok(broadcast_shapes(a.shape(), end.shape())?.to_vec())
}

/// PyTorch's `lerp` with a scalar weight (`Lerp.h`, `LerpKernel.cpp lerp_vec`): for
/// `|w| < 0.5`, `fma(w, end - a, a)`; otherwise `fma(w - 1, end - a, end)`.
pub(crate) fn lerp_fn<T: FloatElement>(w: f64) -> impl Fn(T, T) -> T + Sync + Copy {
    let w = T::from_f64(w);
    let small = w.abs() < T::from_f64(0.5);
    let wm1 = w - T::one();
    move |a: T, b: T| {
        let d = b - a;
        if small {
            w.mul_add(d, a)
        } else {
            wm1.mul_add(d, b)
        }
    }
}

fn lerp_out(a: &Tensor, end: &Tensor, weight: f64, shape: &[usize]) -> Tensor {
    match a.dtype() {
        DType::F32 => super::binary_kernel::binary_map::<f32, f32>(a, end, shape, lerp_fn::<f32>(weight)),
        _ => super::binary_kernel::binary_map::<f64, f64>(a, end, shape, lerp_fn::<f64>(weight)),
    }
}

impl Tensor {
    /// `self + value * tensor1 * tensor2` (`torch.addcmul`), rounded as PyTorch's CPU kernel:
    /// `fma(value*tensor1, tensor2, self)`. Broadcasts and promotes all three operands.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_slice(&[1.0f32, 2.0]);
    /// let r = a.addcmul(&Tensor::from_slice(&[3.0f32, 4.0]), &Tensor::from_slice(&[2.0f32, 0.5]), 0.5);
    /// assert_eq!(r.to_vec::<f32>(), vec![4.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn addcmul(&self, tensor1: &Tensor, tensor2: &Tensor, value: impl Into<Scalar>) -> Tensor {
        unwrap(self.try_addcmul(tensor1, tensor2, value))
    }

    /// Fallible twin of [`Tensor::addcmul`].
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[3]);
    /// assert!(a.try_addcmul(&torchlight::Tensor::ones(&[2]), &a, 1.0).is_err());
    /// ```
    pub fn try_addcmul(&self, tensor1: &Tensor, tensor2: &Tensor, value: impl Into<Scalar>) -> Result<Tensor> {
        addc(Addc::Mul, self, tensor1, tensor2, value.into())
    }

    /// In-place [`Tensor::addcmul`] (`tensor.addcmul_`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let v = Tensor::zeros(&[2]);
    /// let g = Tensor::from_slice(&[1.0f32, -2.0]);
    /// v.addcmul_(&g, &g, 0.5);
    /// assert_eq!(v.to_vec::<f32>(), vec![0.5, 2.0]);
    /// ```
    #[track_caller]
    pub fn addcmul_(&self, tensor1: &Tensor, tensor2: &Tensor, value: impl Into<Scalar>) -> &Tensor {
        unwrap(self.try_addcmul_(tensor1, tensor2, value));
        self
    }

    /// Fallible twin of [`Tensor::addcmul_`].
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[3]);
    /// assert!(a.try_addcmul_(&torchlight::Tensor::ones(&[2, 3]), &a, 1.0).is_err());
    /// ```
    pub fn try_addcmul_(&self, tensor1: &Tensor, tensor2: &Tensor, value: impl Into<Scalar>) -> Result<()> {
        addc_(Addc::Mul, self, tensor1, tensor2, value.into())
    }

    /// `self + value * tensor1 / tensor2` (`torch.addcdiv`), rounded as PyTorch's CPU
    /// kernel: `self + (value*tensor1)/tensor2`, unfused. Integer `tensor1` and `tensor2`
    /// are refused, as in PyTorch.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_slice(&[1.0f32]);
    /// let r = a.addcdiv(&Tensor::from_slice(&[3.0f32]), &Tensor::from_slice(&[2.0f32]), -1.0);
    /// assert_eq!(r.to_vec::<f32>(), vec![-0.5]);
    /// ```
    #[track_caller]
    pub fn addcdiv(&self, tensor1: &Tensor, tensor2: &Tensor, value: impl Into<Scalar>) -> Tensor {
        unwrap(self.try_addcdiv(tensor1, tensor2, value))
    }

    /// Fallible twin of [`Tensor::addcdiv`].
    ///
    /// ```
    /// let i = torchlight::Tensor::from_slice(&[1i64]);
    /// assert!(i.try_addcdiv(&i, &i, 1).unwrap_err().to_string().starts_with("Integer division with addcdiv"));
    /// ```
    pub fn try_addcdiv(&self, tensor1: &Tensor, tensor2: &Tensor, value: impl Into<Scalar>) -> Result<Tensor> {
        addc(Addc::Div, self, tensor1, tensor2, value.into())
    }

    /// In-place [`Tensor::addcdiv`] (`tensor.addcdiv_`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let p = Tensor::from_slice(&[1.0f32]);
    /// p.addcdiv_(&Tensor::from_slice(&[1.0f32]), &Tensor::from_slice(&[4.0f32]), -2.0);
    /// assert_eq!(p.to_vec::<f32>(), vec![0.5]);
    /// ```
    #[track_caller]
    pub fn addcdiv_(&self, tensor1: &Tensor, tensor2: &Tensor, value: impl Into<Scalar>) -> &Tensor {
        unwrap(self.try_addcdiv_(tensor1, tensor2, value));
        self
    }

    /// Fallible twin of [`Tensor::addcdiv_`].
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[3]);
    /// assert!(a.try_addcdiv_(&torchlight::Tensor::ones(&[2, 3]), &a, 1.0).is_err());
    /// ```
    pub fn try_addcdiv_(&self, tensor1: &Tensor, tensor2: &Tensor, value: impl Into<Scalar>) -> Result<()> {
        addc_(Addc::Div, self, tensor1, tensor2, value.into())
    }

    /// Linear interpolation `self + weight * (end - self)` with a scalar weight
    /// (`torch.lerp`), using PyTorch's two-branch formula so results match bit for bit.
    /// `self` and `end` must have the same floating dtype.
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let a = Tensor::from_slice(&[0.0f32, 10.0]);
    /// assert_eq!(a.lerp(&Tensor::from_slice(&[4.0f32, 20.0]), 0.25).to_vec::<f32>(), vec![1.0, 12.5]);
    /// ```
    #[track_caller]
    pub fn lerp(&self, end: &Tensor, weight: f64) -> Tensor {
        unwrap(self.try_lerp(end, weight))
    }

    /// Fallible twin of [`Tensor::lerp`].
    ///
    /// ```
    /// use torchlight::{DType, Tensor};
    /// let err = Tensor::ones(&[2]).try_lerp(&Tensor::ones_dtype(&[2], DType::F64), 0.5).unwrap_err();
    /// assert_eq!(err.to_string(), "expected dtype float for `end` but got dtype double");
    /// ```
    pub fn try_lerp(&self, end: &Tensor, weight: f64) -> Result<Tensor> {
        let shape = lerp_check(self, end)?;
        let out = lerp_out(self, end, weight, &shape);
        if needs_grad(&[self, end]) {
            record_unary("LerpBackward0", &[self, end], &out, [], move |ctx| {
                let g = ctx.grad();
                Ok(vec![ctx.needs(0).then(|| g * (1.0 - weight)), ctx.needs(1).then(|| g * weight)])
            });
        }
        Ok(out)
    }

    /// In-place [`Tensor::lerp`] (`tensor.lerp_(end, weight)`).
    ///
    /// ```
    /// use torchlight::Tensor;
    /// let m = Tensor::zeros(&[2]);
    /// m.lerp_(&Tensor::from_slice(&[1.0f32, -1.0]), 0.5);
    /// assert_eq!(m.to_vec::<f32>(), vec![0.5, -0.5]);
    /// ```
    #[track_caller]
    pub fn lerp_(&self, end: &Tensor, weight: f64) -> &Tensor {
        unwrap(self.try_lerp_(end, weight));
        self
    }

    /// Fallible twin of [`Tensor::lerp_`].
    ///
    /// ```
    /// let a = torchlight::Tensor::ones(&[3]);
    /// assert!(a.try_lerp_(&torchlight::Tensor::ones(&[2, 3]), 0.5).is_err());
    /// ```
    pub fn try_lerp_(&self, end: &Tensor, weight: f64) -> Result<()> {
        let shape = lerp_check(self, end)?;
        check_inplace_result(self, self.dtype(), &shape)?;
        self.inplace(
            &[end],
            |dst| {
                let mut e = end.clone();
                if e.shares_storage(dst) {
                    e = e.detach().copy();
                }
                match dst.dtype() {
                    DType::F32 => super::binary_kernel::binary_inplace::<f32>(dst, &e, lerp_fn::<f32>(weight)),
                    _ => super::binary_kernel::binary_inplace::<f64>(dst, &e, lerp_fn::<f64>(weight)),
                }
            },
            |snap| snap.try_lerp(end, weight),
        )
    }

    /// In-place square root (`tensor.sqrt_()`); floating tensors only.
    ///
    /// ```
    /// let a = torchlight::Tensor::from_slice(&[4.0f32, 9.0]);
    /// a.sqrt_();
    /// assert_eq!(a.to_vec::<f32>(), vec![2.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn sqrt_(&self) -> &Tensor {
        unwrap(self.try_sqrt_());
        self
    }

    /// Fallible twin of [`Tensor::sqrt_`].
    ///
    /// ```
    /// let i = torchlight::Tensor::from_slice(&[4i64]);
    /// assert_eq!(i.try_sqrt_().unwrap_err().to_string(), "result type Float can't be cast to the desired output type Long");
    /// ```
    pub fn try_sqrt_(&self) -> Result<()> {
        let rt = if self.dtype().is_floating_point() { self.dtype() } else { crate::get_default_dtype() };
        check_inplace_result(self, rt, self.shape())?;
        self.inplace(
            &[],
            |dst| match dst.dtype() {
                DType::F32 => unary_inplace::<f32>(dst, |x| x.sqrt()),
                _ => unary_inplace::<f64>(dst, |x| x.sqrt()),
            },
            |snap| Ok(snap.sqrt()),
        )
    }
}
