//! In-place ops (`add_`, `mul_`, ...) and the autograd rules around them: the leaf and
//! view-of-leaf checks, and re-pointing the tensor's history at the new node.

use super::binary::{alpha_check, arith_dtype, arith_kernel, record_arith, Arith, Operand};
use super::binary_kernel::binary_inplace;
use super::promote::result_type;
use crate::autograd::grad_mode::is_grad_enabled;
use crate::autograd::node::Node;
use crate::autograd::view_rebase;
use crate::error::unwrap;
use crate::tensor::layout::broadcast_shapes;
use crate::tensor::{AutogradMeta, TensorImpl};
use crate::{dispatch_num, DType, Error, Result, Scalar, Tensor};
use std::sync::Arc;

impl Tensor {
    /// Runs an in-place op. Without autograd, `fast` writes the storage directly. With
    /// autograd, `slow` computes the result out of place from a snapshot of `self` that
    /// carries `self`'s history; the result is written into `self`, which takes over the
    /// result's `grad_fn` (PyTorch rebases the history the same way).
    pub(crate) fn inplace(
        &self,
        others: &[&Tensor],
        fast: impl FnOnce(&Tensor),
        slow: impl FnOnce(&Tensor) -> Result<Tensor>,
    ) -> Result<()> {
        self.check_no_internal_overlap()?;
        // A view whose base requires grad counts as requiring grad even when it was created in
        // no-grad mode (PyTorch's view `requires_grad`), so that `check_inplace` refuses it.
        let self_rg = self.requires_grad() || self.0.base.as_ref().is_some_and(|b| b.requires_grad());
        let needs = is_grad_enabled() && (self_rg || others.iter().any(|t| t.requires_grad()));
        if !needs {
            fast(self);
            return Ok(());
        }
        self.check_inplace()?;
        if let Some(base) = &self.0.base {
            return self.inplace_on_view(base, slow);
        }
        let snapshot = self.snapshot();
        let r = slow(&snapshot)?;
        crate::no_grad(|| self.copy_kernel(&r));
        let (grad_fn, nr) = {
            let m = r.0.meta.lock();
            (m.grad_fn.clone(), m.output_nr)
        };
        let mut m = self.0.meta.lock();
        m.requires_grad = grad_fn.is_some() || m.requires_grad;
        m.grad_fn = grad_fn;
        m.output_nr = nr;
        Ok(())
    }

    /// Records, for an in-place op that overwrites every element (`fill_`, `zero_`, random
    /// fills), a node `name` through which the old value's history gets a zero gradient, as
    /// PyTorch's `FillBackward2` / `UniformBackward0` do.
    pub(crate) fn record_overwrite(name: &'static str, snap: &Tensor, out: &Tensor) {
        crate::autograd::record::record_unary(name, &[snap], out, [], |ctx| Ok(vec![Some(ctx.grad().zeros_like())]));
    }

