//! `pmth query DIST EXPR [--format table|json]`: the declarations of a
//! bundle (or workspace) that every term of EXPR holds for, sorted by
//! (kind, id), with their source `file:line`. The query language is
//! `pmth_compiler::query`'s. Exit 0 (also when nothing matched), 2 when the
//! expression is invalid or names what the registry does not have.

use super::registry_input::{self, fail};
use super::{print, Exit};
use crate::cli::{QueryArgs, QueryFormat};
use pmth_compiler::query::{self, Hit};
use serde_json::json;

pub fn run(args: &QueryArgs) -> Exit {
    let q = match query::parse(&args.expr) {
        Ok(q) => q,
        Err(e) => return bad(&e),
    };
    let registry = match registry_input::registry_text(&args.dist) {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    let result = query::run_text(&registry, &q);
    // Large registries: the OS reclaims them faster than a piecewise drop.
    std::mem::forget(registry);
    match result {
        Ok(hits) => {
            print(&match args.format {
                QueryFormat::Table => table(&hits),
                QueryFormat::Json => json_doc(&hits),
            });
            Exit::Ok
        }
        Err(e) => bad(&e),
    }
}

fn bad(e: &query::QueryError) -> Exit {
    eprintln!("  = help: {}", e.help);
    fail(&e.message)
}

fn source(h: &Hit) -> String {
    match (&h.file, h.line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        (Some(f), None) => f.clone(),
        _ => String::new(),
    }
}

/// Aligned columns: kind, id, source; then a count.
fn table(hits: &[Hit]) -> String {
    let kind_w = hits
        .iter()
        .map(|h| h.kind.keyword().len())
        .max()
        .unwrap_or(0);
    let id_w = hits.iter().map(|h| h.id.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for h in hits {
        let line = format!(
            "{:kind_w$}  {:id_w$}  {}",
            h.kind.keyword(),
            h.id,
            source(h)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let n = hits.len();
    out.push_str(&format!(
        "{n} declaration{}\n",
        if n == 1 { "" } else { "s" }
    ));
    out
}

fn json_doc(hits: &[Hit]) -> String {
    let results: Vec<_> = hits
        .iter()
        .map(|h| json!({"kind": h.kind.keyword(), "id": h.id, "file": h.file, "line": h.line}))
        .collect();
    format!("{}\n", json!({"results": results, "count": hits.len()}))
}
