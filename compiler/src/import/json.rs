//! JSON that keeps its object keys in document order (serde_json's `Map` here
//! sorts them), so imported fields come out in the order their authors wrote.
//! Depth is bounded by serde_json's recursion limit (128): deeper input is a
//! parse error, never a stack overflow.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;
use std::fmt;

/// A JSON value with ordered objects.
#[derive(Clone, Debug, PartialEq)]
pub enum J {
    Null,
    Bool(bool),
    Num(serde_json::Number),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    /// The value of `key` when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_obj(&self) -> Option<&[(String, J)]> {
        match self {
            J::Obj(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_arr(&self) -> Option<&[J]> {
        match self {
            J::Arr(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            J::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The string at `key`.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(J::as_str)
    }

    /// As a serde_json value (keys sorted).
    pub fn to_json(&self) -> Json {
        match self {
            J::Null => Json::Null,
            J::Bool(b) => Json::Bool(*b),
            J::Num(n) => Json::Number(n.clone()),
            J::Str(s) => Json::String(s.clone()),
            J::Arr(a) => Json::Array(a.iter().map(J::to_json).collect()),
            J::Obj(e) => Json::Object(e.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }
}

/// Parses JSON text, keeping key order.
pub fn parse(text: &str) -> Result<J, String> {
    serde_json::from_str::<J>(text).map_err(|e| e.to_string())
}

/// Parses YAML text (one document), keeping key order. serde-saphyr's
/// default budgets bound aliases, depth and size.
pub fn parse_yaml(text: &str) -> Result<J, String> {
    serde_saphyr::from_str::<J>(text).map_err(|e| e.to_string())
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        d.deserialize_any(JVisitor)
    }
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_none<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<J, E> {
        Ok(J::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<J, E> {
        Ok(J::Num(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<J, E> {
        Ok(J::Num(n.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<J, E> {
        serde_json::Number::from_f64(x)
            .map(J::Num)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }
    fn visit_str<E>(self, s: &str) -> Result<J, E> {
        Ok(J::Str(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<J, E> {
        Ok(J::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = seq.next_element()? {
            v.push(x);
        }
        Ok(J::Arr(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
        let mut v: Vec<(String, J)> = Vec::new();
        while let Some((k, x)) = map.next_entry::<String, J>()? {
            // A duplicated key: the last one wins, as in serde_json.
            if let Some(slot) = v.iter_mut().find(|(key, _)| *key == k) {
                slot.1 = x;
            } else {
                v.push((k, x));
            }
        }
        Ok(J::Obj(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_bounds_depth() {
        let j = parse(r#"{"b": 1, "a": [true, null, "x", 1.5]}"#).unwrap();
        let keys: Vec<&str> = j
            .as_obj()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["b", "a"]);
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(&deep).unwrap_err().contains("recursion limit"));
    }
}