    /// PyTorch's `check_inplace`: leaves that require grad (and views of them) may not be
    /// modified in place while grad mode is on.
    fn check_inplace(&self) -> Result<()> {
        let m = self.0.meta.lock();
        if m.grad_fn.is_none() && m.requires_grad {
            return Err(Error::Runtime(
                "a leaf Variable that requires grad is being used in an in-place operation.".into(),
            ));
        }
        let created_in_no_grad = m.view_version.is_none();
        drop(m);
        if let Some(base) = &self.0.base {
            if created_in_no_grad {
                return Err(Error::Runtime(
                    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. \
                     Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your \
                     code by moving both the view and the inplace either both inside the no_grad block (if you \
                     don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
                        .into(),
                ));
            }
            if base.is_leaf() && base.requires_grad() {
                return Err(Error::Runtime(
                    "a view of a leaf Variable that requires grad is being used in an in-place operation.".into(),
                ));
            }
        }
        Ok(())
    }

    /// PyTorch's `assert_no_internal_overlap`: an in-place write through a tensor in which
    /// several elements share one memory location (an expanded dim) is refused.
    fn check_no_internal_overlap(&self) -> Result<()> {
        let l = self.layout();
        if l.shape.iter().zip(&l.strides).any(|(&n, &s)| n > 1 && s == 0) {
            return Err(Error::Runtime(
                "unsupported operation: more than one element of the written-to tensor refers to a single \
                 memory location. Please clone() the tensor before performing the operation."
                    .into(),
            ));
        }
        Ok(())
    }

    /// The in-place op on a view while recording: computed out of place from a marked copy of
    /// the view's value, written through the view, then recorded on the base as `CopySlices`
    /// (see `autograd::view_rebase`).
    fn inplace_on_view(&self, base: &Tensor, slow: impl FnOnce(&Tensor) -> Result<Tensor>) -> Result<()> {
        let window = view_rebase::Window::of(base, self)?;
        // The op runs on a clone of the view: its `CloneBackward0` node marks the input edge
        // that stands for the view's old value (CopySlices routes that gradient into the base),
        // and still leads to the view's history for higher-order gradients.
        let marker = self.copy();
        let first_seq = Node::next_seq();
        let r = slow(&marker)?;
        let op = r.grad_fn();
        let self_idx = match (&op, marker.grad_fn()) {
            (Some(op), Some(clone)) => view_rebase::marker_input(op, &clone, first_seq)?,
            _ => None,
        };
        crate::no_grad(|| self.copy_kernel(&r));
        if let Some(op) = op {
            view_rebase::rebase_view(self, base, window, op, self_idx);
        }
        Ok(())
    }

    /// A copy of the current value carrying this tensor's autograd identity.
    fn snapshot(&self) -> Tensor {
        let data = crate::no_grad(|| self.detach().copy());
        let m = self.0.meta.lock();
        Tensor(Arc::new(TensorImpl {
            storage: data.0.storage.clone(),
            layout: data.0.layout.clone(),
            dtype: data.dtype(),
            meta: crate::tensor::MetaCell::new(AutogradMeta {
                requires_grad: m.requires_grad,
                grad_fn: m.grad_fn.clone(),
                output_nr: m.output_nr,
                ..Default::default()
            }),
            base: None,
        }))
    }

    fn arith_(&self, op: Arith, other: Operand, alpha: Option<Scalar>) -> Result<()> {
        let rt = arith_dtype(op, self, other)?;
        alpha_check(rt, alpha)?;
        check_inplace_result(self, rt, &broadcast_shapes(self.shape(), other.shape())?)?;
        let others = other.tensor();
        self.inplace(
            others.as_slice(),
            |dst| {
                let mut b = other.materialize(rt);
                if b.shares_storage(dst) {
                    b = b.detach().copy();
                }
                if rt == dst.dtype() {
                    dispatch_num!(rt, T => {
                        match (op, alpha) {
                            (Arith::Add, None) => binary_inplace::<T>(dst, &b, |x, y| x + y),
                            (Arith::Sub, None) => binary_inplace::<T>(dst, &b, |x, y| x - y),
                            (Arith::Add, Some(al)) => { let al: T = al.to_elem(); binary_inplace::<T>(dst, &b, move |x, y| crate::NumElement::mul_add_(y, al, x)) }
                            (Arith::Sub, Some(al)) => { let al: T = -al.to_elem::<T>(); binary_inplace::<T>(dst, &b, move |x, y| crate::NumElement::mul_add_(y, al, x)) }
                            (Arith::Mul, _) => binary_inplace::<T>(dst, &b, |x, y| x * y),
                            (Arith::Div, _) => binary_inplace::<T>(dst, &b, |x, y| x / y),
                        }
                    }, _ => {
                        let r = arith_kernel(op, &dst.detach(), &b, dst.shape(), alpha);
                        dst.copy_kernel(&r);
                    });
                } else {
                    // Computed in the wider type, then converted back (`f32.add_(f64)`).
                    let r = arith_kernel(op, &dst.to_dtype(rt), &b, dst.shape(), alpha);
                    dst.copy_kernel(&r);
                }
            },
            |snap| {
                let b = other.materialize(rt);
                let out = arith_kernel(op, &snap.to_dtype(rt), &b, snap.shape(), alpha);
                record_arith(op, snap, other, alpha, &out);
                Ok(out)
            },
        )
    }
}

macro_rules! inplace_methods {
    ($(($name:ident, $try_name:ident, $op:ident, $doc:literal, $ex:literal)),*) => {$(
        impl Tensor {
            #[doc = $doc]
            ///
            /// ```
            /// let a = torchlight::Tensor::from_slice(&[6.0f32, 8.0]);
            #[doc = $ex]
            /// ```
            #[track_caller]
            pub fn $name<'a>(&self, other: impl Into<Operand<'a>>) -> &Tensor {
                unwrap(self.$try_name(other));
                self
            }

            #[doc = concat!("Fallible twin of [`Tensor::", stringify!($name), "`].")]
            ///
            /// ```
            /// let a = torchlight::Tensor::ones(&[3]);
            #[doc = concat!("assert!(a.", stringify!($try_name), "(&torchlight::Tensor::ones(&[2, 3])).is_err());")]
            /// ```
            pub fn $try_name<'a>(&self, other: impl Into<Operand<'a>>) -> Result<()> {
                self.arith_(Arith::$op, other.into(), None)
            }
        }
    )*};
}
inplace_methods!(
    (
        add_,
        try_add_,
        Add,
        "In-place `self += other` (`tensor.add_`).",
        "a.add_(1.0);\n/// assert_eq!(a.to_vec::<f32>(), vec![7.0, 9.0]);"
    ),
    (
        sub_,
        try_sub_,
        Sub,
        "In-place `self -= other` (`tensor.sub_`).",
        "a.sub_(1.0);\n/// assert_eq!(a.to_vec::<f32>(), vec![5.0, 7.0]);"
    ),
    (
        mul_,
        try_mul_,
        Mul,
        "In-place `self *= other` (`tensor.mul_`).",
        "a.mul_(0.5);\n/// assert_eq!(a.to_vec::<f32>(), vec![3.0, 4.0]);"
    ),
    (
        div_,
        try_div_,
        Div,
        "In-place `self /= other` (`tensor.div_`).",
        "a.div_(2.0);\n/// assert_eq!(a.to_vec::<f32>(), vec![3.0, 4.0]);"
    )
);

