//! The [`Module`] trait: a layer or model with parameters, buffers and sub-modules, traversed
//! in PyTorch's registration order and naming.
//!
//! A module describes its own members through [`Module::visit`] (written by
//! `#[derive(Module)]` or by hand); every other method (`parameters`, `state_dict`, `train`,
//! ...) is built on that.

use super::state_dict::{load_state_dict, IncompatibleKeys, StateDict};
use super::traverse::{default_repr, join, members, save_state, tensor_id, walk_modules, Convert};
use crate::{DType, Result, Tensor};
use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Receives a module's own members, in registration order (see [`Module::visit`]).
///
/// ```
/// use torchlight::nn::{self, Module, Visitor};
/// struct Names(Vec<String>);
/// impl<'a> Visitor<'a> for Names {
///     fn param(&mut self, name: &str, _: &'a torchlight::Tensor) { self.0.push(name.into()); }
/// }
/// let mut names = Names(vec![]);
/// nn::Linear::new(2, 1).visit(&mut names);
/// assert_eq!(names.0, ["weight", "bias"]);
/// ```
pub trait Visitor<'a> {
    /// A parameter of the module itself.
    fn param(&mut self, name: &str, param: &'a Tensor) {
        let _ = (name, param);
    }
    /// A buffer of the module itself; non-persistent buffers are left out of `state_dict`.
    fn buffer(&mut self, name: &str, buffer: &'a Tensor, persistent: bool) {
        let _ = (name, buffer, persistent);
    }
    /// A direct sub-module.
    fn child(&mut self, name: &str, module: &'a dyn Module) {
        let _ = (name, module);
    }
}

/// Receives a module's own members mutably (see [`Module::visit_mut`]); used to replace
/// tensors, as dtype conversion does.
///
/// ```
/// use torchlight::nn::{self, Module, VisitorMut};
/// struct Zero;
/// impl VisitorMut for Zero {
///     fn param(&mut self, _: &str, p: &mut torchlight::Tensor) { *p = p.zeros_like(); }
/// }
/// let mut lin = nn::Linear::new(2, 1);
/// lin.visit_mut(&mut Zero);
/// assert_eq!(lin.weight.to_vec::<f32>(), vec![0.0, 0.0]);
/// ```
pub trait VisitorMut {
    /// A parameter of the module itself.
    fn param(&mut self, name: &str, param: &mut Tensor) {
        let _ = (name, param);
    }
    /// A buffer of the module itself.
    fn buffer(&mut self, name: &str, buffer: &mut Tensor, persistent: bool) {
        let _ = (name, buffer, persistent);
    }
    /// A direct sub-module.
    fn child(&mut self, name: &str, module: &mut dyn Module) {
        let _ = (name, module);
    }
}

/// A module's `training` flag. Modules are used through `&self`, so `train()` / `eval()`
/// flip it through an atomic. New modules start in training mode, as in PyTorch.
///
/// ```
/// let f = torchlight::nn::TrainingFlag::default();
/// assert!(f.get());
/// f.set(false);
/// assert!(!f.get());
/// ```
#[derive(Debug)]
pub struct TrainingFlag(AtomicBool);

impl TrainingFlag {
    /// The current mode: `true` in training mode.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Sets the mode.
    pub fn set(&self, training: bool) {
        self.0.store(training, Ordering::Relaxed)
    }
}

impl Default for TrainingFlag {
    fn default() -> Self {
        TrainingFlag(AtomicBool::new(true))
    }
}

impl Clone for TrainingFlag {
    fn clone(&self) -> Self {
        TrainingFlag(AtomicBool::new(self.get()))
    }
}

/// Upcasts for [`Module`]; implemented for every module automatically.
#[doc(hidden)]
pub trait ModuleCast {
    /// The module as `Any`, for downcasting.
    fn as_any(&self) -> &dyn Any;
    /// The module as a trait object.
    fn as_dyn_module(&self) -> &dyn Module;
}

