//! Mermaid `flowchart` text: one node per line (`n3(["agent billing"])`),
//! then one edge per line. Labels are quoted, with `"` written `#quot;` and
//! line breaks `<br/>`, as Mermaid's own escapes.

use super::{Graph, Shape};
use std::fmt::Write as _;

pub fn mermaid(g: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, n) in g.nodes.iter().enumerate() {
        let label = n
            .label
            .replace('&', "#amp;")
            .replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;")
            .replace('\n', "<br/>");
        let (open, close) = match n.shape {
            Shape::Agent => ("([", "])"),
            Shape::Tool | Shape::Step => ("[", "]"),
            Shape::Model => ("{{", "}}"),
            Shape::Service => ("[(", ")]"),
            Shape::Workflow => ("[[", "]]"),
        };
        let _ = writeln!(out, "  n{i}{open}\"{label}\"{close}");
    }
    for (a, b) in &g.edges {
        let _ = writeln!(out, "  n{a} --> n{b}");
    }
    for (a, b) in &g.error_edges {
        let _ = writeln!(out, "  n{a} -.->|on error| n{b}");
    }
    out
}
