/** package.json's hand-written contributions agree with the client's code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const menus = pkg.contributes.menus as Record<string, { command: string; when?: string }[]>;

test('commands that act on a tree item are hidden from the Command Palette', () => {
  const itemOnly = new Set(menus['view/item/context'].map((m) => m.command));
  for (const m of menus['view/title'] ?? []) itemOnly.delete(m.command);
  assert.ok(itemOnly.size > 0);
  const hidden = new Set(menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command));
  for (const c of itemOnly) assert.ok(hidden.has(c), `${c} works on a tree item only: hide it in menus.commandPalette`);
  // And nothing else is hidden: the palette's own commands stay.
  for (const c of hidden)
    assert.ok(itemOnly.has(c), `${c} is hidden from the Command Palette but is not a tree-item command`);
});

test('every contributed command is registered by the client', () => {
  const dir = join(root, 'client', 'src');
  const sources = (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  for (const c of pkg.contributes.commands as { command: string }[])
    assert.ok(
      new RegExp(`\\bregister(Command)?\\(\\s*'${c.command.replace(/\./g, '\\.')}'`).test(sources),
      `${c.command} is contributed but not registered`,
    );
});
