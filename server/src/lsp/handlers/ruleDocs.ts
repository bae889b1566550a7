/**
 * `ajar.openRuleDocs` (the "Show documentation for AJxxx" code action of clients other than VS Code,
 * which has its own `ajar.showRuleDocs`): the client is asked to show the rule's page with
 * `window/showDocument`, the docs/rules/<ID>.md shipped beside the server (dist/../docs/rules), else
 * the page's web address (the diagnostic's `codeDescription.href`) in the browser.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogRule } from '../../catalog';
import { ruleDocsUrl } from '../../engine';
import { OPEN_RULE_DOCS_COMMAND } from '../protocol';
import type { HandlerGroup } from './handler';

/** Where the pages ship: docs/rules beside dist/ (the bundle), or the repository's (server/src/lsp/handlers). */
const DOCS_DIRS = [
  resolve(__dirname, '..', 'docs', 'rules'),
  resolve(__dirname, '..', '..', '..', '..', 'docs', 'rules'),
];

/** What `window/showDocument` is asked for a rule: its shipped page, else its web page; null for no rule. */
export function ruleDocsTarget(
  ruleId: unknown,
  dirs: readonly string[] = DOCS_DIRS,
): { uri: string; external?: boolean } | null {
  if (typeof ruleId !== 'string') return null;
  const rule = catalogRule(ruleId.trim());
  if (!rule) return null;
  for (const dir of dirs) {
    const file = join(dir, `${rule.id}.md`);
    if (existsSync(file)) return { uri: pathToFileURL(file).toString() };
  }
  return { uri: ruleDocsUrl(rule.id), external: true };
}

export const ruleDocsHandlers: HandlerGroup = {
  name: 'rule docs',
  commands: [
    {
      id: OPEN_RULE_DOCS_COMMAND,
      async run(args, { connection }) {
        const target = ruleDocsTarget(args[0]);
        if (!target) return false;
        const r = await connection.window
          .showDocument(target.external ? target : { ...target, takeFocus: true })
          .catch(() => ({ success: false }));
        return r.success;
      },
    },
  ],
  register() {},
};
