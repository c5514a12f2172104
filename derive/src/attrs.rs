//! serde's attribute syntax, the subset kroute uses: what a container, a variant and a field
//! say about their JSON shape. Anything else is a compile error, so an attribute is never
//! silently ignored.

use proc_macro2::Span;
use syn::{Attribute, LitStr, Path};

/// A naming rule (`rename_all = "camelCase"`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    None,
    CamelCase,
    PascalCase,
    SnakeCase,
    KebabCase,
    Lowercase,
    Uppercase,
    ScreamingSnakeCase,
}

impl Rule {
    fn parse(s: &LitStr) -> syn::Result<Rule> {
        Ok(match s.value().as_str() {
            "camelCase" => Rule::CamelCase,
            "PascalCase" => Rule::PascalCase,
            "snake_case" => Rule::SnakeCase,
            "kebab-case" => Rule::KebabCase,
            "lowercase" => Rule::Lowercase,
            "UPPERCASE" => Rule::Uppercase,
            "SCREAMING_SNAKE_CASE" => Rule::ScreamingSnakeCase,
            other => {
                return Err(syn::Error::new(
                    s.span(),
                    format!("kroute-derive: unknown rename rule `{other}`"),
                ))
            }
        })
    }

    /// A field name (`snake_case` in Rust) under this rule, as serde renames it.
    pub fn field(self, name: &str) -> String {
        match self {
            Rule::None | Rule::SnakeCase => name.to_string(),
            Rule::Lowercase => name.to_ascii_lowercase(),
            Rule::Uppercase | Rule::ScreamingSnakeCase => name.to_ascii_uppercase(),
            Rule::KebabCase => name.replace('_', "-"),
            Rule::PascalCase | Rule::CamelCase => {
                let mut out = String::new();
                let mut upper = self == Rule::PascalCase;
                for c in name.chars() {
                    if c == '_' {
                        upper = true;
                    } else if upper {
                        out.extend(c.to_uppercase());
                        upper = false;
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }

    /// A variant name (`PascalCase` in Rust) under this rule, as serde renames it.
    pub fn variant(self, name: &str) -> String {
        let snake = || {
            let mut out = String::new();
            for (i, c) in name.char_indices() {
                if c.is_uppercase() && i > 0 {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            }
            out
        };
        match self {
            Rule::None | Rule::PascalCase => name.to_string(),
            Rule::CamelCase => {
                let mut chars = name.chars();
                match chars.next() {
                    Some(first) => first.to_lowercase().chain(chars).collect(),
                    None => String::new(),
                }
            }
            Rule::Lowercase => name.to_ascii_lowercase(),
            Rule::Uppercase => name.to_ascii_uppercase(),
            Rule::SnakeCase => snake(),
            Rule::ScreamingSnakeCase => snake().to_ascii_uppercase(),
            Rule::KebabCase => snake().replace('_', "-"),
        }
    }
}

/// `default` or `default = "path"`.
#[derive(Clone)]
pub enum Default {
    None,
    Trait,
    Path(Path),
}

pub struct Container {
    pub rename_all: Rule,
    pub rename_all_fields: Rule,
    pub tag: Option<String>,
    pub content: Option<String>,
    pub untagged: bool,
    pub default: Default,
    pub deny_unknown_fields: bool,
}

pub struct Variant {
    pub rename: Option<String>,
}

pub struct Field {
    pub rename: Option<String>,
    pub skip_serializing_if: Option<Path>,
    pub serialize_with: Option<Path>,
    pub flatten: bool,
    pub default: Default,
    pub skip: bool,
}

fn serde_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("serde"))
}

fn path_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Path> {
    let s: LitStr = meta.value()?.parse()?;
    s.parse()
}

fn unknown(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Error {
    meta.error("kroute-derive: this serde attribute is not supported by ToJson/FromJson")
}

pub fn container(attrs: &[Attribute]) -> syn::Result<Container> {
    let mut c = Container {
        rename_all: Rule::None,
        rename_all_fields: Rule::None,
        tag: None,
        content: None,
        untagged: false,
        default: Default::None,
        deny_unknown_fields: false,
    };
    for attr in serde_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                c.rename_all = Rule::parse(&meta.value()?.parse()?)?;
            } else if meta.path.is_ident("rename_all_fields") {
                c.rename_all_fields = Rule::parse(&meta.value()?.parse()?)?;
            } else if meta.path.is_ident("tag") {
                c.tag = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("content") {
                c.content = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("untagged") {
                c.untagged = true;
            } else if meta.path.is_ident("default") {
                c.default = if meta.input.peek(syn::Token![=]) {
                    Default::Path(path_value(&meta)?)
                } else {
                    Default::Trait
                };
            } else if meta.path.is_ident("deny_unknown_fields") {
                c.deny_unknown_fields = true;
            } else {
                return Err(unknown(&meta));
            }
            Ok(())
        })?;
    }
    if c.content.is_some() && c.tag.is_none() {
        return Err(syn::Error::new(
            Span::call_site(),
            "kroute-derive: `content` needs `tag`",
        ));
    }
    Ok(c)
}

pub fn variant(attrs: &[Attribute]) -> syn::Result<Variant> {
    let mut v = Variant { rename: None };
    for attr in serde_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                v.rename = Some(meta.value()?.parse::<LitStr>()?.value());
            } else {
                return Err(unknown(&meta));
            }
            Ok(())
        })?;
    }
    Ok(v)
}

pub fn field(attrs: &[Attribute]) -> syn::Result<Field> {
    let mut f = Field {
        rename: None,
        skip_serializing_if: None,
        serialize_with: None,
        flatten: false,
        default: Default::None,
        skip: false,
    };
    for attr in serde_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                f.rename = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("skip_serializing_if") {
                f.skip_serializing_if = Some(path_value(&meta)?);
            } else if meta.path.is_ident("serialize_with") {
                f.serialize_with = Some(path_value(&meta)?);
            } else if meta.path.is_ident("flatten") {
                f.flatten = true;
            } else if meta.path.is_ident("skip") {
                f.skip = true;
            } else if meta.path.is_ident("default") {
                f.default = if meta.input.peek(syn::Token![=]) {
                    Default::Path(path_value(&meta)?)
                } else {
                    Default::Trait
                };
            } else {
                return Err(unknown(&meta));
            }
            Ok(())
        })?;
    }
    Ok(f)
}
