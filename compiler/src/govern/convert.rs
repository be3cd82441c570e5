//! The registry and `[governance.data]` as regorus values, once per build.
//!
//! The registry's declarations are read from their canonical text straight
//! into regorus values (no `serde_json` tree in between), in parallel, a chunk
//! of declarations per task. Object keys are interned, as regorus' own JSON
//! reader does, but across a whole chunk rather than one document: thousands of
//! agents share one allocation per key name, which keeps the document small
//! and its lookups fast.

use crate::check::{Entry, Registry};
use regorus::{Rc, Value};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Declarations converted per task: enough to amortize a key table, small
/// enough to balance the threads.
const CHUNK: usize = 512;

/// String values up to this many bytes are interned too.
const INTERNED_STRING_LEN: usize = 48;

/// The registry as one regorus object: the header fields and the eight maps.
pub(crate) fn registry_value(reg: &Registry) -> Value {
    use rayon::prelude::*;
    let entries: Vec<(crate::ast::Kind, &Entry)> = reg.iter().collect();
    let values: Vec<Vec<Value>> = entries
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut keys = Keys::default();
            chunk
                .iter()
                .map(|(_, e)| read_decl(&e.json, &mut keys))
                .collect()
        })
        .collect();
    let mut maps: BTreeMap<&'static str, BTreeMap<Value, Value>> = crate::ast::Kind::ALL
        .iter()
        .map(|k| (k.plural(), BTreeMap::new()))
        .collect();
    for ((kind, e), v) in entries.iter().zip(values.into_iter().flatten()) {
        if let Some(m) = maps.get_mut(kind.plural()) {
            m.insert(Value::from(&*e.id), v);
        }
    }
    let mut keys = HashMap::new();
    let mut out = BTreeMap::new();
    for (k, v) in &reg.header {
        out.insert(Value::from(k.as_str()), convert(v, &mut keys, 1));
    }
    for (plural, m) in maps {
        out.insert(Value::from(plural), Value::from(m));
    }
    Value::from(out)
}

/// One declaration (at depth 2 of the registry) from its canonical text.
fn read_decl(text: &str, keys: &mut Keys) -> Value {
    let mut de = serde_json::Deserializer::from_str(text);
    // Depth is limited by `Seed` (as `convert` does), not by the parser.
    de.disable_recursion_limit();
    let value = Seed { keys, depth: 2 }.deserialize(&mut de);
    match (value, de.end()) {
        (Ok(v), Ok(())) => v,
        _ => Value::Null,
    }
}

/// Interned object keys and short strings.
#[derive(Default)]
struct Keys(HashMap<Box<str>, Rc<str>, foldhash::fast::RandomState>);

impl Keys {
    fn get(&mut self, k: &str) -> Rc<str> {
        if let Some(rc) = self.0.get(k) {
            return Rc::clone(rc);
        }
        let rc: Rc<str> = Rc::from(k);
        self.0.insert(k.into(), Rc::clone(&rc));
        rc
    }
}

/// Reads one JSON value at `depth` into a regorus value.
struct Seed<'k> {
    keys: &'k mut Keys,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.depth > MAX_DEPTH {
            <IgnoredAny as de::Deserialize>::deserialize(d)?;
            return Ok(Value::Null);
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::from(b))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::from(u))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::from(i))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(Value::from(f))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        // Short strings repeat (statuses, kinds, ids of what is referenced,
        // source file paths): interned like keys. Long ones (descriptions,
        // digests) rarely do.
        if s.len() <= INTERNED_STRING_LEN {
            Ok(Value::String(self.keys.get(s)))
        } else {
            Ok(Value::from(s))
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let seed = Seed {
                keys: &mut *self.keys,
                depth: self.depth + 1,
            };
            match seq.next_element_seed(seed)? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::from(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key_seed(Key(&mut *self.keys))? {
            let seed = Seed {
                keys: &mut *self.keys,
                depth: self.depth + 1,
            };
            members.push((Value::String(key), map.next_value_seed(seed)?));
        }
        // Canonical text lists keys sorted (by UTF-16 code units, which is
        // byte order for nearly every key): the map is then built in bulk.
        Ok(Value::from(members.into_iter().collect::<BTreeMap<_, _>>()))
    }
}

