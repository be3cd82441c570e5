//! The pest parser generated from `grammar/pmth.pest` (the one grammar of the
//! language; the path is relative to the crate directory `compiler/`).

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/pmth.pest"]
pub(super) struct PmthParser;
