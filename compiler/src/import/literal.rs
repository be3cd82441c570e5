//! pmth literals for imported values: strings with §2's escapes, numbers in
//! the plain decimal form pmth reads.

/// The largest integer pmth holds exactly (±(2^53−1)).
const MAX_INT: f64 = 9_007_199_254_740_991.0;

/// `s` as a pmth string literal (`$` escaped, so nothing interpolates).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '$' => out.push_str("\\$"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number as pmth writes it: an integer stays one (within ±(2^53−1)),
/// a float keeps a `.` (`1.0`), never an exponent. `None` when pmth cannot
/// hold it.
pub fn number(n: &serde_json::Number) -> Option<String> {
    if let Some(i) = n.as_i64() {
        return ((i as f64).abs() <= MAX_INT).then(|| i.to_string());
    }
    if n.is_u64() {
        return None; // above i64, so above 2^53
    }
    let x = n.as_f64()?;
    if !x.is_finite() || x.abs() > MAX_INT {
        return None;
    }
    let s = format!("{x}");
    let s = if s.contains('.') { s } else { format!("{s}.0") };
    // Display never writes an exponent, but a value too small to show is lost.
    (s.parse::<f64>().ok() == Some(x)).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_read_back() {
        assert_eq!(quote("a\"b\\c$d\n"), r#""a\"b\\c\$d\n""#);
        let n = |s: &str| number(&serde_json::from_str(s).unwrap());
        assert_eq!(n("5").as_deref(), Some("5"));
        assert_eq!(n("-3").as_deref(), Some("-3"));
        assert_eq!(n("1.0").as_deref(), Some("1.0"));
        assert_eq!(n("0.25").as_deref(), Some("0.25"));
        assert_eq!(n("1e-7").as_deref(), Some("0.0000001"));
        assert_eq!(n("1e300"), None);
        assert_eq!(n("18446744073709551615"), None);
    }
}
