// The CodeMirror seam: mounts an editor for Python or SQL and reports edits back to Rust.
// No product logic lives here; Rust decides what to show and what an edit means.
import { EditorView, basicSetup } from 'codemirror';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import { Decoration, keymap } from '@codemirror/view';
import { python } from '@codemirror/lang-python';
import { sql, PostgreSQL } from '@codemirror/lang-sql';
import { setDiagnostics, lintGutter } from '@codemirror/lint';

// Marks the statement Postgres failed on, so the student sees where in their own source it was.
const markEffect = StateEffect.define();
const markField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(markEffect)) marks = effect.value;
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});
const failing = Decoration.line({ class: 'cm-failing-line', attributes: { 'aria-invalid': 'true' } });

// TOML (lesson.toml) and other text get no highlighting: CodeMirror has no TOML mode among the pinned packages.
function language(name) {
  if (name === 'sql') return sql({ dialect: PostgreSQL });
  if (name === 'python') return python();
  return [];
}

export function mountEditor(parent, doc, lang, readOnly, label, onChange) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        language(lang),
        markField,
        lintGutter(),
        // Read-only text stays focusable, so keyboard users can move through it and scroll it.
        EditorState.readOnly.of(readOnly),
        // Escape leaves the editor so keyboard users are never trapped in it.
        keymap.of([{ key: 'Escape', run: (v) => { v.contentDOM.blur(); return true; } }]),
        EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0', ...(readOnly ? { 'aria-readonly': 'true' } : {}) }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && onChange) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return view;
}

export function setDoc(view, doc) {
  if (view.state.doc.toString() === doc) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: doc } });
}

// Marks 1-based lines `from..=to`; 0 clears every mark.
export function markLines(view, from, to) {
  const lines = view.state.doc.lines;
  const ranges = [];
  if (from > 0) {
    for (let n = Math.min(from, lines); n <= Math.min(Math.max(to, from), lines); n++) {
      ranges.push(failing.range(view.state.doc.line(n).from));
    }
  }
  view.dispatch({ effects: markEffect.of(Decoration.set(ranges)) });
  if (ranges.length) view.dispatch({ effects: EditorView.scrollIntoView(view.state.doc.line(Math.min(from, lines)).from, { y: 'center' }) });
}

// The position of 1-based line and column, clamped to the document, so a diagnostic about older text still lands.
function position(doc, line, column) {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return l.from + Math.min(Math.max(column - 1, 0), l.length);
}

// Shows diagnostics (JSON: [{ from: {line, column}, to: {line, column}, severity, message }]) at their places.
export function showDiagnostics(view, json) {
  const doc = view.state.doc;
  const list = JSON.parse(json).map((d) => {
    const from = position(doc, d.from.line, d.from.column);
    const to = Math.max(from, position(doc, d.to.line, d.to.column));
    return { from, to, severity: d.severity, message: d.message };
  });
  view.dispatch(setDiagnostics(view.state, list));
}

// Moves the cursor to 1-based line and column, scrolls it into view and focuses the editor.
export function goTo(view, line, column) {
  const at = position(view.state.doc, line, column);
  view.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: 'center' }) });
  view.focus();
}

export function destroyEditor(view) {
  view.destroy();
}
