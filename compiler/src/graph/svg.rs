//! SVG from [`super::layout::layered`]: nodes as boxes in columns (one per
//! layer, left to right), edges as curves with an arrowhead. Text widths are
//! estimated (7 px per character at 12 px), so the drawing needs no font
//! metrics and is the same bytes on every machine.

use super::layout::layered;
use super::{Graph, Shape};
use std::fmt::Write as _;

const CHAR_W: usize = 7;
const LINE_H: usize = 15;
const PAD_X: usize = 12;
const PAD_Y: usize = 8;
const GAP_X: usize = 70;
const GAP_Y: usize = 18;
const MARGIN: usize = 20;

pub fn svg(g: &Graph) -> String {
    let all_edges: Vec<(usize, usize)> = g.edges.iter().chain(&g.error_edges).copied().collect();
    let layout = layered(g.nodes.len(), &all_edges);
    let size: Vec<(usize, usize)> = g
        .nodes
        .iter()
        .map(|n| {
            let lines: Vec<&str> = n.label.lines().collect();
            let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
            (
                chars * CHAR_W + 2 * PAD_X,
                lines.len().max(1) * LINE_H + 2 * PAD_Y,
            )
        })
        .collect();
    let dim = |v: usize| size.get(v).copied().unwrap_or((0, 0));
    // Column x positions and heights.
    let mut col_x = Vec::with_capacity(layout.layers.len());
    let mut col_h = Vec::with_capacity(layout.layers.len());
    let mut x = MARGIN;
    for col in &layout.layers {
        col_x.push(x);
        x += col.iter().map(|&v| dim(v).0).max().unwrap_or(0) + GAP_X;
        col_h.push(
            col.iter()
                .map(|&v| dim(v).1 + GAP_Y)
                .sum::<usize>()
                .saturating_sub(GAP_Y),
        );
    }
    let width = (x + MARGIN).saturating_sub(GAP_X).max(2 * MARGIN);
    let tallest = col_h.iter().copied().max().unwrap_or(0);
    let height = tallest + 2 * MARGIN;
    // Node boxes: (x, y, w, h), each column centred vertically.
    let mut boxes = vec![(0usize, 0usize, 0usize, 0usize); g.nodes.len()];
    for (l, col) in layout.layers.iter().enumerate() {
        let cx = col_x.get(l).copied().unwrap_or(MARGIN);
        let mut y = MARGIN + (tallest - col_h.get(l).copied().unwrap_or(0)) / 2;
        for &v in col {
            let (w, h) = dim(v);
            if let Some(b) = boxes.get_mut(v) {
                *b = (cx, y, w, h);
            }
            y += h + GAP_Y;
        }
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&g.title));
    out.push_str(concat!(
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">"##,
        r##"<path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>"##,
        "\n"
    ));
    out.push_str("<g class=\"edges\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\">\n");
    let dashed = g.edges.len();
    for (n, &(a, b)) in all_edges.iter().enumerate() {
        let (Some(&(ax, ay, aw, ah)), Some(&(bx, by, bw, bh))) = (boxes.get(a), boxes.get(b))
        else {
            continue;
        };
        let style = if n >= dashed {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        let (x1, y1) = (ax + aw, ay + ah / 2);
        let (x2, y2) = if bx >= x1 {
            (bx, by + bh / 2)
        } else {
            (bx + bw / 2, by)
        };
        let mid = (x1 + x2) / 2;
        let _ = writeln!(
            out,
            r#"<path d="M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2} {y2}" marker-end="url(#arrow)"{style}/>"#
        );
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (v, n) in g.nodes.iter().enumerate() {
        let Some(&(x, y, w, h)) = boxes.get(v) else {
            continue;
        };
        let (fill, kind) = match n.shape {
            Shape::Agent => ("#dbeafe", "agent"),
            Shape::Tool => ("#fef3c7", "tool"),
            Shape::Model => ("#ede9fe", "model"),
            Shape::Service => ("#dcfce7", "service"),
            Shape::Workflow => ("#fee2e2", "workflow"),
            Shape::Step => ("#f1f5f9", "step"),
        };
        let _ = writeln!(out, r#"<g class="node {kind}">"#);
        match n.shape {
            Shape::Model => {
                let i = 10.min(w / 4);
                let _ = writeln!(
                    out,
                    r##"<polygon points="{},{y} {},{y} {},{} {},{} {},{} {x},{}" fill="{fill}" stroke="#333"/>"##,
                    x + i,
                    x + w - i,
                    x + w,
                    y + h / 2,
                    x + w - i,
                    y + h,
                    x + i,
                    y + h,
                    y + h / 2
                );
            }
            shape => {
                let rx = match shape {
                    Shape::Agent => h / 2,
                    Shape::Service => 10,
                    _ => 3,
                };
                let stroke = if shape == Shape::Workflow { "2.5" } else { "1" };
                let _ = writeln!(
                    out,
                    r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{rx}" fill="{fill}" stroke="#333" stroke-width="{stroke}"/>"##
                );
            }
        }
        for (i, line) in n.label.lines().enumerate() {
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
                x + w / 2,
                y + PAD_Y + LINE_H * i + 11,
                escape(line)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not allowed in XML 1.0 text.
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}
