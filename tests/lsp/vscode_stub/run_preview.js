// Activates the extension against the stand-ins, opens the preview of argv[2] with the
// command argv[3], saves once, and prints what the panel showed as JSON.
"use strict";

const path = require("path");
const vscode = require("vscode");
const client = require("vscode-languageclient/node");
const extension = require(path.resolve(process.argv[4]));

const file = path.resolve(process.argv[2]);
const document = { fileName: file, languageId: "journey", uri: { toString: () => "file://" + file } };
vscode.__state.config = { command: process.argv[3], "preview.replications": 2 };
vscode.window.activeTextEditor = { document };
extension.activate({ subscriptions: [] });

function settled(panel, count) {
  return new Promise((resolve) => {
    const wait = () => (panel.htmls.length >= count && !/Drawing/.test(panel.webview.html) ? resolve() : setTimeout(wait, 50));
    wait();
  });
}

(async () => {
  vscode.__state.commands["cxjourney.preview"]();
  const [panel] = vscode.__state.panels;
  await settled(panel, 2);
  const first = panel.webview.html;
  for (const listener of vscode.__state.saveListeners) listener(document);
  await settled(panel, 4);
  vscode.__state.commands["cxjourney.previewSimulation"]();
  await settled(panel, 6);
  const [started] = client.__started;
  console.log(JSON.stringify({
    server: started.serverOptions,
    selector: started.clientOptions.documentSelector,
    title: panel.title,
    panels: vscode.__state.panels.length,
    first,
    afterSave: panel.webview.html,
    draws: panel.htmls.length,
    simulated: panel.htmls[panel.htmls.length - 1],
  }));
})();
