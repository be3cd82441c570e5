//! The whole benchmark: for each size, generate the workspace, run `pmth check`
//! (and `pmth build` when it exists) several times, time regorus alone on the same
//! registry and policies, and collect what [`crate::report`] writes.

use crate::measure::{self, median};
use crate::{gen, lsp, rego};
use std::path::{Path, PathBuf};

/// The compiler's stages, in pipeline order (`pmth check --timings` names them).
pub const STAGES: [&str; 7] = [
    "load", "parse", "expand", "resolve", "check", "govern", "emit",
];

/// The workspace size the LSP latency target is stated for, and how many edits
/// are timed there.
pub const LSP_SIZE: usize = 1000;
pub const LSP_EDITS: usize = 20;

/// What to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The release `pmth` binary.
    pub pmth: PathBuf,
    pub sizes: Vec<usize>,
    /// Timed runs for sizes below 100k.
    pub runs: usize,
    /// Timed runs for sizes of 100k and more.
    pub large_runs: usize,
    /// Where workspaces and bundles go (not committed).
    pub work: PathBuf,
    /// Policies to use for regorus alone when the loader provides none.
    pub policies: PathBuf,
}

/// The measurements of one command over several runs.
#[derive(Clone, Debug, Default)]
pub struct CmdStats {
    pub args: Vec<String>,
    /// Wall times in seconds.
    pub wall: Vec<f64>,
    /// User+system CPU seconds per run.
    pub cpu: Vec<f64>,
    /// Peak RSS per run, in KiB.
    pub rss_kib: Vec<u64>,
    pub statuses: Vec<i32>,
    /// Median seconds per stage, in [`STAGES`] order, for stages that were reported.
    pub stages: Vec<(&'static str, f64)>,
    /// The first lines of output of a run that did not exit 0.
    pub failure: Option<String>,
}

impl CmdStats {
    pub fn median_wall(&self) -> f64 {
        median(&self.wall)
    }

    pub fn median_cpu(&self) -> f64 {
        median(&self.cpu)
    }

    pub fn max_rss_kib(&self) -> u64 {
        self.rss_kib.iter().copied().max().unwrap_or(0)
    }

