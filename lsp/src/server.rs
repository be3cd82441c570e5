//! The main loop: the initialize handshake, then batches of messages. Every
//! method the server understands is mapped to its handler here, in one place
//! ([`on_request`] and [`on_notification`]).
//!
//! Messages are taken in batches (everything already queued): notifications
//! only update the state and mark what needs a re-check; the re-check runs once
//! before the next request is answered and at the end of the batch. So a burst
//! of `didChange` costs one check, on the latest text.

use crate::handlers::{self, diagnostics, sync, Ctx};
use crate::state::{Owner, State};
use crate::Error;
use crossbeam_channel::Receiver;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as n, Notification as _};
use lsp_types::request as r;
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    HoverProviderCapability, InitializeParams, OneOf, RenameOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};

/// Serves one client on `connection` until `shutdown` and `exit`.
pub fn run(connection: &Connection) -> Result<(), Error> {
    run_with(connection, pmth_compiler::CompileOptions::default())
}

/// [`run`], compiling with `options`.
pub fn run_with(
    connection: &Connection,
    options: pmth_compiler::CompileOptions,
) -> Result<(), Error> {
    let (id, params) = connection.initialize_start()?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "pmth".to_owned(),
            version: Some(pmth_compiler::VERSION.to_owned()),
        },
    });
    connection.initialize_finish(id, result)?;

    let mut state = State {
        options,
        ..State::default()
    };
    for root in initial_roots(&init) {
        state.dirty.insert(Owner::Workspace(root));
    }
    flush(&mut state, connection)?;
    main_loop(&mut state, connection)
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into()]),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..Default::default()
    }
}

