// The studio page: the editor on the left; the map, the forecast and the diff on the right.
// Every answer comes from the local server (token in the cookie and a header); nothing is
// fetched from anywhere else.
import { EditorState } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, hoverTooltip,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, HighlightStyle, bracketMatching, indentUnit } from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { autocompletion, completionKeymap } from "@codemirror/autocomplete";
import { linter, lintGutter, forceLinting } from "@codemirror/lint";
import { searchKeymap } from "@codemirror/search";
import { marked } from "marked";
import DOMPurify from "dompurify";
import { journeyLanguage } from "./language.js";

const token = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);
const QUICK_DELAY_MS = 700; // after the check that follows the last keystroke

const state = {
  path: null, saved: "", view: null, diagnostics: [], analyses: 0, forecasts: 0,
  forecastTimer: null, ok: false, saves: 0,
};
window.studio = state; // what the browser tests read

async function api(name, body) {
  const options = { headers: { "X-Studio-Token": token } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(`/api/${name}`, options);
  const answer = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
  if (!response.ok && !answer.error) answer.error = `the server answered ${response.status}`;
  return answer;
}

function safe(html) {
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true, svg: true, svgFilters: true } });
}

function markdown(text) {
  return safe(marked.parse(text || ""));
}

function status(text, kind = "") {
  const el = $("status");
  el.textContent = text;
  el.className = kind;
}

function offset(doc, line, character) {
  const at = doc.line(Math.min(Math.max(line + 1, 1), doc.lines));
  return Math.min(at.from + character, at.to);
}

function position(doc, pos) {
  const line = doc.lineAt(pos);
  return { line: line.number - 1, character: pos - line.from };
}

function text() {
  return state.view.state.doc.toString();
}

// ---- check, map and diff, as you type ---------------------------------------------------

async function check(view) {
  const body = { path: state.path, text: view.state.doc.toString() };
  const answer = await api("analyse", body);
  if (answer.error) { status(answer.error, "error"); return []; }
  if (body.text !== view.state.doc.toString()) return []; // a newer text is on its way
  state.analyses += 1;
  state.ok = answer.ok;
  state.diagnostics = answer.diagnostics;
  showAnalysis(answer);
  if (answer.ok) scheduleForecast(false);
  else cancelForecast();
  const doc = view.state.doc;
  return answer.diagnostics.map((d) => {
    const from = offset(doc, d.line, d.character);
    const to = Math.max(offset(doc, d.end_line, d.end_character), from);
    return { from, to, severity: d.severity, message: d.message, source: "cxjourney check" };
  });
}

function showAnalysis(answer) {
  const map = $("map");
  const errors = answer.diagnostics.filter((d) => d.severity === "error").length;
  if (answer.ok) {
    map.classList.remove("stale");
    $("map-note").textContent = answer.map_note || "";
    if (answer.map) $("map-drawing").innerHTML = safe(answer.map);
    else if (answer.map_note) $("map-drawing").innerHTML = "";
    $("diff").innerHTML = markdown(answer.diff);
    $("diff").classList.remove("stale");
    status(answer.diagnostics.length ? `checks, ${answer.diagnostics.length} warning(s)` : "checks", "ok");
  } else {
    map.classList.add("stale");
    $("map-note").textContent = "The text has errors: the last valid map is shown, greyed.";
    $("diff").classList.add("stale");
    $("forecast").classList.add("stale");
    status(`${errors} error(s): see the marks in the margin`, "error");
  }
  updateSaveButton();
}

// ---- the forecast -----------------------------------------------------------------------

function cancelForecast() {
  clearTimeout(state.forecastTimer);
}

function scheduleForecast(full) {
  cancelForecast();
  state.forecastTimer = setTimeout(() => forecast(full), full ? 0 : QUICK_DELAY_MS);
}

async function forecast(full) {
  const body = { path: state.path, text: text(), full };
  $("forecast-state").textContent = full ? "full forecast running…" : "quick forecast running…";
  $("forecast").classList.add("running");
  const answer = await api("forecast", body);
  if (answer.superseded) return; // a newer edit's forecast replaces this one
  $("forecast").classList.remove("running");
  if (answer.error) {
    $("forecast-state").textContent = answer.error;
    return;
  }
  if (body.text !== text()) return;
  state.forecasts += 1;
  $("forecast").classList.remove("stale");
  $("forecast-state").textContent = `${answer.run}, ${answer.replications} replications`;
  $("forecast-table").textContent = answer.table;
  $("curve").innerHTML = safe(answer.curve);
  $("diff").innerHTML = markdown(answer.diff);
  $("diff").classList.remove("stale");
}

// ---- completion, hover, go to definition ------------------------------------------------

async function complete(context) {
  const word = context.matchBefore(/[A-Za-z_][A-Za-z0-9_]*/);
  if (!word && !context.explicit && !/[ .>]$/.test(context.state.sliceDoc(context.pos - 1, context.pos))) return null;
  const at = position(context.state.doc, context.pos);
  const answer = await api("complete", { path: state.path, text: context.state.doc.toString(), ...at });
  if (!answer.items || !answer.items.length) return null;
  return {
    from: word ? word.from : context.pos,
    options: answer.items.map((i) => ({ label: i.label, detail: i.detail.split("\n")[0].slice(0, 80), type: i.type, apply: i.apply })),
    validFor: /^[A-Za-z_][A-Za-z0-9_]*$/,
  };
}

