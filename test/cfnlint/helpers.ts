/** Shared by the cfn-lint tests: finds the interpreter once, makes temp folders and real templates. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectCfnLint, type CfnDiag, type CfnLintAvailability } from '../../server/src/cfnlint/index';

export const WORKER_PATH = path.resolve(__dirname, '../../server/src/cfnlint/worker.py');

let detection: Promise<CfnLintAvailability> | null = null;
/** detectCfnLint({}) once per test file (a probe through a pyenv shim costs a second or two). */
export function defaultDetection(): Promise<CfnLintAvailability> {
  detection ??= detectCfnLint({});
  return detection;
}

/** The interpreter that imports cfnlint, or a reason to skip (cfn-lint is installed on CI machines). */
export async function cfnLintInterpreter(): Promise<{ interpreter: string; skip: string | undefined }> {
  const d = await defaultDetection();
  if (d.available) return { interpreter: d.interpreter, skip: undefined };
  return { interpreter: '', skip: `cfn-lint not available here: ${d.message} (${d.tried.join('; ')})` };
}

export function tempDir(prefix = 'ajar-cfnlint-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** The text a diagnostic's range covers. */
export function textAt(text: string, d: CfnDiag): string {
  const lines = text.split(/\r\n|\r|\n/);
  const { start, end } = d.range;
  if (start.line === end.line) return lines[start.line].slice(start.character, end.character);
  const parts = [lines[start.line].slice(start.character)];
  for (let l = start.line + 1; l < end.line; l++) parts.push(lines[l]);
  parts.push(lines[end.line].slice(0, end.character));
  return parts.join('\n');
}

export function codes(diags: CfnDiag[]): string[] {
  return [...new Set(diags.map((d) => d.code))].sort();
}
