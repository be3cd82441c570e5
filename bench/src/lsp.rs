//! LSP latency: spawns `pmth lsp`, initializes it on a workspace, opens one
//! file and edits it repeatedly (full-text `didChange`, alternating a valid edit
//! and one that adds an unknown reference), timing each edit from sending
//! `didChange` to receiving the `publishDiagnostics` for that file at that
//! version. A speaking-JSON-RPC client of its own: nothing but `serde_json`.

use crate::measure::median;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// How long to wait for any one answer before giving up.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Untimed edits before the timed ones.
const WARM_UP: usize = 2;

/// The timed edits of one run.
#[derive(Clone, Debug, Default)]
pub struct LspStats {
    /// The edited file, relative to the workspace.
    pub file: String,
    /// Milliseconds from `didChange` to its `publishDiagnostics`, per edit.
    pub samples_ms: Vec<f64>,
    /// Edits whose diagnostics did not show what the edit did (a bug if not 0).
    pub wrong: usize,
}

impl LspStats {
    pub fn median_ms(&self) -> f64 {
        median(&self.samples_ms)
    }

    /// The 95th percentile (nearest rank).
    pub fn p95_ms(&self) -> f64 {
        let mut v = self.samples_ms.clone();
        v.sort_by(f64::total_cmp);
        let rank = ((v.len() as f64) * 0.95).ceil() as usize;
        v.get(rank.saturating_sub(1)).copied().unwrap_or(0.0)
    }
}

/// Runs `edits` timed edits of one file of the workspace at `root`.
pub fn measure(pmth: &Path, root: &Path, edits: usize) -> Result<LspStats, String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let file = first_source(&root).ok_or("no .pmth file in the workspace")?;
    let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    let mut server = Server::spawn(pmth)?;
    let result = session(&mut server, &root, &file, &text, edits);
    server.stop();
    let samples_ms = result?;
    let (samples_ms, wrong): (Vec<_>, Vec<_>) = samples_ms.into_iter().unzip();
    Ok(LspStats {
        file: file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string(),
        samples_ms,
        wrong: wrong.into_iter().filter(|ok: &bool| !ok).count(),
    })
}

/// The edits: (milliseconds, whether the diagnostics showed the edit).
fn session(
    s: &mut Server,
    root: &Path,
    file: &Path,
    text: &str,
    edits: usize,
) -> Result<Vec<(f64, bool)>, String> {
    let root_uri = uri(root);
    s.send(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": root_uri, "capabilities": {},
            "workspaceFolders": [{"uri": root_uri, "name": "bench"}],
        }}),
    )?;
    s.wait(|m| m.get("id") == Some(&json!(1)))?;
    s.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))?;
    let file_uri = uri(file);
    s.send(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": file_uri, "languageId": "pmth", "version": 1, "text": text},
        }}),
    )?;
    s.wait(|m| is_publish(m, &file_uri, 1))?;
    let mut out = Vec::new();
    for i in 0..WARM_UP + edits {
        let version = i as i64 + 2;
        let broken = i % 2 == 1;
        let edit = if broken {
            format!("\ncapability bench_edit_{i} {{ description = \"edit\"  requires = [capability.bench_missing_{i}] }}\n")
        } else {
            format!("\ncapability bench_edit_{i} {{ description = \"edit\" }}\n")
        };
        let new_text = format!("{text}{edit}");
        let start = Instant::now();
        s.send(
            &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": file_uri, "version": version},
                "contentChanges": [{"text": new_text}],
            }}),
        )?;
        let m = s.wait(|m| is_publish(m, &file_uri, version))?;
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let unknown = m["params"]["diagnostics"]
            .as_array()
            .is_some_and(|ds| ds.iter().any(|d| d["code"] == "PM0101"));
        if i >= WARM_UP {
            out.push((ms, unknown == broken));
        }
    }
    s.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))?;
    s.wait(|m| m.get("id") == Some(&json!(2)))?;
    s.send(&json!({"jsonrpc": "2.0", "method": "exit"}))?;
    Ok(out)
}

fn is_publish(m: &Value, uri: &str, version: i64) -> bool {
    m["method"] == "textDocument/publishDiagnostics"
        && m["params"]["uri"] == uri
        && m["params"]["version"] == version
}

/// The first `.pmth` file under `agents/` (else anywhere), by path.
fn first_source(root: &Path) -> Option<PathBuf> {
    let list = |dir: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        v.sort();
        v
    };
    let pmth = |p: &PathBuf| p.extension().is_some_and(|e| e == "pmth");
    if let Some(f) = list(&root.join("agents")).into_iter().find(pmth) {
        return Some(f);
    }
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for p in list(&d) {
            if p.is_dir() {
                dirs.push(p);
            } else if pmth(&p) {
                return Some(p);
            }
        }
    }
    None
}

