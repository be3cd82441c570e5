//! `serde_json` → regorus values, once per build, straight from the compiler's
//! registry tree (no JSON text in between). Object keys are interned, as regorus'
//! own JSON reader does: ten thousand agents share one allocation per key name,
//! which keeps the document small and its lookups fast.

use regorus::{Rc, Value};
use std::collections::{BTreeMap, HashMap};

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
