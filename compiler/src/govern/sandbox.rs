//! Resource bounds for policy evaluation: the `deny`/`warn` rules run in a
//! worker process (the `pmth` binary re-invoked in its hidden worker mode),
//! which bounds its own address space before reading anything, and which the
//! parent kills when a rule runs past the time bound. A rule that exhausts
//! either bound is PM0703 on its policy, never an abort of `pmth`: regorus'
//! own timer checks between evaluation steps only, so one builtin call
//! (`numbers.range(1, 300000000)`) could otherwise run for minutes and
//! allocate gigabytes.
//!
//! Protocol (private to one binary version). The parent writes frames (a
//! little-endian `u64` length, then the bytes) to the worker's stdin: a JSON
//! [`Request`], then one frame per registry declaration (`plural\0id\0json`).
//! The worker answers on stdout with one JSON line per event: `{"start": i}`
//! when job `i` starts, `{"done": i, "value": text}` or `{"done": i, "error":
//! text}` when it ends. When the worker dies, the jobs it was running are
//! the culprits (with two or more running, the rest is retried one at a time
//! to find which); the jobs it had not reached are run again in a new worker.

use super::eval::RuleKind;
use super::load::{guarded, new_engine, Policy};
use crate::check::{Built, Entry, Registry};
use regorus::Value;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

// Public Interface

/// Default wall-clock bound of one rule evaluation.
pub const DEFAULT_TIME_LIMIT: Duration = super::load::EVAL_TIME_LIMIT;

/// Default memory (address-space) bound of the policy worker: 4 GiB.
pub const DEFAULT_MEMORY_LIMIT: u64 = 4 << 30;

/// How to start a policy worker, and its bounds.
#[derive(Clone, Debug)]
pub struct Sandbox {
    /// The program to run (the `pmth` binary) …
    pub program: PathBuf,
    /// … with these arguments (its hidden worker mode, which bounds its own
    /// address space to `memory_limit` and then calls [`serve`]).
    pub args: Vec<String>,
    /// Wall-clock bound of one `deny`/`warn` rule.
    pub time_limit: Duration,
    /// Address-space bound of the worker, in bytes (for the messages; the
    /// worker sets it on itself).
    pub memory_limit: u64,
}

