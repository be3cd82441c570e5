//! End-to-end tests of `pmth build`, `verify`, `keygen` and `policy test` on a
//! copy of the example fleet.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// `examples/support-fleet` copied into a scratch folder.
fn example(name: &str) -> PathBuf {
    let dir = scratch(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/support-fleet"),
        &dir,
    );
    dir
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The files of a folder and their bytes, sorted by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("read_dir")
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                read(&e.path()),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn build_writes_the_bundle_and_the_lock_and_rebuilds_byte_identical() {
    let dir = example("build");
    let o = pmth(&["build"], &dir);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("note: pmth.lock: created ("), "{out}");
    assert!(out.contains("ok: no errors"), "{out}");
    let last = out.lines().last().unwrap_or("");
    assert!(
        last.starts_with("built dist/ (registry sha256:") && last.contains("unsigned"),
        "{out}"
    );
    for f in ["dist/registry.json", "dist/registry.seal.json", "pmth.lock"] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let first = snapshot(&dir.join("dist"));
    let lock = read(&dir.join("pmth.lock"));

    let o = pmth(&["build", "."], &dir);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(!stdout(&o).contains("note: pmth.lock"), "{}", stdout(&o));
    assert_eq!(snapshot(&dir.join("dist")), first);
    assert_eq!(read(&dir.join("pmth.lock")), lock);

    // Unsigned: integrity only, said explicitly; without any flag it refuses.
    let o = pmth(&["verify", "dist", "--allow-unsigned"], &dir);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("integrity only"), "{}", stdout(&o));
    let o = pmth(&["verify", "dist"], &dir);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("--allow-unsigned"), "{}", stderr(&o));
}

#[test]
fn build_with_o_from_another_folder_and_json() {
    let dir = example("buildo");
    let parent = dir.parent().expect("parent").to_path_buf();
    let name = dir
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let out = format!("{name}-out");
    let o = pmth(&["build", &name, "-o", &out, "--format", "json"], &parent);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(doc["errors"], 0);
    assert!(
        stderr(&o).contains(&format!("built {out}/")),
        "{}",
        stderr(&o)
    );
    assert!(parent.join(&out).join("registry.json").is_file());
    assert!(!dir.join("dist").exists());
}

