//! The pmth benchmark harness: a deterministic workspace generator ([`gen`]), a
//! process measurer (wall time and peak RSS, [`measure`]), regorus alone on the
//! same policies and registry ([`rego`]), the language server's edit latency
//! ([`lsp`]), and the suite that runs them and writes
//! `bench/RESULTS.md` ([`suite`], [`report`]).

pub mod authorize;
pub mod gen;
pub mod lsp;
pub mod measure;
pub mod rego;
pub mod report;
pub mod rng;
pub mod suite;
