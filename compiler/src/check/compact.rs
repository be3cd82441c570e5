//! The registry as the compiler keeps it: each declaration's canonical (RFC 8785)
//! JSON text, in one sorted list per kind, plus the few top-level fields. A
//! declaration costs its text and nothing more; a `serde_json` tree of it (eight
//! to ten times larger) exists only while it is built, or when a caller asks
//! for one ([`Registry::decl`], [`Registry::to_json`]).

use super::canonical::{check_numbers, key_cmp, JcsError};
use crate::ast::Kind;
use serde_json::{Map, Value as Json};
use std::cmp::Ordering;

/// `dist/registry.json` less its `governance` section (BUNDLE.md §1).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Registry {
    /// The top-level fields besides the eight maps: `format`, `package`, `compiler`.
    pub header: Map<String, Json>,
    /// One list per kind, in [`Kind::ALL`] order, sorted by id in canonical
    /// (UTF-16 code unit) order.
    kinds: [Vec<Entry>; 8],
    /// The first integer outside ±2^53 in a declaration (by kind name, then id).
    number_error: Option<JcsError>,
}

/// One declaration: its id and its canonical JSON text (`source` and `digest`
/// included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: Box<str>,
    pub json: Box<str>,
}

/// A declaration on its way into a [`Registry`].
#[derive(Clone, Debug)]
pub struct Built {
    pub kind: Kind,
    pub entry: Entry,
    /// Its first out-of-range integer, the pointer relative to the declaration.
    pub number_error: Option<JcsError>,
}

impl Built {
    /// Canonicalizes one declaration object (with `source` and `digest` already
    /// in it, if any) and checks its numbers.
    pub fn new(kind: Kind, id: String, json: String, object: &Json) -> Built {
        let mut pointer = String::new();
        Built {
            kind,
            entry: Entry {
                id: id.into_boxed_str(),
                json: json.into_boxed_str(),
            },
            number_error: check_numbers(object, &mut pointer).err(),
        }
    }
}

fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

impl Registry {
    /// A registry from its header and its declarations (any order; a repeated
    /// `(kind, id)` keeps the first).
    pub fn new(header: Map<String, Json>, decls: Vec<Built>) -> Registry {
        let mut kinds: [Vec<Entry>; 8] = Default::default();
        // (kind name, id, error): the first by name and id is reported.
        let mut first: Option<(&'static str, Box<str>, JcsError)> = None;
        for b in decls {
            if let Some(e) = b.number_error {
                let plural = b.kind.plural();
                if first
                    .as_ref()
                    .is_none_or(|(p, id, _)| (plural, &*b.entry.id) < (*p, &**id))
                {
                    first = Some((plural, b.entry.id.clone(), e));
                }
            }
            if let Some(list) = kinds.get_mut(slot(b.kind)) {
                list.push(b.entry);
            }
        }
        for list in &mut kinds {
            // Stable: the first of a repeated id stays first, and is kept.
            list.sort_by(|a, b| key_cmp(&a.id, &b.id));
            list.dedup_by(|later, first| later.id == first.id);
        }
        let number_error = first.map(|(plural, id, mut e)| {
            e.pointer = format!("/{plural}/{}{}", escape_pointer(&id), e.pointer);
            e
        });
        Registry {
            header,
            kinds,
            number_error,
        }
    }

    /// A registry from its JSON form (tests, synthetic registries): every
    /// top-level field but the eight maps goes into the header.
    pub fn from_json(v: &Json) -> Registry {
        let mut header = Map::new();
        let mut decls = Vec::new();
        if let Json::Object(m) = v {
            for (key, value) in m {
                let kind = Kind::ALL.into_iter().find(|k| k.plural() == key);
                match (kind, value) {
                    (Some(kind), Json::Object(map)) => {
                        for (id, decl) in map {
                            let text = super::canonical::canonical(decl);
                            decls.push(Built::new(kind, id.clone(), text, decl));
                        }
                    }
                    _ => {
                        header.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        Registry::new(header, decls)
    }

    /// The declarations of one kind, sorted by id (canonical order).
    pub fn decls(&self, kind: Kind) -> &[Entry] {
        self.kinds.get(slot(kind)).map_or(&[], Vec::as_slice)
    }

    /// Every declaration with its kind, kinds in [`Kind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Kind, &Entry)> + '_ {
        Kind::ALL
            .into_iter()
            .flat_map(move |k| self.decls(k).iter().map(move |e| (k, e)))
    }

    /// How many declarations the registry holds.
    pub fn len(&self) -> usize {
        self.kinds.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The canonical JSON text of one declaration.
    pub fn get(&self, kind: Kind, id: &str) -> Option<&str> {
        let list = self.decls(kind);
        let i = list
            .binary_search_by(|e| key_cmp(&e.id, id).then(Ordering::Equal))
            .ok()?;
        list.get(i).map(|e| &*e.json)
    }

    /// One declaration as a `serde_json` tree (parsed on demand).
    pub fn decl(&self, kind: Kind, id: &str) -> Option<Json> {
        serde_json::from_str(self.get(kind, id)?).ok()
    }

    /// The whole registry as one `serde_json` tree (tests, tools; the compiler
    /// itself never builds it).
    pub fn to_json(&self) -> Json {
        let mut out = self.header.clone();
        for kind in Kind::ALL {
            let map: Map<String, Json> = self
                .decls(kind)
                .iter()
                .map(|e| {
                    let v = serde_json::from_str(&e.json).unwrap_or(Json::Null);
                    (e.id.to_string(), v)
                })
                .collect();
            out.insert(kind.plural().into(), Json::Object(map));
        }
        Json::Object(out)
    }

    /// The first integer outside ±2^53 (which cannot be written), with its
    /// pointer in the registry.
    pub fn number_error(&self) -> Option<&JcsError> {
        self.number_error.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_and_sorts_canonically() {
        let v = json!({
            "format": "f",
            "agents": {"b": {"x": 1}, "a": {"y": [true]}, "\u{fb33}": {}, "\u{1f600}": {}},
            "tools": {},
        });
        let r = Registry::from_json(&v);
        let ids: Vec<&str> = r.decls(Kind::Agent).iter().map(|e| &*e.id).collect();
        assert_eq!(ids, vec!["a", "b", "\u{1f600}", "\u{fb33}"]);
        assert_eq!(r.get(Kind::Agent, "a"), Some(r#"{"y":[true]}"#));
        assert_eq!(r.get(Kind::Agent, "\u{fb33}"), Some("{}"));
        assert_eq!(r.get(Kind::Tool, "a"), None);
        assert_eq!(r.decl(Kind::Agent, "b"), Some(json!({"x": 1})));
        assert_eq!(r.len(), 4);
        let back = r.to_json();
        assert_eq!(back["agents"], v["agents"]);
        assert_eq!(back["format"], "f");
        assert_eq!(back["workflows"], json!({}));
        assert!(r.number_error().is_none());
    }

    #[test]
    fn the_first_out_of_range_integer_is_kept() {
        let v = json!({
            "tools": {"t/1": {"n": [1, 9007199254740993_u64]}},
            "agents": {"z": {"m": 9007199254740994_u64}},
        });
        let e = Registry::from_json(&v).number_error().cloned();
        assert_eq!(e.map(|e| e.pointer), Some("/agents/z/m".to_owned()));
        let v = json!({"tools": {"t/1": {"n": [1, 9007199254740993_u64]}}});
        let e = Registry::from_json(&v).number_error().cloned();
        assert_eq!(e.map(|e| e.pointer), Some("/tools/t~11/n/1".to_owned()));
    }
}
