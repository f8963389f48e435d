//! The autograd methods of [`Tensor`]: requires_grad, grad, backward, detach, retain_grad.

use super::engine::{run_backward, Target};
use super::node::Node;
use crate::tensor::AutogradMeta;
use crate::{Error, Result, Tensor};
use std::sync::Arc;

/// Options of [`Tensor::backward_with`] (PyTorch's keyword arguments).
///
/// ```
/// let opts = torchlight::BackwardOptions { retain_graph: true, ..Default::default() };
/// assert!(opts.gradient.is_none());
/// ```
#[derive(Clone, Default)]
pub struct BackwardOptions {
    /// The gradient of the output; required unless the output has one element.
    pub gradient: Option<Tensor>,
    /// Keep the graph's saved tensors so backward can run again.
    pub retain_graph: bool,
    /// Record the backward pass itself, for higher-order derivatives.
    pub create_graph: bool,
}

/// Checks or builds the gradient of each output (`_make_grads`).
pub(crate) fn make_grads(outputs: &[Tensor], grads: Option<&[Tensor]>) -> Result<Vec<Tensor>> {
    outputs
        .iter()
        .enumerate()
        .map(|(i, out)| match grads.and_then(|g| g.get(i)) {
            Some(g) => {
                if g.shape() != out.shape() {
                    return Err(Error::Runtime(format!(
                        "Mismatch in shape: grad_output[{i}] has a shape of {} and output[{i}] has a shape of {}.",
                        crate::tensor::layout::torch_size_str(g.shape()),
                        crate::tensor::layout::torch_size_str(out.shape())
                    )));
                }
                Ok(g.clone())
            }
            None => {
                // Like `_make_grads`, only outputs that require grad get an implicit gradient;
                // for the others the engine's "does not require grad" error is the one to give.
                if !out.requires_grad() {
                    return Err(Error::Runtime(format!(
                        "element {i} of tensors does not require grad and does not have a grad_fn"
                    )));
                }
                if out.numel() != 1 {
                    return Err(Error::Runtime("grad can be implicitly created only for scalar outputs".into()));
                }
                if !out.dtype().is_floating_point() {
                    return Err(Error::Runtime(format!(
                        "grad can be implicitly created only for real scalar outputs but got {}",
                        out.dtype()
                    )));
                }
                Ok(out.ones_like())
            }
        })
        .collect()
}

impl Tensor {
    /// Whether gradients are recorded for this tensor (`tensor.requires_grad`).
    ///
    /// ```
    /// assert!(!torchlight::Tensor::ones(&[1]).requires_grad());
    /// ```
    #[inline]
    pub fn requires_grad(&self) -> bool {
        if self.0.base.is_none() {
            // Not a view, so there is no stale history to regenerate first.
            return self.0.meta.takes_part();
        }
        super::view_rebase::refresh(self);
        let m = self.0.meta.lock();
        m.requires_grad || m.grad_fn.is_some()
    }