impl Tensor {
    /// In-place `self += alpha * other` (`tensor.add_(other, alpha=alpha)`), fused as
    /// PyTorch's CPU kernel does.
    ///
    /// ```
    /// let p = torchlight::Tensor::from_slice(&[1.0f32]);
    /// p.add_scaled_(&torchlight::Tensor::from_slice(&[2.0f32]), -0.5);
    /// assert_eq!(p.to_vec::<f32>(), vec![0.0]);
    /// ```
    #[track_caller]
    pub fn add_scaled_<'a>(&self, other: impl Into<Operand<'a>>, alpha: impl Into<Scalar>) -> &Tensor {
        unwrap(self.try_add_scaled_(other, alpha));
        self
    }

    /// Fallible twin of [`Tensor::add_scaled_`].
    ///
    /// ```
    /// let i = torchlight::Tensor::from_slice(&[1i64]);
    /// assert!(i.try_add_scaled_(&i.copy(), 0.5).is_err());
    /// ```
    pub fn try_add_scaled_<'a>(&self, other: impl Into<Operand<'a>>, alpha: impl Into<Scalar>) -> Result<()> {
        self.arith_(Arith::Add, other.into(), Some(alpha.into()))
    }

    /// In-place `self -= alpha * other` (`tensor.sub_(other, alpha=alpha)`).
    ///
    /// ```
    /// let p = torchlight::Tensor::from_slice(&[1.0f32]);
    /// p.sub_scaled_(&torchlight::Tensor::from_slice(&[2.0f32]), 0.5);
    /// assert_eq!(p.to_vec::<f32>(), vec![0.0]);
    /// ```
    #[track_caller]
    pub fn sub_scaled_<'a>(&self, other: impl Into<Operand<'a>>, alpha: impl Into<Scalar>) -> &Tensor {
        unwrap(self.try_sub_scaled_(other, alpha));
        self
    }

    /// Fallible twin of [`Tensor::sub_scaled_`].
    ///
    /// ```
    /// let b = torchlight::Tensor::from_slice(&[true]);
    /// assert!(b.try_sub_scaled_(&b.copy(), 1).is_err());
    /// ```
    pub fn try_sub_scaled_<'a>(&self, other: impl Into<Operand<'a>>, alpha: impl Into<Scalar>) -> Result<()> {
        self.arith_(Arith::Sub, other.into(), Some(alpha.into()))
    }

    /// In-place clamp (`tensor.clamp_(min, max)`).
    ///
    /// ```
    /// let a = torchlight::Tensor::from_slice(&[-2.0f32, 2.0]);
    /// a.clamp_(Some(-1.0), None);
    /// assert_eq!(a.to_vec::<f32>(), vec![-1.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn clamp_(&self, min: Option<f64>, max: Option<f64>) -> &Tensor {
        unwrap(self.try_clamp_(min, max));
        self
    }

    /// Fallible twin of [`Tensor::clamp_`]: fails where the bounds would change the dtype.
    ///
    /// ```
    /// let i = torchlight::Tensor::from_slice(&[1i64]);
    /// assert!(i.try_clamp_(Some(0.5), None).is_err());
    /// ```
    pub fn try_clamp_(&self, min: Option<f64>, max: Option<f64>) -> Result<()> {
        let rt = self.clamp_dtype(min, max);
        if !rt.can_cast_to(self.dtype()) {
            // clamp_'s check prints the output type by its C++ name.
            let cpp = match self.dtype() {
                crate::DType::Bool => "bool",
                crate::DType::I64 => "long int",
                crate::DType::F32 => "float",
                crate::DType::F64 => "double",
            };
            return Err(Error::Runtime(format!(
                "result type {} can't be cast to the desired output type {cpp}",
                rt.scalar_name()
            )));
        }
        // Validate the bounds before touching anything.
        if min.is_none() && max.is_none() {
            return self.clamp_kernel(min, max).map(|_| ());
        }
        self.inplace(
            &[],
            |dst| dst.copy_kernel(&unwrap(dst.detach().clamp_kernel(min, max))),
            |snap| snap.try_clamp(min, max),
        )
    }
}