    pub fn stage(&self, name: &str) -> Option<f64> {
        self.stages
            .iter()
            .find(|(s, _)| *s == name)
            .map(|(_, t)| *t)
    }
}

/// Regorus alone, median of several runs, in seconds.
#[derive(Clone, Debug, Default)]
pub struct RegoStats {
    pub load: f64,
    pub eval: f64,
    pub total: f64,
    pub policies: usize,
    pub warns: usize,
    pub denies: usize,
    pub errors: Vec<String>,
}

/// The size `pmth fmt --check` is measured at.
pub const FMT_SIZE: usize = 10_000;

/// The size `pmth export` is measured at, and the formats it writes.
pub const EXPORT_SIZE: usize = 10_000;
pub const EXPORT_FORMATS: [&str; 4] = ["mcp", "a2a", "openai", "agentspec"];

/// Everything measured for one size.
#[derive(Clone, Debug, Default)]
pub struct SizeResult {
    pub n: usize,
    pub decls: usize,
    pub files: usize,
    pub source_bytes: usize,
    pub warning_agents: usize,
    pub check: Option<CmdStats>,
    pub build: Option<CmdStats>,
    pub rego: Option<RegoStats>,
    /// Errors and warnings reported by `pmth check --format json`, when available.
    pub diagnostics: Option<(u64, u64)>,
    pub notes: Vec<String>,
    /// The 1-minute load average before and after this size's runs.
    pub load: (Option<f64>, Option<f64>),
    /// `pmth lsp` edit latency (measured at 1k only).
    pub lsp: Option<lsp::LspStats>,
    /// `pmth fmt --check DIR` (measured at 10k only; exit 1 when a file would
    /// change is expected, the generated text not being in canonical layout).
    pub fmt: Option<CmdStats>,
    /// `pmth export DIST --to FORMAT` of this size's bundle, per format
    /// (measured at 10k only, after `pmth build`).
    pub export: Vec<(&'static str, CmdStats)>,
}

/// What the `pmth` binary can do, found from its `--help`.
#[derive(Clone, Debug, Default)]
pub struct Abilities {
    pub check: bool,
    pub timings: bool,
    pub json: bool,
    pub build: bool,
    pub build_timings: bool,
    pub lsp: bool,
    pub fmt: bool,
    pub export: bool,
}

/// Asks `pmth CMD --help`; a real subcommand prints a usage line.
pub fn abilities(pmth: &Path) -> Abilities {
    let help = |cmd: &str| -> Option<String> {
        let args = vec![cmd.to_string(), "--help".to_string()];
        let r = measure::run(&pmth.display().to_string(), &args).ok()?;
        let text = format!("{}{}", r.stdout, r.stderr);
        (r.status == 0 && text.to_lowercase().contains("usage")).then_some(text)
    };
    let check = help("check");
    let build = help("build");
    let has = |t: &Option<String>, flag: &str| t.as_deref().is_some_and(|t| t.contains(flag));
    Abilities {
        timings: has(&check, "--timings"),
        json: has(&check, "--format"),
        build_timings: has(&build, "--timings"),
        check: check.is_some(),
        build: build.is_some(),
        lsp: help("lsp").is_some(),
        fmt: help("fmt").is_some(),
        export: help("export").is_some(),
    }
}

/// Runs the suite, printing progress on stderr.
pub fn run(cfg: &Config) -> Result<(Vec<SizeResult>, Abilities), String> {
    let ab = abilities(&cfg.pmth);
    let mut results = Vec::new();
    for &n in &cfg.sizes {
        results.push(run_size(cfg, &ab, n)?);
    }
    Ok((results, ab))
}

fn run_size(cfg: &Config, ab: &Abilities, n: usize) -> Result<SizeResult, String> {
    let dir = cfg.work.join(format!("ws-{n}"));
    eprintln!("[bench] generating {n} declarations into {}", dir.display());
    let ws = gen::generate(n);
    gen::write(&ws, &dir).map_err(|e| e.to_string())?;
    let mut res = SizeResult {
        n,
        decls: ws.decls(),
        files: ws.files.len(),
        source_bytes: ws.source_bytes(),
        warning_agents: ws.warning_agents,
        ..SizeResult::default()
    };
    drop(ws);
    res.load.0 = measure::load_average();
    let runs = if n >= 100_000 {
        cfg.large_runs
    } else {
        cfg.runs
    };
    let dir_s = dir.display().to_string();

    let mut args = vec!["check".to_string(), dir_s.clone()];
    if ab.timings {
        args.push("--timings".into());
    }
    res.check = Some(repeat(cfg, &args, runs, ab.timings)?);

    if ab.json {
        let args = vec![
            "check".into(),
            dir_s.clone(),
            "--format".into(),
            "json".into(),
        ];
        if let Ok(r) = measure::run(&cfg.pmth.display().to_string(), &args) {
            res.diagnostics = diagnostic_counts(&r.stdout);
        }
    }

    if ab.build {
        let out = cfg.work.join(format!("dist-{n}")).display().to_string();
        let mut args = vec!["build".to_string(), dir_s.clone(), "-o".into(), out.clone()];
        if ab.build_timings {
            args.push("--timings".into());
        }
        res.build = Some(repeat(cfg, &args, runs, ab.build_timings)?);
        if ab.export && n == EXPORT_SIZE {
            let into = cfg.work.join(format!("export-{n}")).display().to_string();
            for format in EXPORT_FORMATS {
                let args: Vec<String> = ["export", &out, "--to", format, "-o", &into]
                    .map(String::from)
                    .to_vec();
                res.export.push((format, repeat(cfg, &args, runs, false)?));
            }
        }
    } else {
        res.notes
            .push("`pmth build` is not available yet (`pmth build --help` failed): skipped".into());
    }

    if ab.lsp && n == LSP_SIZE {
        eprintln!("[bench] pmth lsp: {LSP_EDITS} edits on {n}");
        match lsp::measure(&cfg.pmth, &dir, LSP_EDITS) {
            Ok(stats) => res.lsp = Some(stats),
            Err(e) => res.notes.push(format!("pmth lsp: skipped: {e}")),
        }
    }

    if ab.fmt && n == FMT_SIZE {
        let args = vec!["fmt".to_string(), "--check".into(), dir_s.clone()];
        res.fmt = Some(repeat(cfg, &args, runs, false)?);
    }

    res.load.1 = measure::load_average();
    eprintln!("[bench] regorus alone on {n}");
    match rego::inputs_from_workspace(&dir, &cfg.policies) {
        Ok(inputs) if inputs.policies.is_empty() => {
            res.notes
                .push("regorus alone: no policies found (stdlib policies not written yet)".into());
        }
        Ok(inputs) => res.rego = Some(rego_stats(&inputs, runs)),
        Err(e) => res.notes.push(format!("regorus alone: skipped: {e}")),
    }
    Ok(res)
}

/// One untimed warm-up run, then `runs` measured runs.
fn repeat(cfg: &Config, args: &[String], runs: usize, timings: bool) -> Result<CmdStats, String> {
    let prog = cfg.pmth.display().to_string();
    eprintln!("[bench] pmth {} (1 warm-up + {runs} runs)", args.join(" "));
    let mut st = CmdStats {
        args: args.to_vec(),
        ..CmdStats::default()
    };
    let mut per_stage: Vec<Vec<f64>> = vec![Vec::new(); STAGES.len()];
    for i in 0..=runs {
        let r = measure::run(&prog, args).map_err(|e| format!("cannot run {prog}: {e}"))?;
        if r.status != 0 && st.failure.is_none() {
            let text: String = format!("{}\n{}", r.stdout, r.stderr)
                .lines()
                .filter(|l| !l.trim().is_empty())
                .take(12)
                .collect::<Vec<_>>()
                .join("\n");
            st.failure = Some(text);
        }
        if i == 0 {
            continue;
        }
        st.wall.push(r.wall.as_secs_f64());
        st.cpu.push(r.cpu.as_secs_f64());
        st.rss_kib.push(r.max_rss_kib);
        st.statuses.push(r.status);
        if timings {
            for (stage, secs) in parse_timings(&r.stderr) {
                if let Some(slot) = STAGES.iter().position(|s| *s == stage) {
                    if let Some(v) = per_stage.get_mut(slot) {
                        v.push(secs);
                    }
                }
            }
        }
    }
    st.stages = STAGES
        .iter()
        .zip(&per_stage)
        .filter(|(_, v)| !v.is_empty())
        .map(|(s, v)| (*s, median(v)))
        .collect();
    Ok(st)
}

fn rego_stats(inputs: &rego::Inputs, runs: usize) -> RegoStats {
    let _warm = rego::run_once(inputs);
    let mut load = Vec::new();
    let mut eval = Vec::new();
    let mut total = Vec::new();
    let mut last = rego::Timing::default();
    for _ in 0..runs.max(1) {
        last = rego::run_once(inputs);
        load.push(last.load.as_secs_f64());
        eval.push(last.eval.as_secs_f64());
        total.push(last.total().as_secs_f64());
    }
    RegoStats {
        load: median(&load),
        eval: median(&eval),
        total: median(&total),
        policies: inputs.policies.len(),
        warns: last.warns,
        denies: last.denies,
        errors: last.errors,
    }
}

/// `errors` and `warnings` of a `--format json` document.
pub fn diagnostic_counts(stdout: &str) -> Option<(u64, u64)> {
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).ok()?;
    Some((v.get("errors")?.as_u64()?, v.get("warnings")?.as_u64()?))
}

/// Reads per-stage wall times from `--timings` output. Tolerant of the layout: on
/// each line, the first stage name standing as a word, then the first number after
/// it with an optional unit (`ns`, `us`/`µs`, `ms`, `s`; milliseconds when none).
/// A stage reported twice keeps its first time. Returns seconds.
pub fn parse_timings(stderr: &str) -> Vec<(&'static str, f64)> {
    let mut out: Vec<(&'static str, f64)> = Vec::new();
    for line in stderr.lines() {
        let lower = line.to_lowercase();
        let words = tokens(&lower);
        let Some(pos) = words.iter().position(|w| STAGES.contains(&w.as_str())) else {
            continue;
        };
        let Some(stage) = words.get(pos).and_then(|w| STAGES.iter().find(|s| *s == w)) else {
            continue;
        };
        if out.iter().any(|(s, _)| s == stage) {
            continue;
        }
        let mut rest = words.iter().skip(pos + 1).peekable();
        while let Some(w) = rest.next() {
            let (num, unit) = split_number(w);
            let Ok(value) = num.parse::<f64>() else {
                continue;
            };
            let unit = if unit.is_empty() {
                rest.peek().map(|u| u.as_str()).unwrap_or("")
            } else {
                unit
            };
            let scale = match unit {
                "ns" => 1e-9,
                "us" | "µs" | "μs" => 1e-6,
                "s" | "sec" | "secs" | "seconds" => 1.0,
                _ => 1e-3,
            };
            out.push((stage, value * scale));
            break;
        }
    }
    out
}

/// Words of a line: runs of letters, digits, `.`, `µ` and `μ`.
fn tokens(line: &str) -> Vec<String> {
    line.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == 'µ' || c == 'μ'))
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_string())
        .collect()
}

