//! The pmth language server (`pmth lsp`): diagnostics, hover, completion, go to
//! definition, references and document symbols for `.pmth` files, over stdio.
//!
//! Only this crate knows about LSP: the compiler hands it spans, diagnostics,
//! the schema tables and the resolved references, and `convert` turns them into
//! protocol types (UTF-16 columns included).
//!
//! - `server` — the main loop and the one place mapping methods to handlers;
//! - `state` — open documents and, per workspace, the session and compilation;
//! - `handlers/` — one file per feature;
//! - `cursor` — what surrounds a position, read from the text alone;
//! - `lookup` — declarations under a position, described and located;
//! - `convert` — spans ↔ positions, paths ↔ URIs, diagnostics.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod convert;
mod cursor;
mod handlers;
mod lookup;
mod server;
mod state;
mod transport;

pub use lsp_server::Connection;

/// Why the server stopped other than by `shutdown` and `exit`: a protocol or
/// I/O error (the message says which).
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves the client on stdin/stdout until it says `shutdown` and `exit`.
pub fn run_stdio() -> Result<(), Error> {
    run_stdio_with(pmth_compiler::CompileOptions::default())
}

/// [`run_stdio`], compiling with `options` (the binary's policy sandbox).
pub fn run_stdio_with(options: pmth_compiler::CompileOptions) -> Result<(), Error> {
    let (connection, io) = transport::stdio();
    let served = server::run_with(&connection, options);
    // Dropping the connection closes the writer's channel: it writes what is
    // queued and ends; the reader ends at the end of stdin or a broken frame.
    drop(connection);
    // When the server stopped on its own (`exit`, or the reader ended), the
    // reader is ending too; after a server error it may be blocked on stdin.
    let (read, written) = io.join(served.is_ok());
    served?;
    written?;
    read?;
    Ok(())
}

/// Serves the client on `connection` (an in-memory one in tests).
pub fn run(connection: &Connection) -> Result<(), Error> {
    server::run(connection)
}
