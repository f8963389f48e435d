//! [`Value`] and [`Dict`]: the Python values and insertion-ordered dicts that PyTorch keeps in
//! param groups and in scheduler state dicts. Plain data, so checkpoints can write them out
//! as JSON and read them back.

use crate::{Error, Result};

/// One value of a param group or a scheduler state dict: the Python types torch stores there.
///
/// ```
/// use torchlight::optim::Value;
/// assert_eq!(Value::from(0.9).as_f64(), Some(0.9));
/// assert_eq!(Value::from((0.9, 0.999)).as_f64_pair(), Some((0.9, 0.999)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Python `None`.
    None,
    /// Python `bool`.
    Bool(bool),
    /// Python `int`.
    Int(i64),
    /// Python `float`.
    Float(f64),
    /// Python `str`.
    Str(String),
    /// A Python list or tuple.
    List(Vec<Value>),
    /// A nested dict.
    Dict(Dict),
}

impl Value {
    /// The number as f64 (`Int` or `Float`), as Python arithmetic would use it.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Value::Int(3).as_f64(), Some(3.0));
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(v) => Some(*v),
            Value::Int(v) => Some(*v as f64),
            _ => None,
        }
    }

    /// The integer of an `Int`.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Value::Int(3).as_i64(), Some(3));
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The flag of a `Bool`.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Value::Bool(true).as_bool(), Some(true));
    /// ```
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(v) => Some(*v),
            _ => None,
        }
    }

    /// The text of a `Str`.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Value::from("min").as_str(), Some("min"));
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(v) => Some(v),
            _ => None,
        }
    }

    /// The numbers of a list of numbers.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Value::from(vec![0.1, 0.2]).as_f64_list(), Some(vec![0.1, 0.2]));
    /// ```
    pub fn as_f64_list(&self) -> Option<Vec<f64>> {
        match self {
            Value::List(v) => v.iter().map(Value::as_f64).collect(),
            _ => None,
        }
    }

    /// The two numbers of a two-element list (torch's `betas` tuple).
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Value::from((0.5, 0.25)).as_f64_pair(), Some((0.5, 0.25)));
    /// ```
    pub fn as_f64_pair(&self) -> Option<(f64, f64)> {
        match self.as_f64_list()?.as_slice() {
            [a, b] => Some((*a, *b)),
            _ => None,
        }
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_string())
    }
}
impl From<(f64, f64)> for Value {
    fn from((a, b): (f64, f64)) -> Self {
        Value::List(vec![Value::Float(a), Value::Float(b)])
    }
}
impl From<Vec<f64>> for Value {
    fn from(v: Vec<f64>) -> Self {
        Value::List(v.into_iter().map(Value::Float).collect())
    }
}
impl From<Vec<i64>> for Value {
    fn from(v: Vec<i64>) -> Self {
        Value::List(v.into_iter().map(Value::Int).collect())
    }
}
impl From<Dict> for Value {
    fn from(v: Dict) -> Self {
        Value::Dict(v)
    }
}

/// An insertion-ordered map from names to [`Value`]s (a Python dict with string keys).
///
/// ```
/// use torchlight::optim::Dict;
/// let mut d = Dict::new().with("lr", 0.1);
/// d.set("momentum", 0.9);
/// assert_eq!(d.f64("lr").unwrap(), 0.1);
/// assert_eq!(d.keys().collect::<Vec<_>>(), vec!["lr", "momentum"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dict {
    entries: Vec<(String, Value)>,
}

impl Dict {
    /// An empty dict.
    ///
    /// ```
    /// assert!(torchlight::optim::Dict::new().is_empty());
    /// ```
    pub fn new() -> Dict {
        Dict::default()
    }

    /// This dict with `key` set, for building one in an expression.
    ///
    /// ```
    /// assert!(torchlight::optim::Dict::new().with("a", 1i64).contains("a"));
    /// ```
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Dict {
        self.set(key, value);
        self
    }

