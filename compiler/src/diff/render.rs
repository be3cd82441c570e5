//! The three renderings of a diff [`Report`] (CLI.md, "Diff output"): `json`
//! (one document, exactly the documented shape), `human` (grouped by class,
//! breaking first, one line per detail naming its path) and `markdown` (the
//! same, for a pull-request comment). Plain text in, plain text out: the
//! binary prints it.

use super::{next_breaking, split_id, Change, Class, Report};
use serde_json::json;

// Public Interface

/// `{"changes": [...], "summary": {...}}`, pretty-printed, ending in a newline.
pub fn json(report: &Report) -> String {
    let changes: Vec<serde_json::Value> = report
        .changes
        .iter()
        .map(|c| {
            json!({
                "kind": c.kind,
                "id": c.id,
                "previous": c.previous,
                "class": c.class.as_str(),
                "semver_violation": c.semver_violation,
                "details": c.details.iter().map(|d| json!({
                    "path": d.path,
                    "class": d.class.as_str(),
                    "message": d.message,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "changes": changes,
        "summary": {
            "breaking": report.count(Class::Breaking),
            "compatible": report.count(Class::Compatible),
            "governance": report.count(Class::Governance),
            "cosmetic": report.count(Class::Cosmetic),
            "semver_violations": report.semver_violations(),
        },
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// Grouped by class, breaking first:
///
/// ```text
/// breaking (1)
///   tool.search@1.3.0: semver violation: breaking change within the compatibility range of 1.2.0 (needs 2.0.0)
///   tool.search@1.3.0: params.limit: max lowered from 100 to 50 (breaking)
///
/// summary: 1 breaking (1 semver violation), 0 compatible, 0 governance, 0 cosmetic
/// ```
pub fn human(report: &Report) -> String {
    if report.changes.is_empty() {
        return "no changes\n".into();
    }
    let mut out = String::new();
    for class in Class::ALL {
        let group: Vec<&Change> = report.changes.iter().filter(|c| c.class == class).collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!("{} ({})\n", class.as_str(), group.len()));
        for c in group {
            let name = format!("{}.{}", c.kind, c.id);
            if let Some(why) = semver_line(c) {
                out.push_str(&format!("  {name}: {why}\n"));
            } else if let Some(p) = &c.previous {
                out.push_str(&format!("  {name}: compared with {p}\n"));
            }
            for d in &c.details {
                let path = if d.path.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", d.path)
                };
                out.push_str(&format!(
                    "  {name}: {path}{} ({})\n",
                    d.message,
                    d.class.as_str()
                ));
            }
        }
        out.push('\n');
    }
    out.push_str(&format!("summary: {}\n", summary(report)));
    out
}

/// A pull-request comment: a title line with the counts, then one section
/// per class, breaking first, a bullet per declaration and one per detail.
pub fn markdown(report: &Report) -> String {
    let mut out = String::from("### pmth diff\n\n");
    if report.changes.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    out.push_str(&format!("{}\n", summary_md(report)));
    for class in Class::ALL {
        let group: Vec<&Change> = report.changes.iter().filter(|c| c.class == class).collect();
        if group.is_empty() {
            continue;
        }
        let title = match class {
            Class::Breaking => "Breaking",
            Class::Compatible => "Compatible",
            Class::Governance => "Governance",
            Class::Cosmetic => "Cosmetic",
        };
        out.push_str(&format!("\n#### {title} ({})\n\n", group.len()));
        for c in group {
            let mut head = format!("- {}", code(&format!("{}.{}", c.kind, c.id)));
            if let Some(p) = &c.previous {
                head.push_str(&format!(" (was {})", code(p)));
            }
            if let Some(why) = semver_line(c) {
                head.push_str(&format!(" — **{}**", md_text(&why)));
            }
            out.push_str(&head);
            out.push('\n');
            for d in &c.details {
                let path = if d.path.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", code(&d.path))
                };
                out.push_str(&format!(
                    "  - {path}{} ({})\n",
                    md_text(&d.message),
                    d.class.as_str()
                ));
            }
        }
    }
    out
}

/// `1 breaking (1 semver violation), 2 compatible, 0 governance, 1 cosmetic`
pub fn summary(report: &Report) -> String {
    let semver = match report.semver_violations() {
        0 => String::new(),
        1 => " (1 semver violation)".into(),
        n => format!(" ({n} semver violations)"),
    };
    format!(
        "{} breaking{semver}, {} compatible, {} governance, {} cosmetic",
        report.count(Class::Breaking),
        report.count(Class::Compatible),
        report.count(Class::Governance),
        report.count(Class::Cosmetic),
    )
}

// ---- internals ----------------------------------------------------------------------

/// Why a change is a semver violation, in words.
fn semver_line(c: &Change) -> Option<String> {
    if !c.semver_violation {
        return None;
    }
    let (_, v) = split_id(&c.id)?;
    Some(match c.previous.as_deref().and_then(split_id) {
        Some((_, pv)) => format!(
            "semver violation: a breaking change within the compatibility range of {pv} (needs {})",
            next_breaking(&pv)
        ),
        None => format!(
            "semver violation: a breaking change to {v} in place, without a version bump (needs {})",
            next_breaking(&v)
        ),
    })
}

fn summary_md(report: &Report) -> String {
    let b = report.count(Class::Breaking);
    let lead = if b > 0 {
        format!("**{}**", summary(report))
    } else {
        summary(report)
    };
    lead
}

/// Inline code that survives backticks in the text.
fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

/// Text outside code spans: Markdown's active characters escaped, backtick
/// spans (names in messages) kept.
fn md_text(s: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for ch in s.chars() {
        if ch == '`' {
            in_code = !in_code;
            out.push(ch);
        } else if !in_code && matches!(ch, '*' | '_' | '<' | '>' | '[' | ']' | '|' | '\\' | '#') {
            out.push('\\');
            out.push(ch);
        } else {
            out.push(ch);
        }
    }
    out
}
