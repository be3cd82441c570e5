//! Snapshots of each code's rendered diagnostic (message, labels, notes, help),
//! with the source echoed, as a user reads it.

use super::run;
use crate::diag::Diagnostic;
use crate::source::SourceMap;
use std::fmt::Write;

fn render(sources: &SourceMap, d: &Diagnostic) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message);
    label(&mut out, sources, d.primary.span, &d.primary.message, '^');
    for r in &d.related {
        label(&mut out, sources, r.span, &r.message, '-');
    }
    for n in &d.notes {
        let _ = writeln!(out, "  = note: {n}");
    }
    if let Some(h) = &d.help {
        let _ = writeln!(out, "  = help: {h}");
    }
    out
}

fn label(
    out: &mut String,
    sources: &SourceMap,
    span: crate::source::Span,
    message: &str,
    mark: char,
) {
    let lc = sources.start(span);
    let _ = writeln!(
        out,
        "  --> {}:{}:{}",
        sources.path(span.file),
        lc.line,
        lc.column
    );
    let Some(file) = sources.get(span.file) else {
        return;
    };
    let line = file.text.lines().nth(lc.line as usize - 1).unwrap_or("");
    let width = sources
        .slice(span)
        .lines()
        .next()
        .map_or(1, |l| l.chars().count().max(1));
    let _ = writeln!(out, "{:>4} | {line}", lc.line);
    let _ = writeln!(
        out,
        "     | {}{} {message}",
        " ".repeat(lc.column as usize - 1),
        mark.to_string().repeat(width)
    );
}

fn snapshot(src: &str) -> String {
    let r = run(src);
    let mut out = String::new();
    for d in &r.diags {
        out.push_str(&render(&r.ws.sources, d));
        out.push('\n');
    }
    out
}

const BASE: &str = r#"capability acme { description = "root" }
capability acme.search { description = "search" }
capability acme.write { description = "write" }
model swift { description = "m" provider = "openai" }
"#;

macro_rules! case {
    ($name:ident, $src:expr) => {
        #[test]
        fn $name() {
            let src = format!("{BASE}{}", $src);
            insta::with_settings!({ omit_expression => true, description => src.as_str() }, {
                insta::assert_snapshot!(snapshot(&src));
            });
        }
    };
}

case!(pm0101_unknown_reference, "tool web_search { description = \"d\" risk = low }\nagent a { description = \"d\" kind = analytical model = model.swift tools = [tool.web_serch] }\n");
case!(pm0102_wrong_kind, "tool index_search { description = \"d\" risk = low }\nagent a { description = \"d\" kind = analytical model = tool.index_search tools = [tool.swift] }\n");
case!(pm0103_duplicate, "tool t@1.0.0 { description = \"d\" risk = low }\ntool t@1.0.0 { description = \"again\" risk = low }\ntool u { description = \"d\" risk = low }\ntool u@2.0.0 { description = \"d\" risk = low }\n");
case!(pm0104_no_version, "tool t@1.0.0 { description = \"d\" risk = low }\nagent a { description = \"d\" kind = analytical model = model.swift tools = [tool.t@^2] }\n");
case!(pm0105_pm0106_lifecycle, "tool old@1.0.0 { description = \"d\" risk = low status = deprecated }\ntool dead@1.0.0 { description = \"d\" risk = low status = retired }\nagent a { description = \"d\" kind = analytical model = model.swift tools = [tool.old, tool.dead] }\n");
case!(
    pm0107_parent,
    "capability orphan.child { description = \"d\" }\n"
);
case!(
    pm0108_cycle,
    "persona a { extends = [persona.b] }\npersona b { extends = [persona.a] }\n"
);
case!(
    pm0201_pm0205_attributes,
    "tool t {\n  descripton = \"d\"\n  description = \"d\"\n  risk = low\n  risk = high\n}\n"
);
case!(pm0202_missing, "tool t { description = \"d\" }\n");
case!(pm0203_pm0206_types, "model m {\n  description = \"d\"\n  provider = \"x\"\n  context_window = \"big\"\n  modalities = [text, smell]\n}\n");
case!(pm0204_range, "persona p { traits { creativity = 1.5 } }\nmodel m { description = \"d\" provider = \"x\" context_window = 0 }\n");
case!(pm0301_claims, "tool s { description = \"d\" risk = low provides = [capability.acme.search] }\nagent a {\n  description = \"d\"\n  kind = analytical\n  model = model.swift\n  tools = [tool.s]\n  capabilities = [capability.acme.search, capability.acme.write]\n}\n");
case!(pm0302_pm0303_services, "service s {\n  description = \"d\"\n  kind = rest\n  endpoint = \"http://api.example.com\"\n  auth = bearer { secret = \"sk-live-123\" }\n}\n");
case!(pm0501_pm0002_types, "tool t {\n  description = \"d\"\n  risk = low\n  params {\n    limit: int { min = 1  max = 20 } = 50\n    code: string { pattern = \"([a-z\" }\n  }\n}\n");
case!(pm0102_articles, "tool index_search { description = \"d\" risk = low }\nagent a { description = \"d\" kind = analytical model = model.swift tools = [agent.a] delegates = [tool.index_search] }\nworkflow w {\n  description = \"d\"\n  step s { agent = tool.index_search }\n}\n");
case!(pm0203_helps_say_what_to_write, "agent a {\n  description = \"d\"\n  kind = analytical\n  model = \"swift\"\n  labels { streaming = true }\n  limits { max_steps = \"ten\" }\n}\n");
case!(pm0301_through_delegates, "tool s { description = \"d\" risk = low provides = [capability.acme.search] }\nagent searcher { description = \"d\" kind = analytical model = model.swift tools = [tool.s] capabilities = [capability.acme.search] }\nagent ping {\n  description = \"d\"\n  kind = analytical\n  model = model.swift\n  delegates = [agent.pong, agent.searcher]\n  capabilities = [capability.acme.write]\n}\nagent pong {\n  description = \"d\"\n  kind = analytical\n  model = model.swift\n  delegates = [agent.ping]\n  capabilities = [capability.acme.write]\n}\n");
case!(pm0203_pm0303_remote_agents, "tool s { description = \"d\" risk = low }\nagent partner {\n  description = \"d\"\n  kind = task_oriented\n  remote { card = \"http://partner.example/card.json\" }\n  tools = [tool.s]\n}\nagent empty {\n  description = \"d\"\n  kind = task_oriented\n  remote { }\n}\n");
case!(pm0202_pm0203_pm0204_mcp, "service files {\n  description = \"d\"\n  kind = mcp\n  transport = stdio\n  endpoint = \"https://mcp.example\"\n  command = []\n  env { GITHUB_TOKEN = \"ghp_123\" }\n}\nservice remote_mcp {\n  description = \"d\"\n  kind = mcp\n  transport = sse\n}\nservice api {\n  description = \"d\"\n  kind = rest\n  transport = stdio\n}\n");
case!(pm0204_hints, "tool wipe {\n  description = \"d\"\n  risk = high\n  hints { read_only = true  destructive = true }\n}\n");
