//! `#[derive(ToJson)]` and `#[derive(FromJson)]` for `kroute::json`.
//!
//! They read serde's attribute syntax — `#[serde(rename_all = "camelCase")]`, `tag`, `content`,
//! `rename`, `skip_serializing_if`, `serialize_with`, `flatten`, `default`,
//! `deny_unknown_fields` — and give the JSON shapes serde gives, so a type's shape is declared
//! once, where it always was. What they generate is small on purpose (the reason they exist;
//! see kroute's ARCHITECTURE.md, "Size"): a struct is written by one function pushing each field
//! into a map and read by one loop over the object's entries with a `match` on the key; shared
//! helpers in `kroute::json` hold everything that does not depend on the type.
//!
//! The generated code names `::kroute::json`; inside the `kroute` crate itself that path works
//! through `extern crate self as kroute`.

mod attrs;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote};
use syn::{parse_macro_input, Data, DeriveInput, Fields, Ident, Index, Type};

use attrs::{Container, Rule};

#[proc_macro_derive(ToJson, attributes(serde))]
pub fn derive_to_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    to_json(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[proc_macro_derive(FromJson, attributes(serde))]
pub fn derive_from_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    from_json(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A field of a struct or of a struct variant, with its JSON name and attributes.
struct Field {
    /// How the generated code reaches the value: `self.name`, `self.0`, or a binding.
    access: Tokens,
    /// The binding used in `match` arms and constructors (`f_name`).
    binding: Ident,
    /// The Rust member (`name` or `0`).
    member: syn::Member,
    ty: Type,
    name: String,
    attrs: attrs::Field,
}

fn fields(fields: &Fields, rule: Rule, via_self: bool) -> syn::Result<Vec<Field>> {
    let mut out = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let attrs = attrs::field(&f.attrs)?;
        let (member, rust_name) = match &f.ident {
            Some(id) => {
                let s = id.to_string();
                let s = s.strip_prefix("r#").unwrap_or(&s).to_string();
                (syn::Member::Named(id.clone()), s)
            }
            None => (syn::Member::Unnamed(Index::from(i)), i.to_string()),
        };
        let binding = format_ident!("f_{}", rust_name);
        let access = if via_self {
            quote!(self.#member)
        } else {
            quote!(*#binding)
        };
        let name = attrs.rename.clone().unwrap_or_else(|| rule.field(&rust_name));
        out.push(Field {
            access,
            binding,
            member,
            ty: f.ty.clone(),
            name,
            attrs,
        });
    }
    Ok(out)
}

fn add_bounds(input: &DeriveInput, bound: Tokens) -> syn::Generics {
    let mut generics = input.generics.clone();
    let params: Vec<Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = generics.make_where_clause();
    for p in params {
        where_clause.predicates.push(syn::parse_quote!(#p: #bound));
    }
    generics
}

// ---------------------------------------------------------------------------------------------
// ToJson

/// Statements pushing each field into `map`.
fn push_fields(fields: &[Field]) -> Tokens {
    let stmts = fields.iter().filter(|f| !f.attrs.skip).map(|f| {
        let access = &f.access;
        let name = &f.name;
        let value = match &f.attrs.serialize_with {
            Some(with) => quote!(#with(&#access)),
            None => quote!(::kroute::json::ToJson::to_json(&#access)),
        };
        let push = if f.attrs.flatten {
            quote!(::kroute::json::flatten_into(&mut map, #value);)
        } else {
            quote!(map.push(#name, #value);)
        };
        match &f.attrs.skip_serializing_if {
            Some(skip) => quote!(if !#skip(&#access) { #push }),
            None => push,
        }
    });
    quote!(#(#stmts)*)
}

fn object_of(fields: &[Field], tag: Option<(&str, &str)>) -> Tokens {
    let n = fields.len() + usize::from(tag.is_some());
    let tag = tag.map(|(key, name)| {
        quote!(map.push(#key, ::kroute::json::Value::String(::core::convert::From::from(#name)));)
    });
    let push = push_fields(fields);
    quote!({
        let mut map = ::kroute::json::Map::with_capacity(#n);
        #tag
        #push
        ::kroute::json::Value::Object(map)
    })
}

fn array_of(fields: &[Field]) -> Tokens {
    let items = fields.iter().map(|f| {
        let access = &f.access;
        quote!(::kroute::json::ToJson::to_json(&#access))
    });
    quote!(::kroute::json::Value::Array(
        ::kroute::json::__private::vec![#(#items),*]
    ))
}

/// What a struct's (or a variant's) fields are written as, serde's way: named fields as an
/// object, one unnamed field as that field, several as an array, none as `null`.
fn fields_value(kind: &Fields, fields: &[Field]) -> Tokens {
    match kind {
        Fields::Named(_) => object_of(fields, None),
        Fields::Unnamed(u) if u.unnamed.len() == 1 => {
            let access = &fields[0].access;
            quote!(::kroute::json::ToJson::to_json(&#access))
        }
        Fields::Unnamed(_) => array_of(fields),
        Fields::Unit => quote!(::kroute::json::Value::Null),
    }
}

fn to_json(input: &DeriveInput) -> syn::Result<Tokens> {
    let c = attrs::container(&input.attrs)?;
    let name = &input.ident;
    let generics = add_bounds(input, quote!(::kroute::json::ToJson));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let mut extra = Tokens::new();
    let body = match &input.data {
        Data::Struct(s) => {
            let fields = fields(&s.fields, c.rename_all, true)?;
            fields_value(&s.fields, &fields)
        }
        Data::Enum(e) => {
            let mut arms = Vec::new();
            let mut unit_names = Vec::new();
            for v in &e.variants {
                let va = attrs::variant(&v.attrs)?;
                let vident = &v.ident;
                let vname = va
                    .rename
                    .clone()
                    .unwrap_or_else(|| c.rename_all.variant(&vident.to_string()));
                let fs = fields(&v.fields, c.rename_all_fields, false)?;
                let bindings: Vec<&Ident> = fs.iter().map(|f| &f.binding).collect();
                let members: Vec<&syn::Member> = fs.iter().map(|f| &f.member).collect();
                let pattern = match &v.fields {
                    Fields::Named(_) => quote!(Self::#vident { #(#members: #bindings),* }),
                    Fields::Unnamed(_) => quote!(Self::#vident(#(#bindings),*)),
                    Fields::Unit => quote!(Self::#vident),
                };
                if matches!(v.fields, Fields::Unit) {
                    unit_names.push((vident.clone(), vname.clone()));
                }
                let value = match (&c.tag, &c.content, c.untagged) {
                    (_, _, true) => fields_value(&v.fields, &fs),
                    (Some(tag), None, _) => match &v.fields {
                        Fields::Named(_) => object_of(&fs, Some((tag, &vname))),
                        Fields::Unit => {
                            quote!(::kroute::json::tagged(#tag, #vname, ::kroute::json::Value::Null))
                        }
                        Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                            let inner = fields_value(&v.fields, &fs);
                            quote!(::kroute::json::tagged(#tag, #vname, #inner))
                        }
                        Fields::Unnamed(_) => {
                            return Err(syn::Error::new_spanned(
                                v,
                                "kroute-derive: an internally tagged enum cannot have tuple variants",
                            ))
                        }
                    },
                    (Some(tag), Some(content), _) => match &v.fields {
                        Fields::Unit => {
                            quote!(::kroute::json::adjacent(#tag, #vname, #content, ::core::option::Option::None))
                        }
                        _ => {
                            let inner = fields_value(&v.fields, &fs);
                            quote!(::kroute::json::adjacent(#tag, #vname, #content, ::core::option::Option::Some(#inner)))
                        }
                    },
                    (None, _, false) => match &v.fields {
                        Fields::Unit => {
                            quote!(::kroute::json::Value::String(::core::convert::From::from(#vname)))
                        }
                        _ => {
                            let inner = fields_value(&v.fields, &fs);
                            quote!(::kroute::json::external(#vname, #inner))
                        }
                    },
                };
                arms.push(quote!(#pattern => #value,));
            }
            // A unit-only, externally tagged enum is a string: it can be an object's key.
            if c.tag.is_none() && !c.untagged && unit_names.len() == e.variants.len() {
                let key_arms = unit_names
                    .iter()
                    .map(|(id, n)| quote!(Self::#id => ::core::convert::From::from(#n),));
                extra = quote! {
                    impl #impl_generics ::kroute::json::ToJsonKey for #name #ty_generics #where_clause {
                        fn to_json_key(&self) -> ::kroute::json::__private::String {
                            match self { #(#key_arms)* }
                        }
                    }
                };
            }
            if arms.is_empty() {
                quote!(match *self {})
            } else {
                quote!(match self { #(#arms)* })
            }
        }
        Data::Union(_) => {
            return Err(syn::Error::new_spanned(
                input,
                "kroute-derive: unions are not supported",
            ))
        }
    };
    Ok(quote! {
        impl #impl_generics ::kroute::json::ToJson for #name #ty_generics #where_clause {
            fn to_json(&self) -> ::kroute::json::Value {
                #body
            }
        }
        #extra
    })
}

// ---------------------------------------------------------------------------------------------
// FromJson

/// Whether a type is `Option<…>`: serde reads a missing `Option` field as `None`.
fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Option"),
        Type::Group(g) => is_option(&g.elem),
        _ => false,
    }
}

/// Reads named fields from `value` (an object, `expected` naming it in errors) into local
/// bindings, then builds `constructor { fields }`: for structs without a default and for struct
/// variants. `skip_key` is an internal tag. Each binding is an `Option` until the end, so a
/// required field's type needs no default.
fn read_named(
    fields: &[Field],
    expected: &str,
    deny: bool,
    skip_key: Option<&str>,
    constructor: Tokens,
) -> syn::Result<Tokens> {
    let mut inits = Vec::new();
    let mut arms = Vec::new();
    let mut builds = Vec::new();
    let mut names = Vec::new();
    for f in fields {
        let binding = &f.binding;
        let member = &f.member;
        let ty = &f.ty;
        inits.push(quote!(let mut #binding: ::core::option::Option<#ty> = ::core::option::Option::None;));
        if f.attrs.flatten {
            return Err(syn::Error::new_spanned(
                &f.ty,
                "kroute-derive: FromJson does not read flattened fields",
            ));
        }
        let name = &f.name;
        let value = match (&f.attrs.default, f.attrs.skip) {
            (attrs::Default::Path(p), _) => quote!(#binding.unwrap_or_else(#p)),
            (attrs::Default::Trait, _) | (_, true) => quote!(#binding.unwrap_or_default()),
            (attrs::Default::None, false) if is_option(&f.ty) => quote!(#binding.unwrap_or_default()),
            (attrs::Default::None, false) => quote!(match #binding {
                ::core::option::Option::Some(v) => v,
                ::core::option::Option::None => return ::core::result::Result::Err(::kroute::json::missing_field(#name)),
            }),
        };
        builds.push(quote!(#member: #value));
        if !f.attrs.skip {
            let i = names.len();
            names.push(name.clone());
            arms.push(quote!(#i => #binding = ::core::option::Option::Some(::kroute::json::FromJson::from_json(value)?),));
        }
    }
    let skip = match skip_key {
        Some(k) => quote!(::core::option::Option::Some(#k)),
        None => quote!(::core::option::Option::None),
    };
    Ok(quote! {
        #(#inits)*
        ::kroute::json::read_fields(value, #expected, &[#(#names),*], #deny, #skip, &mut |i, value| {
            match i {
                #(#arms)*
                _ => {}
            }
            ::core::result::Result::Ok(())
        })?;
        ::core::result::Result::Ok(#constructor { #(#builds),* })
    })
}

fn from_json(input: &DeriveInput) -> syn::Result<Tokens> {
    let c = attrs::container(&input.attrs)?;
    let name = &input.ident;
    let generics = add_bounds(input, quote!(::kroute::json::FromJson));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let mut extra = Tokens::new();
    let methods = match &input.data {
        Data::Struct(s) => struct_from_json(&c, name, &s.fields)?,
        Data::Enum(e) => {
            // A unit-only, externally tagged enum is a string: it can be an object's key.
            if c.tag.is_none() && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit)) {
                let mut arms = Vec::new();
                let mut names = Vec::new();
                for v in &e.variants {
                    let vident = &v.ident;
                    let vname = attrs::variant(&v.attrs)?
                        .rename
                        .unwrap_or_else(|| c.rename_all.variant(&vident.to_string()));
                    arms.push(quote!(#vname => ::core::result::Result::Ok(Self::#vident),));
                    names.push(vname);
                }
                extra = quote! {
                    impl #impl_generics ::kroute::json::FromJsonKey for #name #ty_generics #where_clause {
                        fn from_json_key(key: &str) -> ::core::result::Result<Self, ::kroute::json::DecodeError> {
                            match key {
                                #(#arms)*
                                other => ::core::result::Result::Err(::kroute::json::unknown_variant(other, &[#(#names),*])),
                            }
                        }
                    }
                };
            }
            enum_from_json(&c, name, e)?
        }
        Data::Union(_) => {
            return Err(syn::Error::new_spanned(
                input,
                "kroute-derive: unions are not supported",
            ))
        }
    };
    Ok(quote! {
        impl #impl_generics ::kroute::json::FromJson for #name #ty_generics #where_clause {
            #methods
        }
        #extra
    })
}

fn struct_from_json(c: &Container, name: &Ident, kind: &Fields) -> syn::Result<Tokens> {
    let expected = format!("struct {name}");
    let fs = fields(kind, c.rename_all, true)?;
    match kind {
        Fields::Named(_) => {}
        Fields::Unnamed(u) if u.unnamed.len() == 1 => {
            return Ok(quote! {
                fn from_json(value: &::kroute::json::Value) -> ::core::result::Result<Self, ::kroute::json::DecodeError> {
                    ::kroute::json::FromJson::from_json(value).map(Self)
                }
            })
        }
        _ => {
            return Err(syn::Error::new_spanned(
                name,
                "kroute-derive: FromJson reads structs with named fields or newtypes",
            ))
        }
    }
    // With a container default, fields are read in place into the default value: one shared
    // reader per field type, nothing moved.
    if let attrs::Default::Trait = c.default {
        let readable: Vec<&Field> = fs.iter().filter(|f| !f.attrs.skip).collect();
        let names: Vec<&str> = readable.iter().map(|f| f.name.as_str()).collect();
        let arms = readable.iter().enumerate().map(|(i, f)| {
            let member = &f.member;
            quote!(#i => ::kroute::json::FromJson::read_into(&mut self.#member, value),)
        });
        let deny = c.deny_unknown_fields;
        return Ok(quote! {
            fn from_json(value: &::kroute::json::Value) -> ::core::result::Result<Self, ::kroute::json::DecodeError> {
                let mut out = <Self as ::core::default::Default>::default();
                ::kroute::json::FromJson::read_into(&mut out, value)?;
                ::core::result::Result::Ok(out)
            }

            fn read_into(&mut self, value: &::kroute::json::Value) -> ::core::result::Result<(), ::kroute::json::DecodeError> {
                ::kroute::json::read_fields(value, #expected, &[#(#names),*], #deny, ::core::option::Option::None, &mut |i, value| {
                    match i {
                        #(#arms)*
                        _ => ::core::result::Result::Ok(()),
                    }
                })
            }
        });
    }
    if let attrs::Default::Path(_) = c.default {
        return Err(syn::Error::new_spanned(
            name,
            "kroute-derive: FromJson does not support `default = \"path\"` on a container",
        ));
    }
    let body = read_named(&fs, &expected, c.deny_unknown_fields, None, quote!(Self))?;
    Ok(quote! {
        fn from_json(value: &::kroute::json::Value) -> ::core::result::Result<Self, ::kroute::json::DecodeError> {
            #body
        }
    })
}

fn enum_from_json(c: &Container, name: &Ident, e: &syn::DataEnum) -> syn::Result<Tokens> {
    if c.untagged {
        return Err(syn::Error::new_spanned(
            name,
            "kroute-derive: FromJson does not read untagged enums",
        ));
    }
    let mut names = Vec::new();
    let mut arms = Vec::new();
    for v in &e.variants {
        let va = attrs::variant(&v.attrs)?;
        let vident = &v.ident;
        let vname = va
            .rename
            .clone()
            .unwrap_or_else(|| c.rename_all.variant(&vident.to_string()));
        names.push(vname.clone());
        let fs = fields(&v.fields, c.rename_all_fields, false)?;
        // `content`: the value the variant's data is read from.
        let arm = match &v.fields {
            Fields::Unit => quote!(::core::result::Result::Ok(Self::#vident)),
            Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                quote!(::kroute::json::FromJson::from_json(content).map(Self::#vident))
            }
            Fields::Unnamed(_) => {
                return Err(syn::Error::new_spanned(
                    v,
                    "kroute-derive: FromJson does not read tuple variants",
                ))
            }
            Fields::Named(_) => {
                let skip = match (&c.tag, &c.content) {
                    (Some(tag), None) => Some(tag.as_str()),
                    _ => None,
                };
                let expected = format!("struct variant {name}::{vident}");
                let body = read_named(&fs, &expected, c.deny_unknown_fields, skip, quote!(Self::#vident))?;
                quote!({
                    let value = content;
                    #body
                })
            }
        };
        arms.push(quote!(#vname => #arm,));
    }
    let all = quote!(&[#(#names),*]);
    let dispatch = |tag_value: Tokens| {
        quote!(match #tag_value {
            #(#arms)*
            other => ::core::result::Result::Err(::kroute::json::unknown_variant(other, #all)),
        })
    };
    let body = match (&c.tag, &c.content) {
        (Some(tag), None) => {
            let expected = format!("internally tagged enum {name}");
            let d = dispatch(quote!(name));
            quote! {
                let object = ::kroute::json::object(value, #expected)?;
                let name = match object.get(#tag) {
                    ::core::option::Option::Some(t) => ::kroute::json::variant_name(t, "variant identifier").map_err(|e| e.at_key(#tag))?,
                    ::core::option::Option::None => return ::core::result::Result::Err(::kroute::json::missing_field(#tag)),
                };
                let content = value;
                #d
            }
        }
        (Some(tag), Some(content_key)) => {
            let expected = format!("adjacently tagged enum {name}");
            let d = dispatch(quote!(name));
            let mut allowed = vec![tag.clone(), content_key.clone()];
            allowed.dedup();
            quote! {
                let object = ::kroute::json::object(value, #expected)?;
                for key in object.keys() {
                    if key != #tag && key != #content_key {
                        return ::core::result::Result::Err(::kroute::json::unknown_field(key, &[#(#allowed),*]).at_key(key));
                    }
                }
                let name = match object.get(#tag) {
                    ::core::option::Option::Some(t) => ::kroute::json::variant_name(t, "variant identifier").map_err(|e| e.at_key(#tag))?,
                    ::core::option::Option::None => return ::core::result::Result::Err(::kroute::json::missing_field(#tag)),
                };
                let content = object.get(#content_key).unwrap_or(&::kroute::json::NULL);
                let at_content = |e: ::kroute::json::DecodeError| e.at_key(#content_key);
                let decoded = (|| -> ::core::result::Result<Self, ::kroute::json::DecodeError> { #d })();
                decoded.map_err(at_content)
            }
        }
        _ => {
            // Externally tagged: `"Name"` for a unit variant, `{"Name": …}` otherwise.
            let d = dispatch(quote!(name));
            quote! {
                let (name, content) = match value {
                    ::kroute::json::Value::String(s) => (s.as_str(), &::kroute::json::NULL),
                    ::kroute::json::Value::Object(m) if m.len() == 1 => match m.iter().next() {
                        ::core::option::Option::Some((k, v)) => (k.as_str(), v),
                        ::core::option::Option::None => return ::core::result::Result::Err(::kroute::json::invalid_type(value, "string or map")),
                    },
                    other => return ::core::result::Result::Err(::kroute::json::invalid_type(other, "string or map")),
                };
                let decoded = (|| -> ::core::result::Result<Self, ::kroute::json::DecodeError> { #d })();
                match value {
                    ::kroute::json::Value::Object(_) => decoded.map_err(|e| e.at_key(name)),
                    _ => decoded,
                }
            }
        }
    };
    Ok(quote! {
        fn from_json(value: &::kroute::json::Value) -> ::core::result::Result<Self, ::kroute::json::DecodeError> {
            #body
        }
    })
}