/// `"12.5ms"` → `("12.5", "ms")`.
fn split_number(w: &str) -> (&str, &str) {
    let end = w
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(w.len());
    (&w[..end], &w[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timings_in_several_layouts() {
        let t = parse_timings("load 1.5ms\nparse: 0.25s\n  expand   300µs\nresolve 2 ms\n");
        assert_eq!(t.len(), 4);
        assert!((t[0].1 - 0.0015).abs() < 1e-12);
        assert!((t[1].1 - 0.25).abs() < 1e-12);
        assert!((t[2].1 - 0.0003).abs() < 1e-12);
        assert!((t[3].1 - 0.002).abs() < 1e-12);
        let close = |t: &[(&str, f64)], want: &[(&str, f64)]| {
            t.len() == want.len()
                && t.iter()
                    .zip(want)
                    .all(|(a, b)| a.0 == b.0 && (a.1 - b.1).abs() < 1e-12)
        };
        let t = parse_timings("timing: check = 12.0 ms\ngovern 7\nnoise\ntotal 99ms\n");
        assert!(close(&t, &[("check", 0.012), ("govern", 0.007)]), "{t:?}");
        let t = parse_timings(r#"{"stage":"emit","ms":4.5}"#);
        assert!(close(&t, &[("emit", 0.0045)]), "{t:?}");
        assert!(parse_timings("error: 3 errors").is_empty());
    }

    #[test]
    fn json_counts() {
        let doc = r#"{"diagnostics": [], "errors": 0, "warnings": 12}"#;
        assert_eq!(diagnostic_counts(doc), Some((0, 12)));
        assert_eq!(diagnostic_counts("nope"), None);
    }
}
