//! End-to-end tests of the `pmth` binary: exit codes, formats, `explain`, `init`,
//! workspace discovery and loading problems.

mod common;

use common::*;
use std::path::Path;

fn t(code: &str, file: &str, line: u64) -> (String, String, u64) {
    (code.to_string(), file.to_string(), line)
}

#[test]
fn version() {
    let o = pmth(&["--version"], Path::new("."));
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "pmth 0.1.0\n");
}

#[test]
fn bad_arguments_exit_2() {
    let dir = workspace("badargs", &[("pmth.toml", MANIFEST)]);
    assert_eq!(code(&pmth(&[], &dir)), 2);
    assert_eq!(code(&pmth(&["frobnicate"], &dir)), 2);
    assert_eq!(code(&pmth(&["check", "--format", "xml"], &dir)), 2);
}

#[test]
fn no_workspace_exits_2() {
    let dir = scratch("nows");
    let o = pmth(&["check", "."], &dir);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no `pmth.toml`"), "{}", stderr(&o));
    let o = pmth(&["check", "does-not-exist"], &dir);
    assert_eq!(code(&o), 2);
}

#[test]
fn a_given_dir_must_hold_the_manifest_itself() {
    let dir = workspace("givendir", &[("pmth.toml", MANIFEST), ("sub/a.pmth", b"")]);
    assert_eq!(code(&pmth(&["check", "sub"], &dir)), 2);
}

#[test]
fn without_dir_the_nearest_manifest_upward_is_used() {
    let dir = workspace(
        "upward",
        &[
            ("pmth.toml", b"[package]\nname = \"x\"\nversion = \"1\"\n"),
            ("sub/deeper/a.pmth", b""),
        ],
    );
    let o = pmth(&["check", "--format", "json"], &dir.join("sub/deeper"));
    assert_eq!(code(&o), 1);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(triples(&doc), [t("PM0003", "pmth.toml", 3)]);
}

#[test]
fn a_clean_workspace_exits_0() {
    let dir = workspace("clean", &[("pmth.toml", MANIFEST)]);
    let o = pmth(&["check", "."], &dir);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).starts_with("ok: no errors, no warnings"),
        "{}",
        stdout(&o)
    );
    let (c, doc) = check_json(&dir);
    assert_eq!(c, 0);
    assert_eq!(
        doc,
        serde_json::json!({"diagnostics": [], "errors": 0, "warnings": 0})
    );
}

#[test]
fn every_manifest_problem_is_reported() {
    let manifest = b"[package]\nname = \"Not OK\"\nversion = \"1.2\"\nauthors = []\n\n[governance]\nstdlib = \"yes\"\npolicies = [\"nowhere\", \"policies\"]\nextra = 1\n\n[governance.data]\nfree = { form = [1, 2] }\n\n[tools]\n";
    let dir = workspace(
        "manifest",
        &[
            ("pmth.toml", manifest),
            ("policies/a.rego", b"package pmth.a\n"),
            ("a.pmth", b""),
        ],
    );
    let (c, doc) = check_json(&dir);
    assert_eq!(c, 1);
    let mut got = triples(&doc);
    got.sort();
    let want = [2, 3, 4, 7, 8, 9, 14].map(|l| t("PM0003", "pmth.toml", l));
    assert_eq!(got, want);
    let first = &doc["diagnostics"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["column"], 8);
    assert!(first["help"].is_string());
}

#[test]
fn a_missing_package_key_is_reported_on_the_header() {
    let dir = workspace(
        "missingkey",
        &[("pmth.toml", b"\n[package]\nname = \"x\"\n")],
    );
    let (c, doc) = check_json(&dir);
    assert_eq!(c, 1);
    assert_eq!(triples(&doc), [t("PM0003", "pmth.toml", 2)]);
    assert_eq!(doc["diagnostics"][0]["end_column"], 10);
}

#[test]
fn invalid_toml_is_pm0003() {
    let dir = workspace(
        "badtoml",
        &[("pmth.toml", b"[package]\nname = \"x\"\nversion = \n")],
    );
    let (c, doc) = check_json(&dir);
    assert_eq!(c, 1);
    assert_eq!(triples(&doc).len(), 1);
    assert_eq!(triples(&doc)[0].0, "PM0003");
}

#[test]
fn unreadable_sources_are_pm0003_on_line_1_and_the_rest_still_loads() {
    let dir = workspace(
        "notutf8",
        &[
            (
                "pmth.toml",
                b"[package]\nname = \"x\"\nversion = \"1.0.0\"\nbad = 1\n",
            ),
            ("a/bad.pmth", b"tool t {\n  description = \"\xff\xfe\"\n}\n"),
            ("good.pmth", b"\xef\xbb\xbf// a BOM is fine\n"),
        ],
    );
    let (c, doc) = check_json(&dir);
    assert_eq!(c, 1);
    assert_eq!(
        triples(&doc),
        [t("PM0003", "a/bad.pmth", 1), t("PM0003", "pmth.toml", 4)]
    );
    let msg = doc["diagnostics"][0]["message"].as_str().unwrap_or("");
    assert!(msg.contains("line 2"), "{msg}");
}

