//! `pmth authorize DIST [--input FILE|-] [--key PUB | --allow-unsigned]`: runtime
//! decisions (BUNDLE.md §5) from the bundle's `pmth.runtime` policy, through the
//! `pmth-runtime` crate. The input is one JSON request, or JSON Lines; one
//! decision per line comes out, in order. A line that is not JSON gets a
//! decision saying so. Exit 0 when every request is allowed, 1 otherwise, 2
//! when the bundle cannot be used (missing, unverified, no trust flag) or the
//! input cannot be read.

use super::{cannot_run, Exit};
use crate::cli::AuthorizeArgs;
use pmth_runtime::{Bundle, Decision, LoadError, Trust};
use std::io::{Read, Write};

pub fn run(args: &AuthorizeArgs) -> Exit {
    let trust = match (&args.key, args.allow_unsigned) {
        (Some(k), _) => Trust::Key(k),
        (None, true) => Trust::IntegrityOnly,
        (None, false) => {
            return cannot_run(&format!(
                "refusing to use `{}` without a key: pass `--key PUB` to check its \
                 signature, or `--allow-unsigned` to check integrity only",
                args.dist.display()
            ))
        }
    };
    let bundle = match Bundle::load(&args.dist, trust) {
        Ok(b) => b,
        Err(e @ LoadError::Verification(_)) => {
            return cannot_run(&format!("{}: {e}", args.dist.display()))
        }
        Err(e) => return cannot_run(&e.to_string()),
    };
    let text = match read_input(&args.input) {
        Ok(t) => t,
        Err(e) => return cannot_run(&e),
    };
    let mut out = std::io::stdout().lock();
    let mut all_allowed = true;
    for decision in decisions(&bundle, &text) {
        all_allowed &= decision.allow;
        if writeln!(out, "{}", decision.to_json_line()).is_err() {
            return cannot_run("cannot write the decisions to standard output");
        }
    }
    let _ = out.flush();
    if all_allowed {
        Exit::Ok
    } else {
        Exit::Errors
    }
}

fn read_input(path: &std::path::Path) -> Result<String, String> {
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The decisions for the input: the whole text when it is one JSON value (a
/// request written over several lines), else one per non-blank line.
fn decisions(bundle: &Bundle, text: &str) -> Vec<Decision> {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        return vec![bundle.decide_value(&v)];
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| bundle.decide_json(l))
        .collect()
}
