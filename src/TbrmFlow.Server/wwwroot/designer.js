// Monaco for the designer: loaded from BlazorMonaco's bundled copy (no node build step), YAML
// highlighting, completion of activity types / inputs / keys from the descriptors, and markers for
// the validator's diagnostics (set from .NET).
const base = '/_content/BlazorMonaco/lib/monaco-editor/min/vs';
let loading;
let catalog = [];
let completionRegistered = false;

function loadMonaco() {
  if (window.monaco) return Promise.resolve();
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = base + '/loader.js';
      s.onload = () => {
        window.require.config({ paths: { vs: base } });
        window.require(['vs/editor/editor.main'], () => resolve(), reject);
      };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  return loading;
}

const topKeys = ['name', 'description', 'experiment', 'params', 'defaults', 'stages'];
const stageKeys = ['uses', 'with', 'needs', 'if', 'matrix', 'retry', 'timeout', 'cache', 'resources', 'description', 'repeat', 'carry', 'stages', 'next', 'until', 'max'];

function indentOf(line) { return line.match(/^\s*/)[0].length; }
function isContent(line) { return line.trim().length > 0 && !line.trim().startsWith('#'); }

// The nearest line above `lineNo` with less indentation than `indent`.
function parentLine(model, lineNo, indent) {
  for (let n = lineNo - 1; n >= 1; n--) {
    const l = model.getLineContent(n);
    if (isContent(l) && indentOf(l) < indent) return n;
  }
  return 0;
}

function usesOfStage(model, withLine) {
  const indent = indentOf(model.getLineContent(withLine));
  for (const dir of [-1, 1]) {
    for (let n = withLine + dir; n >= 1 && n <= model.getLineCount(); n += dir) {
      const l = model.getLineContent(n);
      if (!isContent(l)) continue;
      if (indentOf(l) < indent) break;
      const m = l.match(/^\s*uses:\s*([\w.]+)/);
      if (m && indentOf(l) === indent) return m[1];
    }
  }
  return null;
}

function registerCompletion() {
  if (completionRegistered) return;
  completionRegistered = true;
  monaco.languages.registerCompletionItemProvider('yaml', {
    triggerCharacters: [' '],
    provideCompletionItems(model, position) {
      const line = model.getLineContent(position.lineNumber);
      const before = line.substring(0, position.column - 1);
      const word = model.getWordUntilPosition(position);
      const range = { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: word.startColumn, endColumn: word.endColumn };
      const K = monaco.languages.CompletionItemKind;
      if (/^\s*uses:\s*[\w.]*$/.test(before)) {
        const start = before.indexOf(':') + 1 + (before.substring(before.indexOf(':') + 1).match(/^\s*/)[0].length);
        const r = { ...range, startColumn: start + 1 };
        return { suggestions: catalog.map(a => ({ label: a.type, kind: K.Module, insertText: a.type, detail: a.category, documentation: a.description, range: r })) };
      }
      const valueMatch = before.match(/^(\s*)([\w-]+):\s*[\w-]*$/);
      if (valueMatch) {
        // A value: enum and boolean inputs offer their allowed values.
        const input = inputAt(model, position.lineNumber, valueMatch[2]);
        return { suggestions: (input?.values ?? []).map(v => ({ label: v, kind: K.EnumMember, insertText: v, range, documentation: input.description })) };
      }
      if (!/^\s*[\w-]*$/.test(before)) return { suggestions: [] };
      const indent = indentOf(before);
      if (indent === 0) return { suggestions: topKeys.map(k => ({ label: k, kind: K.Property, insertText: k + ': ', range })) };
      const parent = parentLine(model, position.lineNumber, indent);
      if (!parent) return { suggestions: [] };
      const parentText = model.getLineContent(parent);
      if (/^\s*with:\s*$/.test(parentText)) {
        const uses = usesOfStage(model, parent);
        const activity = catalog.find(a => a.type === uses);
        if (!activity) return { suggestions: [] };
        return { suggestions: activity.inputs.map(i => ({
          label: i.name, kind: K.Field, insertText: i.name + ': ', range,
          detail: i.type + (i.required ? ' (required)' : i.default !== null ? ' = ' + i.default : ''),
          documentation: i.description })) };
      }
      const grand = parentLine(model, parent, indentOf(parentText));
      if (grand && /^\s*stages:\s*$/.test(model.getLineContent(grand))) {
        return { suggestions: stageKeys.map(k => ({ label: k, kind: K.Property, insertText: k + ': ', range })) };
      }
      return { suggestions: [] };
    }
  });
}

// The descriptor of input `key` when line `lineNo` is an entry of a stage's `with:` block.
function inputAt(model, lineNo, key) {
  const parent = parentLine(model, lineNo, indentOf(model.getLineContent(lineNo)));
  if (!parent || !/^\s*with:\s*$/.test(model.getLineContent(parent))) return null;
  const activity = catalog.find(a => a.type === usesOfStage(model, parent));
  return activity?.inputs.find(i => i.name === key) ?? null;
}