    /// Sets `requires_grad` on a leaf and returns the tensor, for chaining
    /// (`tensor.requires_grad_()`).
    ///
    /// Panics with PyTorch's message on a non-leaf or a non-floating tensor.
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[3]).requires_grad_(true);
    /// assert!(w.requires_grad() && w.is_leaf());
    /// ```
    #[track_caller]
    pub fn requires_grad_(self, requires_grad: bool) -> Tensor {
        crate::error::unwrap(self.try_set_requires_grad(requires_grad));
        self
    }

    /// Sets `requires_grad` on a leaf through a shared reference.
    ///
    /// ```
    /// let w = torchlight::Tensor::zeros(&[3]);
    /// w.set_requires_grad(true);
    /// assert!(w.requires_grad());
    /// ```
    #[track_caller]
    pub fn set_requires_grad(&self, requires_grad: bool) {
        crate::error::unwrap(self.try_set_requires_grad(requires_grad))
    }

    /// Fallible twin of [`Tensor::set_requires_grad`].
    ///
    /// ```
    /// let i = torchlight::Tensor::from_slice(&[1i64]);
    /// assert!(i.try_set_requires_grad(true).is_err());
    /// ```
    pub fn try_set_requires_grad(&self, requires_grad: bool) -> Result<()> {
        let mut m = self.0.meta.lock();
        if m.grad_fn.is_some() {
            return Err(Error::Runtime(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable \
                 in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
                    .into(),
            ));
        }
        if requires_grad && !self.dtype().is_floating_point() {
            return Err(Error::Runtime("only Tensors of floating point dtype can require gradients".into()));
        }
        m.requires_grad = requires_grad;
        Ok(())
    }

    /// Whether this tensor is a leaf of the graph: it has no `grad_fn`.
    ///
    /// ```
    /// let x = torchlight::Tensor::ones(&[1]).requires_grad_(true);
    /// assert!(x.is_leaf() && !(&x * 2.0).is_leaf());
    /// ```
    pub fn is_leaf(&self) -> bool {
        super::view_rebase::refresh(self);
        self.0.meta.lock().grad_fn.is_none()
    }

    /// The node that produced this tensor (`tensor.grad_fn`).
    ///
    /// ```
    /// let x = torchlight::Tensor::ones(&[1]).requires_grad_(true);
    /// assert_eq!((&x + 1.0).grad_fn().unwrap().name(), "AddBackward0");
    /// ```
    pub fn grad_fn(&self) -> Option<Arc<Node>> {
        super::view_rebase::refresh(self);
        self.0.meta.lock().grad_fn.clone()
    }

    /// The accumulated gradient (`tensor.grad`), `None` before the first backward.
    ///
    /// ```
    /// let x = torchlight::Tensor::ones(&[2]).requires_grad_(true);
    /// (&x * 3.0).sum().backward();
    /// assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![3.0, 3.0]);
    /// ```
    pub fn grad(&self) -> Option<Tensor> {
        self.0.meta.lock().grad.clone()
    }

    /// Replaces the gradient (`tensor.grad = g`; `None` clears it).
    ///
    /// ```
    /// let x = torchlight::Tensor::ones(&[2]).requires_grad_(true);
    /// x.set_grad(None);
    /// assert!(x.grad().is_none());
    /// ```
    pub fn set_grad(&self, grad: Option<Tensor>) {
        self.0.meta.lock().grad = grad;
    }

    /// Asks a non-leaf tensor to keep its gradient in `.grad` (`tensor.retain_grad()`).
    ///
    /// ```
    /// let x = torchlight::Tensor::ones(&[2]).requires_grad_(true);
    /// let y = &x * 2.0;
    /// y.retain_grad();
    /// y.sum().backward();
    /// assert_eq!(y.grad().unwrap().to_vec::<f32>(), vec![1.0, 1.0]);
    /// ```
    #[track_caller]
    pub fn retain_grad(&self) {
        crate::error::unwrap(self.try_retain_grad())
    }

    /// Fallible twin of [`Tensor::retain_grad`].
    ///
    /// ```
    /// assert!(torchlight::Tensor::ones(&[1]).try_retain_grad().is_err());
    /// ```
    pub fn try_retain_grad(&self) -> Result<()> {
        super::view_rebase::refresh(self);
        let mut m = self.0.meta.lock();
        if !(m.requires_grad || m.grad_fn.is_some()) {
            return Err(Error::Runtime("can't retain_grad on Tensor that has requires_grad=False".into()));
        }
        if let Some(node) = &m.grad_fn {
            if !m.retains_grad {
                node.retained.lock().push((m.output_nr, Arc::downgrade(&self.0)));
                m.retains_grad = true;
            }
        }
        Ok(())
    }

    /// Whether `retain_grad()` was called on this non-leaf.
    ///
    /// ```
    /// assert!(!torchlight::Tensor::ones(&[1]).retains_grad());
    /// ```
    pub fn retains_grad(&self) -> bool {
        self.0.meta.lock().retains_grad
    }

    /// A tensor sharing this one's storage, cut from the graph (`tensor.detach()`).
    ///
    /// ```
    /// let x = torchlight::Tensor::ones(&[2]).requires_grad_(true);
    /// let d = (&x * 2.0).detach();
    /// assert!(!d.requires_grad() && d.is_leaf());
    /// ```
    pub fn detach(&self) -> Tensor {
        Tensor(Arc::new(crate::tensor::TensorImpl {
            storage: self.0.storage.clone(),
            layout: self.0.layout.clone(),
            dtype: self.0.dtype,
            meta: crate::tensor::MetaCell::new(AutogradMeta::default()),
            // Not a view for autograd: in-place ops on it leave the original's history alone.
            base: None,
        }))
    }

    /// Cuts this tensor from the graph in place (`tensor.detach_()`).
    ///
    /// ```
    /// let x = torchlight::Tensor::ones(&[2]).requires_grad_(true);
    /// let y = &x * 2.0;
    /// y.detach_();
    /// assert!(y.is_leaf() && !y.requires_grad());
    /// ```
    pub fn detach_(&self) -> &Tensor {
        let mut m = self.0.meta.lock();
        m.grad_fn = None;
        m.requires_grad = false;
        m.output_nr = 0;
        self
    }

    /// Computes the gradient of this one-element tensor with respect to the graph's leaves,
    /// accumulating into their `.grad` (`tensor.backward()`).
    ///
    /// Panics with PyTorch's message when the tensor has more than one element, does not
    /// require grad, or the graph was already freed.
    ///
    /// ```
    /// let x = torchlight::Tensor::from_slice(&[1.0f32, 2.0]).requires_grad_(true);
    /// (&x * &x).sum().backward();
    /// assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![2.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn backward(&self) {
        crate::error::unwrap(self.try_backward(BackwardOptions::default()))
    }

    /// `backward` with PyTorch's options (gradient, retain_graph, create_graph).
    ///
    /// ```
    /// use torchlight::{BackwardOptions, Tensor};
    /// let x = Tensor::ones(&[2]).requires_grad_(true);
    /// let y = &x * 2.0;
    /// y.backward_with(BackwardOptions { gradient: Some(Tensor::ones(&[2])), ..Default::default() });
    /// assert_eq!(x.grad().unwrap().to_vec::<f32>(), vec![2.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn backward_with(&self, opts: BackwardOptions) {
        crate::error::unwrap(self.try_backward(opts))
    }

    /// Fallible twin of [`Tensor::backward_with`].
    ///
    /// ```
    /// let x = torchlight::Tensor::ones(&[2]).requires_grad_(true);
    /// let err = (&x * 2.0).try_backward(Default::default()).unwrap_err();
    /// assert_eq!(err.to_string(), "grad can be implicitly created only for scalar outputs");
    /// ```
    pub fn try_backward(&self, opts: BackwardOptions) -> Result<()> {
        let roots = [self.clone()];
        let grads = make_grads(&roots, opts.gradient.as_ref().map(std::slice::from_ref))?;
        let retain = opts.retain_graph || opts.create_graph;
        run_backward(&roots, grads, retain, opts.create_graph, Target::Leaves)?;
        Ok(())
    }
}
