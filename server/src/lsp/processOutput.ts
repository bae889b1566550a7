/**
 * What libraries print goes through the log, not raw onto stderr. Node's process warnings (the
 * AWS SDK's `NodeVersionSupportWarning`, a deprecation) were printed as multi-line blocks into the
 * Output channel, and the SDK's own `console.warn` lines (a socket pool at capacity) too: each
 * becomes one line at warning level, once per distinct text. Over stdio vscode-languageserver
 * already redirects `console`; this covers every transport (VS Code uses node-ipc).
 */
import { inspect } from 'node:util';

export interface LogSink {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  log(message: string): void;
}

/** One line: whitespace runs (newlines included) become one space, at most 600 characters. */
export function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 600 ? `${t.slice(0, 599)}…` : t;
}

/** A process warning as one log line: "Node warning (AWS SDK): NodeVersionSupportWarning: ...". */
export function warningLine(w: Error & { code?: string }): string {
  const fromSdk = /aws sdk|@aws-sdk|@smithy/i.test(`${w.message}\n${w.stack ?? ''}`);
  // The SDK emits a plain 'Warning' whose message starts with its own name.
  const name = w.name && w.name !== 'Warning' ? `${w.name}${w.code ? ` [${w.code}]` : ''}: ` : '';
  return `Node warning${fromSdk ? ' (AWS SDK)' : ''}: ${name}${oneLine(w.message)}`;
}

export function routeProcessOutput(sink: LogSink, proc: NodeJS.Process = process): void {
  const seen = new Set<string>();
  const once = (line: string, write: (m: string) => void) => {
    if (seen.has(line)) return;
    if (seen.size < 500) seen.add(line);
    write(line);
  };
  // Node's default printer is a 'warning' listener (--no-warnings removes it): replace it.
  proc.removeAllListeners('warning');
  proc.on('warning', (w) => once(warningLine(w), (m) => sink.warn(m)));
  const text = (args: unknown[]) => oneLine(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  console.warn = (...args: unknown[]) => once(text(args), (m) => sink.warn(m));
  console.error = (...args: unknown[]) => sink.error(text(args));
  console.info = (...args: unknown[]) => sink.info(text(args));
  console.log = (...args: unknown[]) => sink.log(text(args));
  console.debug = (...args: unknown[]) => sink.log(text(args));
}
