//! Number, unit, version and requirement literals (LANGUAGE.md §2, §5): the text
//! the grammar accepted, turned into typed values or a PM0002 message.

use crate::ast::ValueKind;

/// The largest integer a literal may denote (2^53 − 1, exact in a JSON double).
pub(super) const MAX_INT: u64 = (1 << 53) - 1;

const DURATIONS: [(&str, u64); 5] = [
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
];

const SIZES: [(&str, u64); 9] = [
    ("B", 1),
    ("KB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("TB", 1_000_000_000_000),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("TiB", 1 << 40),
];

/// A PM0002 problem: the message and an optional help line.
#[derive(Debug, PartialEq)]
pub(super) struct Invalid {
    pub message: String,
    pub help: Option<String>,
}

fn invalid(message: impl Into<String>, help: Option<String>) -> Invalid {
    Invalid {
        message: message.into(),
        help,
    }
}

/// A number token (`-3`, `0.25`, `30s`, `256MB`, `60/m`, …) as a value.
pub(super) fn number(text: &str) -> Result<ValueKind, Invalid> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let int_len = body.bytes().take_while(u8::is_ascii_digit).count();
    if int_len == 0 {
        return Err(invalid(
            format!("invalid number `{text}`"),
            Some("write a digit before the `.`, as in `0.5`".into()),
        ));
    }
    let mut num_len = int_len;
    let after_int = body.get(int_len..).unwrap_or("");
    let frac_len = after_int
        .strip_prefix('.')
        .map_or(0, |f| f.bytes().take_while(u8::is_ascii_digit).count());
    if frac_len > 0 {
        num_len += 1 + frac_len;
    }
    let digits = body.get(..num_len).unwrap_or("");
    let suffix = body.get(num_len..).unwrap_or("");
    let is_float = frac_len > 0;
    if suffix.is_empty() {
        return if is_float {
            text.parse::<f64>()
                .map(ValueKind::Float)
                .map_err(|_| invalid(format!("invalid number `{text}`"), None))
        } else {
            let n = digits.parse::<u64>().ok().filter(|n| *n <= MAX_INT);
            match n {
                Some(n) => Ok(ValueKind::Int(if negative {
                    -(n as i64)
                } else {
                    n as i64
                })),
                None => Err(out_of_range(text)),
            }
        };
    }
    unit(text, negative, is_float, digits, suffix)
}

fn out_of_range(text: &str) -> Invalid {
    invalid(
        format!("integer `{text}` is out of range"),
        Some(format!("integers must lie within ±{MAX_INT} (2^53 − 1)")),
    )
}

fn unit(
    text: &str,
    negative: bool,
    is_float: bool,
    digits: &str,
    suffix: &str,
) -> Result<ValueKind, Invalid> {
    if let Some(window) = suffix.strip_prefix('/') {
        let Some(window_ms) = DURATIONS
            .iter()
            .find(|(u, _)| *u == window && *u != "ms")
            .map(|(_, ms)| *ms)
        else {
            return Err(invalid(
                format!("unknown rate window `/{window}` in `{text}`"),
                Some("a rate is a count per `/s`, `/m`, `/h` or `/d`, as in `60/m`".into()),
            ));
        };
        let count = whole(text, negative, is_float, digits, "rate")?;
        return Ok(ValueKind::Rate { count, window_ms });
    }
    if let Some((_, ms)) = DURATIONS.iter().find(|(u, _)| *u == suffix) {
        let n = whole(text, negative, is_float, digits, "duration")?;
        return scaled(text, n, *ms).map(ValueKind::Duration);
    }
    if let Some((_, bytes)) = SIZES.iter().find(|(u, _)| *u == suffix) {
        let n = whole(text, negative, is_float, digits, "size")?;
        return scaled(text, n, *bytes).map(ValueKind::Size);
    }
    Err(unknown_suffix(text, digits, suffix))
}

