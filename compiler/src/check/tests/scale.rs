//! A generated 10k-declaration workspace: checks cleanly, in linear time.
//! `cargo test --release -p pmth-compiler check_time_10k -- --ignored --nocapture`
//! prints the stage times.

use super::{run_files, Run};
use std::fmt::Write;
use std::time::Instant;

/// About `n` declarations of every kind, all valid, densely cross-referenced.
pub fn workspace(n: usize) -> String {
    let k = (n / 10).max(1);
    let mut s = String::new();
    for i in 0..k / 10 {
        let _ = writeln!(s, "capability c{i} {{ description = \"root {i}\" }}");
        for j in 0..9 {
            let req = if j > 0 {
                format!("requires = [capability.c{i}.s{}]", j - 1)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "capability c{i}.s{j} {{ description = \"child\" {req} }}"
            );
        }
    }
    let caps = (k / 10).max(1);
    for i in 0..k {
        let _ = writeln!(
            s,
            "service svc{i}@1.{i}.0 {{ description = \"s\" kind = rest endpoint = \"https://s{i}.example\" auth = api_key {{ header = \"K\" secret = env(\"K{i}\") }} }}"
        );
        let _ = writeln!(
            s,
            "model m{i}@2024.1.{i} {{ description = \"m\" provider = \"openai\" context_window = 128000 provides = [capability.c{}.s0] cost {{ input = 1.5 output = 3 }} }}",
            i % caps
        );
    }
    for i in 0..3 * k {
        let _ = writeln!(
            s,
            "tool t{i}@1.0.{i} {{\n  description = \"t\"\n  risk = low\n  service = service.svc{}\n  provides = [capability.c{}.s1]\n  params {{ q: string {{ min_len = 1 }}  n: int {{ min = 1 max = 50 }} = 10 }}\n  returns: list<string>\n}}",
            i % k,
            i % caps
        );
    }
    for i in 0..k {
        let parent = if i > 0 {
            format!("extends = [persona.p{}]", i - 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "persona p{i} {{ {parent} traits {{ creativity = 0.5 }} }}"
        );
    }
    for i in 0..3 * k {
        let _ = writeln!(
            s,
            "agent a{i} {{ description = \"a\" kind = analytical model = model.m{} tools = [tool.t{}@^1, tool.t{}] persona = persona.p{} capabilities = [capability.c{}.s1] }}",
            i % k,
            i % (3 * k),
            (i + 1) % (3 * k),
            i % k,
            i % caps
        );
    }
    for i in 0..k - 2 * (k / 10) {
        let _ = writeln!(
            s,
            "workflow w{i} {{ description = \"w\" input {{ x: string }} step a {{ agent = agent.a{} }} step b {{ agent = agent.a{} after = [step.a] }} }}",
            i % (3 * k),
            (i + 7) % (3 * k)
        );
    }
    s
}

fn timed(n: usize) -> (Run, std::time::Duration, usize) {
    let src = workspace(n);
    let decls = src
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('}'))
        .count();
    let t = Instant::now();
    let r = run_files(&[], &[("main.pmth", &src)]);
    (r, t.elapsed(), decls)
}

#[test]
fn ten_thousand_declarations_check_cleanly() {
    let (r, _, decls) = timed(10_000);
    assert!(decls >= 10_000, "{decls}");
    assert_eq!(r.codes().into_iter().take(5).collect::<Vec<_>>(), vec![]);
}

#[test]
#[ignore]
fn check_time_10k() {
    for n in [2_500, 5_000, 10_000, 20_000] {
        stage_times(n);
    }
}

fn stage_times(n: usize) {
    let src = workspace(n);
    let mut sources = crate::source::SourceMap::new();
    let id = sources.add(
        "main.pmth".into(),
        crate::source::FileKind::Pmth,
        src,
        false,
    );
    let file = sources.get(id).cloned().expect("file");
    let t = Instant::now();
    let (decls, _) = crate::parse::parse_source(&file);
    let parse = t.elapsed();
    let n = decls.len();
    let t = Instant::now();
    let (expanded, _) = crate::expand::expand(&sources, crate::parse::Parsed { decls });
    let expand = t.elapsed();
    let t = Instant::now();
    let (resolved, _) = crate::resolve::resolve(&sources, expanded);
    let resolve = t.elapsed();
    let ws = crate::load::Workspace {
        root: ".".into(),
        sources,
        manifest: None,
        manifest_file: 0,
        pmth_files: vec![id],
        policy_files: Vec::new(),
    };
    let t = Instant::now();
    let cpu = on_cpu_ns();
    let (checked, d) = crate::check::check(&ws, resolved);
    let cpu = on_cpu_ns().saturating_sub(cpu);
    let check = t.elapsed();
    let per = cpu / 1000 / n.max(1) as u64;
    eprintln!(
        "{n} declarations: parse {parse:?}, expand {expand:?}, resolve {resolve:?}, check {check:?} wall, {}ms on CPU ({per} µs/declaration, {} diagnostics)",
        cpu / 1_000_000,
        d.len()
    );
    drop(checked);
}

/// Nanoseconds this thread has spent on a CPU (Linux; 0 elsewhere), so that the
/// timing holds on a busy machine.
fn on_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}
