/**
 * The server's text model (EditorTextDocument, server/src/lsp/documents.ts) stays equal to the
 * editor's text under random edits addressed by LSP position, CR/CRLF mixing included; the
 * library's own incremental update does not (a LF typed after a lone CR leaves a line start
 * inside the new CRLF, and later edits land elsewhere).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver-protocol';
import { EditorTextDocument } from '../../server/src/lsp/documents';
import { REPO } from '../protocol/lspClient';
import { applyEdit, EditGenerator, Rng } from './generator';
import { Lines } from './oracle';

function positionAt(lines: Lines, offset: number): Position {
  let lo = 0;
  let hi = lines.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines.starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - lines.starts[lo] };
}

test('a LF typed after a lone CR: the next edit by position lands where the editor put it', () => {
  let doc = EditorTextDocument.create('file:///x.yaml', 'yaml', 1, 'a\r');
  doc = EditorTextDocument.update(
    doc,
    [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\nb' }],
    2,
  );
  assert.equal(doc.lineCount, 2);
  doc = EditorTextDocument.update(
    doc,
    [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, text: 'Z' }],
    3,
  );
  assert.equal(doc.getText(), 'a\r\nZ');
  // A CR typed before a LF, and a deletion that joins a CR and a LF.
  doc = EditorTextDocument.create('file:///x.yaml', 'yaml', 1, 'a\nb\rX\nc');
  doc = EditorTextDocument.update(
    doc,
    [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: '\r' }],
    2,
  );
  doc = EditorTextDocument.update(
    doc,
    [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } }, text: '' }],
    3,
  );
  assert.equal(doc.getText(), 'a\r\nb\r\nc');
  assert.equal(doc.lineCount, 3);
  doc = EditorTextDocument.update(
    doc,
    [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } }, text: 'C' }],
    4,
  );
  assert.equal(doc.getText(), 'a\r\nb\r\nC');
});

test('random edits (60 seeds x 300): the text model equals the editor text', () => {
  const base = readFileSync(join(REPO, 'test/fixtures/lenient-yaml/apigw-ses-transformation__template.yaml'), 'utf8');
  let libDrifts = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const gen = new EditGenerator(new Rng(seed), { giant: false });
    let truth = base;
    let doc = EditorTextDocument.create('file:///x.yaml', 'yaml', 1, base);
    let lib = TextDocument.create('file:///x.yaml', 'yaml', 1, base);
    let libOk = true;
    for (let i = 0; i < 300; i++) {
      const e = gen.next(truth);
      const lines = new Lines(truth);
      const change = { range: { start: positionAt(lines, e.start), end: positionAt(lines, e.end) }, text: e.text };
      doc = EditorTextDocument.update(doc, [change], i + 2);
      if (libOk) lib = TextDocument.update(lib, [change], i + 2);
      truth = applyEdit(truth, e);
      assert.ok(doc.getText() === truth, `seed ${seed}, edit ${i} (${e.kind}): the text model drifted`);
      if (libOk && lib.getText() !== truth) {
        libOk = false;
        libDrifts++;
      }
    }
  }
  // The generator does make the edits that break the library's model.
  assert.ok(libDrifts > 0);
});