fn unknown_suffix(text: &str, digits: &str, suffix: &str) -> Invalid {
    if digits == "0" && suffix.starts_with(['x', 'X', 'o', 'b']) {
        return invalid(
            format!("invalid number `{text}`"),
            Some("numbers are decimal only".into()),
        );
    }
    if suffix.starts_with(['e', 'E']) && suffix.get(1..).is_some_and(is_exponent) {
        return invalid(
            format!("invalid number `{text}`"),
            Some("exponents are not supported; write the number out".into()),
        );
    }
    if suffix.contains('_') {
        return invalid(
            format!("invalid number `{text}`"),
            Some("`_` separators are not supported in numbers".into()),
        );
    }
    if suffix.starts_with('.') {
        return invalid(
            format!("invalid number `{text}`"),
            Some("a number has at most one `.`; write text as a string (`\"1.2.3\"`)".into()),
        );
    }
    let units = DURATIONS.iter().chain(SIZES.iter()).map(|(u, _)| *u);
    let help = match crate::diag::suggest(suffix, units) {
        Some(s) => format!(
            "did you mean `{digits}{s}`? units are ms s m h d (durations), B KB MB GB TB \
             KiB MiB GiB TiB (sizes)"
        ),
        None => "units are ms s m h d (durations), B KB MB GB TB KiB MiB GiB TiB (sizes), \
                 and /s /m /h /d (rates)"
            .into(),
    };
    invalid(format!("unknown unit `{suffix}` in `{text}`"), Some(help))
}

