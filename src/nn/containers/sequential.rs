//! [`Sequential`]: modules applied one after another (`torch.nn.Sequential`).

use crate::nn::{Module, TrainingFlag, Visitor, VisitorMut};
use crate::Tensor;

/// A chain of modules, each fed the previous one's output (`torch.nn.Sequential`).
///
/// Children are named `0`, `1`, ... (or as given to [`Sequential::add_named`]), so
/// parameters read `0.weight`, `0.bias`, as in PyTorch.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let model = nn::Sequential::new().add(nn::Linear::new(3, 1)).add(nn::Flatten::new(0, 1));
/// let y = model.forward(&Tensor::ones(&[5, 3]));
/// assert_eq!(y.shape(), &[5]);
/// let linear: &nn::Linear = model.get(0).unwrap();
/// assert_eq!(linear.in_features, 3);
/// ```
#[derive(Default)]
pub struct Sequential {
    modules: Vec<(String, Box<dyn Module>)>,
    training: TrainingFlag,
}

impl Sequential {
    /// An empty chain; its forward returns the input.
    ///
    /// ```
    /// assert!(torchlight::nn::Sequential::new().is_empty());
    /// ```
    pub fn new() -> Sequential {
        Sequential::default()
    }

    /// Appends a module, named by its position (builder form of `append`).
    ///
    /// ```
    /// use torchlight::nn;
    /// assert_eq!(nn::Sequential::new().add(nn::Identity::new()).len(), 1);
    /// ```
    // PyTorch users know `add_module`/`append`; `add` reads as the builder it is, not as `+`.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, module: impl Module) -> Sequential {
        self.push(module);
        self
    }

    /// Appends a module under a name (PyTorch's `Sequential(OrderedDict(...))`); a module
    /// already under that name is replaced. Panics on an empty name or one with a `.`.
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let seq = nn::Sequential::new().add_named("fc", nn::Linear::new(2, 1));
    /// assert_eq!(seq.named_parameters()[0].0, "fc.weight");
    /// ```
    #[track_caller]
    pub fn add_named(mut self, name: &str, module: impl Module) -> Sequential {
        check_name(name);
        let module: Box<dyn Module> = Box::new(module);
        match self.modules.iter_mut().find(|(n, _)| n == name) {
            // Like `add_module`, an existing name is replaced in place.
            Some(slot) => slot.1 = module,
            None => self.modules.push((name.to_string(), module)),
        }
        self
    }

    /// Appends a module, named by its position (`seq.append(module)`).
    ///
    /// ```
    /// let mut seq = torchlight::nn::Sequential::new();
    /// seq.push(torchlight::nn::Identity::new());
    /// assert_eq!(seq.len(), 1);
    /// ```
    pub fn push(&mut self, module: impl Module) {
        let name = self.modules.len().to_string();
        self.modules.push((name, Box::new(module)));
    }

    /// The module at position `index` as a `T`, or `None` if out of range or of another type
    /// (`seq[index]`).
    ///
    /// ```
    /// use torchlight::nn;
    /// let seq = nn::Sequential::new().add(nn::Linear::new(3, 1));
    /// let lin: &nn::Linear = seq.get(0).unwrap();
    /// assert_eq!(lin.out_features, 1);
    /// assert!(seq.get::<nn::Flatten>(0).is_none());
    /// ```
    pub fn get<T: Module>(&self, index: usize) -> Option<&T> {
        self.modules.get(index)?.1.downcast_ref()
    }

    /// The number of modules.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::Sequential::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// Whether there are no modules.
    ///
    /// ```
    /// assert!(torchlight::nn::Sequential::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// The modules in order.
    ///
    /// ```
    /// use torchlight::nn;
    /// let seq = nn::Sequential::new().add(nn::Identity::new());
    /// assert_eq!(seq.iter().map(|m| m.type_name()).collect::<Vec<_>>(), ["Identity"]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &dyn Module> + '_ {
        self.modules.iter().map(|(_, m)| &**m)
    }
}

/// PyTorch's checks on a module name (`add_module`).
#[track_caller]
pub(crate) fn check_name(name: &str) {
    assert!(!name.contains('.'), "module name can't contain \".\", got: {name}");
    assert!(!name.is_empty(), "module name can't be empty string \"\"");
}

impl std::ops::Index<usize> for Sequential {
    type Output = dyn Module;
    /// `seq[i]`; panics with PyTorch's message when out of range.
    #[track_caller]
    fn index(&self, index: usize) -> &dyn Module {
        match self.modules.get(index) {
            Some((_, m)) => &**m,
            None => panic!("index {index} is out of range"),
        }
    }
}

impl Module for Sequential {
    /// Applies each module in turn.
    fn forward(&self, input: &Tensor) -> Tensor {
        let mut x = input.clone();
        for (_, m) in &self.modules {
            x = m.forward(&x);
        }
        x
    }
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
        for (name, m) in &self.modules {
            v.child(name, &**m);
        }
    }
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        for (name, m) in &mut self.modules {
            v.child(name, &mut **m);
        }
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "Sequential".into()
    }
}

impl std::fmt::Display for Sequential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.repr())
    }
}