/// `file://` and the path, percent-encoding what needs it (as `pmth lsp` does,
/// so that the URIs it publishes compare equal).
fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.display().to_string().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The server process, and its messages as they arrive.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
}

impl Server {
    fn spawn(pmth: &Path) -> Result<Server, String> {
        let mut child = Command::new(pmth)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run {} lsp: {e}", pmth.display()))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(m) = read_message(&mut r) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Ok(Server {
            child,
            stdin,
            messages: rx,
        })
    }

    fn send(&mut self, m: &Value) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("stdin closed")?;
        stdin
            .write_all(&frame(m))
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("writing to pmth lsp: {e}"))
    }

    /// The first message satisfying `want` (others are dropped).
    fn wait(&self, want: impl Fn(&Value) -> bool) -> Result<Value, String> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if want(&m) => return Ok(m),
                Ok(_) => {}
                Err(_) => return Err("pmth lsp: no answer in time".into()),
            }
        }
    }

    fn stop(mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `m` framed for the wire (`Content-Length` header, then the JSON body).
pub fn frame(m: &Value) -> Vec<u8> {
    let body = m.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// One `Content-Length`-framed JSON message; `None` at the end of the stream.
/// Any JSON is accepted (not only well-formed JSON-RPC), so a test can see
/// whatever the server wrote.
pub fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let s = LspStats {
            samples_ms: (1..=20).map(f64::from).collect(),
            ..LspStats::default()
        };
        assert_eq!(s.p95_ms(), 19.0);
        assert_eq!(s.median_ms(), 10.5);
    }

    #[test]
    fn framing() {
        let raw = b"Content-Length: 7\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}";
        let mut r = BufReader::new(&raw[..]);
        assert_eq!(read_message(&mut r), Some(json!({"a": 1})));
        assert_eq!(read_message(&mut r), Some(json!({})));
        assert_eq!(read_message(&mut r), None);
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri(Path::new("/a b/c.pmth")), "file:///a%20b/c.pmth");
    }
}

/// One rename measured by [`rename`]: the median answer time and the edits.
#[derive(Clone, Debug, Default)]
pub struct RenameStats {
    pub file: String,
    pub samples_ms: Vec<f64>,
    /// Text edits in the answer, and the files they touch.
    pub edits: usize,
    pub files: usize,
}

/// Times `textDocument/rename` of the model `name` (at its declaration),
/// `runs` times after one untimed request, on the workspace at `root`.
pub fn rename(pmth: &Path, root: &Path, name: &str, runs: usize) -> Result<RenameStats, String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let needle = format!("model {name}");
    let (file, text) = walk(&root)
        .into_iter()
        .filter_map(|p| Some((p.clone(), std::fs::read_to_string(&p).ok()?)))
        .find(|(_, t)| t.lines().any(|l| l.starts_with(&needle)))
        .ok_or_else(|| format!("no `{needle}` declared in the workspace"))?;
    let at = text.find(&needle).unwrap_or(0) + "model ".len();
    let line = text[..at].matches('\n').count();
    let character = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut s = Server::spawn(pmth)?;
    let root_uri = uri(&root);
    let file_uri = uri(&file);
    let result = (|| {
        s.send(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": root_uri, "capabilities": {},
            "workspaceFolders": [{"uri": root_uri, "name": "bench"}]}}),
        )?;
        s.wait(|m| m.get("id") == Some(&json!(1)))?;
        s.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))?;
        s.send(
            &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": file_uri, "languageId": "pmth", "version": 1, "text": text}}}),
        )?;
        s.wait(|m| is_publish(m, &file_uri, 1))?;
        let mut samples = Vec::new();
        let mut answer = Value::Null;
        for i in 0..=runs {
            let id = 10 + i as i64;
            let start = Instant::now();
            s.send(&json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/rename", "params": {
                "textDocument": {"uri": file_uri}, "position": {"line": line, "character": character},
                "newName": format!("{name}_renamed")}}))?;
            answer = s.wait(|m| m.get("id") == Some(&json!(id)))?;
            if i > 0 {
                samples.push(start.elapsed().as_secs_f64() * 1e3);
            }
        }
        s.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))?;
        s.wait(|m| m.get("id") == Some(&json!(2)))?;
        s.send(&json!({"jsonrpc": "2.0", "method": "exit"}))?;
        Ok::<_, String>((samples, answer))
    })();
    s.stop();
    let (samples_ms, answer) = result?;
    let changes = answer["result"]["changes"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    Ok(RenameStats {
        file: file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string(),
        samples_ms,
        edits: changes
            .values()
            .filter_map(Value::as_array)
            .map(Vec::len)
            .sum(),
        files: changes.len(),
    })
}

/// Every `.pmth` file under `root`, sorted.
fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "pmth") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
