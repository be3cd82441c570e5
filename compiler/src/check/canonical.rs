//! RFC 8785 (JCS) canonical JSON: keys sorted by UTF-16 code units, no
//! whitespace, ECMAScript number and string forms; and the `sha256:` digests
//! computed over it.

use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// The one canonical byte form of a JSON value.
pub fn canonical(v: &Json) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

/// `sha256:` and the lowercase hex SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in hash {
        for nibble in [b >> 4, b & 0xf] {
            out.push(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

/// The digest of a value's canonical form.
pub fn digest(v: &Json) -> String {
    sha256(canonical(v).as_bytes())
}

/// The digest of an object's canonical form (without wrapping it in a value).
pub fn digest_object(m: &serde_json::Map<String, Json>) -> String {
    let mut out = String::new();
    write_object(&mut out, m);
    sha256(out.as_bytes())
}

/// The digest of an object's canonical form less the members named in `skip`
/// (a declaration's own digest: without `source` and `digest`), with no copy.
pub fn digest_object_without(m: &serde_json::Map<String, Json>, skip: &[&str]) -> String {
    let mut out = String::new();
    write_object_without(&mut out, m, skip);
    sha256(out.as_bytes())
}

/// The canonical text of `m` plus `extra` members, where `extra` is computed
/// from the canonical text of `m` alone (e.g. its digest): each member of `m`
/// is written once. `extra`'s keys must not be keys of `m`.
pub fn object_with(
    m: &serde_json::Map<String, Json>,
    extra: impl FnOnce(&str) -> Vec<(&'static str, Json)>,
) -> String {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_by(|a, b| key_cmp(a, b));
    let mut plain = String::new();
    // Where each member (`"key":value`) ends in `plain`.
    let mut ends = Vec::with_capacity(keys.len());
    plain.push('{');
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            plain.push(',');
        }
        write_string(&mut plain, k);
        plain.push(':');
        if let Some(child) = m.get(*k) {
            write_value(&mut plain, child);
        }
        ends.push(plain.len());
    }
    plain.push('}');
    let mut extra = extra(&plain);
    extra.sort_by(|a, b| key_cmp(a.0, b.0));
    let mut out = String::with_capacity(plain.len() + 160);
    out.push('{');
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !std::mem::take(&mut first) {
            out.push(',');
        }
    };
    let mut extra = extra.into_iter().peekable();
    let mut start = 1;
    for (k, &end) in keys.iter().zip(&ends) {
        while let Some((ek, ev)) = extra.next_if(|(ek, _)| key_cmp(ek, k).is_lt()) {
            sep(&mut out);
            write_string(&mut out, ek);
            out.push(':');
            write_value(&mut out, &ev);
        }
        sep(&mut out);
        out.push_str(plain.get(start..end).unwrap_or(""));
        start = end + 1;
    }
    for (ek, ev) in extra {
        sep(&mut out);
        write_string(&mut out, ek);
        out.push(':');
        write_value(&mut out, &ev);
    }
    out.push('}');
    out
}

/// Reorders every object's keys into canonical order, so that plain
/// serialization (with `preserve_order`) lists them as JCS does.
pub fn sort_keys(v: &mut Json) {
    match v {
        Json::Object(m) => {
            let mut entries: Vec<(String, Json)> = std::mem::take(m).into_iter().collect();
            entries.sort_by(|a, b| key_cmp(&a.0, &b.0));
            for (k, mut child) in entries {
                sort_keys(&mut child);
                m.insert(k, child);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

/// JCS key order: by UTF-16 code units.
///
/// UTF-8 byte order is code point order, which is UTF-16 order except between
/// a supplementary character (a surrogate pair, lead byte `F0`–`F4`) and one of
/// U+E000–U+FFFF (lead byte `EE`/`EF`): those two are compared the other way
/// round. So the bytes decide, unless the first difference is such a pair of
/// lead bytes (a difference after a shared lead byte compares like kinds).
pub fn key_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    match x.iter().zip(y).position(|(p, q)| p != q) {
        None => x.len().cmp(&y.len()),
        Some(i) => {
            let (p, q) = (x.get(i).copied(), y.get(i).copied());
            let high = |c: Option<u8>| c.is_some_and(|c| c >= 0xEE);
            if high(p) && high(q) {
                a.get(i..)
                    .unwrap_or("")
                    .encode_utf16()
                    .cmp(b.get(i..).unwrap_or("").encode_utf16())
            } else {
                p.cmp(&q)
            }
        }
    }
}

/// Appends the canonical text of `v`.
pub fn write_value(out: &mut String, v: &Json) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                let _ = write!(out, "{i}");
            } else if let Some(u) = n.as_u64() {
                let _ = write!(out, "{u}");
            } else {
                out.push_str(&es_number(n.as_f64().unwrap_or(0.0)));
            }
        }
        Json::String(s) => write_string(out, s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Json::Object(m) => write_object(out, m),
    }
}

fn write_object(out: &mut String, m: &serde_json::Map<String, Json>) {
    write_object_without(out, m, &[]);
}

fn write_object_without(out: &mut String, m: &serde_json::Map<String, Json>, skip: &[&str]) {
    let mut keys: Vec<&String> = m.keys().filter(|k| !skip.contains(&k.as_str())).collect();
    keys.sort_by(|a, b| key_cmp(a, b));
    out.push('{');
    for (i, k) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, k);
        out.push(':');
        if let Some(child) = m.get(k) {
            write_value(out, child);
        }
    }
    out.push('}');
}

