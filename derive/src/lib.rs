//! `#[derive(Module)]` for torchlight: writes the parameter, buffer and sub-module traversal
//! of an `nn::Module` from the struct's fields, the way PyTorch's `__setattr__` registers
//! attributes.
//!
//! Each field is classified by its type, in declaration order:
//!
//! * `Tensor` / `Parameter` (any path ending in these names): a parameter named after the field;
//!   with `#[buffer]` a persistent buffer, with `#[buffer(persistent = false)]` a non-persistent one.
//! * `Option<...>` of a tensor or a module: registered when `Some`, skipped when `None`
//!   (PyTorch's `register_parameter(name, None)`).
//! * `TrainingFlag`: the module's own `training` flag.
//! * numbers, `bool`, `char`, `String`, `DType`, `Device`, `PhantomData` and `Vec` / `Option` /
//!   `Box` / arrays / tuples of them: plain data, not traversed.
//! * any other type: a sub-module, which must implement `Module` (this includes `Vec<M>`,
//!   traversed as PyTorch's `ModuleList`, `Box<dyn Module>` and `Arc<M>`).
//!
//! Field attributes: `#[module(skip)]` (ignore the field), `#[module(param)]`,
//! `#[module(child)]` and `#[module(training)]` (force a classification), `#[buffer]` and
//! `#[buffer(persistent = false)]`.
//!
//! Struct attributes: `#[module(name = "Net")]` (the name in messages and printing; the struct's
//! name by default) and `#[module(no_forward)]`. Without `no_forward`, `Module::forward` calls
//! the struct's inherent `fn forward(&self, input: &Tensor) -> Tensor`; a struct without one
//! fails to compile with an "multiple applicable items" error naming
//! `AddAnInherentForwardMethodOrUseModuleNoForward`.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::quote;
use syn::{parse_macro_input, spanned::Spanned, Data, DeriveInput, Error, Fields, GenericArgument, Index, Type};

/// Derives `torchlight::nn::Module` for a struct; see the crate documentation for the field
/// rules.
#[proc_macro_derive(Module, attributes(module, buffer))]
pub fn derive_module(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// How one field takes part in the traversal.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Skip,
    Param,
    Buffer { persistent: bool },
    Child,
    Training,
}

/// Whether a field holds the member directly or inside an `Option`.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Wrap {
    Plain,
    Optional,
}

struct Field {
    /// `self.<access>`
    access: Tokens,
    /// The registered name.
    name: String,
    kind: Kind,
    wrap: Wrap,
}