#[test]
fn keygen_signed_build_and_verify() {
    let dir = example("signed");
    let o = pmth(&["keygen", "release.key"], &dir);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("release.key") && out.contains("release.key.pub"));
    let keyid = out
        .lines()
        .find_map(|l| l.strip_prefix("keyid "))
        .expect("a keyid line")
        .to_string();
    assert_eq!(keyid.len(), 64, "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("release.key"))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never overwrites.
    let before = read(&dir.join("release.key"));
    let o = pmth(&["keygen", "release.key"], &dir);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(read(&dir.join("release.key")), before);

    // The key lives in the workspace folder but is not a source; `-o` too.
    let o = pmth(&["build", "--sign", "release.key", "--opa"], &dir);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains(&format!(", signed by {keyid}")),
        "{}",
        stdout(&o)
    );
    assert!(dir.join("dist/bundle.tar.gz").is_file());
    let signed = snapshot(&dir.join("dist"));
    let o = pmth(&["build", "--sign", "release.key", "--opa"], &dir);
    assert_eq!(code(&o), 0);
    assert_eq!(
        snapshot(&dir.join("dist")),
        signed,
        "signed builds reproduce"
    );

    let o = pmth(&["verify", "dist", "--key", "release.key.pub"], &dir);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).ends_with(&format!("verified dist/ (signed by {keyid})\n")),
        "{}",
        stdout(&o)
    );

    // Another key does not verify.
    assert_eq!(code(&pmth(&["keygen", "other.key"], &dir)), 0);
    let o = pmth(&["verify", "dist", "--key", "other.key.pub"], &dir);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("PM0901"), "{}", stdout(&o));

    // A flipped byte in registry.json: exit 1, naming the file.
    let reg = dir.join("dist/registry.json");
    let mut bytes = read(&reg);
    bytes[10] ^= 0x01;
    std::fs::write(&reg, &bytes).expect("write");
    let o = pmth(&["verify", "dist", "--key", "release.key.pub"], &dir);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("error[PM0901]"), "{out}");
    assert!(out.contains("dist/registry.json"), "{out}");
    let o = pmth(
        &[
            "verify",
            "dist",
            "--key",
            "release.key.pub",
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(code(&o), 1);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(triples(&doc)
        .iter()
        .any(|(c, f, _)| c == "PM0901" && f == "dist/registry.json"));
}

#[test]
fn verify_cannot_run_without_a_bundle_or_a_key() {
    let dir = example("verify2");
    assert_eq!(code(&pmth(&["build"], &dir)), 0);
    let o = pmth(&["verify", "nowhere", "--allow-unsigned"], &dir);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = pmth(&["verify", "agents", "--allow-unsigned"], &dir);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = pmth(&["verify", "dist", "--key", "missing.pub"], &dir);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    std::fs::write(dir.join("bad.pub"), "not a key").expect("write");
    let o = pmth(&["verify", "dist", "--key", "bad.pub"], &dir);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = pmth(&["build", "--sign", "bad.pub"], &dir);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[test]
fn locked_drift_is_pm0801_and_writes_nothing() {
    let dir = example("locked");
    // No lock yet: `--locked` fails and writes nothing.
    let o = pmth(&["build", "--locked"], &dir);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("error[PM0801]: pmth.lock is missing"));
    assert!(!dir.join("dist").exists() && !dir.join("pmth.lock").exists());

    assert_eq!(code(&pmth(&["build"], &dir)), 0);
    assert_eq!(code(&pmth(&["build", "--locked"], &dir)), 0);
    let lock = dir.join("pmth.lock");
    let text = String::from_utf8(read(&lock)).expect("utf-8");
    let edited: String = text
        .lines()
        .filter(|l| !l.starts_with("resolve "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&lock, &edited).expect("write");
    let dist = snapshot(&dir.join("dist"));
    let (c, doc) = {
        let o = pmth(&["build", "--locked", "--format", "json", "."], &dir);
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        (code(&o), doc)
    };
    assert_eq!(c, 1);
    assert_eq!(triples(&doc), [("PM0801".into(), "pmth.lock".into(), 1)]);
    assert_eq!(String::from_utf8(read(&lock)).expect("utf-8"), edited);
    assert_eq!(snapshot(&dir.join("dist")), dist);
}

#[test]
fn a_build_with_errors_writes_nothing() {
    let dir = example("errors");
    std::fs::write(
        dir.join("broken.pmth"),
        "agent broken {\n  model = model.nowhere\n}\n",
    )
    .expect("write");
    let o = pmth(&["build"], &dir);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("error["), "{}", stdout(&o));
    assert!(!stdout(&o).contains("built "), "{}", stdout(&o));
    assert!(!dir.join("dist").exists());
    assert!(!dir.join("pmth.lock").exists());
}

#[test]
fn policy_test_on_the_example_passes() {
    let dir = example("policytest");
    let o = pmth(&["policy", "test"], &dir);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("pass  pmth.std.audit."), "{out}");
    let last = out.lines().last().unwrap_or("");
    assert!(last.ends_with(" passed, 0 failed"), "{out}");
}

#[test]
fn a_failing_policy_test_exits_1() {
    let dir = workspace(
        "policyfail",
        &[
            (
                "pmth.toml",
                b"[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[governance]\nstdlib = false\npolicies = [\"policies\"]\n",
            ),
            (
                "policies/p.rego",
                b"package pmth.p\n\ntest_ok if { true }\n\ntest_bad if { 1 == 2 }\n",
            ),
        ],
    );
    let o = pmth(&["policy", "test", "."], &dir);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("FAIL  pmth.p.test_bad (policies/p.rego)"),
        "{out}"
    );
    assert!(
        out.contains("pass  pmth.p.test_ok (policies/p.rego)"),
        "{out}"
    );
    assert!(out.contains(" passed, 1 failed"), "{out}");
    assert_eq!(code(&pmth(&["policy", "test", "nowhere"], &dir)), 2);
}