impl Tensor {
    /// Runs `compute`, the out-of-place op on `self` (and `other`), as an in-place op:
    /// PyTorch's checks that the result's dtype and broadcast shape fit `self` come first, then
    /// [`Tensor::inplace`] with its autograd rules. An error of `compute` (a zero integer
    /// divisor, a dtype without a kernel) is raised before anything is written. For ops
    /// without an in-place kernel of their own: the result is computed, then copied in.
    pub(crate) fn inplace_via(
        &self,
        other: Option<Operand>,
        compute: impl Fn(&Tensor) -> Result<Tensor>,
    ) -> Result<()> {
        let (rt, shape) = match other {
            Some(o) => (result_type(&[Operand::Tensor(self), o]), broadcast_shapes(self.shape(), o.shape())?.to_vec()),
            None => (self.dtype(), self.shape().to_vec()),
        };
        check_inplace_result(self, rt, &shape)?;
        let others: Vec<&Tensor> = match other {
            Some(Operand::Tensor(t)) => vec![t],
            _ => vec![],
        };
        let mut failed = None;
        self.inplace(
            &others,
            |dst| match compute(&dst.detach()) {
                Ok(r) => dst.copy_kernel(&r),
                Err(e) => failed = Some(e),
            },
            &compute,
        )?;
        failed.map_or(Ok(()), Err)
    }
}

/// PyTorch's checks on an in-place result: castable dtype and the output's own shape.
pub(crate) fn check_inplace_result(a: &Tensor, rt: DType, shape: &[usize]) -> Result<()> {
    if !rt.can_cast_to(a.dtype()) {
        return Err(Error::Runtime(format!(
            "result type {} can't be cast to the desired output type {}",
            rt.scalar_name(),
            a.dtype().scalar_name()
        )));
    }
    if shape != a.shape() {
        return Err(Error::Runtime(format!(
            "output with shape {:?} doesn't match the broadcast shape {:?}",
            a.shape(),
            shape
        )));
    }
    Ok(())
}
