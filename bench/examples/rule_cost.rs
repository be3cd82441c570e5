//! Where a runtime decision's time goes, and whether a rewrite of
//! `pmth.runtime` changed any decision: loads two copies of the policy (the
//! `runtime.rego` and `schema.rego` of folder OLD and of folder NEW) over the
//! registry of a bundle, decides N generated requests (`pmth-bench authorize`'s)
//! with both and counts the decisions that differ, then times each RULE (a
//! `data.` path) on both, in thread CPU time (so other work on the machine
//! does not count), best of three rounds.
//!
//! ```sh
//! cargo run --release -p pmth-bench --example rule_cost -- \
//!     target/bench/rt10k/dist OLD runtime/rego 3000 data.pmth.runtime.decision data.pmth.runtime.deny
//! ```

use regorus::{Engine, Value};
use serde_json::{json, Value as Json};

const DECISION: &str = "data.pmth.runtime.decision";

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dist, old_dir, new_dir, n, rules @ ..] = args.as_slice() else {
        return Err("usage: rule_cost DIST OLD_DIR NEW_DIR N [RULE...]".into());
    };
    let n: usize = n.parse().map_err(|e| format!("N: {e}"))?;
    let path = format!("{dist}/registry.json");
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut registry: Json = serde_json::from_slice(&bytes).map_err(|e| format!("{path}: {e}"))?;
    if let Json::Object(m) = &mut registry {
        m.remove("governance");
    }
    let requests = pmth_bench::authorize::requests(&registry, n);
    let data = pmth_compiler::govern::to_rego_value(
        &json!({"pmth": {"registry": registry, "config": {}}}),
    );
    let mut engines = [engine(&data, old_dir)?, engine(&data, new_dir)?];
    let inputs: Vec<Value> = requests
        .iter()
        .map(pmth_compiler::govern::to_rego_value)
        .collect();
    let mut differ = 0;
    for (req, input) in requests.iter().zip(&inputs) {
        let [a, b] = &mut engines;
        let x = decide(a, input)?;
        let y = decide(b, input)?;
        if x != y {
            differ += 1;
            if differ <= 3 {
                let show = |v: &Value| v.to_json_str().unwrap_or_default();
                eprintln!("differs: {req}\n  old {}\n  new {}", show(&x), show(&y));
            }
        }
    }
    println!("decisions that differ: {differ} of {}", inputs.len());
    for rule in rules {
        let mut best = [f64::MAX; 2];
        for _round in 0..3 {
            for (i, e) in engines.iter_mut().enumerate() {
                let t = cpu_seconds();
                for input in &inputs {
                    e.set_input(input.clone());
                    // An undefined rule or an error costs its time too.
                    let _ = e.eval_rule(rule.clone());
                }
                best[i] = best[i].min((cpu_seconds() - t) * 1e6 / inputs.len() as f64);
            }
        }
        println!("{rule}: old {:.1} µs, new {:.1} µs", best[0], best[1]);
    }
    Ok(())
}

fn engine(data: &Value, dir: &str) -> Result<Engine, String> {
    let mut e = Engine::new();
    e.add_data(data.clone()).map_err(|e| e.to_string())?;
    for file in ["runtime.rego", "schema.rego"] {
        let path = format!("{dir}/{file}");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        e.add_policy(path.clone(), text)
            .map_err(|e| format!("{path}: {e}"))?;
    }
    e.set_input(Value::new_object());
    decide(&mut e, &Value::new_object())?;
    Ok(e)
}

fn decide(e: &mut Engine, input: &Value) -> Result<Value, String> {
    e.set_input(input.clone());
    e.eval_rule(DECISION.to_owned()).map_err(|e| e.to_string())
}

/// This thread's CPU time, in seconds.
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}