#[test]
fn keygen_into_a_missing_folder_exits_2() {
    let dir = scratch("keygen2");
    let o = pmth(&["keygen", "no/such/folder/k"], &dir);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

/// The 0.2 kinds' attributes reach `registry.json` in the shape the published
/// JSON Schema describes: titles, instructions, delegates, remote agents, hints,
/// `mcp` services (the default transport only on them), `oidc`, and the
/// package's organization and homepage.
#[test]
fn the_registry_carries_the_new_attributes_and_fits_its_schema() {
    let dir = scratch("kinds-v2");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/ok_kinds_v2");
    std::fs::copy(case.join("main.pmth"), dir.join("main.pmth")).expect("copy");
    std::fs::write(
        dir.join("pmth.toml"),
        "[package]\nname = \"kinds\"\nversion = \"0.2.0\"\norganization = \"Acme\"\n\
         homepage = \"https://acme.example/agents\"\n\n[governance]\nstdlib = false\n",
    )
    .expect("write");
    let o = pmth(&["build"], &dir);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let reg: serde_json::Value =
        serde_json::from_slice(&read(&dir.join("dist/registry.json"))).expect("json");
    let schema = pmth_compiler::schema::registry_schema();
    assert_eq!(pmth_compiler::types::validate(&schema, &reg), Ok(()));
    let published: serde_json::Value = serde_json::from_slice(&read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/registry.schema.json"),
    ))
    .expect("schema json");
    assert_eq!(published, schema);

    assert_eq!(
        reg["package"],
        serde_json::json!({"name": "kinds", "version": "0.2.0", "organization": "Acme",
                           "homepage": "https://acme.example/agents"})
    );
    let agents = &reg["agents"];
    assert_eq!(agents["researcher"]["title"], "Researcher");
    assert_eq!(
        agents["researcher"]["instructions"],
        "Search first, then answer with sources."
    );
    assert_eq!(
        agents["lead"]["delegates"],
        serde_json::json!(["researcher", "partner", "helper"])
    );
    assert_eq!(
        agents["partner"]["remote"],
        serde_json::json!({"card": "https://partner.example/.well-known/agent-card.json"})
    );
    assert!(agents["partner"].get("model").is_none());
    assert_eq!(
        reg["tools"]["index_search"]["hints"],
        serde_json::json!({"read_only": true, "idempotent": true, "open_world": false})
    );
    let services = &reg["services"];
    assert_eq!(services["files"]["transport"], "stdio");
    assert_eq!(
        services["files"]["env"]["GITHUB_TOKEN"],
        serde_json::json!({"env": "GITHUB_TOKEN"})
    );
    assert_eq!(services["files"]["env"]["ROOT"], "/srv");
    assert_eq!(services["files"]["package"]["registry"], "npm");
    assert_eq!(services["hosted"]["transport"], "streamable_http");
    assert_eq!(services["hosted"]["auth"]["type"], "oidc");
    assert!(services["api"].get("transport").is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

/// LANGUAGE.md §7: a `///` doc on a field (a tool param, an object field, a
/// template `param`) is written into `registry.json` as that field's
/// `description`; unions and `any` compile to `type: [..]`, `anyOf` and `{}`.
#[test]
fn field_docs_and_unions_reach_registry_json() {
    let src = br#"tool convert {
  description = "Convert an amount"
  risk = low
  params {
    /// The amount to convert,
    ///   in the account's currency.
    amount: int | float
    /// Where to send it.
    target: object {
      /// The IBAN.
      iban: string
    } | object { card: string }
    memo?: string { max_len = 5 } | null
    // A plain comment is not a description.
    extra: map<any>
  }
  returns: string | null
}

template greeter for agent {
  /// Who to greet.
  param who: string | null
  description = "Greets"
  kind = conversational
  model = model.m
}

model m {
  description = "A model"
  provider = "openai"
  context_window = 1000
}

agent counter {
  description = "Counts"
  kind = analytical
  model = model.m
  output: object { total: float } | null
}
"#;
    let dir = workspace(
        "field_docs",
        &[
            (
                "pmth.toml",
                b"[package]\nname = \"docs\"\nversion = \"0.1.0\"\n\n[governance]\nstdlib = false\n",
            ),
            ("main.pmth", src),
        ],
    );
    let o = pmth(&["build"], &dir);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let reg: serde_json::Value =
        serde_json::from_slice(&read(&dir.join("dist/registry.json"))).expect("JSON");
    let params = &reg["tools"]["convert"]["input_schema"]["properties"];
    assert_eq!(
        params["amount"],
        serde_json::json!({
            "type": ["integer", "number"],
            "description": "The amount to convert,\n  in the account's currency."
        })
    );
    assert_eq!(params["target"]["description"], "Where to send it.");
    assert_eq!(
        params["target"]["anyOf"][0]["properties"]["iban"]["description"],
        "The IBAN."
    );
    assert_eq!(
        params["memo"],
        serde_json::json!({"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}]})
    );
    assert_eq!(
        params["extra"],
        serde_json::json!({"type": "object", "additionalProperties": {}})
    );
    assert_eq!(
        reg["tools"]["convert"]["output_schema"],
        serde_json::json!({"type": ["string", "null"]})
    );
    assert_eq!(
        reg["templates"]["greeter"]["params"]["properties"]["who"]["description"],
        "Who to greet."
    );
    assert_eq!(
        reg["agents"]["counter"]["output_schema"]["anyOf"][1],
        serde_json::json!({"type": "null"})
    );
    // The published schema of the format covers it.
    let published = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/registry.schema.json"),
    )
    .expect("docs/registry.schema.json");
    let published: serde_json::Value = serde_json::from_str(&published).expect("JSON");
    assert_eq!(pmth_compiler::types::validate(&published, &reg), Ok(()));
}
