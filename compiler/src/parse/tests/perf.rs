//! Throughput of `parse` on a generated ~10 MB workspace. Ignored by default; run
//! in release: `cargo test --release -p pmth-compiler parse_throughput -- --ignored --nocapture`.
//!
//! Measured on the 2-core build machine (Xeon, 10.0 MB, 499 files, 24 950
//! declarations): 365 ms wall = 27 MB/s when the machine is otherwise idle;
//! about 13.7 MB/s per core of CPU time (the figure to trust when other jobs
//! share the cores, as the wall time then mostly measures them).

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
    let target: usize = std::env::var("PMTH_BENCH_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    while bytes < target {
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
    let runs = if target < 10_000_000 { 1 } else { 3 };
    let cpu0 = cpu_seconds();
    let start = Instant::now();
    let mut outputs = Vec::new();
    for _ in 0..runs {
        outputs.push(super::super::parse(&ws));
    }
    let secs = start.elapsed().as_secs_f64() / f64::from(runs);
    let cpu = (cpu_seconds() - cpu0) / f64::from(runs);
    // Dropping the trees is the next stages' business: not timed.
    let (parsed, diags) = outputs.swap_remove(0);
    assert!(diags.is_empty(), "{:?}", diags.iter().next());
    let decls = parsed.decls.len();
    drop(outputs);
    let mb = bytes as f64 / 1e6;
    println!(
        "parsed {mb:.1} MB in {n} files ({decls} declarations): wall {:.0} ms = {:.1} MB/s; \
         cpu {:.0} ms = {:.1} MB/s per core (load average {})",
        secs * 1e3,
        mb / secs,
        cpu * 1e3,
        mb / cpu,
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}

/// CPU time of this process (all threads), from `/proc/self/stat` (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of the whole line are 12 and 13 after the `)`.
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}

#[test]
#[ignore]
fn parse_components() {
    use crate::parse::grammar::{PmthParser, Rule};
    use pest::Parser;
    let text = file_text(0).repeat(5);
    let mut map = SourceMap::new();
    let id = map.add("a.pmth".into(), FileKind::Pmth, text.clone(), false);
    let file = map.get(id).expect("file");
    let n = 20;
    let t = Instant::now();
    for _ in 0..n {
        let _ = crate::parse::prescan::prescan(file);
    }
    let pre = t.elapsed().as_secs_f64() / n as f64;
    let (chunks, _) = crate::parse::prescan::prescan(file);
    let t = Instant::now();
    for _ in 0..n {
        for c in &chunks {
            let _ = PmthParser::parse(Rule::decl_file, &text[c.start..c.end]);
        }
    }
    let pest_t = t.elapsed().as_secs_f64() / n as f64;
    let t = Instant::now();
    for _ in 0..n {
        let _ = crate::parse::parse_source(file);
    }
    let all = t.elapsed().as_secs_f64() / n as f64;
    let mb = text.len() as f64 / 1e6;
    println!(
        "{mb:.2} MB: prescan {:.1} MB/s, pest {:.1} MB/s, all {:.1} MB/s",
        mb / pre,
        mb / pest_t,
        mb / all
    );
}

#[test]
#[ignore]
fn long_or_chain() {
    let src = format!(
        "workflow w {{ step s {{ when = a{} }} }}",
        " || a".repeat(100_000)
    );
    let t = Instant::now();
    let _ = super::parse_str(&src);
    println!("took {:?}", t.elapsed());
}

#[test]
#[ignore]
fn ast_sizes() {
    use crate::ast::*;
    println!(
        "Value {} Item {} Field {} Attr {} Reference {} Decl {} Expr {}",
        std::mem::size_of::<Value>(),
        std::mem::size_of::<Item>(),
        std::mem::size_of::<Field>(),
        std::mem::size_of::<Attr>(),
        std::mem::size_of::<Reference>(),
        std::mem::size_of::<Decl>(),
        std::mem::size_of::<Expr>()
    );
}