/// The workspaces (folders holding `pmth.toml`, at or above a workspace folder)
/// to check right after `initialize`.
#[allow(deprecated)] // `root_uri` is the fallback for clients without folders.
fn initial_roots(init: &InitializeParams) -> Vec<std::path::PathBuf> {
    let mut uris: Vec<&lsp_types::Uri> = init
        .workspace_folders
        .iter()
        .flatten()
        .map(|f| &f.uri)
        .collect();
    if uris.is_empty() {
        uris.extend(init.root_uri.as_ref());
    }
    let mut roots: Vec<_> = uris
        .into_iter()
        .filter_map(crate::convert::uri_to_path)
        .filter_map(|p| pmth_compiler::load::find_root(&p))
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

fn main_loop(state: &mut State, connection: &Connection) -> Result<(), Error> {
    while let Some(batch) = next_batch(&connection.receiver) {
        for msg in batch {
            match msg {
                Message::Request(req) => {
                    if connection.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    // Answer on the latest text.
                    flush(state, connection)?;
                    let resp = on_request(state, req);
                    connection.sender.send(Message::Response(resp))?;
                }
                Message::Notification(not) => {
                    if not.method == n::Exit::METHOD {
                        return Ok(());
                    }
                    on_notification(state, not);
                }
                Message::Response(_) => {}
            }
        }
        flush(state, connection)?;
    }
    Ok(())
}

/// The next message and everything queued behind it; `None` when the client is gone.
fn next_batch(receiver: &Receiver<Message>) -> Option<Vec<Message>> {
    let first = receiver.recv().ok()?;
    let mut batch = vec![first];
    batch.extend(receiver.try_iter());
    Some(batch)
}

/// Re-checks everything marked dirty and publishes the results.
fn flush(state: &mut State, connection: &Connection) -> Result<(), Error> {
    let dirty = std::mem::take(&mut state.dirty);
    for owner in dirty {
        for params in diagnostics::check(state, &owner) {
            let not = Notification::new(n::PublishDiagnostics::METHOD.to_owned(), params);
            connection.sender.send(Message::Notification(not))?;
        }
    }
    Ok(())
}

/// Every request the server answers, and its handler.
fn on_request(state: &State, req: Request) -> Response {
    let ctx = Ctx { state };
    RequestDispatch::new(&ctx, req)
        .on::<r::HoverRequest>(handlers::hover::hover)
        .on::<r::Completion>(handlers::completion::completion)
        .on::<r::GotoDefinition>(handlers::definition::definition)
        .on::<r::References>(handlers::definition::references)
        .on::<r::DocumentSymbolRequest>(handlers::document_symbol::document_symbol)
        .on::<r::Formatting>(handlers::formatting::formatting)
        .on_fallible::<r::PrepareRenameRequest>(handlers::rename::prepare_rename)
        .on_fallible::<r::Rename>(handlers::rename::rename)
        .on::<r::CodeActionRequest>(handlers::code_action::code_action)
        .on::<r::WorkspaceSymbolRequest>(handlers::workspace_symbol::workspace_symbol)
        .on::<r::InlayHintRequest>(handlers::inlay_hint::inlay_hint)
        .finish()
}

/// Every notification the server acts on, and its handler.
fn on_notification(state: &mut State, not: Notification) {
    NotificationDispatch::new(state, not)
        .on::<n::DidOpenTextDocument>(sync::did_open)
        .on::<n::DidChangeTextDocument>(sync::did_change)
        .on::<n::DidSaveTextDocument>(sync::did_save)
        .on::<n::DidCloseTextDocument>(sync::did_close)
        .on::<n::DidChangeWatchedFiles>(sync::did_change_watched_files);
}

/// Routes one request to the first handler whose method matches.
struct RequestDispatch<'a, 'b> {
    ctx: &'a Ctx<'b>,
    req: Option<Request>,
    resp: Option<Response>,
}

impl<'a, 'b> RequestDispatch<'a, 'b> {
    fn new(ctx: &'a Ctx<'b>, req: Request) -> Self {
        RequestDispatch {
            ctx,
            req: Some(req),
            resp: None,
        }
    }

    fn on<R: r::Request>(mut self, f: fn(&Ctx, R::Params) -> R::Result) -> Self {
        let Some(req) = self.req.take_if(|q| q.method == R::METHOD) else {
            return self;
        };
        let id: RequestId = req.id.clone();
        self.resp = Some(match serde_json::from_value::<R::Params>(req.params) {
            Ok(params) => Response::new_ok(id, f(self.ctx, params)),
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()),
        });
        self
    }

    /// [`Self::on`] for a handler that may refuse: its message goes back as a
    /// `RequestFailed` error (a rename to a name already taken).
    fn on_fallible<R: r::Request>(
        mut self,
        f: fn(&Ctx, R::Params) -> Result<R::Result, String>,
    ) -> Self {
        let Some(req) = self.req.take_if(|q| q.method == R::METHOD) else {
            return self;
        };
        let id: RequestId = req.id.clone();
        self.resp = Some(match serde_json::from_value::<R::Params>(req.params) {
            Ok(params) => match f(self.ctx, params) {
                Ok(result) => Response::new_ok(id, result),
                Err(message) => Response::new_err(id, ErrorCode::RequestFailed as i32, message),
            },
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()),
        });
        self
    }

    fn finish(self) -> Response {
        match (self.resp, self.req) {
            (Some(resp), _) => resp,
            (None, Some(req)) => Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("unknown method `{}`", req.method),
            ),
            (None, None) => Response::new_err(
                RequestId::from(0),
                ErrorCode::InternalError as i32,
                "no request".to_owned(),
            ),
        }
    }
}

/// Routes one notification to the first handler whose method matches; others
/// (and ones whose params do not parse) are ignored, as the protocol asks.
struct NotificationDispatch<'a> {
    state: &'a mut State,
    not: Option<Notification>,
}

impl<'a> NotificationDispatch<'a> {
    fn new(state: &'a mut State, not: Notification) -> Self {
        NotificationDispatch {
            state,
            not: Some(not),
        }
    }

    fn on<N: n::Notification>(mut self, f: fn(&mut State, N::Params)) -> Self {
        if let Some(not) = self.not.take_if(|x| x.method == N::METHOD) {
            if let Ok(params) = serde_json::from_value::<N::Params>(not.params) {
                f(self.state, params);
            }
        }
        self
    }
}
