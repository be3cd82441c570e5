//! Writes `bench/RESULTS.md`: the machine, one row per size, the per-stage split,
//! regorus alone, and where each target stands.

use crate::suite::{Abilities, SizeResult, STAGES};
use std::fmt::Write;

macro_rules! line {
    ($s:expr) => {{
        $s.push('\n');
    }};
    ($s:expr, $($arg:tt)*) => {{
        let _ = writeln!($s, $($arg)*);
    }};
}

/// A description of the machine the figures come from.
#[derive(Clone, Debug, Default)]
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: String,
    pub memory: String,
    pub kernel: String,
    pub rustc: String,
    pub commit: String,
    pub date: String,
}

impl Machine {
    /// Reads `/proc`, `rustc --version` and `git`; anything unreadable is "unknown".
    pub fn detect() -> Machine {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let field = |text: &str, key: &str| {
            text.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        };
        let cmd = |prog: &str, args: &[&str]| {
            std::process::Command::new(prog)
                .args(args)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        };
        let unknown = || "unknown".to_string();
        let mem_kib: Option<u64> = field(&read("/proc/meminfo"), "MemTotal")
            .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()));
        Machine {
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu_model: field(&read("/proc/cpuinfo"), "model name").unwrap_or_else(unknown),
            memory: mem_kib.map_or_else(unknown, |k| format!("{:.1} GiB", k as f64 / 1048576.0)),
            kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
            rustc: cmd("rustc", &["--version"]).unwrap_or_else(unknown),
            commit: cmd("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(unknown),
            date: today(),
        }
    }
}

/// Today's UTC date as `YYYY-MM-DD` (the date part of the seal's RFC 3339 form).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let stamp = pmth_compiler::emit::seal::rfc3339(i64::try_from(secs).unwrap_or(0));
    stamp.get(..10).unwrap_or(&stamp).to_owned()
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn mib_of_kib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// `1.234 s` or `12.3 ms`.
fn dur(secs: f64) -> String {
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 0.001 {
        format!("{:.1} ms", secs * 1e3)
    } else {
        format!("{:.0} µs", secs * 1e6)
    }
}

fn kfmt(n: usize) -> String {
    if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

/// Per-declaration cost at the largest size over that at the smallest.
pub fn per_decl_ratio(results: &[SizeResult]) -> Option<(f64, usize, usize)> {
    let cost = |r: &SizeResult| {
        r.check
            .as_ref()
            .map(|c| c.median_wall() / r.decls.max(1) as f64)
    };
    let small = results.iter().min_by_key(|r| r.n)?;
    let large = results.iter().max_by_key(|r| r.n)?;
    if small.n == large.n {
        return None;
    }
    Some((cost(large)? / cost(small)?, small.n, large.n))
}

/// The whole `RESULTS.md`.
pub fn render(m: &Machine, ab: &Abilities, results: &[SizeResult]) -> String {
    let mut s = String::new();
    line!(s, "# pmth benchmark results\n");
    line!(
        s,
        "Written by `bench/run` (see `bench/README.md`); do not edit by hand.\n"
    );
    line!(s, "## Machine\n");
    line!(s, "| | |\n|---|---|");
    line!(s, "| CPUs (`nproc`) | {} |", m.cpus);
    line!(s, "| CPU | {} |", m.cpu_model);
    line!(s, "| memory | {} |", m.memory);
    line!(s, "| kernel | Linux {} |", m.kernel);
    line!(s, "| rustc | {} |", m.rustc);
    line!(s, "| commit | {} |", m.commit);
    line!(s, "| date (UTC) | {} |", m.date);
    line!(s);
    targets(&mut s, results);
    end_to_end(&mut s, results);
    stages(&mut s, ab, results);
    governance(&mut s, results);
    notes(&mut s, m, ab, results);
    s
}

fn status(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "**not met**",
        None => "not measured yet",
    }
}

