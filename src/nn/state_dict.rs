//! [`StateDict`], the ordered name → tensor map of a module's state, and
//! `load_state_dict` with PyTorch's key matching and messages.

use super::module::Module;
use super::traverse::members;
use crate::tensor::layout::torch_size_str;
use crate::{Error, Result, Tensor};
use std::collections::HashMap;

/// An ordered map from dotted names to tensors (PyTorch's `OrderedDict` state dict).
///
/// Keys keep their insertion order; inserting an existing key replaces its value in place,
/// as a Python dict does.
///
/// ```
/// use torchlight::{nn::StateDict, Tensor};
/// let mut sd = StateDict::new();
/// sd.insert("0.weight", Tensor::zeros(&[2, 3]));
/// sd.insert("0.bias", Tensor::zeros(&[2]));
/// assert_eq!(sd.keys().collect::<Vec<_>>(), ["0.weight", "0.bias"]);
/// assert_eq!(sd["0.bias"].shape(), &[2]);
/// ```
#[derive(Clone, Default)]
pub struct StateDict {
    entries: Vec<(String, Tensor)>,
    index: HashMap<String, usize>,
}

impl StateDict {
    /// An empty state dict.
    ///
    /// ```
    /// assert!(torchlight::nn::StateDict::new().is_empty());
    /// ```
    pub fn new() -> StateDict {
        StateDict::default()
    }

    /// Inserts or replaces an entry; returns the previous tensor under that key.
    ///
    /// ```
    /// use torchlight::{nn::StateDict, Tensor};
    /// let mut sd = StateDict::new();
    /// assert!(sd.insert("w", Tensor::zeros(&[1])).is_none());
    /// assert!(sd.insert("w", Tensor::ones(&[1])).is_some());
    /// assert_eq!(sd.len(), 1);
    /// ```
    pub fn insert(&mut self, key: impl Into<String>, tensor: Tensor) -> Option<Tensor> {
        let key = key.into();
        match self.index.get(&key) {
            Some(&i) => Some(std::mem::replace(&mut self.entries[i].1, tensor)),
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, tensor));
                None
            }
        }
    }

    /// The tensor under `key`.
    ///
    /// ```
    /// use torchlight::{nn::StateDict, Tensor};
    /// let sd: StateDict = [("w".to_string(), Tensor::zeros(&[1]))].into_iter().collect();
    /// assert!(sd.get("w").is_some() && sd.get("b").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Tensor> {
        self.index.get(key).map(|&i| &self.entries[i].1)
    }

    /// Whether `key` is present.
    ///
    /// ```
    /// assert!(!torchlight::nn::StateDict::new().contains_key("w"));
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }

    /// Removes an entry, keeping the order of the others.
    ///
    /// ```
    /// use torchlight::{nn::StateDict, Tensor};
    /// let mut sd: StateDict = [("a".to_string(), Tensor::zeros(&[1])), ("b".to_string(), Tensor::zeros(&[1]))]
    ///     .into_iter()
    ///     .collect();
    /// sd.remove("a");
    /// assert_eq!(sd.keys().collect::<Vec<_>>(), ["b"]);
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<Tensor> {
        let i = self.index.remove(key)?;
        let (_, t) = self.entries.remove(i);
        for (_, j) in self.index.iter_mut() {
            if *j > i {
                *j -= 1;
            }
        }
        Some(t)
    }

    /// The number of entries.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::StateDict::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    ///
    /// ```
    /// assert!(torchlight::nn::StateDict::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys in order.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::StateDict::new().keys().count(), 0);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// The tensors in order.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::StateDict::new().values().count(), 0);
    /// ```
    pub fn values(&self) -> impl Iterator<Item = &Tensor> + '_ {
        self.entries.iter().map(|(_, t)| t)
    }

    /// `(key, tensor)` pairs in order.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// for (name, t) in nn::Linear::new(3, 2).state_dict().iter() {
    ///     assert!(name == "weight" || t.shape() == &[2]);
    /// }
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Tensor)> + '_ {
        self.entries.iter().map(|(k, t)| (k.as_str(), t))
    }
}

impl std::ops::Index<&str> for StateDict {
    type Output = Tensor;
    #[track_caller]
    fn index(&self, key: &str) -> &Tensor {
        self.get(key).unwrap_or_else(|| panic!("KeyError: '{key}'"))
    }
}

impl FromIterator<(String, Tensor)> for StateDict {
    fn from_iter<I: IntoIterator<Item = (String, Tensor)>>(iter: I) -> Self {
        let mut sd = StateDict::new();
        for (k, t) in iter {
            sd.insert(k, t);
        }
        sd
    }
}

