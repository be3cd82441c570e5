//! The pmth compiler: a pipeline of stages, each a function from one data type to
//! the next.
//!
//! ```text
//! load → parse → expand → resolve → check → govern → emit
//! ```
//!
//! Stages never print and never fail on user errors: each returns its output and
//! the diagnostics it found. [`compile`] runs them all.

pub mod ast;
pub mod diag;
pub mod source;

pub mod check;
pub mod diff;
pub mod emit;
pub mod expand;
pub mod export;
pub mod fmt;
#[doc(hidden)]
pub mod generated;
pub mod govern;
pub mod graph;
pub mod import;
pub mod load;
pub mod parse;
pub mod query;
pub mod resolve;
pub mod runtime_policy;
pub mod schema;
pub mod session;
pub mod types;

mod pipeline;

pub use pipeline::{compile, compile_with_session, Compilation, CompileOptions, StageTiming};
pub use session::Session;

/// The compiler's version, as written into bundles and `pmth --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