fn targets(s: &mut String, results: &[SizeResult]) {
    line!(s, "## Targets\n");
    line!(s, "| target | actual | status |\n|---|---|---|");
    let at = |n: usize| results.iter().find(|r| r.n == n);
    let check = |r: &SizeResult| r.check.as_ref().map(|c| c.median_wall());

    let mbs = at(10_000).and_then(|r| check(r).map(|t| mb(r.source_bytes) / t));
    line!(
        s,
        "| `pmth check` ≥ 20 MB/s end to end, 10k workspace | {} | {} |",
        mbs.map_or("—".into(), |v| format!("{v:.1} MB/s")),
        status(mbs.map(|v| v >= 20.0))
    );
    let t100 = at(100_000).and_then(check);
    line!(
        s,
        "| 100k declarations: `pmth check` < 2 s | {} | {} |",
        t100.map_or("—".into(), dur),
        status(t100.map(|t| t < 2.0))
    );
    let rss = at(100_000).and_then(|r| {
        r.check
            .as_ref()
            .map(|c| (c.max_rss_kib() as f64 * 1024.0) / r.source_bytes.max(1) as f64)
    });
    line!(
        s,
        "| 100k declarations: peak RSS < 10× source bytes | {} | {} |",
        rss.map_or("—".into(), |v| format!("{v:.1}× source")),
        status(rss.map(|v| v < 10.0))
    );
    let ratio = per_decl_ratio(results);
    line!(
        s,
        "| per-declaration cost at 100k within 1.2× of 1k | {} | {} |",
        ratio.map_or("—".into(), |(v, a, b)| format!(
            "{v:.2}× ({} vs {})",
            kfmt(b),
            kfmt(a)
        )),
        status(
            ratio
                .filter(|(_, a, b)| *a == 1000 && *b == 100_000)
                .map(|(v, _, _)| v <= 1.2)
        )
    );
    // The target has no size: it holds only if it holds at every size.
    let ratios: Vec<(f64, usize)> = results
        .iter()
        .filter_map(|r| governance_ratio(r).map(|v| (v, r.n)))
        .collect();
    let worst = ratios.iter().copied().max_by(|a, b| a.0.total_cmp(&b.0));
    let all: Vec<String> = ratios
        .iter()
        .map(|(v, n)| format!("{v:.2}× at {}", kfmt(*n)))
        .collect();
    line!(
        s,
        "| governance stage ≤ 1.3× regorus alone (every size) | {} | {} |",
        if all.is_empty() {
            "—".into()
        } else {
            all.join(", ")
        },
        status(worst.map(|(v, _)| v <= 1.3))
    );
    match at(1000).and_then(|r| r.lsp.as_ref()) {
        Some(l) => line!(
            s,
            "| LSP diagnostics ≤ 50 ms after an edit, 1k workspace | median {:.1} ms, p95 {:.1} ms ({} edits{}) | {} |",
            l.median_ms(),
            l.p95_ms(),
            l.samples_ms.len(),
            if l.wrong > 0 { format!(", {} with unexpected diagnostics", l.wrong) } else { String::new() },
            status(Some(l.median_ms() <= 50.0 && l.wrong == 0))
        ),
        None => line!(
            s,
            "| LSP diagnostics ≤ 50 ms after an edit, 1k workspace | — | not measured yet (no LSP) |"
        ),
    }
    match at(crate::suite::FMT_SIZE).and_then(|r| r.fmt.as_ref()) {
        Some(f) => line!(
            s,
            "| `pmth fmt --check` < 300 ms, 10k workspace | {} | {} |",
            dur(f.median_wall()),
            status(Some(f.median_wall() < 0.3))
        ),
        None => line!(
            s,
            "| `pmth fmt --check` < 300 ms, 10k workspace | — | not measured |"
        ),
    }
    match at(crate::suite::EXPORT_SIZE).filter(|r| !r.export.is_empty()) {
        Some(r) => {
            for (format, e) in &r.export {
                line!(
                    s,
                    "| `pmth export --to {format}` < 1 s, 10k workspace's bundle | {} (CPU {}) | {} |",
                    dur(e.median_wall()),
                    dur(e.median_cpu()),
                    status(Some(e.median_wall() < 1.0 && e.failure.is_none()))
                );
            }
        }
        None => line!(
            s,
            "| `pmth export` < 1 s per format, 10k workspace's bundle | — | not measured |"
        ),
    }
    line!(s);
}

/// `govern` stage median over regorus-alone median.
pub fn governance_ratio(r: &SizeResult) -> Option<f64> {
    let govern = r.check.as_ref()?.stage("govern")?;
    let alone = r.rego.as_ref()?.total;
    (alone > 0.0).then(|| govern / alone)
}