fn is_exponent(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The count of a unit literal: a non-negative integer.
fn whole(
    text: &str,
    negative: bool,
    is_float: bool,
    digits: &str,
    what: &str,
) -> Result<u64, Invalid> {
    if negative || is_float {
        return Err(invalid(
            format!("invalid {what} `{text}`"),
            Some(format!(
                "a {what} takes a non-negative whole number; use a smaller unit (`1500ms`, not `1.5s`)"
            )),
        ));
    }
    digits
        .parse::<u64>()
        .ok()
        .filter(|n| *n <= MAX_INT)
        .ok_or_else(|| out_of_range(text))
}

fn scaled(text: &str, n: u64, factor: u64) -> Result<u64, Invalid> {
    n.checked_mul(factor)
        .filter(|v| *v <= MAX_INT)
        .ok_or_else(|| out_of_range(text))
}

/// A declaration's `@VERSION`: a full semver version without build metadata.
pub(super) fn version(text: &str) -> Result<semver::Version, Invalid> {
    match semver::Version::parse(text) {
        Ok(v) if v.build.is_empty() => Ok(v),
        Ok(_) => Err(invalid(
            format!("invalid version `{text}`: build metadata is not allowed"),
            Some("drop the `+…` part".into()),
        )),
        Err(_) => Err(invalid(
            format!("invalid version `{text}`"),
            Some("a declaration's version is a full semver version such as `1.2.0`".into()),
        )),
    }
}

/// A reference's `@REQ` (§5). `quoted` is true for `@"…"` (plain cargo syntax).
pub(super) fn requirement(text: &str, quoted: bool) -> Result<semver::VersionReq, Invalid> {
    let bad = |why: String| invalid(format!("invalid version requirement `{text}`"), Some(why));
    if text.contains('+') {
        return Err(bad("build metadata is not allowed in a requirement".into()));
    }
    if quoted {
        return semver::VersionReq::parse(text).map_err(|e| bad(format!("{e}")));
    }
    let first = text.as_bytes().first().copied().unwrap_or(b' ');
    let cargo = if matches!(first, b'^' | b'~' | b'=' | b'>' | b'<' | b'*') {
        text.to_owned()
    } else if semver::Version::parse(text).is_ok() {
        format!("={text}")
    } else if is_partial(text) {
        format!("^{text}")
    } else {
        return Err(bad(
            "write a version (`1.2.0`, exact), a partial one (`1.2`), or an operator and a \
             version (`^1.2`, `>=1.4`)"
                .into(),
        ));
    };
    semver::VersionReq::parse(&cargo).map_err(|e| bad(format!("{e}")))
}

/// `1` or `1.2`.
fn is_partial(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    (1..=2).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> ValueKind {
        match number(text) {
            Ok(v) => v,
            Err(e) => panic!("{text}: {e:?}"),
        }
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(ok("128000"), ValueKind::Int(128_000));
        assert_eq!(ok("-3"), ValueKind::Int(-3));
        assert_eq!(ok("0.25"), ValueKind::Float(0.25));
        assert_eq!(ok("-0.1"), ValueKind::Float(-0.1));
        assert_eq!(
            ok("9007199254740991"),
            ValueKind::Int(9_007_199_254_740_991)
        );
        assert_eq!(
            ok("-9007199254740991"),
            ValueKind::Int(-9_007_199_254_740_991)
        );
        assert!(number("9007199254740992").is_err());
        assert!(number("99999999999999999999999").is_err());
    }

    #[test]
    fn every_unit() {
        assert_eq!(ok("1500ms"), ValueKind::Duration(1500));
        assert_eq!(ok("30s"), ValueKind::Duration(30_000));
        assert_eq!(ok("10m"), ValueKind::Duration(600_000));
        assert_eq!(ok("2h"), ValueKind::Duration(7_200_000));
        assert_eq!(ok("1d"), ValueKind::Duration(86_400_000));
        assert_eq!(ok("7B"), ValueKind::Size(7));
        assert_eq!(ok("1KB"), ValueKind::Size(1000));
        assert_eq!(ok("256MB"), ValueKind::Size(256_000_000));
        assert_eq!(ok("2GB"), ValueKind::Size(2_000_000_000));
        assert_eq!(ok("1TB"), ValueKind::Size(1_000_000_000_000));
        assert_eq!(ok("1KiB"), ValueKind::Size(1024));
        assert_eq!(ok("1MiB"), ValueKind::Size(1 << 20));
        assert_eq!(ok("1GiB"), ValueKind::Size(1 << 30));
        assert_eq!(ok("3TiB"), ValueKind::Size(3 << 40));
        let rate = |count, window_ms| ValueKind::Rate { count, window_ms };
        assert_eq!(ok("10/s"), rate(10, 1000));
        assert_eq!(ok("60/m"), rate(60, 60_000));
        assert_eq!(ok("5/h"), rate(5, 3_600_000));
        assert_eq!(ok("100/d"), rate(100, 86_400_000));
    }

    #[test]
    fn bad_numbers() {
        for t in [
            "30parsecs",
            "12XB",
            "5/fortnight",
            "1.5s",
            "-3s",
            "1e5",
            "0x1F",
            "1_000",
            ".5",
            "1.2.3",
            "30S",
            "1kb",
            "5/ms",
            "9007199254740991d",
            "10000000TiB",
        ] {
            assert!(number(t).is_err(), "{t} should be invalid");
        }
        let e = number("30parsecs").err();
        assert_eq!(
            e.map(|e| e.message),
            Some("unknown unit `parsecs` in `30parsecs`".into())
        );
    }

    #[test]
    fn versions() {
        assert!(version("1.2.0").is_ok());
        assert!(version("2024.8.6").is_ok());
        assert!(version("1.0.0-beta.1").is_ok());
        assert!(version("1.2").is_err());
        assert!(version("1.2.0+build").is_err());
        assert!(version("v1").is_err());
    }

    fn req(text: &str, quoted: bool) -> String {
        match requirement(text, quoted) {
            Ok(r) => r.to_string(),
            Err(e) => format!("ERR {}", e.message),
        }
    }

    #[test]
    fn requirements() {
        assert_eq!(req("1.2.3", false), "=1.2.3");
        assert_eq!(req("1.0.0-beta.1", false), "=1.0.0-beta.1");
        assert_eq!(req("^1.2", false), "^1.2");
        assert_eq!(req("~1.2.3", false), "~1.2.3");
        assert_eq!(req("=2.0.0", false), "=2.0.0");
        assert_eq!(req(">=1.4", false), ">=1.4");
        assert_eq!(req("<3", false), "<3");
        assert_eq!(req("1", false), "^1");
        assert_eq!(req("1.2", false), "^1.2");
        assert_eq!(req(">=1.2, <2", true), ">=1.2, <2");
        assert_eq!(req("1.2", true), "^1.2");
        for bad in ["1.2.3.4", "abc", "^x", "1.2.3+b", ">=", ""] {
            assert!(req(bad, false).starts_with("ERR"), "{bad}");
        }
        assert!(req(">=1.2, <<2", true).starts_with("ERR"));
    }
}
