//! The traversals behind [`Module`]'s provided methods: collecting a module's own members,
//! walking sub-modules, saving state, printing and dtype conversion.

use super::module::{Module, Visitor, VisitorMut};
use super::state_dict::StateDict;
use crate::{DType, Tensor};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One module's own members, collected from [`Module::visit`].
#[derive(Default)]
pub(crate) struct Members<'a> {
    pub(crate) params: Vec<(String, &'a Tensor)>,
    pub(crate) buffers: Vec<(String, &'a Tensor, bool)>,
    pub(crate) children: Vec<(String, &'a dyn Module)>,
}

impl<'a> Visitor<'a> for Members<'a> {
    fn param(&mut self, name: &str, param: &'a Tensor) {
        self.params.push((name.to_string(), param));
    }
    fn buffer(&mut self, name: &str, buffer: &'a Tensor, persistent: bool) {
        self.buffers.push((name.to_string(), buffer, persistent));
    }
    fn child(&mut self, name: &str, module: &'a dyn Module) {
        self.children.push((name.to_string(), module));
    }
}

/// The own members of `m`.
pub(crate) fn members(m: &dyn Module) -> Members<'_> {
    let mut out = Members::default();
    m.visit(&mut out);
    out
}

/// `prefix.name`, or `name` at the root.
pub(crate) fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Identity of a tensor object (Python's `id(param)`).
pub(crate) fn tensor_id(t: &Tensor) -> usize {
    Arc::as_ptr(&t.0) as usize
}

pub(crate) fn walk_modules<'a>(
    m: &'a dyn Module,
    prefix: String,
    seen: &mut HashSet<usize>,
    out: &mut Vec<(String, &'a dyn Module)>,
) {
    if let Some(id) = m.shared_id() {
        if !seen.insert(id) {
            return;
        }
    }
    let children = members(m).children;
    out.push((prefix.clone(), m));
    for (name, child) in children {
        walk_modules(child, join(&prefix, &name), seen, out);
    }
}

pub(crate) fn save_state(m: &dyn Module, prefix: &str, sd: &mut StateDict) {
    let own = members(m);
    for (name, p) in &own.params {
        sd.insert(format!("{prefix}{name}"), p.detach());
    }
    for (name, b, persistent) in &own.buffers {
        if *persistent {
            sd.insert(format!("{prefix}{name}"), b.detach());
        }
    }
    for (name, child) in &own.children {
        save_state(*child, &format!("{prefix}{name}."), sd);
    }
}

/// PyTorch's `Module.__repr__`: the extra repr, then each child indented.
pub(crate) fn default_repr(m: &dyn Module) -> String {
    let extra = m.extra_repr();
    let mut lines: Vec<String> = if extra.is_empty() { vec![] } else { extra.split('\n').map(String::from).collect() };
    let n_extra = lines.len();
    for (name, child) in members(m).children {
        lines.push(format!("({name}): {}", add_indent(&child.repr(), 2)));
    }
    let mut s = format!("{}(", m.type_name());
    if !lines.is_empty() {
        if n_extra == 1 && lines.len() == 1 {
            s.push_str(&lines[0]);
        } else {
            s.push_str("\n  ");
            s.push_str(&lines.join("\n  "));
            s.push('\n');
        }
    }
    s.push(')');
    s
}

/// PyTorch's `_addindent`: indents every line but the first.
pub(crate) fn add_indent(s: &str, spaces: usize) -> String {
    let mut lines = s.split('\n');
    let first = lines.next().unwrap_or("").to_string();
    let pad = " ".repeat(spaces);
    lines.fold(first, |acc, l| format!("{acc}\n{pad}{l}"))
}

/// Replaces floating-point tensors by converted copies, keeping shared tensors shared.
pub(crate) struct Convert {
    pub(crate) dtype: DType,
    pub(crate) done: HashMap<usize, Tensor>,
}

impl Convert {
    fn convert(&mut self, t: &mut Tensor) {
        if !t.dtype().is_floating_point() || t.dtype() == self.dtype {
            return;
        }
        let id = tensor_id(t);
        if let Some(new) = self.done.get(&id) {
            *t = new.clone();
            return;
        }
        let new = crate::no_grad(|| t.detach().to_dtype(self.dtype));
        if t.requires_grad() {
            new.set_requires_grad(true);
        }
        if let Some(g) = t.grad() {
            new.set_grad(Some(crate::no_grad(|| g.to_dtype(self.dtype))));
        }
        self.done.insert(id, new.clone());
        *t = new;
    }
}

impl VisitorMut for Convert {
    fn param(&mut self, _: &str, param: &mut Tensor) {
        self.convert(param)
    }
    fn buffer(&mut self, _: &str, buffer: &mut Tensor, _: bool) {
        self.convert(buffer)
    }
    fn child(&mut self, _: &str, module: &mut dyn Module) {
        module.visit_mut(self)
    }
}