fn end_to_end(s: &mut String, results: &[SizeResult]) {
    line!(s, "## End to end\n");
    line!(s, "Median wall time of the timed runs (after one warm-up run); MB = 10⁶ bytes of `.pmth` source; peak RSS is the child's `ru_maxrss` (largest over the runs).\n");
    line!(s, "| N | files | source | runs | `pmth check` | CPU (user+sys) | MB/s | decl/s | peak RSS | RSS / source | `pmth build` | build peak RSS | load avg before → after |");
    line!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in results {
        let (runs, t, cpu, rate, dps, rss, ratio) = match &r.check {
            Some(c) => {
                let t = c.median_wall();
                let rss = c.max_rss_kib();
                (
                    c.wall.len().to_string(),
                    dur(t),
                    dur(c.median_cpu()),
                    format!("{:.1}", mb(r.source_bytes) / t),
                    format!("{:.0}", r.decls as f64 / t),
                    format!("{:.1} MiB", mib_of_kib(rss)),
                    format!("{:.1}×", rss as f64 * 1024.0 / r.source_bytes.max(1) as f64),
                )
            }
            None => Default::default(),
        };
        let (bt, brss) = match &r.build {
            Some(b) => (
                dur(b.median_wall()),
                format!("{:.1} MiB", mib_of_kib(b.max_rss_kib())),
            ),
            None => ("skipped".into(), "—".into()),
        };
        let load = |l: Option<f64>| l.map_or("?".into(), |l| format!("{l:.1}"));
        line!(
            s,
            "| {} | {} | {:.2} MB | {runs} | {t} | {cpu} | {rate} | {dps} | {rss} | {ratio} | {bt} | {brss} | {} → {} |",
            kfmt(r.decls),
            r.files,
            mb(r.source_bytes),
            load(r.load.0),
            load(r.load.1)
        );
    }
    line!(s);
}

fn stages(s: &mut String, ab: &Abilities, results: &[SizeResult]) {
    line!(s, "## Where the time goes\n");
    if !ab.timings {
        line!(
            s,
            "`pmth check --timings` is not available in this build: no per-stage split yet.\n"
        );
        return;
    }
    line!(s, "Median per-stage wall time from `pmth check --timings` (`emit` from `pmth build --timings` when available). *Outside the stages* is the wall time less the stages: process start, rendering the diagnostics, freeing memory.\n");
    let mut head = "| N |".to_string();
    let mut rule = "|---|".to_string();
    for st in STAGES {
        head.push_str(&format!(" {st} |"));
        rule.push_str("---|");
    }
    line!(
        s,
        "{head} stages sum | wall | outside the stages |\n{rule}---|---|---|"
    );
    for r in results {
        let Some(c) = &r.check else { continue };
        let mut row = format!("| {} |", kfmt(r.decls));
        let mut sum = 0.0;
        for st in STAGES {
            let t = c.stage(st).or_else(|| {
                r.build
                    .as_ref()
                    .and_then(|b| b.stage(st).filter(|_| st == "emit"))
            });
            sum += t.unwrap_or(0.0);
            row.push_str(&format!(" {} |", t.map_or("—".into(), dur)));
        }
        let wall = c.median_wall();
        line!(
            s,
            "{row} {} | {} | {} |",
            dur(sum),
            dur(wall),
            dur((wall - sum).max(0.0))
        );
    }
    line!(s);
    line!(
        s,
        "Per-declaration cost of `pmth check` (median wall / declarations):\n"
    );
    line!(s, "| N | µs per declaration |\n|---|---|");
    for r in results {
        if let Some(c) = &r.check {
            line!(
                s,
                "| {} | {:.2} |",
                kfmt(r.decls),
                c.median_wall() * 1e6 / r.decls.max(1) as f64
            );
        }
    }
    line!(s);
}

fn governance(s: &mut String, results: &[SizeResult]) {
    line!(s, "## Governance: the `govern` stage vs. regorus alone\n");
    line!(s, "Regorus alone: a fresh engine, the same policies, the registry JSON the compiler governs parsed into the data document, input `{{\"phase\": \"build\"}}`, every package's `deny` and `warn` evaluated (`pmth-bench rego DIR`). Median of the same number of runs.\n");
    line!(s, "| N | policies | regorus load | regorus eval | regorus total | `govern` stage | ratio | warnings (regorus) | agents written to warn | `check` errors / warnings |");
    line!(s, "|---|---|---|---|---|---|---|---|---|---|");
    for r in results {
        let diag = r
            .diagnostics
            .map_or("—".into(), |(e, w)| format!("{e} / {w}"));
        let govern = r.check.as_ref().and_then(|c| c.stage("govern"));
        match &r.rego {
            Some(g) => line!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {diag} |",
                kfmt(r.decls),
                g.policies,
                dur(g.load),
                dur(g.eval),
                dur(g.total),
                govern.map_or("—".into(), dur),
                governance_ratio(r).map_or("—".into(), |v| format!("{v:.2}×")),
                g.warns,
                r.warning_agents
            ),
            None => line!(
                s,
                "| {} | — | — | — | — | {} | — | — | {} | {diag} |",
                kfmt(r.decls),
                govern.map_or("—".into(), dur),
                r.warning_agents
            ),
        }
    }
    line!(s);
}

