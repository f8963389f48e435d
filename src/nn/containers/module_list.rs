//! [`ModuleList`]: an indexed list of sub-modules (`torch.nn.ModuleList`).

use crate::nn::traverse::add_indent;
use crate::nn::{Module, TrainingFlag, Visitor, VisitorMut};

/// A list of sub-modules named `0`, `1`, ... with no forward of its own
/// (`torch.nn.ModuleList`). A `Vec<M>` field of a derived module behaves the same.
///
/// ```
/// use torchlight::{nn, nn::Module, Tensor};
/// let layers = nn::ModuleList::new().add(nn::Linear::new(2, 2)).add(nn::Linear::new(2, 2));
/// let mut x = Tensor::ones(&[1, 2]);
/// for layer in layers.iter() {
///     x = layer.forward(&x);
/// }
/// assert_eq!(layers.parameters().len(), 4);
/// ```
#[derive(Default)]
pub struct ModuleList {
    modules: Vec<Box<dyn Module>>,
    training: TrainingFlag,
}

impl ModuleList {
    /// An empty list.
    ///
    /// ```
    /// assert!(torchlight::nn::ModuleList::new().is_empty());
    /// ```
    pub fn new() -> ModuleList {
        ModuleList::default()
    }

    /// Appends a module (builder form).
    ///
    /// ```
    /// assert_eq!(torchlight::nn::ModuleList::new().add(torchlight::nn::Identity::new()).len(), 1);
    /// ```
    // PyTorch users know `add_module`/`append`; `add` reads as the builder it is, not as `+`.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, module: impl Module) -> ModuleList {
        self.push(module);
        self
    }

    /// Appends a module (`list.append(module)`).
    ///
    /// ```
    /// let mut l = torchlight::nn::ModuleList::new();
    /// l.push(torchlight::nn::Identity::new());
    /// assert_eq!(l.len(), 1);
    /// ```
    pub fn push(&mut self, module: impl Module) {
        self.modules.push(Box::new(module));
    }

    /// Inserts a module before position `index` (`list.insert(index, module)`).
    ///
    /// ```
    /// use torchlight::nn::{self, Module};
    /// let mut l = nn::ModuleList::new().add(nn::Identity::new());
    /// l.insert(0, nn::Linear::new(1, 1));
    /// assert_eq!(l[0].type_name(), "Linear");
    /// ```
    #[track_caller]
    pub fn insert(&mut self, index: usize, module: impl Module) {
        self.modules.insert(index, Box::new(module));
    }

    /// The module at `index` as a `T`, or `None` if out of range or of another type.
    ///
    /// ```
    /// use torchlight::nn;
    /// let l = nn::ModuleList::new().add(nn::Linear::new(3, 1));
    /// assert_eq!(l.get::<nn::Linear>(0).unwrap().in_features, 3);
    /// ```
    pub fn get<T: Module>(&self, index: usize) -> Option<&T> {
        self.modules.get(index)?.downcast_ref()
    }

    /// The number of modules.
    ///
    /// ```
    /// assert_eq!(torchlight::nn::ModuleList::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// Whether the list is empty.
    ///
    /// ```
    /// assert!(torchlight::nn::ModuleList::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// The modules in order.
    ///
    /// ```
    /// let l = torchlight::nn::ModuleList::new().add(torchlight::nn::Identity::new());
    /// assert_eq!(l.iter().count(), 1);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &dyn Module> + '_ {
        self.modules.iter().map(|m| &**m)
    }
}

impl std::ops::Index<usize> for ModuleList {
    type Output = dyn Module;
    #[track_caller]
    fn index(&self, index: usize) -> &dyn Module {
        match self.modules.get(index) {
            Some(m) => &**m,
            None => panic!("index {index} is out of range"),
        }
    }
}

impl Module for ModuleList {
    fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) {
        for (i, m) in self.modules.iter().enumerate() {
            v.child(&i.to_string(), &**m);
        }
    }
    fn visit_mut(&mut self, v: &mut dyn VisitorMut) {
        for (i, m) in self.modules.iter_mut().enumerate() {
            v.child(&i.to_string(), &mut **m);
        }
    }
    fn training_flag(&self) -> Option<&TrainingFlag> {
        Some(&self.training)
    }
    fn type_name(&self) -> String {
        "ModuleList".into()
    }
    fn repr(&self) -> String {
        list_repr("ModuleList", self.modules.iter().map(|m| m.repr()).collect())
    }
}

/// `ModuleList.__repr__`: runs of equal children are printed once as `(0-2): 3 x ...`.
pub(crate) fn list_repr(name: &str, reprs: Vec<String>) -> String {
    if reprs.is_empty() {
        return format!("{name}()");
    }
    let mut blocks: Vec<(usize, usize, &str)> = Vec::new();
    for (i, r) in reprs.iter().enumerate() {
        match blocks.last_mut() {
            Some((_, end, b)) if *b == r.as_str() => *end = i,
            _ => blocks.push((i, i, r)),
        }
    }
    let lines: Vec<String> = blocks
        .iter()
        .map(|&(start, end, b)| {
            let line = if start == end {
                format!("({start}): {b}")
            } else {
                format!("({start}-{end}): {} x {b}", end - start + 1)
            };
            add_indent(&line, 2)
        })
        .collect();
    format!("{name}(\n  {}\n)", lines.join("\n  "))
}
