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
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in hash {
        let _ = write!(out, "{b:02x}");
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

fn key_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn write_value(out: &mut String, v: &Json) {
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
    let mut keys: Vec<&String> = m.keys().collect();
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

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
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
    fn sort_keys_matches_canonical_order() {
        let mut v = json!({"b": 1, "a": {"d": 1, "c": 2}});
        sort_keys(&mut v);
        assert_eq!(v.to_string(), canonical(&v));
        assert!(digest(&v).starts_with("sha256:"));
    }
}
