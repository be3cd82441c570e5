//! Unit tests of schema compilation and default validation.

use super::*;
use serde_json::json;

#[test]
fn validate_reports_the_validators_message() {
    let schema = json!({"type": "integer", "minimum": 1, "maximum": 20});
    assert!(validate(&schema, &json!(5)).is_ok());
    let err = validate(&schema, &json!(50)).unwrap_err();
    assert!(err.contains("maximum"), "{err}");
}

#[test]
fn formats_are_asserted() {
    let schema = json!({"type": "string", "format": "email"});
    assert!(validate(&schema, &json!("a@b.example")).is_ok());
    assert!(validate(&schema, &json!("nope")).is_err());
}

#[test]
fn patterns_compile_with_the_validators_engine() {
    assert!(check_pattern("^[a-z]+$").is_ok());
    let err = check_pattern("([a-z]").unwrap_err();
    assert!(!err.is_empty());
}
