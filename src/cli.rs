//! The command line, declared with clap's derive API. Only commands that are
//! implemented are listed here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Compiler for `.pmth` agent-fleet definitions.
#[derive(Debug, Parser)]
#[command(name = "pmth", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse, expand, resolve, type-check and govern a workspace; print diagnostics.
    Check(CheckArgs),
    /// Rewrite `.pmth` files in the one canonical layout (`--check`: only show
    /// the diff, exit 1 when a file would change).
    Fmt(FmtArgs),
    /// Print the long explanation of a diagnostic code (e.g. `pmth explain PM0101`).
    Explain(ExplainArgs),
    /// Create a new workspace: `pmth.toml`, one example of each kind, a policy.
    Init(InitArgs),
    /// Check, then write the sealed bundle (`dist/`) and update `pmth.lock`.
    Build(BuildArgs),
    /// Check a bundle's digests and signature; exit 1 on any tampering.
    Verify(VerifyArgs),
    /// What changed between two bundles or workspaces, per declaration, with its
    /// class (breaking, compatible, governance, cosmetic) and semver violations.
    Diff(DiffArgs),
    /// Write a bundle's tools, agents and workflows in another ecosystem's format
    /// (MCP, A2A, OpenAI, Open Agent Spec).
    Export(ExportArgs),
    /// Write `.pmth` sources from what you have: MCP `tools/list` results,
    /// OpenAI function tools, CrewAI crews, Agent Spec agents. Never overwrites a file.
    Import(ImportArgs),
    /// Draw the fleet's dependencies (agents, tools, models, services,
    /// workflows) or one workflow's DAG, as Mermaid, DOT or SVG.
    Graph(GraphArgs),
    /// Find declarations in a bundle by kind, capability, risk, status, label,
    /// name, and who uses what (`pmth query dist "kind:agent uses:tool.refund"`).
    Query(QueryArgs),
    /// Runtime decisions from a bundle's `pmth.runtime` policy: one JSON request
    /// or JSON Lines in, one decision per line out; exit 1 unless all are allowed.
    Authorize(AuthorizeArgs),
    /// Write an ECDSA P-256 key pair (`OUT`, `OUT.pub`) for `build --sign`.
    Keygen(KeygenArgs),
    /// Governance policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// The language server, on stdin/stdout (for editors).
    Lsp,
    /// Internal: evaluates governance in a bounded child process.
    #[command(name = "__policy-worker", hide = true)]
    PolicyWorker {
        /// The address-space bound in bytes.
        memory: u64,
    },
}

