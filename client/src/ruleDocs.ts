import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RuleDocsRequest, type RuleDocsParams } from '../../server/src/lsp/protocol';

const RULE_ID = /^AJ\d{3}$/;

/** Read-only documents holding the server's `ajar/ruleDocs` answer: `ajar-rule-docs:/AJ101.md`. */
export const RULE_DOCS_SCHEME = 'ajar-rule-docs';

/**
 * The server's page for a rule whose page does not ship, as a read-only document: unlike an
 * Untitled one, closing its preview or the document asks nothing.
 */
export function ruleDocsProvider(client: LanguageClient): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(RULE_DOCS_SCHEME, {
    async provideTextDocumentContent(uri) {
      const id = /^\/?(AJ\d{3})\.md$/.exec(uri.path)?.[1];
      const markdown =
        id && client.isRunning()
          ? await client.sendRequest<string | null>(RuleDocsRequest, { ruleId: id } satisfies RuleDocsParams)
          : null;
      return markdown ?? `# ${id ?? uri.path}\n\nNo documentation for this rule.\n`;
    },
  });
}

/**
 * `ajar.showRuleDocs`: the rule's page (docs/rules/<ID>.md, shipped in the extension, template and
 * live rules alike) in the Markdown preview, read-only. Without an id, a quick pick of the rules
 * whose pages ship. Where no page ships, the server's `ajar/ruleDocs` answer is previewed from a
 * read-only document (`ruleDocsProvider`), never an Untitled one (closing that asks to save).
 */
export async function showRuleDocs(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  ruleId?: string,
): Promise<void> {
  const id = ruleId?.trim().toUpperCase() ?? (await pickRule(context));
  if (!id) return;
  if (!RULE_ID.test(id)) {
    void vscode.window.showWarningMessage(`Ajar: "${id}" is not a rule id (AJ followed by three digits).`);
    return;
  }
  const page = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${id}.md`);
  if (await exists(page)) {
    await vscode.commands.executeCommand('markdown.showPreview', page);
    return;
  }
  const markdown = client.isRunning()
    ? await client.sendRequest<string | null>(RuleDocsRequest, { ruleId: id } satisfies RuleDocsParams)
    : null;
  if (!markdown) {
    void vscode.window.showWarningMessage(`Ajar: no documentation for ${id}.`);
    return;
  }
  await vscode.commands.executeCommand(
    'markdown.showPreview',
    vscode.Uri.from({ scheme: RULE_DOCS_SCHEME, path: `/${id}.md` }),
  );
}

async function pickRule(context: vscode.ExtensionContext): Promise<string | undefined> {
  const folder = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules');
  let entries: [string, vscode.FileType][] = [];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    // no pages shipped: fall through to typing an id
  }
  const ids = entries
    .map(([name]) => /^(AJ\d{3})\.md$/.exec(name)?.[1])
    .filter((x): x is string => !!x)
    .sort();
  if (ids.length === 0) {
    return vscode.window.showInputBox({
      title: 'Ajar: rule id',
      placeHolder: 'AJ101',
      validateInput: (v) => (RULE_ID.test(v.trim().toUpperCase()) ? undefined : 'AJ followed by three digits'),
    });
  }
  const items = await Promise.all(
    ids.map(async (id): Promise<vscode.QuickPickItem> => ({ label: id, description: await title(folder, id) })),
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Ajar: Show Rule Documentation',
    placeHolder: 'Rule id',
    matchOnDescription: true,
  });
  return picked?.label;
}

/** The page's first heading, without the rule id ("public-resource-policy"). */
async function title(folder: vscode.Uri, id: string): Promise<string | undefined> {
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, `${id}.md`)));
    const heading = /^#\s+(.+)$/m.exec(text)?.[1];
    // "# AJ201 `imdsv2-not-enforced`: EC2 instance metadata does not require IMDSv2"
    return (
      heading
        ?.replace(id, '')
        .replace(/`/g, '')
        .replace(/^[\s:—–-]+/, '')
        .trim() || undefined
    );
  } catch {
    return undefined;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