impl IntoIterator for StateDict {
    type Item = (String, Tensor);
    type IntoIter = std::vec::IntoIter<(String, Tensor)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl std::fmt::Debug for StateDict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.entries.iter().map(|(k, t)| (k, t.shape()))).finish()
    }
}

/// The keys that did not match in a non-strict `load_state_dict` (PyTorch's
/// `_IncompatibleKeys`).
///
/// ```
/// use torchlight::nn::{self, Module, StateDict};
/// let keys = nn::Linear::new(2, 2).load_state_dict(&StateDict::new(), false).unwrap();
/// assert_eq!(keys.missing_keys, ["weight", "bias"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IncompatibleKeys {
    /// Keys the module has and the state dict lacks.
    pub missing_keys: Vec<String>,
    /// Keys the state dict has and the module lacks.
    pub unexpected_keys: Vec<String>,
}

struct LoadState {
    missing: Vec<String>,
    unexpected: Vec<String>,
    errors: Vec<String>,
}

/// `Module.load_state_dict`: each module loads its own entries (`_load_from_state_dict`),
/// then its children load the entries under their prefix.
pub(crate) fn load_state_dict(m: &dyn Module, sd: &StateDict, strict: bool) -> Result<IncompatibleKeys> {
    let mut st = LoadState { missing: vec![], unexpected: vec![], errors: vec![] };
    let keys: Vec<&str> = sd.keys().collect();
    load_module(m, sd, &keys, "", &mut st);
    let mut msgs = Vec::new();
    if strict {
        if !st.missing.is_empty() {
            msgs.push(format!("Missing key(s) in state_dict: {}. ", quoted(&st.missing)));
        }
        if !st.unexpected.is_empty() {
            msgs.push(format!("Unexpected key(s) in state_dict: {}. ", quoted(&st.unexpected)));
        }
    }
    msgs.extend(st.errors);
    if !msgs.is_empty() {
        return Err(Error::Runtime(format!(
            "Error(s) in loading state_dict for {}:\n\t{}",
            m.type_name(),
            msgs.join("\n\t")
        )));
    }
    Ok(IncompatibleKeys { missing_keys: st.missing, unexpected_keys: st.unexpected })
}

fn quoted(keys: &[String]) -> String {
    keys.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
}

fn load_module(m: &dyn Module, sd: &StateDict, keys: &[&str], prefix: &str, st: &mut LoadState) {
    let own = members(m);
    let local: Vec<(&str, &Tensor)> = own
        .params
        .iter()
        .map(|(n, t)| (n.as_str(), *t))
        .chain(own.buffers.iter().filter(|(_, _, p)| *p).map(|(n, t, _)| (n.as_str(), *t)))
        .collect();
    for &(name, param) in &local {
        let key = format!("{prefix}{name}");
        let Some(input) = sd.get(&key) else {
            st.missing.push(key);
            continue;
        };
        // Checkpoints from PyTorch 0.3 stored scalars as one-element vectors.
        let input =
            if param.dim() == 0 && input.dim() == 1 && input.numel() > 0 { input.select(0, 0) } else { input.clone() };
        if input.shape() != param.shape() {
            st.errors.push(format!(
                "size mismatch for {key}: copying a param with shape {} from checkpoint, the shape in current model is {}.",
                torch_size_str(input.shape()),
                torch_size_str(param.shape())
            ));
            continue;
        }
        if let Err(e) = crate::no_grad(|| param.try_copy_(&input)) {
            st.errors.push(format!(
                "While copying the parameter named \"{key}\", whose dimensions in the model are {} and whose \
                 dimensions in the checkpoint are {}, an exception occurred : ('{e}',).",
                torch_size_str(param.shape()),
                torch_size_str(input.shape())
            ));
        }
    }
    for &key in keys {
        let Some(rest) = key.strip_prefix(prefix) else { continue };
        let unexpected = match rest.split_once('.') {
            Some((head, _)) => !own.children.iter().any(|(n, _)| n == head),
            None => !local.iter().any(|(n, _)| *n == rest),
        };
        if unexpected {
            st.unexpected.push(key.to_string());
        }
    }
    for (name, child) in &own.children {
        let child_prefix = format!("{prefix}{name}.");
        let child_keys: Vec<&str> = keys.iter().copied().filter(|k| k.starts_with(&child_prefix)).collect();
        load_module(*child, sd, &child_keys, &child_prefix, st);
    }
}
