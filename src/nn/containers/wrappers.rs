//! `Module` for the standard wrappers: `Box<M>` and `Arc<M>` (shared modules) are
//! transparent, `Vec<M>` is a `ModuleList` and `Vec<Tensor>` a `ParameterList`.

use super::module_list::list_repr;
use crate::nn::{Module, TrainingFlag, Visitor, VisitorMut};
use crate::Tensor;
use std::sync::Arc;

macro_rules! delegate_to_inner {
    () => {
        fn forward(&self, input: &Tensor) -> Tensor {
            (**self).forward(input)
        }
        fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
            (**self).visit(v)
        }
        fn training_flag(&self) -> Option<&TrainingFlag> {
            (**self).training_flag()
        }
        fn type_name(&self) -> String {
            (**self).type_name()
        }
        fn extra_repr(&self) -> String {
            (**self).extra_repr()
        }
        fn repr(&self) -> String {
            (**self).repr()
        }
        fn inner_module(&self) -> Option<&dyn Module> {
            Some((**self).as_dyn_module())
        }
    };
}

/// A boxed module is the module it holds.
///
/// ```
/// use torchlight::nn::{self, Module};
/// let m: Box<dyn Module> = Box::new(nn::Linear::new(2, 1));
/// assert_eq!(m.parameters().len(), 2);
/// ```
impl<M: Module + ?Sized> Module for Box<M> {
    delegate_to_inner!();
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        (**self).visit_mut(v)
    }
    fn shared_id(&self) -> Option<usize> {
        (**self).shared_id()
    }
}

/// A module shared between several parents (`Sequential(l, l)` in PyTorch): listed once by
/// `parameters()` and `modules()`, saved under every name by `state_dict()`.
///
/// `visit_mut` (dtype conversion) panics while the module is shared.
///
/// ```
/// use std::sync::Arc;
/// use torchlight::nn::{self, Module};
/// let l = Arc::new(nn::Linear::new(2, 2));
/// let seq = nn::Sequential::new().add(l.clone()).add(l);
/// assert_eq!(seq.parameters().len(), 2);
/// assert_eq!(seq.state_dict().len(), 4);
/// ```
impl<M: Module + ?Sized> Module for Arc<M> {
    delegate_to_inner!();
    #[track_caller]
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        match Arc::get_mut(self) {
            Some(m) => m.visit_mut(v),
            None => panic!("cannot modify a module shared through Arc in place; convert it before sharing it"),
        }
    }
    fn shared_id(&self) -> Option<usize> {
        Some(Arc::as_ptr(self) as *const () as usize)
    }
}

/// A `Vec` of modules is PyTorch's `ModuleList`: children named `0`, `1`, ...
///
/// ```
/// use torchlight::nn::{self, Module};
/// let layers = vec![nn::Linear::new(2, 2), nn::Linear::new(2, 2)];
/// assert_eq!(layers.state_dict().keys().collect::<Vec<_>>(), ["0.weight", "0.bias", "1.weight", "1.bias"]);
/// ```
impl<M: Module> Module for Vec<M> {
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
        for (i, m) in self.iter().enumerate() {
            v.child(&i.to_string(), m);
        }
    }
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        for (i, m) in self.iter_mut().enumerate() {
            v.child(&i.to_string(), m);
        }
    }
    fn type_name(&self) -> String {
        "ModuleList".into()
    }
    fn repr(&self) -> String {
        list_repr("ModuleList", self.iter().map(|m| m.repr()).collect())
    }
}

/// A `Vec` of tensors is PyTorch's `ParameterList`: parameters named `0`, `1`, ...
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let ps = vec![nn::Parameter(Tensor::zeros(&[2])), nn::Parameter(Tensor::zeros(&[3]))];
/// assert_eq!(ps.named_parameters()[1].0, "1");
/// ```
impl Module for Vec<Tensor> {
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
        for (i, p) in self.iter().enumerate() {
            v.param(&i.to_string(), p);
        }
    }
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        for (i, p) in self.iter_mut().enumerate() {
            v.param(&i.to_string(), p);
        }
    }
    fn type_name(&self) -> String {
        "ParameterList".into()
    }
    fn extra_repr(&self) -> String {
        let lines: Vec<String> = self
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let size: Vec<String> = p.shape().iter().map(|s| s.to_string()).collect();
                let kind = if p.is_leaf() && p.requires_grad() { "Parameter" } else { "Tensor" };
                format!("  ({i}): {kind} containing: [{} of size {}]", p.dtype(), size.join("x"))
            })
            .collect();
        lines.join("\n")
    }
}
