//! What every optimizer shares (torch's `Optimizer` base class): param groups filled from
//! defaults, per-parameter state keyed by tensor identity, `zero_grad`, and the state dict.

use super::dict::{Dict, Value};
use crate::{Error, Result, Tensor};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A group of parameters with its own hyper-parameters (one dict of torch's
/// `optimizer.param_groups`).
///
/// Options the group does not set are filled from the optimizer's defaults when the group
/// is added, as PyTorch does.
///
/// ```
/// use torchlight::{optim::{self, Optimizer, ParamGroup}, Tensor};
/// let w = Tensor::zeros(&[2]).requires_grad_(true);
/// let b = Tensor::zeros(&[1]).requires_grad_(true);
/// let groups = vec![ParamGroup::new(vec![w]), ParamGroup::new(vec![b]).with("lr", 0.01)];
/// let opt = optim::SGD::from_groups(groups, 0.1).momentum(0.9);
/// assert_eq!(opt.get_lr(), vec![0.1, 0.01]);
/// assert_eq!(opt.param_groups()[1].get("momentum").unwrap().as_f64(), Some(0.9));
/// ```
#[derive(Clone, Debug)]
pub struct ParamGroup {
    /// The parameters (leaf tensors).
    pub params: Vec<Tensor>,
    /// The group's options: `"lr"`, `"momentum"`, ... and whatever schedulers add
    /// (`"initial_lr"`).
    pub options: Dict,
}

impl ParamGroup {
    /// A group of `params` that takes every option from the optimizer's defaults.
    ///
    /// ```
    /// let g = torchlight::optim::ParamGroup::new(vec![torchlight::Tensor::zeros(&[1])]);
    /// assert!(g.options.is_empty());
    /// ```
    pub fn new(params: Vec<Tensor>) -> ParamGroup {
        ParamGroup { params, options: Dict::new() }
    }

    /// This group with option `key` set, overriding the optimizer's default.
    ///
    /// ```
    /// let g = torchlight::optim::ParamGroup::new(vec![]).with("lr", 0.01);
    /// assert_eq!(g.lr(), 0.01);
    /// ```
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> ParamGroup {
        self.options.set(key, value);
        self
    }

    /// The option `key`, if set.
    ///
    /// ```
    /// assert!(torchlight::optim::ParamGroup::new(vec![]).get("lr").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.options.get(key)
    }

    /// Sets option `key` (`group[key] = value`).
    ///
    /// ```
    /// let mut g = torchlight::optim::ParamGroup::new(vec![]);
    /// g.set("weight_decay", 0.1);
    /// assert_eq!(g.get("weight_decay").unwrap().as_f64(), Some(0.1));
    /// ```
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.options.set(key, value);
    }

    /// The group's learning rate (`group["lr"]`). Panics if the group has none yet.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::ParamGroup::new(vec![]).with("lr", 0.5).lr(), 0.5);
    /// ```
    #[track_caller]
    pub fn lr(&self) -> f64 {
        crate::error::unwrap(self.options.f64("lr"))
    }

    /// Sets the group's learning rate.
    ///
    /// ```
    /// let mut g = torchlight::optim::ParamGroup::new(vec![]);
    /// g.set_lr(0.5);
    /// assert_eq!(g.lr(), 0.5);
    /// ```
    pub fn set_lr(&mut self, lr: f64) {
        self.options.set("lr", lr);
    }
}

/// An optimizer's state as plain data, shaped like torch's `optimizer.state_dict()`:
/// `state` maps a parameter's index (counted across groups in order) to its named state
/// tensors, and each entry of `param_groups` holds the group's options plus `"params"`, the
/// list of its parameters' indices.
///
/// The tensors are copies: the dict does not change when the optimizer steps on.
///
/// ```
/// use torchlight::{optim::{self, Optimizer}, Tensor};
/// let w = Tensor::ones(&[2]).requires_grad_(true);
/// let mut opt = optim::Adam::new(vec![w.clone()], 1e-3);
/// (&w * &w).sum().backward();
/// opt.step();
/// let sd = opt.state_dict();
/// assert_eq!(sd.state[&0].keys().collect::<Vec<_>>(), vec!["exp_avg", "exp_avg_sq", "step"]);
/// assert_eq!(sd.param_groups[0].get("params"), Some(&optim::Value::from(vec![0i64])));
/// ```
#[derive(Clone, Debug, Default)]
pub struct OptimizerStateDict {
    /// Per-parameter state, by parameter index.
    pub state: BTreeMap<usize, BTreeMap<String, Tensor>>,
    /// Group options, each with a `"params"` list of indices.
    pub param_groups: Vec<Dict>,
}

/// An optimizer's per-parameter state, convertible to and from the state dict's tensors.
pub(crate) trait ParamState: Sized {
    fn to_tensors(&self) -> BTreeMap<String, Tensor>;
    fn from_tensors(t: &Tensors, param: &Tensor) -> Result<Self>;
}

