//! Containers of modules: [`Sequential`], [`ModuleList`], [`ModuleDict`], and `Module` for
//! `Box`, `Arc` and `Vec`.

mod module_dict;
mod module_list;
mod sequential;
mod wrappers;

pub use module_dict::ModuleDict;
pub use module_list::ModuleList;
pub use sequential::Sequential;
