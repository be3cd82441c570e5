//! RFC 8785 (JCS) canonical JSON for every JSON file the bundle writes, and the
//! SHA-256 digests computed over it.
//!
//! The byte form itself is [`crate::check::canonical`] (the same code computes
//! each declaration's `digest`, so the two can never disagree); this module adds
//! the one check JCS needs that a `serde_json::Value` does not guarantee:
//! integers must lie within ±2^53, the range every JSON consumer (I-JSON,
//! ECMAScript) reads exactly. Floats are always finite in a `Value`.

use crate::check::canonical;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

// Public Interface

pub use crate::check::canonical::{check_numbers, JcsError, MAX_SAFE_INTEGER};

/// A JSON document assembled from parts, written without building one
/// `serde_json` tree of it: objects of parts, `serde_json` values, and
/// canonical JSON text (a registry declaration) copied as it is.
#[derive(Clone, Debug)]
pub enum Doc<'a> {
    Value(&'a Json),
    Owned(Json),
    /// Canonical JSON text whose numbers were checked when it was written.
    Canonical(&'a str),
    Object(Vec<(&'a str, Doc<'a>)>),
}

impl Doc<'_> {
    /// The canonical text, or the first out-of-range integer of a value part.
    pub fn to_canonical(&self) -> Result<String, JcsError> {
        self.check_numbers(&mut String::new())?;
        let mut out = String::new();
        self.write(&mut out);
        Ok(out)
    }

    /// Like [`check_numbers`], for the value parts (canonical text was checked
    /// when it was written).
    pub fn check_numbers(&self, pointer: &mut String) -> Result<(), JcsError> {
        match self {
            Doc::Value(v) => check_numbers(v, pointer),
            Doc::Owned(v) => check_numbers(v, pointer),
            Doc::Canonical(_) => Ok(()),
            Doc::Object(members) => {
                for (k, item) in members {
                    // The member's own pointer is only spelled out on failure.
                    if let Err(mut e) = item.check_numbers(&mut String::new()) {
                        let key = k.replace('~', "~0").replace('/', "~1");
                        e.pointer = format!("{pointer}/{key}{}", e.pointer);
                        return Err(e);
                    }
                }
                Ok(())
            }
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Doc::Value(v) => canonical::write_value(out, v),
            Doc::Owned(v) => canonical::write_value(out, v),
            Doc::Canonical(text) => out.push_str(text),
            Doc::Object(members) => {
                let mut sorted: Vec<&(&str, Doc<'_>)> = members.iter().collect();
                sorted.sort_by(|a, b| canonical::key_cmp(a.0, b.0));
                out.push('{');
                for (i, (k, item)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    canonical::write_string(out, k);
                    out.push(':');
                    item.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// The canonical text of `v`, or the first out-of-range integer.
pub fn to_string(v: &Json) -> Result<String, JcsError> {
    check_numbers(v, &mut String::new())?;
    Ok(canonical::canonical(v))
}

/// The canonical bytes of `v`.
pub fn to_vec(v: &Json) -> Result<Vec<u8>, JcsError> {
    to_string(v).map(String::into_bytes)
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `sha256:` and the lowercase hex SHA-256 of `bytes` (the form used in the
/// registry, the lock and the OPA manifest).
pub fn sha256_prefixed(bytes: &[u8]) -> String {
    format!("sha256:{}", sha256_hex(bytes))
}

/// Lowercase hex of any bytes.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Golden vectors: RFC 8785 §3.2.2 and Appendix B number forms, key order
    /// by UTF-16 code units (§3.2.3), string escapes (§3.2.2.2).
    #[test]
    #[allow(clippy::excessive_precision)] // RFC 8785's own vector
    fn golden_vectors() {
        let cases: &[(Json, &str)] = &[
            (json!({"b": 1, "a": 2}), r#"{"a":2,"b":1}"#),
            (json!([1, 2.5, -0.0, 1e21, 1e-7]), "[1,2.5,0,1e+21,1e-7]"),
            (json!(333333333.33333329), "333333333.3333333"),
            (json!(4.50), "4.5"),
            (json!(2e-3), "0.002"),
            (json!(0.000001), "0.000001"),
            (json!(1e23), "1e+23"),
            (json!(9007199254740992_u64), "9007199254740992"),
            (json!(-9007199254740992_i64), "-9007199254740992"),
            (json!(5e-324), "5e-324"),
            (json!(1.7976931348623157e308), "1.7976931348623157e+308"),
            (
                json!("\u{20ac}$\u{f}\n\u{1b}a\"\\/\u{7f}"),
                "\"\u{20ac}$\\u000f\\n\\u001ba\\\"\\\\/\u{7f}\"",
            ),
            (
                // RFC 8785 §3.2.3: "\r", "1", "\u{80}", "\u{d6}", "\u{20ac}", "😀", "\u{fb33}".
                json!({"\u{20ac}": 1, "\r": 2, "\u{fb33}": 3, "1": 4, "\u{1f600}": 5, "\u{80}": 6, "\u{d6}": 7}),
                "{\"\\r\":2,\"1\":4,\"\u{80}\":6,\"\u{d6}\":7,\"\u{20ac}\":1,\"\u{1f600}\":5,\"\u{fb33}\":3}",
            ),
            (json!({"a": {"z": null, "y": [true, false]}}), r#"{"a":{"y":[true,false],"z":null}}"#),
        ];
        for (v, want) in cases {
            assert_eq!(to_string(v).as_deref(), Ok(*want), "{v}");
        }
    }

    /// A differential check of number and string forms against `serde_jcs`
    /// (ryu-js). Keys outside the Basic Multilingual Plane are left out:
    /// `serde_jcs` 0.1 sorts them by code point, not by UTF-16 code unit as
    /// RFC 8785 §3.2.3 requires (the golden vectors above check ours), which is
    /// why the project does not use it for its own output.
    #[test]
    fn agrees_with_serde_jcs() {
        let v = json!({
            "numbers": [0, -1, 1.5, 0.1, 123456789.125, 1e-6, 1e-7, 1e20, 1e21, 2.5e-8, -3.75e30,
                        0.30000000000000004, 4.35, 1e-300, 123e-20, 9007199254740992_u64],
            "strings": ["", "é", "\u{2028}", "\u{7}", "tab\there", "\u{1f600}", "\"\\"],
            "keys": {"é": 1, "e": 2, "E": 3, "\u{fb33}": 5, "\u{20ac}": 6},
        });
        let ours = to_string(&v).unwrap_or_default();
        let theirs = serde_jcs::to_string(&v).unwrap_or_default();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn integers_beyond_two_to_the_53_are_rejected() {
        let ok = json!({"n": 9007199254740992_u64});
        assert!(to_string(&ok).is_ok());
        let bad = json!({"cfg": {"a/b": [1, 9007199254740993_u64]}});
        let err = to_string(&bad).err();
        assert_eq!(
            err,
            Some(JcsError {
                pointer: "/cfg/a~1b/1".into(),
                number: "9007199254740993".into()
            })
        );
        assert!(to_string(&json!(i64::MIN)).is_err());
        // Floats are not integers: any finite double has an ECMAScript form.
        assert_eq!(to_string(&json!(1e300)).as_deref(), Ok("1e+300"));
    }

    #[test]
    fn digests_are_lowercase_hex() {
        assert_eq!(
            sha256_prefixed(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
