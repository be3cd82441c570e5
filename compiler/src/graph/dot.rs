//! Graphviz DOT: a `digraph` laid out left to right, one statement per node
//! and edge, every string quoted with `"` and `\` escaped.

use super::{Graph, Shape};
use std::fmt::Write as _;

pub fn dot(g: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&g.title));
    out.push_str("  rankdir=LR;\n");
    let _ = writeln!(out, "  label={};", quote(&g.title));
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    for (i, n) in g.nodes.iter().enumerate() {
        let shape = match n.shape {
            Shape::Agent => "ellipse",
            Shape::Tool | Shape::Step => "box",
            Shape::Model => "hexagon",
            Shape::Service => "cylinder",
            Shape::Workflow => "box3d",
        };
        let _ = writeln!(out, "  n{i} [label={}, shape={shape}];", quote(&n.label));
    }
    for (a, b) in &g.edges {
        let _ = writeln!(out, "  n{a} -> n{b};");
    }
    for (a, b) in &g.error_edges {
        let _ = writeln!(out, "  n{a} -> n{b} [style=dashed, label=\"on error\"];");
    }
    out.push_str("}\n");
    out
}

/// A DOT quoted string; a line break becomes `\n` (a centred line).
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => {}
            c => q.push(c),
        }
    }
    q.push('"');
    q
}
