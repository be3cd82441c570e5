//! `pmth-bench`: generate benchmark workspaces, measure commands, time regorus
//! alone, and run the whole suite (see `bench/README.md`).

use pmth_bench::{authorize, gen, lsp, measure, rego, report, suite};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  pmth-bench gen N DIR [--select-heavy]
      write a deterministic workspace of N declarations into DIR; with
      --select-heavy, every workflow selects from a capability a fifth of
      all agents claim
  pmth-bench measure -- PROGRAM [ARGS...]
      run PROGRAM once; print its wall time and peak RSS on stderr
  pmth-bench rego DIR [--runs N] [--policies PATH]
      regorus alone on DIR's registry and governance policies
  pmth-bench lsp DIR [--pmth PATH] [--edits N]
      time `pmth lsp` diagnostics after N edits of one file of DIR
  pmth-bench lsp-rename DIR --model NAME [--pmth PATH] [--runs N]
      time `pmth lsp` answering a rename of model NAME (every reference)
  pmth-bench authorize DIST [--requests N] [--label TEXT] [--python PY] [--out FILE]
      in-process runtime decisions with pmth-runtime on a bundle built with
      --opa; with --python, the same requests through OPA
      (bench/opa_runtime.py); --out replaces the runtime section of FILE
  pmth-bench suite --pmth PATH [--sizes 1000,10000,100000] [--runs 5]
                   [--large-runs 3] [--work DIR] [--out FILE] [--policies PATH]
      the whole benchmark; writes FILE (default bench/RESULTS.md)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pmth-bench: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("gen") => gen(rest),
        Some("measure") => measure(rest),
        Some("rego") => rego(rest),
        Some("suite") => suite(rest),
        Some("lsp") => lsp_latency(rest),
        Some("lsp-rename") => lsp_rename(rest),
        Some("authorize") => authorize_bench(rest),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(USAGE.to_string()),
    }
}

fn gen(args: &[String]) -> Result<ExitCode, String> {
    let (shape, args) = match args {
        [n, dir, flag] if flag == "--select-heavy" => {
            (gen::Shape::SelectHeavy, [n.clone(), dir.clone()])
        }
        [n, dir] => (gen::Shape::Default, [n.clone(), dir.clone()]),
        _ => return Err(USAGE.to_string()),
    };
    let [n, dir] = &args;
    let n: usize = n.parse().map_err(|_| format!("not a count: {n}"))?;
    let ws = gen::generate_shape(n, shape);
    gen::write(&ws, &PathBuf::from(dir)).map_err(|e| e.to_string())?;
    println!(
        "wrote {} declarations ({} bytes of source, {} files) to {dir}",
        ws.decls(),
        ws.source_bytes(),
        ws.files.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn measure(args: &[String]) -> Result<ExitCode, String> {
    let args = match args.first().map(String::as_str) {
        Some("--") => args.get(1..).unwrap_or_default(),
        _ => args,
    };
    let Some((prog, rest)) = args.split_first() else {
        return Err(USAGE.to_string());
    };
    let r = measure::run(prog, rest).map_err(|e| format!("cannot run {prog}: {e}"))?;
    print!("{}", r.stdout);
    eprint!("{}", r.stderr);
    eprintln!(
        "pmth-bench measure: wall_s={:.6} max_rss_kib={} status={}",
        r.wall.as_secs_f64(),
        r.max_rss_kib,
        r.status
    );
    Ok(ExitCode::from(u8::try_from(r.status).unwrap_or(1)))
}

/// `--key value` options after positional arguments.
struct Opts<'a> {
    positional: Vec<&'a str>,
    pairs: Vec<(&'a str, &'a str)>,
}

fn opts<'a>(args: &'a [String], known: &[&str]) -> Result<Opts<'a>, String> {
    let mut o = Opts {
        positional: Vec::new(),
        pairs: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(key) = a.strip_prefix("--") {
            if !known.contains(&key) {
                return Err(format!("unknown option --{key}\n{USAGE}"));
            }
            let v = it.next().ok_or(format!("--{key} needs a value"))?;
            o.pairs.push((key, v));
        } else {
            o.positional.push(a);
        }
    }
    Ok(o)
}

impl Opts<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    fn count(&self, key: &str, default: usize) -> Result<usize, String> {
        self.get(key).map_or(Ok(default), |v| {
            v.parse().map_err(|_| format!("--{key}: not a count: {v}"))
        })
    }
}

fn rego(args: &[String]) -> Result<ExitCode, String> {
    let o = opts(args, &["runs", "policies"])?;
    let [dir] = o.positional[..] else {
        return Err(USAGE.to_string());
    };
    let runs = o.count("runs", 5)?.max(1);
    let policies = o
        .get("policies")
        .map_or_else(rego::repo_policies, PathBuf::from);
    let inputs = rego::inputs_from_workspace(&PathBuf::from(dir), &policies)?;
    if inputs.policies.is_empty() {
        return Err(format!(
            "no policies (looked in the workspace and {})",
            policies.display()
        ));
    }
    let mut totals = Vec::new();
    let mut last = rego::Timing::default();
    for _ in 0..runs {
        last = rego::run_once(&inputs);
        totals.push(last.total().as_secs_f64());
    }
    for e in &last.errors {
        eprintln!("regorus: {e}");
    }
    println!(
        "regorus alone: {} policies, {} registry declarations, {} registry bytes: median {:.3} ms over {runs} runs (last: load {:.3} ms, eval {:.3} ms); {} deny, {} warn",
        inputs.policies.len(),
        inputs.decls,
        inputs.registry_json.len(),
        measure::median(&totals) * 1e3,
        last.load.as_secs_f64() * 1e3,
        last.eval.as_secs_f64() * 1e3,
        last.denies,
        last.warns
    );
    Ok(ExitCode::SUCCESS)
}