impl<T: Module> ModuleCast for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_dyn_module(&self) -> &dyn Module {
        self
    }
}

/// A neural-network module (`torch.nn.Module`): a function of a tensor with parameters,
/// buffers and sub-modules.
///
/// Implement it with `#[derive(Module)]` and an inherent `forward`, as in PyTorch:
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
///
/// #[derive(Module)]
/// struct Net {
///     fc: nn::Linear,
///     scale: nn::Parameter,
/// }
///
/// impl Net {
///     fn forward(&self, x: &Tensor) -> Tensor {
///         self.fc.forward(x) * &self.scale
///     }
/// }
///
/// let net = Net { fc: nn::Linear::new(3, 2), scale: nn::Parameter(Tensor::ones(&[])) };
/// let names: Vec<String> = net.named_parameters().into_iter().map(|(n, _)| n).collect();
/// assert_eq!(names, ["scale", "fc.weight", "fc.bias"]);
/// assert_eq!(net.forward(&Tensor::ones(&[4, 3])).shape(), &[4, 2]);
/// ```
///
/// Parameters are named like PyTorch's (`fc.weight`, `0.bias`), a module's own parameters
/// come before its children's, and a parameter or module shared twice (through `Arc`) is
/// listed once.
pub trait Module: ModuleCast + Send + Sync + 'static {
    /// Computes the module's output (`module(input)`).
    ///
    /// The default panics with PyTorch's message, as containers such as `ModuleList` do.
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, Tensor};
    /// let y = nn::Linear::new(3, 2).forward(&Tensor::ones(&[4, 3]));
    /// assert_eq!(y.shape(), &[4, 2]);
    /// ```
    #[track_caller]
    fn forward(&self, input: &Tensor) -> Tensor {
        let _ = input;
        panic!("Module [{}] is missing the required \"forward\" function", self.type_name())
    }

    /// Passes the module's own parameters, buffers and direct sub-modules to `v`, in
    /// registration order. `None` members are left out.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add(nn::Linear::new(2, 2));
    /// assert_eq!(seq.named_children()[0].0, "0");
    /// ```
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>);

    /// Like [`Module::visit`], with mutable access, so that tensors can be replaced.
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, DType};
    /// let mut lin = nn::Linear::new(2, 2);
    /// lin.to_dtype_(DType::F64);
    /// assert_eq!(lin.weight.dtype(), DType::F64);
    /// ```
    fn visit_mut(&mut self, v: &mut dyn VisitorMut);

    /// The module's own `training` flag, if it keeps one. A module without one reports the
    /// mode of its first child.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert!(nn::Linear::new(1, 1).training_flag().is_some());
    /// ```
    fn training_flag(&self) -> Option<&TrainingFlag> {
        None
    }

    /// The class name used in messages and printing (`Sequential`, `Linear`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::Linear::new(1, 1).type_name(), "Linear");
    /// ```
    fn type_name(&self) -> String {
        let full = std::any::type_name::<Self>();
        let base = full.split('<').next().unwrap_or(full);
        base.rsplit("::").next().unwrap_or(base).to_string()
    }

    /// The module's own settings for printing (`in_features=3, out_features=2, bias=True`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::Flatten::new(0, 1).extra_repr(), "start_dim=0, end_dim=1");
    /// ```
    fn extra_repr(&self) -> String {
        String::new()
    }

    /// The module printed as PyTorch prints it (`repr(module)`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add(nn::Linear::new(3, 1));
    /// assert_eq!(seq.repr(), "Sequential(\n  (0): Linear(in_features=3, out_features=1, bias=True)\n)");
    /// ```
    fn repr(&self) -> String {
        default_repr(self.as_dyn_module())
    }

    /// For wrappers (`Box`, `Arc`): the wrapped module, so that downcasts see through them.
    #[doc(hidden)]
    fn inner_module(&self) -> Option<&dyn Module> {
        None
    }

    /// For modules that can be reached twice (`Arc`): an identity, so that traversals list
    /// them once. Owned modules cannot be shared, so they need none.
    #[doc(hidden)]
    fn shared_id(&self) -> Option<usize> {
        None
    }

    /// All parameters, in registration order, each once (`module.parameters()`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert_eq!(nn::Linear::new(3, 2).parameters().len(), 2);
    /// ```
    fn parameters(&self) -> Vec<Tensor> {
        self.named_parameters().into_iter().map(|(_, p)| p).collect()
    }

    /// All parameters with their dotted names (`module.named_parameters()`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add(nn::Linear::new(3, 2));
    /// assert_eq!(seq.named_parameters()[1].0, "0.bias");
    /// ```
    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (prefix, m) in self.named_modules() {
            for (name, p) in members(m).params {
                if seen.insert(tensor_id(p)) {
                    out.push((join(&prefix, &name), p.clone()));
                }
            }
        }
        out
    }

    /// All buffers, persistent or not, each once (`module.buffers()`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert!(nn::Linear::new(3, 2).buffers().is_empty());
    /// ```
    fn buffers(&self) -> Vec<Tensor> {
        self.named_buffers().into_iter().map(|(_, b)| b).collect()
    }

    /// All buffers with their dotted names (`module.named_buffers()`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert!(nn::Linear::new(3, 2).named_buffers().is_empty());
    /// ```
    fn named_buffers(&self) -> Vec<(String, Tensor)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (prefix, m) in self.named_modules() {
            for (name, b, _) in members(m).buffers {
                if seen.insert(tensor_id(b)) {
                    out.push((join(&prefix, &name), b.clone()));
                }
            }
        }
        out
    }

    /// The direct sub-modules, each once (`module.children()`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add(nn::Linear::new(3, 2)).add(nn::Identity::new());
    /// assert_eq!(seq.children().len(), 2);
    /// ```
    fn children(&self) -> Vec<&dyn Module> {
        self.named_children().into_iter().map(|(_, m)| m).collect()
    }

    /// The direct sub-modules with their names (`module.named_children()`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add(nn::Linear::new(3, 2));
    /// assert_eq!(seq.named_children()[0].1.type_name(), "Linear");
    /// ```
    fn named_children(&self) -> Vec<(String, &dyn Module)> {
        let mut seen = HashSet::new();
        members(self.as_dyn_module())
            .children
            .into_iter()
            .filter(|(_, m)| m.shared_id().is_none_or(|id| seen.insert(id)))
            .collect()
    }

    /// This module and all sub-modules, pre-order, each once (`module.modules()`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add(nn::Linear::new(3, 2));
    /// assert_eq!(seq.modules().len(), 2);
    /// ```
    fn modules(&self) -> Vec<&dyn Module> {
        self.named_modules().into_iter().map(|(_, m)| m).collect()
    }

    /// This module (named `""`) and all sub-modules with dotted names
    /// (`module.named_modules()`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add(nn::Linear::new(3, 2));
    /// let names: Vec<String> = seq.named_modules().into_iter().map(|(n, _)| n).collect();
    /// assert_eq!(names, ["", "0"]);
    /// ```
    fn named_modules(&self) -> Vec<(String, &dyn Module)> {
        let mut out = Vec::new();
        walk_modules(self.as_dyn_module(), String::new(), &mut HashSet::new(), &mut out);
        out
    }

    /// Sets training mode on this module and all sub-modules (`module.train(mode)`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add(nn::Dropout::new(0.5));
    /// seq.train(false);
    /// assert!(!seq.children()[0].is_training());
    /// ```
    fn train(&self, mode: bool) {
        if let Some(flag) = self.training_flag() {
            flag.set(mode);
        }
        for child in self.children() {
            child.train(mode);
        }
    }

    /// Evaluation mode: `train(false)` (`module.eval()`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let d = nn::Dropout::new(0.5);
    /// d.eval();
    /// assert!(!d.is_training());
    /// ```
    fn eval(&self) {
        self.train(false)
    }

    /// Whether the module is in training mode (`module.training`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// assert!(nn::Linear::new(1, 1).is_training());
    /// ```
    fn is_training(&self) -> bool {
        match self.training_flag() {
            Some(flag) => flag.get(),
            None => self.children().first().is_none_or(|c| c.is_training()),
        }
    }

    /// Resets the gradients of all parameters to `None` (`module.zero_grad()`).
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, Tensor};
    /// let lin = nn::Linear::new(2, 1);
    /// lin.forward(&Tensor::ones(&[1, 2])).sum().backward();
    /// lin.zero_grad();
    /// assert!(lin.weight.grad().is_none());
    /// ```
    fn zero_grad(&self) {
        for p in self.parameters() {
            p.set_grad(None);
        }
    }

    /// Sets `requires_grad` on all parameters, e.g. to freeze a layer
    /// (`module.requires_grad_(flag)`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let lin = nn::Linear::new(2, 1);
    /// lin.requires_grad_(false);
    /// assert!(!lin.weight.requires_grad());
    /// ```
    #[track_caller]
    fn requires_grad_(&self, requires_grad: bool) {
        for p in self.parameters() {
            p.set_requires_grad(requires_grad);
        }
    }

    /// Calls `f` on every sub-module and then on this module, children first
    /// (`module.apply(fn)`); typically used to initialise weights.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add(nn::Linear::new(2, 2));
    /// seq.apply(&mut |m| {
    ///     if let Some(lin) = m.downcast_ref::<nn::Linear>() {
    ///         nn::init::zeros_(&lin.weight);
    ///     }
    /// });
    /// assert_eq!(seq.get::<nn::Linear>(0).unwrap().weight.to_vec::<f32>(), vec![0.0; 4]);
    /// ```
    fn apply(&self, f: &mut dyn FnMut(&dyn Module)) {
        for child in self.children() {
            child.apply(f);
        }
        f(self.as_dyn_module())
    }

    /// Converts all floating-point parameters and buffers (and their gradients) to `dtype`,
    /// in place (`module.to(dtype)`). Integer buffers are kept. Tensors shared between
    /// modules stay shared.
    ///
    /// Optimizers hold the parameters they were given: convert before building one.
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, DType};
    /// let mut lin = nn::Linear::new(2, 2);
    /// lin.to_dtype_(DType::F64);
    /// assert_eq!(lin.bias.as_ref().unwrap().dtype(), DType::F64);
    /// ```
    fn to_dtype_(&mut self, dtype: DType) {
        self.visit_mut(&mut Convert { dtype, done: HashMap::new() });
    }

    /// [`Module::to_dtype_`] in builder form.
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, DType};
    /// let lin = nn::Linear::new(2, 2).to_dtype(DType::F64);
    /// assert_eq!(lin.weight.dtype(), DType::F64);
    /// ```
    fn to_dtype(mut self, dtype: DType) -> Self
    where
        Self: Sized,
    {
        self.to_dtype_(dtype);
        self
    }

    /// `module.double()`: floating-point members to float64.
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, DType};
    /// assert_eq!(nn::Linear::new(2, 2).double().weight.dtype(), DType::F64);
    /// ```
    fn double(self) -> Self
    where
        Self: Sized,
    {
        self.to_dtype(DType::F64)
    }

    /// `module.float()`: floating-point members to float32.
    ///
    /// ```
    /// use torchlight::{nn, nn::Module, DType};
    /// assert_eq!(nn::Linear::new(2, 2).double().float().weight.dtype(), DType::F32);
    /// ```
    fn float(self) -> Self
    where
        Self: Sized,
    {
        self.to_dtype(DType::F32)
    }

    /// The parameters and persistent buffers, detached, under dotted names
    /// (`module.state_dict()`). A module reached twice is saved under both names.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add(nn::Linear::new(3, 2));
    /// assert_eq!(seq.state_dict().keys().collect::<Vec<_>>(), ["0.weight", "0.bias"]);
    /// ```
    fn state_dict(&self) -> StateDict {
        let mut sd = StateDict::new();
        save_state(self.as_dyn_module(), "", &mut sd);
        sd
    }

    /// Copies the values of `state_dict` into the parameters and buffers
    /// (`module.load_state_dict(state_dict, strict)`).
    ///
    /// Fails with PyTorch's message on shape mismatches, and, when `strict`, on missing or
    /// unexpected keys. Otherwise returns the keys that did not match.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let a = nn::Linear::new(3, 2);
    /// let b = nn::Linear::new(3, 2);
    /// b.load_state_dict(&a.state_dict(), true).unwrap();
    /// assert!(b.weight.equal(&a.weight));
    /// ```
    fn load_state_dict(&self, state_dict: &StateDict, strict: bool) -> Result<IncompatibleKeys> {
        load_state_dict(self.as_dyn_module(), state_dict, strict)
    }

    /// Writes [`Module::state_dict`] to a safetensors file, replacing it atomically
    /// (`safetensors.torch.save_file(module.state_dict(), path)`). For header metadata, call
    /// [`save_file`](crate::save_file) directly.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let path = std::env::temp_dir().join(format!("module-save-doc-{}.safetensors", std::process::id()));
    /// nn::Linear::new(3, 2).save_file(&path).unwrap();
    /// assert_eq!(torchlight::load_file(&path).unwrap().len(), 2);
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    fn save_file(&self, path: impl AsRef<Path>) -> Result<()>
    where
        Self: Sized,
    {
        crate::serialize::save_file(&self.state_dict(), path, None)
    }

    /// Loads a safetensors file into the parameters and buffers:
    /// `module.load_state_dict(load_file(path), strict)`.
    ///
    /// File errors are those of [`load_file`](crate::load_file); key and shape mismatches are
    /// those of [`Module::load_state_dict`], with PyTorch's message. Values are converted to
    /// each parameter's dtype, as PyTorch's `param.copy_(input_param)` does.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let path = std::env::temp_dir().join(format!("module-load-doc-{}.safetensors", std::process::id()));
    /// let a = nn::Linear::new(3, 2);
    /// a.save_file(&path).unwrap();
    /// let b = nn::Linear::new(3, 2);
    /// assert!(b.load_file(&path, true).unwrap().missing_keys.is_empty());
    /// assert!(b.weight.equal(&a.weight));
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    fn load_file(&self, path: impl AsRef<Path>, strict: bool) -> Result<IncompatibleKeys>
    where
        Self: Sized,
    {
        self.load_state_dict(&crate::serialize::load_file(path)?, strict)
    }
}

impl dyn Module {
    /// The module as a `T`, if it is one (seeing through `Box` and `Arc`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let m: Box<dyn Module> = Box::new(nn::Linear::new(3, 2));
    /// assert_eq!(m.downcast_ref::<nn::Linear>().unwrap().out_features, 2);
    /// assert!(m.downcast_ref::<nn::Flatten>().is_none());
    /// ```
    pub fn downcast_ref<T: Module>(&self) -> Option<&T> {
        let mut m: &dyn Module = self;
        loop {
            if let Some(t) = m.as_any().downcast_ref::<T>() {
                return Some(t);
            }
            m = m.inner_module()?;
        }
    }

    /// Whether the module is a `T` (`isinstance(module, T)`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let m: Box<dyn Module> = Box::new(nn::Identity::new());
    /// assert!(m.is::<nn::Identity>());
    /// ```
    pub fn is<T: Module>(&self) -> bool {
        self.downcast_ref::<T>().is_some()
    }
}

impl std::fmt::Display for dyn Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.repr())
    }
}

impl std::fmt::Debug for dyn Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.repr())
    }
}
