//! `pmth-runtime`: runtime authorization from a sealed pmth bundle
//! (BUNDLE.md §5). Load a bundle folder (`dist/`), which verifies its seal
//! first, then ask [`Bundle::decide`] whether an action is allowed. The answer
//! comes from the `pmth.runtime` policy evaluated with regorus over the
//! bundle's registry, the same policy OPA evaluates from `bundle.tar.gz`.
//!
//! ```
//! # let dist = pmth_runtime::doc_example_bundle();
//! use pmth_runtime::{Bundle, Request, Trust};
//! use serde_json::json;
//!
//! // `Trust::Key(path)` in production; integrity only here.
//! let bundle = Bundle::load(&dist, Trust::IntegrityOnly)?;
//! let req = Request::tool_call("reader", "lookup", json!({"id": "A-1"}));
//! let decision = bundle.decide(&req);
//! assert!(decision.allow, "{:?}", decision.reasons);
//! assert_eq!(bundle.tools_of("reader"), vec!["lookup".to_string()]);
//! # Ok::<(), pmth_runtime::LoadError>(())
//! ```
//!
//! The engine is built and prepared once, at load. A decision takes an idle
//! clone of the prepared engine (its policies and data are shared, not
//! copied; a new clone only when every one is busy), sets the request as
//! `input` and evaluates `data.pmth.runtime.decision`: the per-request
//! evaluation is all it costs.

mod bundle;
mod doc_example;
mod request;

pub use bundle::{Bundle, LoadError, Trust};
#[doc(hidden)]
pub use doc_example::doc_example_bundle;
pub use request::{Decision, Request};