/// Reads an object key, interned.
struct Key<'k>(&'k mut Keys);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = Rc<str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Rc<str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = Rc<str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, s: &str) -> Result<Rc<str>, E> {
        Ok(self.0.get(s))
    }
}

/// How deep a document may nest; anything deeper becomes `null` (the registry
/// nests a few levels; only a pathological `[governance.data]` could go deeper, and
/// this keeps the conversion, and regorus after it, off the end of the stack).
pub(crate) const MAX_DEPTH: usize = 128;

/// Converts a JSON value. Non-finite floats cannot occur in `serde_json` values;
/// numbers are kept as integers when they are integers.
pub(crate) fn to_value(json: &serde_json::Value) -> Value {
    let mut keys = HashMap::new();
    convert(json, &mut keys, 0)
}

fn convert(json: &serde_json::Value, keys: &mut HashMap<String, Rc<str>>, depth: usize) -> Value {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::from(*b),
        J::Number(n) => {
            if let Some(u) = n.as_u64() {
                Value::from(u)
            } else if let Some(i) = n.as_i64() {
                Value::from(i)
            } else {
                Value::from(n.as_f64().unwrap_or(0.0))
            }
        }
        J::String(s) => Value::from(s.as_str()),
        J::Array(items) => Value::from(
            items
                .iter()
                .map(|v| convert(v, keys, depth + 1))
                .collect::<Vec<_>>(),
        ),
        J::Object(map) => {
            let mut out = BTreeMap::new();
            for (k, v) in map {
                let key = match keys.get(k.as_str()) {
                    Some(rc) => Rc::clone(rc),
                    None => {
                        let rc: Rc<str> = Rc::from(k.as_str());
                        keys.insert(k.clone(), Rc::clone(&rc));
                        rc
                    }
                };
                out.insert(Value::String(key), convert(v, keys, depth + 1));
            }
            Value::from(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_like_regorus_reads_json() {
        let json = serde_json::json!({
            "a": [1, -2, 2.5, "s", true, null, {"b": {}}],
            "c": {"a": 18446744073709551615u64}
        });
        let via_text = Value::from_json_str(&json.to_string()).expect("json");
        assert_eq!(to_value(&json), via_text);
    }

    /// The registry read from `json` converts like `json` itself, with an empty
    /// map for every kind it lacks.
    fn assert_converts_like_its_json(json: &serde_json::Value) {
        let mut full = json.clone();
        for kind in crate::ast::Kind::ALL {
            if full.get(kind.plural()).is_none() {
                full[kind.plural()] = serde_json::json!({});
            }
        }
        let reg = Registry::from_json(json);
        assert_eq!(registry_value(&reg), to_value(&full));
    }

    #[test]
    fn registries_convert_like_their_json() {
        let json = serde_json::json!({
            "format": "f",
            "agents": {"a": {"n": [1, -2, 2.5, 1e300, "s\n", true, null, {"b": {}}], "é": {"x": "y"}}},
            "tools": {"t@1.0.0": {"risk": "low"}},
        });
        assert_converts_like_its_json(&json);
    }

    #[test]
    fn deep_declarations_are_cut_like_trees() {
        let mut deep = serde_json::json!(1);
        for _ in 0..(MAX_DEPTH + 10) {
            deep = serde_json::json!({"d": [deep]});
        }
        let json = serde_json::json!({"agents": {"a": deep}});
        assert_converts_like_its_json(&json);
    }

    #[test]
    fn deep_documents_are_cut() {
        let mut deep = serde_json::json!(1);
        for _ in 0..(MAX_DEPTH + 10) {
            deep = serde_json::json!([deep]);
        }
        let mut v = &to_value(&deep);
        let mut depth = 0;
        while let Value::Array(a) = v {
            v = a.first().unwrap_or(&Value::Null);
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH + 1);
        assert_eq!(*v, Value::Null);
    }
}
