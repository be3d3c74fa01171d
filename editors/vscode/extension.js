// cxjourney for VS Code: the language server (`cxjourney lsp`) and a live map preview.
// Plain JavaScript, no build step; the only dependency is vscode-languageclient.
"use strict";

const vscode = require("vscode");
const path = require("path");
const { execFile } = require("child_process");
const { LanguageClient } = require("vscode-languageclient/node");

let client;
const previews = new Map(); // document URI -> { panel, simulate }

function settings() {
  const config = vscode.workspace.getConfiguration("cxjourney");
  return {
    command: config.get("command", "cxjourney"),
    replications: config.get("preview.replications", 3),
  };
}

function activate(context) {
  const { command } = settings();
  client = new LanguageClient(
    "cxjourney",
    "cxjourney",
    { command, args: ["lsp"] },
    { documentSelector: [{ language: "journey" }] }
  );
  client.start();
  context.subscriptions.push(
    vscode.commands.registerCommand("cxjourney.preview", () => showPreview(false)),
    vscode.commands.registerCommand("cxjourney.previewSimulation", () => showPreview(true)),
    vscode.commands.registerCommand("cxjourney.restartServer", () => client.restart()),
    vscode.workspace.onDidSaveTextDocument((document) => {
      const preview = previews.get(document.uri.toString());
      if (preview) redraw(document, preview);
    })
  );
}

function showPreview(simulate) {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "journey") {
    vscode.window.showInformationMessage("Open a .journey file to preview its map.");
    return;
  }
  const document = editor.document;
  const key = document.uri.toString();
  let preview = previews.get(key);
  if (!preview) {
    const panel = vscode.window.createWebviewPanel(
      "cxjourney.preview",
      `Map: ${path.basename(document.fileName)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: false }
    );
    preview = { panel, simulate };
    previews.set(key, preview);
    panel.onDidDispose(() => previews.delete(key));
  }
  preview.simulate = simulate;
  preview.panel.reveal(vscode.ViewColumn.Beside, true);
  redraw(document, preview);
}

// Redraws with `cxjourney render FILE -o -` (SVG on stdout); the saved file is drawn.
function redraw(document, preview) {
  const { command, replications } = settings();
  const args = ["render", document.fileName, "-o", "-"];
  if (preview.simulate) args.push("--simulate", "-n", String(replications), "--quiet");
  const what = preview.simulate ? `quick simulation, ${replications} replications` : "map";
  preview.panel.webview.html = page(`<p class="note">Drawing the ${what}…</p>`);
  execFile(
    command,
    args,
    { cwd: path.dirname(document.fileName), maxBuffer: 64 * 1024 * 1024, timeout: 300000 },
    (error, stdout, stderr) => {
      if (error) {
        const message = stderr || error.message;
        preview.panel.webview.html = page(`<pre class="problem">${escape(message)}</pre>`);
        return;
      }
      const svg = stdout.slice(stdout.indexOf("<svg"));
      const caption = `${path.basename(document.fileName)} · ${what} · redrawn on save`;
      preview.panel.webview.html = page(`${svg}<p class="note">${escape(caption)}</p>`);
    }
  );
}

function page(body) {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;">
<style>
  body { background: #fff; color: #222; font-family: sans-serif; margin: 0; padding: 12px; }
  svg { max-width: 100%; height: auto; }
  .note { color: #666; font-size: 12px; }
  .problem { color: #b00020; white-space: pre-wrap; }
</style></head><body>${body}</body></html>`;
}

function escape(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