let hoverRegistered = false;
function registerHover() {
  if (hoverRegistered) return;
  hoverRegistered = true;
  monaco.languages.registerHoverProvider('yaml', {
    provideHover(model, position) {
      const line = model.getLineContent(position.lineNumber);
      const uses = line.match(/^\s*uses:\s*([\w.]+)/);
      if (uses) {
        const a = catalog.find(x => x.type === uses[1]);
        return a ? { contents: [{ value: `**${a.type}** (${a.category})` }, { value: a.description }] } : null;
      }
      const key = line.match(/^\s*([\w-]+):/);
      const word = model.getWordAtPosition(position);
      if (!key || !word || word.word !== key[1]) return null;
      const input = inputAt(model, position.lineNumber, key[1]);
      if (!input) return null;
      const detail = input.type + (input.required ? ', required' : input.default !== null ? `, default ${input.default}` : '');
      return { contents: [{ value: `**${input.name}**: ${detail}` }, { value: input.description || '' }] };
    }
  });
}

export async function create(element, text, dotnet, activities) {
  await loadMonaco();
  catalog = activities;
  registerCompletion();
  registerHover();
  const editor = monaco.editor.create(element, {
    value: text, language: 'yaml', automaticLayout: true, minimap: { enabled: false },
    fontSize: 13, scrollBeyondLastLine: false, tabSize: 2, insertSpaces: true,
  });
  const state = { editor, applying: false, timer: 0, cursorTimer: 0 };
  element._tf = state;
  editor.onDidChangeModelContent(() => {
    if (state.applying) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => dotnet.invokeMethodAsync('OnYamlChanged', editor.getValue()), 300);
  });
  editor.onDidChangeCursorPosition(e => {
    if (state.applying || e.source === 'api') return;
    clearTimeout(state.cursorTimer);
    state.cursorTimer = setTimeout(() => dotnet.invokeMethodAsync('OnCursorLine', e.position.lineNumber), 250);
  });
  // Ctrl+S (Cmd+S) saves, in the editor (Monaco would otherwise keep the key) and anywhere on the page.
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => dotnet.invokeMethodAsync('SaveShortcut'));
  state.onKey = e => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (!editor.hasTextFocus()) dotnet.invokeMethodAsync('SaveShortcut');
    }
  };
  document.addEventListener('keydown', state.onKey);
  window.tbrmflowEditor = editor; // for browser tests
  return true;
}

// The browser asks before closing or reloading the tab while there are unsaved changes.
function beforeUnload(e) {
  e.preventDefault();
  e.returnValue = '';
}

export function setDirty(dirty) {
  window.removeEventListener('beforeunload', beforeUnload);
  if (dirty) window.addEventListener('beforeunload', beforeUnload);
  window.tbrmflowDirty = dirty; // for browser tests
}

// Replaces the text with the smallest edit (common prefix and suffix kept), so the cursor, the
// scroll position and the undo stack stay meaningful after a graph edit.
export function setText(element, text) {
  const state = element?._tf;
  if (!state) return;
  const model = state.editor.getModel();
  const old = model.getValue();
  if (old === text) return;
  let p = 0;
  while (p < old.length && p < text.length && old[p] === text[p]) p++;
  let s = 0;
  while (s < old.length - p && s < text.length - p && old[old.length - 1 - s] === text[text.length - 1 - s]) s++;
  const range = monaco.Range.fromPositions(model.getPositionAt(p), model.getPositionAt(old.length - s));
  state.applying = true;
  try {
    state.editor.executeEdits('designer', [{ range, text: text.substring(p, text.length - s) }]);
  } finally {
    state.applying = false;
  }
}

export function setMarkers(element, diagnostics) {
  const state = element?._tf;
  if (!state) return;
  const model = state.editor.getModel();
  const markers = diagnostics.map(d => {
    const line = Math.min(Math.max(1, d.line), model.getLineCount());
    const column = Math.max(1, d.column);
    const w = model.getWordAtPosition({ lineNumber: line, column });
    const end = w ? w.endColumn : Math.max(column + 1, model.getLineMaxColumn(line));
    return {
      startLineNumber: line, startColumn: w ? w.startColumn : column, endLineNumber: line, endColumn: end,
      message: d.code + ': ' + d.message, severity: d.warning ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Error,
      code: d.code,
    };
  });
  monaco.editor.setModelMarkers(model, 'tbrmflow', markers);
}

export function reveal(element, line) {
  const state = element?._tf;
  if (!state || !line) return;
  state.editor.revealLineInCenter(line);
  state.editor.setPosition({ lineNumber: line, column: 1 });
}

export function dispose(element) {
  const state = element?._tf;
  if (state?.onKey) document.removeEventListener('keydown', state.onKey);
  window.removeEventListener('beforeunload', beforeUnload);
  state?.editor.dispose();
}
