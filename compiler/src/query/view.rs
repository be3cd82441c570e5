//! A `registry.json` text read only as far as a query needs: one pass that
//! splits it into declarations (each kept as its raw JSON text) and the
//! index, then per declaration only the members the terms read, parsed in
//! parallel. A 100k-declaration registry is never built as one tree.

use crate::ast::Kind;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value as Json};
use std::fmt;

/// The declarations of a registry, by kind, in the text's order, and its
/// `index` (raw).
pub(super) struct View<'a> {
    pub decls: Vec<(Kind, String, &'a RawValue)>,
    pub index: Option<&'a RawValue>,
}

/// The members of a declaration that the cheap terms and a hit's line read.
#[derive(Deserialize, Default)]
pub(super) struct Fields {
    #[serde(default)]
    pub risk: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub labels: Option<Map<String, Json>>,
    #[serde(default)]
    pub source: Option<Source>,
}

#[derive(Deserialize, Default)]
pub(super) struct Source {
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub line: Option<u64>,
}

impl<'a> View<'a> {
    /// Splits `text`; `Err` with serde's message when it is not a JSON object
    /// whose kind members are objects.
    pub fn parse(text: &'a str) -> Result<View<'a>, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        de.disable_recursion_limit();
        let view = de.deserialize_map(TopVisitor).map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        Ok(view)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = View<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a registry object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<View<'de>, A::Error> {
        let mut view = View {
            decls: Vec::new(),
            index: None,
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "index" {
                view.index = Some(map.next_value()?);
            } else if let Some(kind) = Kind::ALL.into_iter().find(|k| k.plural() == key) {
                let entries: Entries<'de> = map.next_value()?;
                view.decls
                    .extend(entries.0.into_iter().map(|(id, raw)| (kind, id, raw)));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(view)
    }
}

/// A JSON object's members in order, values raw.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Entries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of declarations")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    out.push((k, map.next_value()?));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A declaration's [`Fields`] (the defaults when it is not an object).
pub(super) fn fields(raw: &RawValue) -> Fields {
    serde_json::from_str(raw.get()).unwrap_or_default()
}

/// A declaration as a tree (`Null` when its text is not JSON, which a
/// verified bundle never holds).
pub(super) fn tree(raw: &RawValue) -> Json {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.disable_recursion_limit();
    Json::deserialize(&mut de).unwrap_or(Json::Null)
}

/// `index.capabilities` as raw entries by capability id.
pub(super) fn capability_index(index: Option<&RawValue>) -> Vec<(String, &RawValue)> {
    #[derive(Deserialize)]
    struct Index<'a> {
        #[serde(borrow, default)]
        capabilities: Option<Entries<'a>>,
    }
    index
        .and_then(|raw| serde_json::from_str::<Index>(raw.get()).ok())
        .and_then(|i| i.capabilities)
        .map(|e| e.0)
        .unwrap_or_default()
}