const hover = hoverTooltip(async (view, pos) => {
  const at = position(view.state.doc, pos);
  const answer = await api("hover", { path: state.path, text: view.state.doc.toString(), ...at });
  if (!answer.markdown) return null;
  return {
    pos,
    create() {
      const dom = document.createElement("div");
      dom.className = "hover";
      dom.innerHTML = markdown(answer.markdown);
      return { dom };
    },
  };
});

async function goToDefinition(view) {
  const at = position(view.state.doc, view.state.selection.main.head);
  const answer = await api("definition", { path: state.path, text: view.state.doc.toString(), ...at });
  const target = (answer.targets || [])[0];
  if (!target) { status("no definition here"); return true; }
  if (target.path !== state.path) {
    if (!confirmLeave()) return true;
    await openFile(target.path);
  }
  const pos = offset(state.view.state.doc, target.line, target.character);
  state.view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  state.view.focus();
  return true;
}

// ---- files ------------------------------------------------------------------------------

function dirty() {
  return state.view && text() !== state.saved;
}

function confirmLeave() {
  return !dirty() || window.confirm("Leave this file? Its changes are not saved.");
}

function updateSaveButton() {
  $("save").disabled = !dirty();
  $("save").textContent = dirty() ? "Save" : "Saved";
}

async function save() {
  const body = { path: state.path, text: text() };
  const answer = await api("save", body);
  if (answer.error) { status(answer.error, "error"); return; }
  state.saved = body.text;
  state.saves += 1;
  updateSaveButton();
  status(`saved ${answer.saved}: review and commit it with git`, "ok");
}

const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: "#7a2ba8", fontWeight: "600" },
  { tag: tags.propertyName, color: "#1f5fa8" },
  { tag: tags.atom, color: "#a8501f" },
  { tag: tags.function(tags.variableName), color: "#0f7d6b" },
  { tag: tags.string, color: "#2d7d2d" },
  { tag: tags.number, color: "#b3261e" },
  { tag: tags.comment, color: "#7b7b7b", fontStyle: "italic" },
  { tag: tags.operator, color: "#444" },
  { tag: tags.unit, color: "#a8501f" },
]);

let language = null;

async function openFile(path) {
  const answer = await api(`file?path=${encodeURIComponent(path)}`);
  if (answer.error) { status(answer.error, "error"); return; }
  state.path = path;
  state.saved = answer.text;
  $("file").value = path;
  const extensions = [
    lineNumbers(), highlightActiveLineGutter(), history(), drawSelection(), bracketMatching(),
    highlightActiveLine(), indentUnit.of("  "), language, syntaxHighlighting(highlight),
    autocompletion({ override: [complete] }), hover, lintGutter(),
    linter(check, { delay: 400 }),
    keymap.of([
      { key: "F12", run: goToDefinition }, { key: "Mod-b", run: goToDefinition },
      { key: "Mod-s", run: () => { save(); return true; } },
      ...completionKeymap, ...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab,
    ]),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) {
        cancelForecast();
        updateSaveButton();
      }
    }),
    EditorView.domEventHandlers({
      click(event, view) {
        if (!(event.ctrlKey || event.metaKey)) return false;
        const pos = view.posAtCoords({ x: event.clientX, y: event.clientY });
        if (pos == null) return false;
        view.dispatch({ selection: { anchor: pos } });
        goToDefinition(view);
        return true;
      },
    }),
  ];
  const editorState = EditorState.create({ doc: answer.text, extensions });
  if (state.view) state.view.setState(editorState);
  else state.view = new EditorView({ state: editorState, parent: $("editor") });
  window.history.replaceState(null, "", `?token=${encodeURIComponent(token)}&file=${encodeURIComponent(path)}`);
  updateSaveButton();
  forceLinting(state.view);
}

async function start() {
  const answer = await api("files");
  if (answer.error) { status(answer.error, "error"); return; }
  language = journeyLanguage(answer.language);
  $("folder").textContent = answer.folder;
  const select = $("file");
  for (const f of answer.files) {
    const option = document.createElement("option");
    option.value = option.textContent = f;
    select.appendChild(option);
  }
  if (!answer.files.length) { status("no .journey file in this folder", "error"); return; }
  select.addEventListener("change", () => {
    if (confirmLeave()) openFile(select.value);
    else select.value = state.path;
  });
  $("save").addEventListener("click", save);
  $("full").addEventListener("click", () => { if (state.ok) scheduleForecast(true); });
  window.addEventListener("beforeunload", (e) => { if (dirty()) e.preventDefault(); });
  const wanted = new URLSearchParams(location.search).get("file");
  await openFile(answer.files.includes(wanted) ? wanted : answer.files[0]);
}

start();
