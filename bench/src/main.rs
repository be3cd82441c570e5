//! `pmth-bench`: generate benchmark workspaces, measure commands, time regorus
//! alone, and run the whole suite (see `bench/README.md`).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  pmth-bench gen N DIR";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pmth-bench: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("gen") => gen(&args[1..]),
        _ => Err(USAGE.to_string()),
    }
}

fn gen(args: &[String]) -> Result<(), String> {
    let [n, dir] = args else {
        return Err(USAGE.to_string());
    };
    let n: usize = n.parse().map_err(|_| format!("not a count: {n}"))?;
    let ws = pmth_bench::gen::generate(n);
    pmth_bench::gen::write(&ws, &PathBuf::from(dir)).map_err(|e| e.to_string())?;
    println!(
        "wrote {} declarations ({} bytes of source, {} files) to {dir}",
        ws.decls(),
        ws.source_bytes(),
        ws.files.len()
    );
    Ok(())
}
