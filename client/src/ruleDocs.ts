import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RuleDocsRequest, type RuleDocsParams } from '../../server/src/lsp/protocol';

const RULE_ID = /^AJ\d{3}$/;

/**
 * `ajar.showRuleDocs`: the rule's page (docs/rules/<ID>.md, shipped in the extension) in the
 * Markdown preview. Without an id, a quick pick of the rules whose pages ship. Where no page
 * ships, the server's `ajar/ruleDocs` answer is previewed instead.
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
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
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
