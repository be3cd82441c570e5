//! Loading bundles with the crate: a verified bundle decides and answers
//! index queries; one that fails verification is refused; a bundle without
//! an OPA bundle decides with the embedded `pmth.runtime`.

use pmth_runtime::{Bundle, LoadError, Request, Trust};
use serde_json::json;

#[test]
fn a_verified_bundle_decides_and_answers_index_queries() {
    let dist = pmth_runtime::doc_example_bundle();
    let b = Bundle::load(&dist, Trust::IntegrityOnly).expect("loads");
    let ok = b.decide(&Request::tool_call(
        "reader",
        "lookup",
        json!({"id": "A-12"}),
    ));
    assert!(ok.allow, "{:?}", ok.reasons);
    let bad = b.decide(&Request::tool_call(
        "reader",
        "lookup",
        json!({"id": "B", "x": 1}),
    ));
    assert!(!bad.allow);
    assert_eq!(
        bad.reasons,
        vec![
            "params.id: does not match the pattern ^A-[0-9]+$",
            "params: unexpected property x"
        ]
    );
    let text = b.decide_json(r#"{"action": "model.invoke", "agent": "reader", "model": "small"}"#);
    assert!(text.allow, "{:?}", text.reasons);
    assert_eq!(
        b.decide_json("{").reasons[0],
        "the request is not valid JSON: EOF while parsing an object at line 1 column 1"
    );
    assert_eq!(
        b.decide_value(&json!(7)).reasons,
        vec!["the request is not a JSON object"]
    );
    assert_eq!(b.tools_of("reader"), vec!["lookup"]);
    assert!(b.tools_of("nobody").is_empty());
    assert!(b.agents_for("no.such.capability").is_empty());
    assert!(b.registry()["agents"]["reader"].is_object());
}

#[test]
fn a_bundle_that_fails_verification_is_refused() {
    let dist = pmth_runtime::doc_example_bundle();
    let reg = dist.join("registry.json");
    let mut text = std::fs::read_to_string(&reg).expect("read");
    text = text.replacen("Reads accounts", "Reads accountz", 1);
    std::fs::write(&reg, text).expect("write");
    match Bundle::load(&dist, Trust::IntegrityOnly) {
        Err(LoadError::Verification(f)) => assert!(!f.is_empty()),
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a tampered bundle loaded"),
    }
    assert!(matches!(
        Bundle::load(&dist.join("nowhere"), Trust::IntegrityOnly),
        Err(LoadError::Io { .. })
    ));
}