/// The worker's side: reads a request from `input`, evaluates its jobs and
/// writes the events to `output`. `Err` when the request is unreadable.
pub fn serve(input: &mut impl Read, output: impl Write + Send) -> Result<(), String> {
    let header = read_frame(input).ok_or("no request")?;
    let req: Request = serde_json::from_slice(&header).map_err(|e| e.to_string())?;
    // The declaration frames in one read (the parent closes the pipe after
    // them), then cut up in place.
    let mut body = Vec::new();
    input.read_to_end(&mut body).map_err(|e| e.to_string())?;
    let mut rest = body.as_slice();
    let mut decls = Vec::with_capacity(req.decls.min(1 << 20));
    for _ in 0..req.decls {
        let (frame, tail) = split_frame(rest).ok_or("truncated request")?;
        rest = tail;
        let text = std::str::from_utf8(frame).map_err(|e| e.to_string())?;
        let mut parts = text.splitn(3, '\0');
        let (Some(plural), Some(id), Some(json)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err("malformed declaration frame".into());
        };
        let Some(kind) = crate::ast::Kind::ALL
            .into_iter()
            .find(|k| k.plural() == plural)
        else {
            return Err(format!("unknown kind `{plural}`"));
        };
        decls.push(Built {
            kind,
            entry: Entry {
                id: id.into(),
                json: json.into(),
            },
            number_error: None,
        });
    }
    drop(body);
    let registry = Registry::new(req.header, decls);
    let data = super::data_document(&registry, Some(&req.config));
    drop(registry);
    let limit = Duration::from_millis(req.time_limit_ms);
    let mut engine = new_engine(limit);
    for (path, text) in &req.policies {
        // They compiled in the parent, so they load here.
        let _ = guarded(|| engine.add_policy(path.clone(), text.clone()));
    }
    let _ = engine.add_data(data);
    engine.set_input(super::build_input());
    // Prepares the engine once (as the parent did), so clones share it.
    let _ = guarded(|| engine.eval_bool_query("true".to_owned(), false));

    let out = std::sync::Mutex::new(output);
    let emit = |event: &Event| {
        if let (Ok(line), Ok(mut o)) = (serde_json::to_string(event), out.lock()) {
            let _ = writeln!(o, "{line}");
            let _ = o.flush();
        }
    };
    let run = || {
        use rayon::prelude::*;
        req.jobs.par_iter().for_each(|job| {
            emit(&Event::Start { start: job.index });
            let mut engine = engine.clone();
            let query = format!("data.{}.{}", job.package, job.rule);
            let result = guarded(|| engine.eval_rule(query)).and_then(|v| match v {
                Value::Undefined => Ok("null".to_owned()),
                v => guarded(|| v.to_json_str()),
            });
            emit(&match result {
                Ok(value) => Event::Value {
                    done: job.index,
                    value,
                },
                Err(error) => Event::Error {
                    done: job.index,
                    error,
                },
            });
        });
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(req.threads)
        .build()
    {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
    // The process ends now: tearing down the data document (the whole
    // registry as regorus values) would only delay the parent, which waits
    // for the exit (~15 ms at 10k declarations).
    std::mem::forget(engine);
    Ok(())
}

/// Evaluates `jobs` (package, rule) of the loaded `policies` against the
/// registry and config in worker processes: one result per job, in order; a
/// job that exhausted a bound (or whose worker died) gets an `Err` saying so.
pub(crate) fn run(
    sandbox: &Sandbox,
    policies: &[Policy<'_>],
    jobs: &[(&str, RuleKind)],
    registry: &Registry,
    config: Option<&serde_json::Value>,
) -> Vec<Result<Value, String>> {
    let decls = decl_frames(registry);
    let config = match config {
        Some(v @ serde_json::Value::Object(_)) => v.clone(),
        _ => serde_json::Value::Object(serde_json::Map::new()),
    };
    let mut results: Vec<Option<Result<Value, String>>> = jobs.iter().map(|_| None).collect();
    let mut threads = 0; // rayon's default
    loop {
        let pending: Vec<usize> = (0..jobs.len())
            .filter(|&i| results.get(i).is_some_and(Option::is_none))
            .collect();
        if pending.is_empty() {
            break;
        }
        let req = Request {
            time_limit_ms: u64::try_from(sandbox.time_limit.as_millis()).unwrap_or(u64::MAX),
            threads,
            policies: policies
                .iter()
                .map(|p| (p.src.path.to_owned(), p.src.text.to_owned()))
                .collect(),
            jobs: pending
                .iter()
                .filter_map(|&i| {
                    let (package, rule) = jobs.get(i)?;
                    Some(Job {
                        index: i,
                        package: (*package).to_owned(),
                        rule: rule.name().to_owned(),
                    })
                })
                .collect(),
            config: config.clone(),
            header: registry.header.clone(),
            decls: registry.len(),
        };
        let round = round(sandbox, &req, &decls);
        let mut progress = false;
        for (i, r) in round.results {
            if let Some(slot @ None) = results.get_mut(i) {
                *slot = Some(r);
                progress = true;
            }
        }
        match round.crash {
            None => {}
            Some(Crash { running, why }) => {
                if running.is_empty() {
                    if !progress {
                        // Died before running anything: nothing to retry with.
                        for slot in results.iter_mut().filter(|s| s.is_none()) {
                            *slot = Some(Err(why.clone()));
                        }
                        progress = true;
                    }
                } else if running.len() == 1 || threads == 1 {
                    for i in running {
                        if let Some(slot @ None) = results.get_mut(i) {
                            *slot = Some(Err(why.clone()));
                            progress = true;
                        }
                    }
                } else {
                    // Which of them? Run the rest one at a time.
                    threads = 1;
                    progress = true;
                }
            }
        }
        if !progress {
            for slot in results.iter_mut().filter(|s| s.is_none()) {
                *slot = Some(Err("the policy worker stopped without an answer".into()));
            }
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("not evaluated".into())))
        .collect()
}

// Implementation

/// Time after the bound before a worker still running the rule is killed.
const GRACE: Duration = Duration::from_millis(1500);

#[derive(Serialize, Deserialize)]
struct Request {
    time_limit_ms: u64,
    /// Evaluation threads; 0 for rayon's default.
    threads: usize,
    /// `(path, text)` of every loaded policy.
    policies: Vec<(String, String)>,
    jobs: Vec<Job>,
    config: serde_json::Value,
    header: serde_json::Map<String, serde_json::Value>,
    /// How many declaration frames follow.
    decls: usize,
}

#[derive(Serialize, Deserialize)]
struct Job {
    /// The job's index in the parent's list.
    index: usize,
    package: String,
    rule: String,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Event {
    Start { start: usize },
    Value { done: usize, value: String },
    Error { done: usize, error: String },
}

/// One worker's outcome.
struct Round {
    results: Vec<(usize, Result<Value, String>)>,
    crash: Option<Crash>,
}

/// The worker stopped before answering every job.
struct Crash {
    /// The jobs it was running (started, not done), not killed for time.
    running: Vec<usize>,
    why: String,
}

fn decl_frames(registry: &Registry) -> Vec<u8> {
    let mut out = Vec::new();
    for (kind, e) in registry.iter() {
        let len = kind.plural().len() + e.id.len() + e.json.len() + 2;
        out.extend_from_slice(&(len as u64).to_le_bytes());
        out.extend_from_slice(kind.plural().as_bytes());
        out.push(0);
        out.extend_from_slice(e.id.as_bytes());
        out.push(0);
        out.extend_from_slice(e.json.as_bytes());
    }
    out
}

/// The first frame of `bytes` and what follows it; `None` when `bytes` is
/// shorter than the frame says.
fn split_frame(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = bytes.get(..8)?;
    let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
    let end = len.checked_add(8)?;
    Some((bytes.get(8..end)?, bytes.get(end..)?))
}

fn read_frame(input: &mut impl Read) -> Option<Vec<u8>> {
    let mut len = [0u8; 8];
    input.read_exact(&mut len).ok()?;
    let len = usize::try_from(u64::from_le_bytes(len)).ok()?;
    let mut buf = Vec::new();
    input.take(len as u64).read_to_end(&mut buf).ok()?;
    (buf.len() == len).then_some(buf)
}

enum Msg {
    Event(Event),
    Closed,
}

/// Runs one worker on `req`; kills it when a job runs past the time bound.
fn round(sandbox: &Sandbox, req: &Request, decls: &[u8]) -> Round {
    let crashed = |why: String| Round {
        results: Vec::new(),
        crash: Some(Crash {
            running: Vec::new(),
            why,
        }),
    };
    let Ok(header) = serde_json::to_vec(req) else {
        return crashed("the policy request cannot be written".into());
    };
    let child = Command::new(&sandbox.program)
        .args(&sandbox.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return crashed(format!("the policy worker cannot start ({e})")),
    };
    let (Some(mut stdin), Some(stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return crashed("the policy worker has no pipes".into());
    };
    let limit = sandbox.time_limit;
    std::thread::scope(|s| {
        s.spawn(move || {
            let _ = stdin.write_all(&(header.len() as u64).to_le_bytes());
            let _ = stdin.write_all(&header);
            let _ = stdin.write_all(decls);
        });
        let err = s.spawn(move || {
            // The worker's own complaints (an allocation failure) are read,
            // kept short, and never shown: they only classify the crash.
            let mut text = Vec::new();
            let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut text);
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            String::from_utf8_lossy(&text).into_owned()
        });
        let (tx, rx) = mpsc::channel();
        s.spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Ok(ev) = serde_json::from_str::<Event>(&line) {
                    if tx.send(Msg::Event(ev)).is_err() {
                        break;
                    }
                }
            }
            let _ = tx.send(Msg::Closed);
        });

        let mut results = Vec::new();
        let mut running: Vec<(usize, Instant)> = Vec::new();
        let mut timed_out: Vec<usize> = Vec::new();
        let mut stuck = false;
        let mut last_event = Instant::now();
        loop {
            let now = Instant::now();
            let oldest = running.iter().map(|(_, t)| *t).min().unwrap_or(last_event);
            let deadline = oldest + limit + GRACE;
            match rx.recv_timeout(deadline.saturating_duration_since(now)) {
                Ok(Msg::Event(ev)) => {
                    last_event = Instant::now();
                    match ev {
                        Event::Start { start } => running.push((start, last_event)),
                        Event::Value { done, value } => {
                            running.retain(|(i, _)| *i != done);
                            let v = Value::from_json_str(&value).map_err(|e| e.to_string());
                            results.push((done, v));
                        }
                        Event::Error { done, error } => {
                            running.retain(|(i, _)| *i != done);
                            results.push((done, Err(error)));
                        }
                    }
                }
                Ok(Msg::Closed) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let now = Instant::now();
                    timed_out = running
                        .iter()
                        .filter(|(_, t)| now.duration_since(*t) >= limit)
                        .map(|(i, _)| *i)
                        .collect();
                    let _ = child.kill();
                    stuck = timed_out.is_empty();
                    running.retain(|(i, _)| !timed_out.contains(i));
                    break;
                }
            }
        }
        let status = child.wait();
        let stderr = err.join().unwrap_or_default();
        let time = format!(
            "exceeded the time bound of {} (the policy was stopped)",
            human_duration(limit)
        );
        results.extend(timed_out.iter().map(|&i| (i, Err(time.clone()))));
        let answered = results.len() + running.len();
        let complete = status.as_ref().is_ok_and(|s| s.success()) && answered >= req.jobs.len();
        // Killed for time: the jobs over the bound have their answer, the
        // others (cut short with them) run again in the next round.
        let crash = (!complete && timed_out.is_empty()).then(|| {
            let why = if stuck {
                time.clone()
            } else if stderr.contains("memory allocation") || stderr.contains("out of memory") {
                format!(
                    "exceeded the memory bound of {} (the policy was stopped)",
                    human_bytes(sandbox.memory_limit)
                )
            } else if stderr.contains("overflowed its stack") {
                "overflowed the evaluation stack (the policy was stopped)".to_owned()
            } else {
                match &status {
                    Ok(s) => format!("the policy worker stopped unexpectedly ({s})"),
                    Err(e) => format!("the policy worker stopped unexpectedly ({e})"),
                }
            };
            Crash {
                running: running.iter().map(|(i, _)| *i).collect(),
                why,
            }
        });
        Round { results, crash }
    })
}

pub(crate) fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

pub(crate) fn human_bytes(b: u64) -> String {
    if b & ((1 << 30) - 1) == 0 {
        format!("{} GiB", b >> 30)
    } else {
        format!("{} MiB", b >> 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let reg = Registry::from_json(&serde_json::json!({
            "format": 1,
            "agents": {"a": {"x": 1}},
            "tools": {}, "models": {}, "workflows": {}, "capabilities": {},
            "personas": {}, "services": {}, "templates": {}
        }));
        let bytes = decl_frames(&reg);
        let mut r = &bytes[..];
        let frame = read_frame(&mut r).unwrap_or_default();
        assert_eq!(frame, b"agents\0a\0{\"x\":1}");
        assert!(read_frame(&mut r).is_none());
        assert_eq!(human_bytes(4 << 30), "4 GiB");
        assert_eq!(human_bytes(1536 << 20), "1536 MiB");
        assert_eq!(human_duration(Duration::from_secs(20)), "20 s");
    }
}