#[test]
fn formats() {
    let dir = workspace(
        "formats",
        &[(
            "pmth.toml",
            b"[package]\nname = \"x\"\nversion = \"1.0.0\"\ncolour = 1\n",
        )],
    );
    let human = stdout(&pmth(&["check"], &dir));
    assert!(
        human.starts_with("error[PM0003]: unknown key `colour`"),
        "{human}"
    );
    assert!(human.contains("pmth.toml:4:1"), "{human}");
    assert!(human.ends_with("error: 1 error, 0 warnings\n"), "{human}");
    assert!(!human.contains('\x1b'), "no colour off a terminal");

    let sarif = pmth(&["check", "--format", "sarif"], &dir);
    assert_eq!(code(&sarif), 1);
    let doc: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif json");
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "PM0003");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );

    let gh = stdout(&pmth(&["check", "--format", "github"], &dir));
    let mut lines = gh.lines();
    assert_eq!(
        lines.next(),
        Some("::error file=pmth.toml,line=4,col=1,endLine=4,endColumn=7,title=PM0003::unknown key `colour` in [package]%0Ahelp: the keys of [package] are: name, version, organization, homepage")
    );
    assert!(lines
        .next()
        .is_some_and(|l| l.starts_with("::notice title=pmth::governance skipped")));
    assert_eq!(lines.next(), Some("error: 1 error, 0 warnings"));
}

#[test]
fn paths_are_shown_from_where_pmth_ran() {
    let dir = workspace(
        "base",
        &[(
            "fleet/pmth.toml",
            b"[package]\nname = \"x\"\nversion = \"1.0.0\"\ncolour = 1\n",
        )],
    );
    let gh = stdout(&pmth(&["check", "--format", "github", "fleet"], &dir));
    assert!(gh.starts_with("::error file=fleet/pmth.toml,"), "{gh}");
    let (_, doc) = check_json(&dir.join("fleet"));
    assert_eq!(
        doc["diagnostics"][0]["file"], "pmth.toml",
        "JSON paths are workspace-relative"
    );
}

#[test]
fn timings_go_to_stderr() {
    let dir = workspace("timings", &[("pmth.toml", MANIFEST)]);
    let o = pmth(&["check", "--timings", "--format", "json"], &dir);
    assert_eq!(code(&o), 0);
    let err = stderr(&o);
    for stage in [
        "load", "parse", "expand", "resolve", "check", "govern", "total",
    ] {
        assert!(err.contains(stage), "{err}");
    }
    serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("stdout stays one JSON document");
}

#[test]
fn deny_warnings_is_accepted() {
    let dir = workspace("deny", &[("pmth.toml", MANIFEST)]);
    assert_eq!(code(&pmth(&["check", "--deny-warnings", "."], &dir)), 0);
}

#[test]
fn explain() {
    let o = pmth(&["explain", "PM0101"], Path::new("."));
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    assert!(
        text.starts_with("PM0101 (error): unknown reference"),
        "{text}"
    );
    assert!(text.contains("Example:") && text.contains("How to fix it:"));
    assert_eq!(code(&pmth(&["explain", "pm0702"], Path::new("."))), 0);

    let o = pmth(&["explain", "PM0110"], Path::new("."));
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `PM0101`?") || stderr(&o).contains("did you mean"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn init_then_check() {
    let dir = scratch("init");
    let ws = dir.join("My Fleet");
    let o = pmth(&["init", "My Fleet"], &dir);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("created workspace `my-fleet`"),
        "{}",
        stdout(&o)
    );
    for f in [
        "pmth.toml",
        "agents.pmth",
        "workflows.pmth",
        "policies/owners.rego",
    ] {
        assert!(ws.join(f).is_file(), "{f} missing");
    }
    let o = pmth(&["check", "--format", "json", "My Fleet"], &dir);
    assert_eq!(
        stdout(&o).trim(),
        "{\n  \"diagnostics\": [],\n  \"errors\": 0,\n  \"warnings\": 0\n}"
    );
    assert_eq!(code(&o), 0);

    let again = pmth(&["init", "My Fleet"], &dir);
    assert_eq!(code(&again), 2, "init never overwrites");
    assert!(stderr(&again).contains("already exists"));
}

#[test]
fn init_in_the_current_folder() {
    let dir = scratch("init-cwd");
    assert_eq!(code(&pmth(&["init"], &dir)), 0);
    assert!(dir.join("pmth.toml").is_file());
    assert_eq!(code(&pmth(&["init"], &dir)), 2);
}

