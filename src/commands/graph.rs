//! `pmth graph [PATH] [--workflow W] [--format mermaid|dot|svg]`: the fleet's
//! dependency graph, or one workflow's DAG, on stdout. The graphs and their
//! renderings are `pmth_compiler::graph`'s; PATH is a workspace or a bundle
//! (`registry_input`). Exit 2 when the workflow does not exist.

use super::registry_input::{self, fail};
use super::{print, workspace_root, Exit};
use crate::cli::{GraphArgs, GraphFormat};
use pmth_compiler::graph;

pub fn run(args: &GraphArgs) -> Exit {
    let path = match &args.path {
        Some(p) => p.clone(),
        None => match workspace_root(None) {
            Ok(root) => root,
            Err(message) => return fail(&message),
        },
    };
    let registry = match registry_input::registry_json(&path) {
        Ok(r) => r,
        Err(exit) => return exit,
    };
    let g = match &args.workflow {
        Some(w) => match graph::workflow(&registry, w) {
            Ok(g) => g,
            Err(message) => return fail(&message),
        },
        None => graph::dependencies(&registry),
    };
    print(&match args.format {
        GraphFormat::Mermaid => graph::mermaid(&g),
        GraphFormat::Dot => graph::dot(&g),
        GraphFormat::Svg => graph::svg(&g),
    });
    Exit::Ok
}