/// Appends a string in canonical form (quoted, escaped).
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    // Most strings need no escape: one tight scan, one copy.
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    // Runs of characters that need no escape are copied at once.
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or(""));
        if esc.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(esc);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or(""));
    out.push('"');
}

/// ECMAScript `Number.prototype.toString` for a finite double (JCS §3.2.2.3).
pub fn es_number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return "0".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Shortest round-trip digits and exponent, from Rust's `{:e}`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    let n = exp.parse::<i64>().unwrap_or(0) + 1; // position of the decimal point
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (a, b) = digits.split_at(n as usize);
        format!("{a}.{b}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let esign = if e < 0 { "-" } else { "+" };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{esign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{esign}{}", e.abs())
        }
    };
    format!("{sign}{body}")
}

/// The largest integer magnitude written: 2^53.
pub const MAX_SAFE_INTEGER: u64 = 1 << 53;

/// An integer outside ±2^53, at a JSON Pointer (RFC 6901) path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JcsError {
    /// `/pmth/config/limit`
    pub pointer: String,
    /// The number as serde_json prints it.
    pub number: String,
}

impl std::fmt::Display for JcsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "the top level"
        } else {
            &self.pointer
        };
        write!(
            f,
            "integer {} at {at} is outside ±2^53, which JSON consumers cannot represent exactly",
            self.number
        )
    }
}

impl std::error::Error for JcsError {}

/// Walks `v` and fails on the first integer whose magnitude exceeds 2^53.
pub fn check_numbers(v: &Json, pointer: &mut String) -> Result<(), JcsError> {
    // The common case, no such integer, builds no pointer.
    if !has_unsafe_integer(v) {
        return Ok(());
    }
    find_unsafe_integer(v, pointer)
}

fn has_unsafe_integer(v: &Json) -> bool {
    match v {
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.unsigned_abs() > MAX_SAFE_INTEGER,
            (None, Some(u)) => u > MAX_SAFE_INTEGER,
            (None, None) => false,
        },
        Json::Array(items) => items.iter().any(has_unsafe_integer),
        Json::Object(m) => m.values().any(has_unsafe_integer),
        Json::Null | Json::Bool(_) | Json::String(_) => false,
    }
}

fn find_unsafe_integer(v: &Json, pointer: &mut String) -> Result<(), JcsError> {
    match v {
        Json::Number(n) => {
            let out_of_range = match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => i.unsigned_abs() > MAX_SAFE_INTEGER,
                (None, Some(u)) => u > MAX_SAFE_INTEGER,
                // A float: JCS writes it in ECMAScript form, whatever its size.
                (None, None) => false,
            };
            if out_of_range {
                return Err(JcsError {
                    pointer: pointer.clone(),
                    number: n.to_string(),
                });
            }
            Ok(())
        }
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                let _ = write!(pointer, "/{i}");
                find_unsafe_integer(item, pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        Json::Object(m) => {
            for (k, item) in m {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                find_unsafe_integer(item, pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        Json::Null | Json::Bool(_) | Json::String(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_follow_ecmascript() {
        let cases = [
            (3.0, "3"),
            (0.25, "0.25"),
            (-0.1, "-0.1"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (123.456, "123.456"),
            (1.5e-10, "1.5e-10"),
        ];
        for (x, want) in cases {
            assert_eq!(es_number(x), want, "{x}");
        }
    }

    #[test]
    fn objects_are_sorted_and_compact() {
        let v = json!({"b": [1, 2.5, "x\n"], "a": {"z": null, "é": true, "A": false}});
        assert_eq!(
            canonical(&v),
            r#"{"a":{"A":false,"z":null,"é":true},"b":[1,2.5,"x\n"]}"#
        );
    }

    #[test]
    fn object_with_merges_members_in_order() {
        for v in [
            json!({}),
            json!({"a": 1}),
            json!({"z": [1, {"y": 2}], "b": "x", "é": null}),
            json!({"digest": 0, "sourcf": 1}),
        ] {
            let Json::Object(m) = v else { continue };
            let mut seen = String::new();
            let got = object_with(&m, |text| {
                seen = text.to_owned();
                vec![("source", json!({"line": 1})), ("digesu", json!("d"))]
            });
            let mut all = m.clone();
            assert_eq!(seen, canonical(&Json::Object(all.clone())));
            all.insert("source".into(), json!({"line": 1}));
            all.insert("digesu".into(), json!("d"));
            assert_eq!(got, canonical(&Json::Object(all)));
        }
    }

    #[test]
    fn key_cmp_is_utf16_order() {
        let words = [
            "",
            "a",
            "ab",
            "b",
            "é",
            "\u{7ff}",
            "\u{800}",
            "\u{d7ff}",
            "\u{e000}",
            "\u{fb33}",
            "\u{ffff}",
            "\u{10000}",
            "\u{1f600}",
            "\u{10ffff}",
            "a\u{fb33}",
            "a\u{1f600}",
            "\u{1f600}a",
            "\u{1f601}",
            "\u{fb33}\u{1f600}",
            "\u{fb33}\u{e000}",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    key_cmp(a, b),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn sort_keys_matches_canonical_order() {
        let mut v = json!({"b": 1, "a": {"d": 1, "c": 2}});
        sort_keys(&mut v);
        assert_eq!(v.to_string(), canonical(&v));
        assert!(digest(&v).starts_with("sha256:"));
    }
}