#[test]
fn skipped_folders_are_not_read() {
    let bad: &[u8] = b"\xff";
    let dir = workspace(
        "skips",
        &[
            ("pmth.toml", MANIFEST),
            (".git/x.pmth", bad),
            ("target/x.pmth", bad),
            ("sub/dist/x.pmth", bad),
            ("nested/pmth.toml", b"not toml at all ["),
            ("nested/x.pmth", bad),
        ],
    );
    let (c, doc) = check_json(&dir);
    assert_eq!((c, triples(&doc)), (0, vec![]));
}

#[test]
fn a_missing_policy_path_is_reported_on_its_entry() {
    let manifest = b"[package]\nname = \"x\"\nversion = \"1.0.0\"\n\n[governance]\npolicies = [\n  \"policies\",\n  \"missing.rego\",\n]\n";
    let dir = workspace(
        "policies",
        &[
            ("pmth.toml", manifest),
            ("policies/a.rego", b"package pmth.a\n"),
        ],
    );
    let (c, doc) = check_json(&dir);
    assert_eq!(c, 1);
    assert_eq!(triples(&doc), [t("PM0003", "pmth.toml", 8)]);
}

#[test]
fn the_examples_check_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for example in ["examples/support-fleet", "examples/research-mcp"] {
        let o = pmth(&["check", "--format", "json", example], root);
        assert_eq!(
            stdout(&o).trim(),
            "{\n  \"diagnostics\": [],\n  \"errors\": 0,\n  \"warnings\": 0\n}",
            "{example}"
        );
        assert_eq!(code(&o), 0, "{example}");
    }
}

/// The README's 30-second example shows real output.
#[test]
fn the_readme_example_is_true() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let fence = |lang: &str| -> String {
        let start = readme.find(&format!("```{lang}\n")).expect("fence") + lang.len() + 4;
        let len = readme
            .get(start..)
            .and_then(|r| r.find("```"))
            .expect("closing fence");
        readme.get(start..start + len).unwrap_or("").to_string()
    };
    let source = fence("pmth");
    let console = fence("console");
    let (command, output) = console.split_once('\n').expect("a command line");
    assert_eq!(command, "$ pmth check");
    let dir = workspace(
        "readme",
        &[
            (
                "pmth.toml",
                b"[package]\nname = \"demo\"\nversion = \"0.1.0\"\n",
            ),
            ("fleet.pmth", source.as_bytes()),
        ],
    );
    let o = pmth(&["check"], &dir);
    assert_eq!(stdout(&o), output);
    assert_eq!(code(&o), 1);
}

#[test]
fn governance_is_skipped_with_a_note_when_there_are_errors() {
    let dir = workspace(
        "skipped",
        &[
            ("pmth.toml", MANIFEST),
            ("main.pmth", b"tool t {\n  description = \"no risk\"\n}\n"),
        ],
    );
    let o = pmth(&["check", "."], &dir);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("note: governance skipped"),
        "{}",
        stdout(&o)
    );
}

/// `--format github` names a finding's policy once: the label ("flagged by
/// policy …") is left out when the message already names the policy.
#[test]
fn github_names_the_policy_once() {
    let dir = workspace(
        "gh-policy",
        &[
            (
                "pmth.toml",
                b"[package]\nname = \"x\"\nversion = \"1.0.0\"\n",
            ),
            (
                "main.pmth",
                b"model m { description = \"m\" provider = \"openai\" }\n\
                  agent chat {\n  description = \"d\"\n  kind = analytical\n  model = model.m\n}\n",
            ),
        ],
    );
    let gh = stdout(&pmth(&["check", "--format", "github"], &dir));
    assert!(gh.contains("(policy `pmth.std.budget`)"), "{gh}");
    assert!(!gh.contains("by policy `pmth.std.budget`"), "{gh}");
    insta::assert_snapshot!(gh);
}

/// LANGUAGE.md §11: columns count Unicode scalar values, in every format,
/// also after non-ASCII text earlier on the line.
#[test]
fn columns_count_characters_in_every_format() {
    let dir = workspace(
        "charcols",
        &[
            ("pmth.toml", MANIFEST),
            (
                "main.pmth",
                "capability b { description = \"é “quoted”\"  bogus = 1 }\n".as_bytes(),
            ),
        ],
    );
    // `bogus` starts at character 44 (1-based); its byte offset is larger.
    let o = pmth(&["check", "--format", "json"], &dir);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let d = &doc["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["column"].as_u64()),
        (Some("PM0201"), Some(44))
    );
    let human = stdout(&pmth(&["check"], &dir));
    assert!(human.contains("main.pmth:1:44]"), "{human}");
    let github = stdout(&pmth(&["check", "--format", "github"], &dir));
    assert!(github.contains("line=1,col=44"), "{github}");
    let sarif: serde_json::Value =
        serde_json::from_slice(&pmth(&["check", "--format", "sarif"], &dir).stdout).expect("sarif");
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"].as_u64(), Some(44), "{region}");
    assert!(sarif["runs"][0]["tool"]["driver"]
        .get("informationUri")
        .is_none());
}