struct StructOptions {
    name: String,
    forward: bool,
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let opts = struct_options(input)?;
    let data = match &input.data {
        Data::Struct(s) => s,
        _ => return Err(Error::new(Span::call_site(), "#[derive(Module)] supports structs only")),
    };
    let mut fields = Vec::new();
    match &data.fields {
        Fields::Named(named) => {
            for f in &named.named {
                let ident = f.ident.as_ref().unwrap();
                let name = ident.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
                fields.push(field(quote!(#ident), name, f)?);
            }
        }
        Fields::Unnamed(unnamed) => {
            for (i, f) in unnamed.unnamed.iter().enumerate() {
                let idx = Index::from(i);
                fields.push(field(quote!(#idx), i.to_string(), f)?);
            }
        }
        Fields::Unit => {}
    }
    let flags: Vec<&Field> = fields.iter().filter(|f| f.kind == Kind::Training).collect();
    if flags.len() > 1 {
        return Err(Error::new(Span::call_site(), "a module can have only one TrainingFlag field"));
    }

    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let visit = fields.iter().map(|f| visit_stmt(f, false));
    let visit_mut = fields.iter().map(|f| visit_stmt(f, true));
    let training = flags.first().map(|f| {
        let access = &f.access;
        let body = match f.wrap {
            Wrap::Plain => quote!(::core::option::Option::Some(&self.#access)),
            Wrap::Optional => quote!(self.#access.as_ref()),
        };
        quote! {
            fn training_flag(&self) -> ::core::option::Option<&::torchlight::nn::TrainingFlag> { #body }
        }
    });
    let type_name = &opts.name;
    let forward = opts.forward.then(|| {
        quote! {
            fn forward(&self, input: &::torchlight::Tensor) -> ::torchlight::Tensor {
                // Resolves to the struct's inherent `forward`. Without one, this helper trait and
                // `Module` both offer `forward`, and the call is ambiguous: a compile error that
                // names what to do, instead of a silent infinite recursion.
                #[allow(dead_code)]
                trait AddAnInherentForwardMethodOrUseModuleNoForward {
                    fn forward(&self, input: &::torchlight::Tensor) -> ::torchlight::Tensor;
                }
                impl #impl_generics AddAnInherentForwardMethodOrUseModuleNoForward for #ident #ty_generics #where_clause {
                    fn forward(&self, _: &::torchlight::Tensor) -> ::torchlight::Tensor {
                        ::core::unreachable!()
                    }
                }
                #[allow(unused_imports)]
                use ::torchlight::nn::Module as _;
                self.forward(input)
            }
        }
    });
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics ::torchlight::nn::Module for #ident #ty_generics #where_clause {
            #forward
            fn visit<'__a>(&'__a self, __v: &mut dyn ::torchlight::nn::Visitor<'__a>) {
                #(#visit)*
            }
            fn visit_mut(&mut self, __v: &mut dyn ::torchlight::nn::VisitorMut) {
                #(#visit_mut)*
            }
            #training
            fn type_name(&self) -> ::std::string::String {
                ::std::string::String::from(#type_name)
            }
        }
    })
}

/// The traversal statement of one field.
fn visit_stmt(f: &Field, mutable: bool) -> Tokens {
    let access = &f.access;
    let name = &f.name;
    let call = |x: Tokens| match f.kind {
        Kind::Param => quote!(__v.param(#name, #x);),
        Kind::Buffer { persistent } => quote!(__v.buffer(#name, #x, #persistent);),
        Kind::Child => quote!(__v.child(#name, #x);),
        Kind::Skip | Kind::Training => quote!(),
    };
    if matches!(f.kind, Kind::Skip | Kind::Training) {
        return quote!();
    }
    match (f.wrap, mutable) {
        (Wrap::Plain, false) => call(quote!(&self.#access)),
        (Wrap::Plain, true) => call(quote!(&mut self.#access)),
        (Wrap::Optional, false) => {
            let c = call(quote!(__x));
            quote!(if let ::core::option::Option::Some(__x) = &self.#access { #c })
        }
        (Wrap::Optional, true) => {
            let c = call(quote!(__x));
            quote!(if let ::core::option::Option::Some(__x) = &mut self.#access { #c })
        }
    }
}

fn struct_options(input: &DeriveInput) -> syn::Result<StructOptions> {
    let mut opts = StructOptions { name: input.ident.to_string(), forward: true };
    for attr in &input.attrs {
        if !attr.path().is_ident("module") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("no_forward") {
                opts.forward = false;
                Ok(())
            } else if meta.path.is_ident("name") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                opts.name = lit.value();
                Ok(())
            } else {
                Err(meta.error("expected `no_forward` or `name = \"...\"`"))
            }
        })?;
    }
    Ok(opts)
}

/// Classifies one field from its attributes, then its type.
fn field(access: Tokens, name: String, f: &syn::Field) -> syn::Result<Field> {
    let mut forced: Option<Kind> = None;
    let mut set = |k: Kind, span: Span| -> syn::Result<()> {
        if forced.is_some() {
            return Err(Error::new(span, "conflicting #[module]/#[buffer] attributes"));
        }
        forced = Some(k);
        Ok(())
    };
    for attr in &f.attrs {
        if attr.path().is_ident("buffer") {
            let mut persistent = true;
            if !matches!(attr.meta, syn::Meta::Path(_)) {
                attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("persistent") {
                        let lit: syn::LitBool = meta.value()?.parse()?;
                        persistent = lit.value;
                        Ok(())
                    } else {
                        Err(meta.error("expected `persistent = true|false`"))
                    }
                })?;
            }
            set(Kind::Buffer { persistent }, attr.span())?;
        } else if attr.path().is_ident("module") {
            let mut kind = None;
            attr.parse_nested_meta(|meta| {
                kind = Some(if meta.path.is_ident("skip") {
                    Kind::Skip
                } else if meta.path.is_ident("param") {
                    Kind::Param
                } else if meta.path.is_ident("child") {
                    Kind::Child
                } else if meta.path.is_ident("training") {
                    Kind::Training
                } else {
                    return Err(meta.error("expected `skip`, `param`, `child` or `training`"));
                });
                Ok(())
            })?;
            if let Some(k) = kind {
                set(k, attr.span())?;
            }
        }
    }
    let wrap = match last_segment(&f.ty) {
        Some((name, args)) if name == "Option" && args.len() == 1 => Wrap::Optional,
        _ => Wrap::Plain,
    };
    let kind = match forced {
        Some(k) => k,
        None => classify(&f.ty).map(|(k, _)| k).ok_or_else(|| {
            Error::new(
                f.ty.span(),
                "#[derive(Module)] cannot tell whether this field is a parameter, a buffer or a sub-module; \
                 mark it #[module(skip)], #[module(param)], #[buffer] or #[module(child)]",
            )
        })?,
    };
    let wrap = if kind == Kind::Skip { Wrap::Plain } else { wrap };
    Ok(Field { access, name, kind, wrap })
}

const PLAIN: &[&str] = &[
    "bool",
    "char",
    "f32",
    "f64",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "String",
    "str",
    "DType",
    "Device",
    "PhantomData",
    "Reduction",
];

/// The last path segment of a type and its type arguments.
fn last_segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let seg = p.path.segments.last()?;
    let args = match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((seg.ident.to_string(), args))
}

/// Whether a type is plain data (numbers, strings and containers of them).
fn is_plain(ty: &Type) -> bool {
    match ty {
        Type::Array(a) => is_plain(&a.elem),
        Type::Slice(s) => is_plain(&s.elem),
        Type::Tuple(t) => t.elems.iter().all(is_plain),
        Type::Reference(r) => is_plain(&r.elem),
        Type::Paren(p) => is_plain(&p.elem),
        Type::Group(g) => is_plain(&g.elem),
        Type::Path(_) => match last_segment(ty) {
            Some((name, _)) if name == "PhantomData" => true,
            Some((name, args)) if PLAIN.contains(&name.as_str()) => args.is_empty(),
            Some((name, args)) if ["Vec", "Option", "Box", "Arc", "Rc", "VecDeque"].contains(&name.as_str()) => {
                !args.is_empty() && args.iter().all(|a| is_plain(a))
            }
            _ => false,
        },
        _ => false,
    }
}

/// Infers a field's kind from its type; `None` when the type says nothing usable.
fn classify(ty: &Type) -> Option<(Kind, Wrap)> {
    if is_plain(ty) {
        return Some((Kind::Skip, Wrap::Plain));
    }
    let (name, args) = last_segment(ty)?;
    match name.as_str() {
        "Tensor" | "Parameter" if args.is_empty() => Some((Kind::Param, Wrap::Plain)),
        "TrainingFlag" => Some((Kind::Training, Wrap::Plain)),
        "Option" if args.len() == 1 => match classify(args[0])? {
            (_, Wrap::Optional) => None,
            (k, Wrap::Plain) => Some((k, Wrap::Optional)),
        },
        _ => Some((Kind::Child, Wrap::Plain)),
    }
}
