//! [`ModuleDict`]: sub-modules under string keys (`torch.nn.ModuleDict`).

use super::sequential::check_name;
use crate::nn::{Module, TrainingFlag, Visitor, VisitorMut};

/// Sub-modules under string keys, in insertion order (`torch.nn.ModuleDict`).
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let heads = nn::ModuleDict::new().add("cls", nn::Linear::new(4, 3)).add("box", nn::Linear::new(4, 2));
/// let y = heads["box"].forward(&Tensor::ones(&[1, 4]));
/// assert_eq!(y.shape(), &[1, 2]);
/// assert_eq!(heads.named_parameters()[0].0, "cls.weight");
/// ```
#[derive(Default)]
pub struct ModuleDict {
    modules: Vec<(String, Box<dyn Module>)>,
    training: TrainingFlag,
}

impl ModuleDict {
    /// An empty dict.
    ///
    /// ```
    /// assert!(torchlight::nn::ModuleDict::new().is_empty());
    /// ```
    pub fn new() -> ModuleDict {
        ModuleDict::default()
    }

    /// Inserts a module (builder form of [`ModuleDict::insert`]).
    ///
    /// ```
    /// let d = torchlight::nn::ModuleDict::new().add("a", torchlight::nn::Identity::new());
    /// assert!(d.contains_key("a"));
    /// ```
    #[track_caller]
    pub fn add(mut self, key: &str, module: impl Module) -> ModuleDict {
        self.insert(key, module);
        self
    }

    /// Inserts a module under `key` (`dict[key] = module`); an existing key keeps its
    /// position. Panics on an empty key or one with a `.`.
    ///
    /// ```
    /// let mut d = torchlight::nn::ModuleDict::new();
    /// d.insert("a", torchlight::nn::Identity::new());
    /// assert_eq!(d.len(), 1);
    /// ```
    #[track_caller]
    pub fn insert(&mut self, key: &str, module: impl Module) {
        check_name(key);
        let module: Box<dyn Module> = Box::new(module);
        match self.modules.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = module,
            None => self.modules.push((key.to_string(), module)),
        }
    }

    /// The module under `key` as a `T`, or `None` if absent or of another type.
    ///
    /// ```
    /// use torchlight::nn;
    /// let d = nn::ModuleDict::new().add("fc", nn::Linear::new(2, 5));
    /// assert_eq!(d.get::<nn::Linear>("fc").unwrap().out_features, 5);
    /// ```
    pub fn get<T: Module>(&self, key: &str) -> Option<&T> {
        self.modules.iter().find(|(k, _)| k == key)?.1.downcast_ref()
    }

    /// Removes and returns the module under `key` (`dict.pop(key)`).
    ///
    /// ```
    /// let mut d = torchlight::nn::ModuleDict::new().add("a", torchlight::nn::Identity::new());
    /// assert!(d.remove("a").is_some() && d.is_empty());
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<Box<dyn Module>> {
        let i = self.modules.iter().position(|(k, _)| k == key)?;
        Some(self.modules.remove(i).1)
    }

    /// Whether `key` is present.
    ///
    /// ```
    /// assert!(!torchlight::nn::ModuleDict::new().contains_key("a"));
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.modules.iter().any(|(k, _)| k == key)
    }

    /// The number of modules.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::ModuleDict::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// Whether the dict is empty.
    ///
    /// ```
    /// assert!(torchlight::nn::ModuleDict::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// The keys in order.
    ///
    /// ```
    /// let d = torchlight::nn::ModuleDict::new().add("a", torchlight::nn::Identity::new());
    /// assert_eq!(d.keys().collect::<Vec<_>>(), ["a"]);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.modules.iter().map(|(k, _)| k.as_str())
    }

    /// `(key, module)` pairs in order.
    ///
    /// ```
    /// let d = torchlight::nn::ModuleDict::new().add("a", torchlight::nn::Identity::new());
    /// assert_eq!(d.iter().count(), 1);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &dyn Module)> + '_ {
        self.modules.iter().map(|(k, m)| (k.as_str(), &**m))
    }
}

impl std::ops::Index<&str> for ModuleDict {
    type Output = dyn Module;
    /// `dict[key]`; panics with Python's `KeyError` text when absent.
    #[track_caller]
    fn index(&self, key: &str) -> &dyn Module {
        match self.modules.iter().find(|(k, _)| k == key) {
            Some((_, m)) => &**m,
            None => panic!("'{key}'"),
        }
    }
}

impl Module for ModuleDict {
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
        for (k, m) in &self.modules {
            v.child(k, &**m);
        }
    }
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        for (k, m) in &mut self.modules {
            v.child(k, &mut **m);
        }
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "ModuleDict".into()
    }
}
