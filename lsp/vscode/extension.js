// The pmth extension: starts `pmth lsp` (from the `pmth.server.path` setting,
// default `pmth` on PATH) as a language server over stdio for `.pmth` files.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("pmth");
  const command = config.get("server.path") || "pmth";
  const run = { command, args: ["lsp"], transport: TransportKind.stdio };
  const serverOptions = { run, debug: run };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "pmth" }],
    synchronize: {
      // pmth.toml, policies and sources changed outside the editor re-check the workspace.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.pmth,*.rego,pmth.toml}"),
    },
  };
  client = new LanguageClient("pmth", "pmth", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("pmth.server.path")) {
        vscode.window.showInformationMessage("pmth: reload the window to use the new server path.");
      }
    })
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