fn lsp_latency(args: &[String]) -> Result<ExitCode, String> {
    let o = opts(args, &["pmth", "edits"])?;
    let [dir] = o.positional[..] else {
        return Err(USAGE.to_string());
    };
    let pmth = PathBuf::from(o.get("pmth").unwrap_or("target/release/pmth"));
    let edits = o.count("edits", 20)?.max(1);
    let s = lsp::measure(&pmth, &PathBuf::from(dir), edits)?;
    println!(
        "pmth lsp: {} edits of {}: diagnostics after an edit: median {:.1} ms, p95 {:.1} ms{}",
        s.samples_ms.len(),
        s.file,
        s.median_ms(),
        s.p95_ms(),
        if s.wrong > 0 {
            format!(" ({} edits with unexpected diagnostics)", s.wrong)
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn lsp_rename(args: &[String]) -> Result<ExitCode, String> {
    let o = opts(args, &["pmth", "runs", "model"])?;
    let ([dir], Some(model)) = (&o.positional[..], o.get("model")) else {
        return Err(USAGE.to_string());
    };
    let pmth = PathBuf::from(o.get("pmth").unwrap_or("target/release/pmth"));
    let runs = o.count("runs", 10)?.max(1);
    let s = lsp::rename(&pmth, &PathBuf::from(dir), model, runs)?;
    println!(
        "pmth lsp: rename of model {model} ({}): {} edits in {} files: median {:.1} ms over {} runs",
        s.file,
        s.edits,
        s.files,
        measure::median(&s.samples_ms),
        s.samples_ms.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn suite(args: &[String]) -> Result<ExitCode, String> {
    let known = [
        "pmth",
        "sizes",
        "runs",
        "large-runs",
        "work",
        "out",
        "policies",
    ];
    let o = opts(args, &known)?;
    if !o.positional.is_empty() {
        return Err(USAGE.to_string());
    }
    let pmth = o.get("pmth").ok_or("--pmth PATH is required")?;
    let sizes = o
        .get("sizes")
        .unwrap_or("1000,10000,100000")
        .split(',')
        .map(|s| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| format!("--sizes: not a count: {s}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let cfg = suite::Config {
        pmth: PathBuf::from(pmth),
        sizes,
        runs: o.count("runs", 5)?.max(1),
        large_runs: o.count("large-runs", 3)?.max(1),
        work: PathBuf::from(o.get("work").unwrap_or("target/bench")),
        policies: o
            .get("policies")
            .map_or_else(rego::repo_policies, PathBuf::from),
    };
    let out = PathBuf::from(o.get("out").unwrap_or("bench/RESULTS.md"));
    let (results, abilities) = suite::run(&cfg)?;
    let mut md = report::render(&report::Machine::detect(), &abilities, &results);
    // The runtime section is written by `pmth-bench authorize`: keep it.
    if let Some(kept) = std::fs::read_to_string(&out)
        .ok()
        .and_then(|old| authorize::kept(&old).map(str::to_owned))
    {
        md = authorize::splice(&md, &kept);
    }
    std::fs::write(&out, &md).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    print!("{md}");
    eprintln!("[bench] wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

fn authorize_bench(args: &[String]) -> Result<ExitCode, String> {
    let Some((dist, rest)) = args.split_first() else {
        return Err(USAGE.to_string());
    };
    let mut n = 20_000usize;
    let mut label = dist.clone();
    let mut python: Option<String> = None;
    let mut out: Option<PathBuf> = None;
    let mut it = rest.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--requests" => n = value.parse().map_err(|_| format!("not a count: {value}"))?,
            "--label" => label = value.clone(),
            "--python" => python = Some(value.clone()),
            "--out" => out = Some(PathBuf::from(value)),
            _ => return Err(USAGE.to_string()),
        }
    }
    let dist = PathBuf::from(dist);
    let reg_text = std::fs::read_to_string(dist.join("registry.json"))
        .map_err(|e| format!("cannot read {}/registry.json: {e}", dist.display()))?;
    let registry: serde_json::Value =
        serde_json::from_str(&reg_text).map_err(|e| format!("registry.json: {e}"))?;
    let reqs = authorize::requests(&registry, n);
    let ours = authorize::run(&dist, &reqs)?;
    let opa = match python {
        Some(py) => {
            let file = std::env::temp_dir()
                .join(format!("pmth-bench-requests-{}.jsonl", std::process::id()));
            let lines: Vec<String> = reqs.iter().map(|r| r.to_string()).collect();
            std::fs::write(&file, lines.join("\n")).map_err(|e| e.to_string())?;
            let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("opa_runtime.py");
            let o = std::process::Command::new(&py)
                .arg(&script)
                .arg(&dist)
                .arg(&file)
                .output()
                .map_err(|e| format!("cannot run {py}: {e}"))?;
            let _ = std::fs::remove_file(&file);
            if !o.status.success() {
                return Err(format!(
                    "{}: {}",
                    script.display(),
                    String::from_utf8_lossy(&o.stderr)
                ));
            }
            Some(
                serde_json::from_slice::<serde_json::Value>(&o.stdout)
                    .map_err(|e| e.to_string())?,
            )
        }
        None => None,
    };
    let section = authorize::section(&label, &ours, opa.as_ref());
    println!("{section}");
    if let Some(out) = out {
        let old = std::fs::read_to_string(&out).unwrap_or_default();
        std::fs::write(&out, authorize::splice(&old, &section))
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        eprintln!("[bench] wrote {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}
