//! Embedding `pmth-runtime`: load a bundle, then decide requests read as JSON
//! Lines from standard input, printing each decision and what to enforce.
//!
//! ```sh
//! pmth build examples/support-fleet --opa
//! echo '{"action": "model.invoke", "agent": "billing", "model": "support_llm"}' \
//!   | cargo run -p pmth-runtime --example decide -- examples/support-fleet/dist [PUB]
//! ```

use pmth_runtime::{Bundle, Trust};
use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dist) = args.first() else {
        eprintln!("usage: decide DIST [PUB] < requests.jsonl");
        return ExitCode::from(2);
    };
    // With a public key the seal's signature must verify; without, integrity only.
    let trust = match args.get(1) {
        Some(key) => Trust::Key(Path::new(key)),
        None => Trust::IntegrityOnly,
    };
    let bundle = match Bundle::load(Path::new(dist), trust) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if line.trim().is_empty() {
            continue;
        }
        let d = bundle.decide_json(&line);
        let verdict = if d.allow { "allow" } else { "deny" };
        println!("{verdict}: {}", d.reasons.join("; "));
        for (what, value) in &d.obligations {
            println!("  enforce {what}: {value}");
        }
    }
    ExitCode::SUCCESS
}
