//! Throughput of `parse` on a generated ~10 MB workspace. Ignored by default; run
//! in release: `cargo test --release -p pmth-compiler parse_throughput -- --ignored --nocapture`.

use crate::load::Workspace;
use crate::source::{FileKind, SourceMap};
use std::time::Instant;

/// One file of realistic declarations (`n` is a unique prefix).
fn file_text(n: usize) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "// Generated file {n}\ncapability c{n} {{ description = \"Root capability {n}\" }}\n\
         capability c{n}.search {{ description = \"Search\" }}\n\n"
    ));
    for i in 0..12 {
        s.push_str(&format!(
            r#"/// A model for team {i}.
model m{n}_{i}@2024.8.{i} {{
  description = "A fast general-purpose model"
  provider = "openai"
  id = "gpt-4o-mini"
  context_window = 128000
  max_output = 8192
  modalities = [text, image]
  provides = [capability.c{n}.search]
  cost {{ input = 3.0  output = 15.0 }}
  safety {{ content_filter = true  evaluated = true }}
}}

tool t{n}_{i}@1.{i}.0 {{
  description = "Look up records in the API"
  kind = integration
  risk = medium
  provides = [capability.c{n}.search]
  permissions = ["net.http", "fs.read"]
  limits {{ timeout = 30s  memory = 256MB  rate = 60/m }}
  params {{
    query: string {{ min_len = 1  max_len = 200 }}
    region: "us" | "eu" = "us"
    site?: string {{ format = "hostname" }}
    tags: list<string> {{ max_len = 5  unique = true }} = []
    requires {{ site = [region] }}
  }}
  returns: list<object {{ title: string  url: string {{ format = "uri" }} }}>
}}

agent a{n}_{i}@1.0.0 {{
  description = """
    Writes reports about ${{topic}}.
    Cites sources.
    """
  kind = creative
  model = model.m{n}_{i}@^2024.8
  tools = [tool.t{n}_{i}@^1.{i}, tool.t{n}_0]
  capabilities = [capability.c{n}.search]
  governance {{ safety_level = high  audit = true  content_filter = strict }}
  limits {{ max_steps = 12  timeout = 10m  budget_usd = 2.5 }}
}}

workflow w{n}_{i} {{
  description = "Research and write"
  input {{ subject: string {{ min_len = 3 }}  depth: "brief" | "deep" = "brief" }}
  step gather {{ select = capability.c{n}.search  retry {{ attempts = 3  backoff = 2s }} }}
  step write {{
    agent = agent.a{n}_{i}
    after = [step.gather]
    when = input.depth == "deep" && step.gather.status == "ok"
    with {{ notes = step.gather.output }}
  }}
}}

"#
        ));
    }
    s
}

#[test]
#[ignore]
fn parse_throughput() {
    let mut sources = SourceMap::new();
    let mut pmth_files = Vec::new();
    let mut bytes = 0;
    let mut n = 0;
    while bytes < 10_000_000 {
        let text = file_text(n);
        bytes += text.len();
        pmth_files.push(sources.add(format!("f{n}.pmth"), FileKind::Pmth, text, false));
        n += 1;
    }
    let manifest_file = sources.add("pmth.toml".into(), FileKind::Manifest, String::new(), false);
    let ws = Workspace {
        root: std::path::PathBuf::from("."),
        sources,
        manifest: None,
        manifest_file,
        pmth_files,
        policy_files: Vec::new(),
    };
    let _ = super::super::parse(&ws); // warm up
    let runs = 3;
    let start = Instant::now();
    let mut decls = 0;
    for _ in 0..runs {
        let (parsed, diags) = super::super::parse(&ws);
        assert!(diags.is_empty(), "{:?}", diags.iter().next());
        decls = parsed.decls.len();
    }
    let secs = start.elapsed().as_secs_f64() / f64::from(runs);
    let mb = bytes as f64 / 1e6;
    println!(
        "parsed {mb:.1} MB in {n} files ({decls} declarations) in {:.0} ms: {:.1} MB/s",
        secs * 1e3,
        mb / secs
    );
}