    /// The value of `key`, if present.
    ///
    /// ```
    /// assert!(torchlight::optim::Dict::new().get("lr").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key`, keeping its position if it exists (Python's `d[key] = value`).
    ///
    /// ```
    /// let mut d = torchlight::optim::Dict::new();
    /// d.set("lr", 0.1);
    /// d.set("lr", 0.2);
    /// assert_eq!(d.len(), 1);
    /// ```
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }

    /// Sets `key` only if absent (Python's `d.setdefault`).
    ///
    /// ```
    /// let mut d = torchlight::optim::Dict::new().with("lr", 0.1);
    /// d.setdefault("lr", 0.5);
    /// assert_eq!(d.f64("lr").unwrap(), 0.1);
    /// ```
    pub fn setdefault(&mut self, key: &str, value: impl Into<Value>) {
        if !self.contains(key) {
            self.set(key, value);
        }
    }

    /// Whether `key` is present.
    ///
    /// ```
    /// assert!(!torchlight::optim::Dict::new().contains("lr"));
    /// ```
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Removes `key`, returning its value.
    ///
    /// ```
    /// let mut d = torchlight::optim::Dict::new().with("lr", 0.1);
    /// assert_eq!(d.remove("lr"), Some(torchlight::optim::Value::Float(0.1)));
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(i).1)
    }

    /// The keys in insertion order.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Dict::new().keys().count(), 0);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// The entries in insertion order.
    ///
    /// ```
    /// let d = torchlight::optim::Dict::new().with("a", true);
    /// assert_eq!(d.iter().next().unwrap().0, "a");
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of entries.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Dict::new().with("a", 1i64).len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the dict has no entries.
    ///
    /// ```
    /// assert!(torchlight::optim::Dict::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of `key`, or Python's `KeyError` text.
    ///
    /// ```
    /// let e = torchlight::optim::Dict::new().require("lr").unwrap_err();
    /// assert_eq!(e.to_string(), "KeyError: 'lr'");
    /// ```
    pub fn require(&self, key: &str) -> Result<&Value> {
        self.get(key).ok_or_else(|| Error::Value(format!("KeyError: '{key}'")))
    }

    fn typed<T>(&self, key: &str, what: &str, f: impl FnOnce(&Value) -> Option<T>) -> Result<T> {
        let v = self.require(key)?;
        f(v).ok_or_else(|| Error::Type(format!("'{key}' must be {what}, but got {v:?}")))
    }

    /// The number under `key` (an int or a float).
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Dict::new().with("n", 2i64).f64("n").unwrap(), 2.0);
    /// ```
    pub fn f64(&self, key: &str) -> Result<f64> {
        self.typed(key, "a number", Value::as_f64)
    }

    /// The integer under `key`.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Dict::new().with("n", 2i64).i64("n").unwrap(), 2);
    /// ```
    pub fn i64(&self, key: &str) -> Result<i64> {
        self.typed(key, "an int", Value::as_i64)
    }

    /// The flag under `key`.
    ///
    /// ```
    /// assert!(torchlight::optim::Dict::new().with("b", true).bool("b").unwrap());
    /// ```
    pub fn bool(&self, key: &str) -> Result<bool> {
        self.typed(key, "a bool", Value::as_bool)
    }

    /// The text under `key`.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Dict::new().with("m", "min").str("m").unwrap(), "min");
    /// ```
    pub fn str(&self, key: &str) -> Result<&str> {
        let v = self.require(key)?;
        v.as_str().ok_or_else(|| Error::Type(format!("'{key}' must be a str, but got {v:?}")))
    }

    /// The list of numbers under `key`.
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Dict::new().with("l", vec![1.0]).f64_list("l").unwrap(), vec![1.0]);
    /// ```
    pub fn f64_list(&self, key: &str) -> Result<Vec<f64>> {
        self.typed(key, "a list of numbers", Value::as_f64_list)
    }

    /// The pair of numbers under `key` (torch's `betas`).
    ///
    /// ```
    /// assert_eq!(torchlight::optim::Dict::new().with("betas", (0.9, 0.99)).f64_pair("betas").unwrap(), (0.9, 0.99));
    /// ```
    pub fn f64_pair(&self, key: &str) -> Result<(f64, f64)> {
        self.typed(key, "a pair of numbers", Value::as_f64_pair)
    }
}