/// The saved state of one parameter, with typed lookups for [`ParamState::from_tensors`].
pub(crate) struct Tensors<'a> {
    pub(crate) index: usize,
    pub(crate) map: &'a BTreeMap<String, Tensor>,
}

impl Tensors<'_> {
    /// State tensor `key`, copied and cast to the parameter's dtype, as torch's loader casts.
    pub(crate) fn tensor(&self, key: &str, param: &Tensor) -> Result<Tensor> {
        let t = self
            .map
            .get(key)
            .ok_or_else(|| Error::Value(format!("loaded state of parameter {} has no '{key}' entry", self.index)))?;
        if t.shape() != param.shape() {
            return Err(Error::Value(format!(
                "loaded state '{key}' of parameter {} has shape {:?}, but the parameter has shape {:?}",
                self.index,
                t.shape(),
                param.shape()
            )));
        }
        Ok(crate::no_grad(|| t.detach().to_dtype(param.dtype()).copy()))
    }

    pub(crate) fn optional(&self, key: &str, param: &Tensor) -> Result<Option<Tensor>> {
        if self.map.contains_key(key) {
            self.tensor(key, param).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The step counter, stored as a 0-dim tensor.
    pub(crate) fn step(&self) -> Result<f64> {
        let t = self
            .map
            .get("step")
            .ok_or_else(|| Error::Value(format!("loaded state of parameter {} has no 'step' entry", self.index)))?;
        t.try_item().map(|s| s.to_f64())
    }
}

/// torch's `_get_scalar_dtype()`: the step counter is float64 only under a float64 default.
fn step_is_f64() -> bool {
    crate::get_default_dtype() == crate::DType::F64
}

/// `step_t += 1` on the step tensor, rounded to its dtype.
pub(crate) fn inc_step(step: f64) -> f64 {
    if step_is_f64() {
        step + 1.0
    } else {
        (step as f32 + 1.0) as f64
    }
}

/// The step counter as torch stores it: a 0-dim tensor of the scalar dtype.
pub(crate) fn step_tensor(step: f64) -> Tensor {
    if step_is_f64() {
        Tensor::scalar(step)
    } else {
        Tensor::scalar(step as f32)
    }
}

/// Per-parameter state keyed by tensor identity (torch keys `optimizer.state` by the tensor
/// object). The key tensor is kept so its address cannot be reused by another tensor.
pub(crate) struct StateMap<S> {
    map: HashMap<usize, (Tensor, S)>,
}

fn key(t: &Tensor) -> usize {
    Arc::as_ptr(&t.0) as usize
}

impl<S> StateMap<S> {
    pub(crate) fn get(&self, p: &Tensor) -> Option<&S> {
        self.map.get(&key(p)).map(|(_, s)| s)
    }

    pub(crate) fn get_or_insert_with(&mut self, p: &Tensor, f: impl FnOnce() -> S) -> &mut S {
        &mut self.map.entry(key(p)).or_insert_with(|| (p.clone(), f())).1
    }

    pub(crate) fn insert(&mut self, p: &Tensor, s: S) {
        self.map.insert(key(p), (p.clone(), s));
    }

    pub(crate) fn clear(&mut self) {
        self.map.clear();
    }
}

/// The shared part of every optimizer.
pub(crate) struct Core<S> {
    pub(crate) groups: Vec<ParamGroup>,
    pub(crate) defaults: Dict,
    /// For each group, the option keys it set itself; builder methods that change a default
    /// update every other group.
    explicit: Vec<Vec<String>>,
    pub(crate) state: StateMap<S>,
}

impl<S: ParamState> Core<S> {
    /// torch's `Optimizer.__init__`: refuses an empty parameter list, then adds each group.
    pub(crate) fn new(groups: Vec<ParamGroup>, defaults: Dict) -> Result<Core<S>> {
        if groups.is_empty() {
            return Err(Error::Value("optimizer got an empty parameter list".into()));
        }
        let mut core = Core { groups: vec![], defaults, explicit: vec![], state: StateMap { map: HashMap::new() } };
        for g in groups {
            core.add_param_group(g)?;
        }
        Ok(core)
    }

    /// torch's `add_param_group`: leaf check, defaults, duplicate checks.
    pub(crate) fn add_param_group(&mut self, mut group: ParamGroup) -> Result<()> {
        if group.params.iter().any(|p| !(p.is_leaf() || p.retains_grad())) {
            return Err(Error::Value("can't optimize a non-leaf Tensor".into()));
        }
        let explicit: Vec<String> = group.options.keys().map(str::to_string).collect();
        for (k, v) in self.defaults.iter() {
            group.options.setdefault(k, v.clone());
        }
        let mut seen = std::collections::HashSet::new();
        if !group.params.iter().all(|p| seen.insert(key(p))) {
            eprintln!(
                "UserWarning: optimizer contains a parameter group with duplicate parameters; in future, this will \
                 cause an error; see github.com/pytorch/pytorch/issues/40967 for more information"
            );
        }
        let overlap = self.groups.iter().flat_map(|g| &g.params).any(|p| seen.contains(&key(p)));
        if overlap {
            return Err(Error::Value("some parameters appear in more than one parameter group".into()));
        }
        self.groups.push(group);
        self.explicit.push(explicit);
        Ok(())
    }

    /// Changes a default and every group that did not set `key` itself.
    pub(crate) fn set_default(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        self.defaults.set(key, value.clone());
        for (g, ex) in self.groups.iter_mut().zip(&self.explicit) {
            if !ex.iter().any(|k| k == key) {
                g.options.set(key, value.clone());
            }
        }
    }

    pub(crate) fn state_dict(&self) -> OptimizerStateDict {
        let mut out = OptimizerStateDict::default();
        let mut index = 0usize;
        for g in &self.groups {
            let mut ids = vec![];
            for p in &g.params {
                if let Some(s) = self.state.get(p) {
                    out.state.insert(index, s.to_tensors());
                }
                ids.push(index as i64);
                index += 1;
            }
            let mut d = g.options.clone();
            d.set("params", ids);
            out.param_groups.push(d);
        }
        out
    }

    /// torch's `load_state_dict`: same group count and sizes, state matched by position,
    /// group options replaced by the saved ones (the parameters stay).
    pub(crate) fn load_state_dict(&mut self, sd: &OptimizerStateDict) -> Result<()> {
        if sd.param_groups.len() != self.groups.len() {
            return Err(Error::Value("loaded state dict has a different number of parameter groups".into()));
        }
        let mut saved_ids = vec![];
        for (g, saved) in self.groups.iter().zip(&sd.param_groups) {
            let ids = match saved.get("params") {
                Some(Value::List(v)) => v.iter().map(Value::as_i64).collect::<Option<Vec<_>>>(),
                _ => None,
            }
            .ok_or_else(|| Error::Value("loaded param group has no 'params' list of indices".into()))?;
            if ids.len() != g.params.len() {
                return Err(Error::Value(
                    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
                        .into(),
                ));
            }
            saved_ids.extend(ids);
        }
        let params: Vec<Tensor> = self.groups.iter().flat_map(|g| g.params.iter().cloned()).collect();
        let mut states = vec![];
        for (saved_id, p) in saved_ids.iter().zip(&params) {
            if let Some(map) = usize::try_from(*saved_id).ok().and_then(|i| sd.state.get(&i)) {
                states.push((p.clone(), S::from_tensors(&Tensors { index: *saved_id as usize, map }, p)?));
            }
        }
        self.state.clear();
        for (p, s) in states {
            self.state.insert(&p, s);
        }
        for (g, saved) in self.groups.iter_mut().zip(&sd.param_groups) {
            let mut options = saved.clone();
            options.remove("params");
            g.options = options;
        }
        Ok(())
    }
}

/// The parameters as one group, or none (so that an empty list is refused).
pub(crate) fn single_group(params: Vec<Tensor>) -> Vec<ParamGroup> {
    if params.is_empty() {
        vec![]
    } else {
        vec![ParamGroup::new(params)]
    }
}

/// Checks `0 <= value` (which also refuses NaN) with torch's ValueError text.
pub(crate) fn check_nonneg(value: f64, what: &str) -> Result<()> {
    if 0.0 <= value {
        Ok(())
    } else {
        Err(Error::Value(format!("Invalid {what}: {}", crate::format::python_repr(value))))
    }
}

/// Implements [`Optimizer`](super::Optimizer) for a type with a `core` field and a
/// `step_impl` method.
macro_rules! impl_optimizer {
    ([$($gen:tt)*] $ty:ty) => {
        impl<$($gen)*> $crate::optim::Optimizer for $ty {
            fn try_step(&mut self) -> $crate::Result<()> {
                let _guard = $crate::set_grad_enabled(false);
                self.step_impl()
            }
            fn param_groups(&self) -> &[$crate::optim::ParamGroup] {
                &self.core.groups
            }
            fn param_groups_mut(&mut self) -> &mut [$crate::optim::ParamGroup] {
                &mut self.core.groups
            }
            fn defaults(&self) -> &$crate::optim::Dict {
                &self.core.defaults
            }
            fn try_add_param_group(&mut self, group: $crate::optim::ParamGroup) -> $crate::Result<()> {
                self.core.add_param_group(group)
            }
            fn state_dict(&self) -> $crate::optim::OptimizerStateDict {
                self.core.state_dict()
            }
            fn try_load_state_dict(&mut self, state_dict: &$crate::optim::OptimizerStateDict) -> $crate::Result<()> {
                self.core.load_state_dict(state_dict)
            }
        }
    };
}
pub(crate) use impl_optimizer;