fn notes(s: &mut String, m: &Machine, ab: &Abilities, results: &[SizeResult]) {
    // Each note once, with the sizes it applies to.
    let mut all: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |note: String, size: usize| match all.iter_mut().find(|(n, _)| *n == note) {
        Some((_, sizes)) => sizes.push(kfmt(size)),
        None => all.push((note, vec![kfmt(size)])),
    };
    for r in results {
        for n in &r.notes {
            add(n.clone(), r.n);
        }
        for (name, c) in [("check", &r.check), ("build", &r.build)] {
            if let Some(f) = c.as_ref().and_then(|c| c.failure.as_ref()) {
                add(
                    format!("`pmth {name}` exited non-zero; first lines:\n\n```\n{f}\n```"),
                    r.n,
                );
            }
        }
        if let Some(g) = &r.rego {
            for e in g.errors.iter().take(5) {
                add(format!("regorus: {e}"), r.n);
            }
        }
    }
    let busiest = results
        .iter()
        .flat_map(|r| [r.load.0, r.load.1])
        .flatten()
        .fold(0.0_f64, f64::max);
    if busiest > m.cpus.max(1) as f64 {
        all.insert(0, (format!(
            "the machine was busy during the run (1-minute load average up to {busiest:.1} on {} CPUs): wall times are inflated by other processes; the CPU-time column is the steadier figure",
            m.cpus
        ), Vec::new()));
    }
    if all.is_empty() && ab.check {
        return;
    }
    line!(s, "## Notes\n");
    if !ab.check {
        line!(s, "- `pmth check --help` shows no usage: the binary is still a stub, its times mean nothing.");
    }
    for (note, sizes) in all {
        if sizes.is_empty() {
            line!(s, "- {note}");
        } else {
            line!(s, "- {}: {note}", sizes.join(", "));
        }
    }
    line!(s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::{CmdStats, RegoStats};

    #[test]
    fn today_is_a_date() {
        // The calendar arithmetic is the seal's (`emit::seal::rfc3339`, tested there).
        let t = today();
        assert_eq!(t.len(), 10, "{t}");
        assert!(
            t.starts_with("20") && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-',
            "{t}"
        );
    }

    fn result(n: usize, wall: f64, govern: f64) -> SizeResult {
        SizeResult {
            n,
            decls: n,
            files: n / 100,
            source_bytes: n * 400,
            check: Some(CmdStats {
                wall: vec![wall, wall * 2.0, wall * 0.5],
                rss_kib: vec![1000, 2000],
                statuses: vec![0, 0, 0],
                stages: vec![("parse", wall / 2.0), ("govern", govern)],
                ..CmdStats::default()
            }),
            rego: Some(RegoStats {
                total: govern / 1.1,
                ..RegoStats::default()
            }),
            ..SizeResult::default()
        }
    }

    #[test]
    fn lsp_latency_row() {
        let mut r = result(1000, 0.02, 0.002);
        r.lsp = Some(crate::lsp::LspStats {
            file: "agents/a.pmth".into(),
            samples_ms: vec![30.0, 40.0, 60.0],
            wrong: 0,
        });
        let md = render(&Machine::default(), &Abilities::default(), &[r]);
        assert!(
            md.contains("| LSP diagnostics ≤ 50 ms after an edit, 1k workspace | median 40.0 ms, p95 60.0 ms (3 edits) | met |"),
            "{md}"
        );
    }

    #[test]
    fn renders_targets_and_tables() {
        let results = vec![
            result(1000, 0.02, 0.002),
            result(10_000, 0.15, 0.02),
            result(100_000, 1.8, 0.3),
        ];
        let ab = Abilities {
            check: true,
            timings: true,
            ..Abilities::default()
        };
        let md = render(&Machine::default(), &ab, &results);
        assert!(
            md.contains("| `pmth check` ≥ 20 MB/s end to end, 10k workspace | 26.7 MB/s | met |")
        );
        assert!(md.contains("| 100k declarations: `pmth check` < 2 s | 1.80 s | met |"));
        assert!(md.contains("0.90× (100k vs 1k) | met"), "{md}");
        assert!(
            md.contains("1.10× at 1k, 1.10× at 10k, 1.10× at 100k | met"),
            "{md}"
        );
        assert!(md.contains("not measured yet (no LSP)"));
        assert!(
            md.contains("| 10k | 100 | 4.00 MB | 3 | 150.0 ms |"),
            "{md}"
        );
        let (v, _, _) = per_decl_ratio(&results).unwrap_or_default();
        assert!((v - 0.9).abs() < 1e-9);
    }
}