#[derive(Debug, Args)]
pub struct AuthorizeArgs {
    /// The bundle folder (e.g. `dist`); it is verified before it is used.
    pub dist: PathBuf,
    /// The requests: a file holding one JSON request or JSON Lines, `-` for
    /// standard input (the default).
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub input: PathBuf,
    /// The public key (SPKI PEM) the bundle's seal signature must verify with.
    #[arg(long, value_name = "PUB", conflicts_with = "allow_unsigned")]
    pub key: Option<PathBuf>,
    /// Without `--key`: check the bundle's integrity only, not its signature.
    #[arg(long)]
    pub allow_unsigned: bool,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run the `test_*` rules of the workspace's and the stdlib's policies.
    Test(PolicyTestArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The workspace folder (must hold `pmth.toml`); default: the nearest
    /// `pmth.toml` at or above the current folder.
    pub dir: Option<PathBuf>,
    /// The bundle folder (default: `dist` in the workspace).
    #[arg(short = 'o', long = "out", value_name = "DIST")]
    pub out: Option<PathBuf>,
    /// Sign the seal with this private key (PKCS#8 PEM, from `pmth keygen`).
    #[arg(long, value_name = "KEY")]
    pub sign: Option<PathBuf>,
    /// CI mode: fail with PM0801 instead of changing `pmth.lock`; write nothing.
    #[arg(long)]
    pub locked: bool,
    /// Also write `bundle.tar.gz`, an OPA bundle.
    #[arg(long)]
    pub opa: bool,
    /// Turn every warning into an error (the code stays).
    #[arg(long)]
    pub deny_warnings: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print the wall time of each stage to stderr.
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The bundle folder (e.g. `dist`); verified before anything is exported.
    pub dist: PathBuf,
    /// The format to write.
    #[arg(long = "to", value_enum)]
    pub to: ExportFormat,
    /// Where to write: files go to `DIR/<format>/` (default `export` in the
    /// current folder; never inside the bundle).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Sign A2A cards with this private key (PKCS#8 PEM, from `pmth keygen`).
    #[arg(long, value_name = "KEY")]
    pub sign: Option<PathBuf>,
    /// Check the bundle's signature with this public key too (otherwise
    /// integrity only).
    #[arg(long, value_name = "PUB")]
    pub key: Option<PathBuf>,
    /// How to print the notes and the summary.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The format of the files.
    #[arg(value_enum)]
    pub format_in: ImportFormat,
    /// The files to import (one `.pmth` file is written per file).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Where to write (created when missing; a `pmth.toml` is added when it is
    /// in no workspace). Default: the current workspace, else the current folder.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// How to print the notes and the summary.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// The formats `pmth import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// An MCP `tools/list` result (`{"tools": [...]}`) or an array of tools.
    Mcp,
    /// OpenAI function tools (Chat Completions or Responses shape).
    Openai,
    /// A CrewAI crew: its `agents.yaml` and `tasks.yaml`.
    Crewai,
    /// Open Agent Spec documents (JSON or YAML): their agents, LLM configs, tools.
    Agentspec,
}

/// The formats of `pmth export --to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// MCP `tools/list` result and MCP Registry `server.json` files.
    Mcp,
    /// A2A agent cards.
    A2a,
    /// OpenAI function tools (Chat Completions and Responses).
    Openai,
    /// Open Agent Spec agents and flows.
    Agentspec,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The bundle folder (e.g. `dist`).
    #[arg(required_unless_present = "card")]
    pub dist: Option<PathBuf>,
    /// Check exported A2A agent cards' signatures instead of a bundle (needs `--key`).
    #[arg(long, value_name = "FILE", conflicts_with = "dist", requires = "key")]
    pub card: Vec<PathBuf>,
    /// The public key (SPKI PEM, `OUT.pub` from `pmth keygen`) a signature must
    /// verify with.
    #[arg(long, value_name = "PUB")]
    pub key: Option<PathBuf>,
    /// Without `--key`: check integrity only (digests), not signatures.
    #[arg(long)]
    pub allow_unsigned: bool,
    /// How to print failures.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old side: a bundle folder (`dist/`) or a workspace (compiled first).
    pub old: PathBuf,
    /// The new side: a bundle folder or a workspace.
    pub new: PathBuf,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit 1 when a change of this class occurred (`semver`: a semver
    /// violation; `any`: any change).
    #[arg(long, value_enum, value_name = "CLASS")]
    pub fail_on: Option<FailOn>,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// A workspace (compiled first) or a bundle folder; default: the nearest
    /// `pmth.toml` at or above the current folder.
    pub path: Option<PathBuf>,
    /// Draw this workflow's steps (a name, then its highest version, or an id).
    #[arg(long, value_name = "W")]
    pub workflow: Option<String>,
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

/// The output formats of `pmth graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
    /// Graphviz DOT (`dot -Tpng`).
    Dot,
    /// A standalone SVG drawing (pmth's own layered layout).
    Svg,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A bundle folder (its integrity verified first) or a workspace.
    pub dist: PathBuf,
    /// Space-separated terms, all of which must hold: `kind:agent`,
    /// `capability:web.search`, `risk:>=high`, `status:deprecated`,
    /// `label:owner=payments`, `uses:tool.refund`, `usedby:agent.triage`,
    /// `name:refund*` (docs/query.md).
    pub expr: String,
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    pub format: QueryFormat,
}

/// The output formats of `pmth query`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum QueryFormat {
    /// One line per declaration: kind, id, source.
    Table,
    /// One JSON document.
    Json,
}

/// The output formats of `pmth diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Grouped by class, breaking first, one line per detail.
    Human,
    /// One JSON document (see docs/diff.md).
    Json,
    /// For a pull-request comment.
    Markdown,
}

/// What `pmth diff --fail-on` fails on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A breaking change.
    Breaking,
    /// A semver violation.
    Semver,
    /// Any change.
    Any,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the private key; the public key goes to `OUT.pub`.
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct PolicyTestArgs {
    /// The workspace folder (must hold `pmth.toml`); default: the nearest
    /// `pmth.toml` at or above the current folder.
    pub dir: Option<PathBuf>,
    /// Also report which lines of each policy the tests evaluated.
    #[arg(long)]
    pub coverage: bool,
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
}

/// The output formats of `pmth policy test`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per test, then the summary (and the coverage table).
    Human,
    /// One JSON document (see docs/cli.md).
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The workspace folder (must hold `pmth.toml`); default: the nearest
    /// `pmth.toml` at or above the current folder.
    pub dir: Option<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Turn every warning into an error (the code stays).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print the wall time of each stage to stderr.
    #[arg(long)]
    pub timings: bool,
    /// Apply the safe fixes (a unique did-you-mean), then check again.
    #[arg(long)]
    pub fix: bool,
    /// Apply the unsafe fixes too (a secret moved to `env`, a placeholder for a
    /// missing attribute, …); implies `--fix`.
    #[arg(long)]
    pub unsafe_fixes: bool,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files or folders to format; default: every `.pmth` file of the
    /// workspace holding the current folder.
    pub paths: Vec<PathBuf>,
    /// Write nothing: print a unified diff of what would change and exit 1
    /// when something would.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A diagnostic code such as `PM0101` (the `PM` may be left out).
    pub code: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the workspace (created when missing); default: the
    /// current folder.
    pub dir: Option<PathBuf>,
}

/// The output formats of diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-like text with source excerpts (colour only on a terminal).
    Human,
    /// One JSON document (see docs/cli.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow-command annotations.
    Github,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
