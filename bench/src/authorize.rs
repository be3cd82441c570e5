//! `pmth-bench authorize DIST`: in-process runtime decisions with the
//! `pmth-runtime` crate on a bundle (BUNDLE.md §5), one core: load time, then
//! the latency of each decision and the throughput, over requests generated
//! from the bundle's registry (every action, each agent's own tools and
//! models, params built from each tool's schema with a share broken). With
//! `--python PY`, the same requests through OPA (`bench/opa_runtime.py`, the
//! OPA Go engine through its Python bindings) side by side.

use crate::measure::median;
use crate::rng::Rng;
use pmth_runtime::{Bundle, Trust};
use serde_json::{json, Map, Value as Json};
use std::path::Path;
use std::time::Instant;

/// Where the section starts and ends in RESULTS.md (the suite keeps it).
pub const BEGIN: &str = "<!-- runtime: written by `pmth-bench authorize`; do not edit by hand -->";
pub const END: &str = "<!-- end of runtime -->";

/// What one run measured.
pub struct Figures {
    pub requests: usize,
    pub allowed: usize,
    pub load_ms: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    pub per_second: f64,
}

/// Requests generated from `registry` (deterministic).
pub fn requests(registry: &Json, n: usize) -> Vec<Json> {
    let mut rng = Rng::new(14);
    let ids = |k: &str| -> Vec<String> {
        registry[k]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let agents = ids("agents");
    let services = ids("services");
    let steps: Vec<(String, String)> = registry["workflows"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(w, wf)| {
            wf["steps"]
                .as_object()
                .into_iter()
                .flatten()
                .map(move |(s, _)| (w.clone(), s.clone()))
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    let pick = |rng: &mut Rng, v: &[String]| -> String {
        v.get(rng.below(v.len().max(1) as u64) as usize)
            .cloned()
            .unwrap_or_default()
    };
    while out.len() < n && !agents.is_empty() {
        let agent = pick(&mut rng, &agents);
        let a = &registry["agents"][&agent];
        let strs = |k: &str| -> Vec<String> {
            a[k].as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        };
        let roll = rng.below(100);
        let req = if roll < 60 {
            let tools = strs("tools");
            if tools.is_empty() {
                continue;
            }
            let tool = pick(&mut rng, &tools);
            let schema = &registry["tools"][&tool]["input_schema"];
            let mut params = params(schema, &mut rng);
            if rng.chance(30) {
                params.insert("unexpected".into(), json!(1));
            }
            json!({"action": "tool.call", "agent": agent, "tool": tool, "params": params, "approved": rng.chance(50)})
        } else if roll < 75 {
            json!({"action": "model.invoke", "agent": agent, "model": a["model"]})
        } else if roll < 85 {
            json!({"action": "service.call", "agent": agent, "service": pick(&mut rng, &services)})
        } else if roll < 95 && !steps.is_empty() {
            let (w, s) = &steps[rng.below(steps.len() as u64) as usize];
            json!({"action": "step.run", "agent": agent, "workflow": w, "step": s})
        } else {
            json!({"action": "agent.delegate", "agent": agent, "to": pick(&mut rng, &agents)})
        };
        out.push(req);
    }
    out
}

/// Params for a tool: each required property, and some optional ones, with
/// a value of its type.
fn params(schema: &Json, rng: &mut Rng) -> Map<String, Json> {
    let mut out = Map::new();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect();
    for (k, s) in schema["properties"].as_object().into_iter().flatten() {
        if required.contains(&k.as_str()) || rng.chance(50) {
            out.insert(k.clone(), value(s));
        }
    }
    out
}

fn value(s: &Json) -> Json {
    if let Some(e) = s["enum"].as_array().and_then(|e| e.first()) {
        return e.clone();
    }
    let ty = match &s["type"] {
        Json::Array(t) => t.first().and_then(Json::as_str).unwrap_or("string"),
        t => t.as_str().unwrap_or("string"),
    };
    match ty {
        "integer" | "number" => json!(s["minimum"].as_f64().unwrap_or(1.0) as i64),
        "boolean" => json!(true),
        "array" => json!([value(&s["items"])]),
        "object" => Json::Object(Map::new()),
        "null" => Json::Null,
        _ => json!("x".repeat(s["minLength"].as_u64().unwrap_or(1) as usize)),
    }
}

/// Loads `dist` (integrity only) and decides every request, one at a time.
pub fn run(dist: &Path, reqs: &[Json]) -> Result<Figures, String> {
    let t = Instant::now();
    let bundle = Bundle::load(dist, Trust::IntegrityOnly).map_err(|e| e.to_string())?;
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    // Warm up (page in, caches), then measure.
    for r in reqs.iter().take(200) {
        let _ = bundle.decide_value(r);
    }
    let mut lat = Vec::with_capacity(reqs.len());
    let mut allowed = 0;
    let all = Instant::now();
    for r in reqs {
        let t = Instant::now();
        let d = bundle.decide_value(r);
        lat.push(t.elapsed().as_secs_f64() * 1e6);
        allowed += usize::from(d.allow);
    }
    let total = all.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    let at = |q: f64| {
        lat.get(((lat.len() as f64 * q) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    Ok(Figures {
        requests: reqs.len(),
        allowed,
        load_ms,
        p50_us: median(&lat),
        p99_us: at(0.99),
        max_us: lat.last().copied().unwrap_or(0.0),
        per_second: reqs.len() as f64 / total.max(1e-9),
    })
}

/// The RESULTS.md section.
pub fn section(label: &str, ours: &Figures, opa: Option<&Json>) -> String {
    let mut s = format!(
        "{BEGIN}\n\n## Runtime authorization (`pmth-runtime`)\n\n\
         In-process decisions with the `pmth-runtime` crate on the bundle of {label} \
         (`pmth build --opa`), one thread: `Bundle::load` (verification, data, policies, \
         engine prepared), then {} generated requests decided one at a time \
         (`pmth-bench authorize`; every action, params from each tool's schema, 30% with an \
         unexpected property; {} allowed). Target: p99 ≤ 1 ms, ≥ 10,000 decisions/s.\n\n\
         | engine | load | p50 | p99 | max | decisions/s |\n|---|---|---|---|---|---|\n\
         | pmth-runtime (regorus) | {:.0} ms | {:.0} µs | {:.0} µs | {:.0} µs | {:.0} |\n",
        ours.requests,
        ours.allowed,
        ours.load_ms,
        ours.p50_us,
        ours.p99_us,
        ours.max_us,
        ours.per_second
    );
    if let Some(o) = opa {
        let f = |k: &str| o[k].as_f64().unwrap_or(f64::NAN);
        s.push_str(&format!(
            "| OPA (the Go engine, opa-golib-python-bindings {}) | {:.0} ms | {:.0} µs | {:.0} µs | {:.0} µs | {:.0} |\n",
            o["version"].as_str().unwrap_or(""),
            f("load_ms"), f("p50_us"), f("p99_us"), f("max_us"), f("per_second")
        ));
        s.push_str(&format!(
            "\nOPA ran the same requests from the same `bundle.tar.gz` (`bench/opa_runtime.py`); its \
             figures include the bindings' per-call cost (JSON encoding, a ctypes call). It agreed \
             with pmth on {} of {} decisions.\n",
            o["agree"].as_u64().map_or("(not compared)".to_owned(), |a| a.to_string()),
            ours.requests
        ));
    }
    let verdict = |ok: bool| if ok { "met" } else { "not met" };
    s.push_str(&format!(
        "\nTarget p99 ≤ 1 ms: {}; ≥ 10,000 decisions/s: {}.\n",
        verdict(ours.p99_us <= 1000.0),
        verdict(ours.per_second >= 10_000.0)
    ));
    s.push('\n');
    s.push_str(END);
    s
}

/// `text` with its runtime section replaced by `section` (appended when absent).
pub fn splice(text: &str, section: &str) -> String {
    match (text.find(BEGIN), text.find(END)) {
        (Some(a), Some(b)) if b > a => {
            format!("{}{section}{}", &text[..a], &text[b + END.len()..])
        }
        _ => format!("{}\n{section}\n", text.trim_end()),
    }
}

/// The runtime section of an existing RESULTS.md, to keep when the suite
/// rewrites it.
pub fn kept(text: &str) -> Option<&str> {
    let a = text.find(BEGIN)?;
    let b = text.find(END)?;
    text.get(a..b + END.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_is_replaced_in_place() {
        let s1 = format!("{BEGIN}\none\n{END}");
        let s2 = format!("{BEGIN}\ntwo\n{END}");
        let t = splice("# R\n", &s1);
        assert_eq!(kept(&t), Some(s1.as_str()));
        let t2 = splice(&format!("{t}tail\n"), &s2);
        assert!(
            t2.contains("two") && !t2.contains("one") && t2.ends_with("tail\n"),
            "{t2}"
        );
    }
}
