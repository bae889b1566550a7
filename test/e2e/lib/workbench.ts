/** Driving the VS Code workbench in the page: files, the Problems panel, quick fixes, screenshots. */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, SCREENSHOTS_DIR } from './paths';
import { delay, waitFor } from './processes';

/** Monaco renders spaces as U+00A0; collapse whitespace for comparisons. */
export function normalise(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export async function waitForWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 30000 });
  await page.locator('.activitybar').first().waitFor({ timeout: 30000 });
  // The explorer (or any view) being rendered means the workbench has restored.
  await page.locator('.part.sidebar').first().waitFor({ timeout: 30000 });
}

/** Runs a command by its palette title (F1, type, Enter). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await delay(200);
  await page.keyboard.press('Enter');
}

/** Opens a workspace file with Quick Open and waits for its editor tab. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await page
    .locator('.monaco-workbench')
    .click({ position: { x: 5, y: 5 } })
    .catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relativePath);
  const parts = relativePath.split('/');
  const name = parts.pop()!;
  const dir = parts.join('/');
  // The row of that file (name and folder), not a recently opened namesake listed first.
  const candidates = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name });
  const row = dir
    ? candidates.filter({ has: page.locator('.label-description', { hasText: dir }) }).first()
    : candidates.first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
  await page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ timeout: 15000 });
  if (dir)
    await page
      .locator('.breadcrumbs-control', { hasText: parts[parts.length - 1] })
      .first()
      .waitFor({ timeout: 15000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

export interface ProblemRow {
  /** The file row above this marker ("template.yaml e2e-fixture"), normalised. */
  file: string;
  text: string;
  line?: number;
  column?: number;
}

/** Shows the Problems panel (Ctrl+Shift+M). */
export async function showProblems(page: Page): Promise<void> {
  const panel = page.locator('.markers-panel');
  if (await panel.isVisible().catch(() => false)) return;
  await page.keyboard.press('Control+Shift+M');
  await panel.waitFor({ state: 'visible', timeout: 10000 });
}

/** Types into the Problems filter box (a text or a glob such as e2e-fixture/**); '' clears it. */
export async function filterProblems(page: Page, filter: string): Promise<void> {
  await showProblems(page);
  const input = page.getByPlaceholder(/^Filter \(e\.g\./).first();
  await input.fill(filter);
  await delay(400);
}

/**
 * Reads the marker rows of the Problems panel (rows read like
 * "AJ101 <message> ajar AJ101 [Ln 4, Col 20]"), each with the file row it sits under.
 * Only rendered rows are read: filter the panel when it holds more than fit.
 */
export async function readProblems(page: Page): Promise<ProblemRow[]> {
  await showProblems(page);
  // Text nodes joined with spaces: textContent would run "ajar" and "AJ101" together.
  const rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((els) =>
    els.map((el) => {
      // No named inner functions here: tsx would wrap them in a __name helper the page lacks.
      const parts: string[] = [];
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const stack: any[] = [el];
      while (stack.length) {
        const n = stack.pop();
        if (n.nodeType === 3) parts.push(String(n.textContent ?? ''));
        else for (let i = n.childNodes.length - 1; i >= 0; i--) stack.push(n.childNodes[i]);
      }
      return {
        text: parts.join(' '),
        isFile: !el.querySelector('.marker-icon') && !!el.querySelector('.monaco-icon-label'),
      };
    }),
  );
  const out: ProblemRow[] = [];
  let file = '';
  for (const row of rows) {
    const text = normalise(row.text);
    if (!text) continue;
    const m = /\[Ln (\d+), Col (\d+)\]/.exec(text);
    if (row.isFile && !m) {
      file = text;
      continue;
    }
    out.push(m ? { file, text, line: Number(m[1]), column: Number(m[2]) } : { file, text });
  }
  return out;
}

/** Waits until the Problems panel satisfies `predicate`; returns the rows. */
export async function waitForProblems(
  page: Page,
  what: string,
  predicate: (rows: ProblemRow[]) => boolean,
  timeoutMs = 30000,
): Promise<ProblemRow[]> {
  let last: ProblemRow[] = [];
  try {
    return await waitFor(
      what,
      async () => {
        last = await readProblems(page);
        return predicate(last) ? last : undefined;
      },
      timeoutMs,
      250,
    );
  } catch (err) {
    throw new Error(
      `${(err as Error).message}\nProblems panel:\n${last.map((r) => `  ${r.text}`).join('\n') || '  (empty)'}`,
    );
  }
}

/** Places the cursor in the editor at (line, column), 1-based, with Go to Line (Ctrl+G). */
export async function goToPosition(page: Page, line: number, column = 1): Promise<void> {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`); // Go to Line is Quick Open with a ":" prefix
  await delay(150);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/**
 * Opens the quick-fix menu at the cursor (Ctrl+.) and applies the first action whose title
 * matches `title`. Returns the titles offered.
 */
export async function applyQuickFix(
  page: Page,
  title: RegExp,
  whileOpen?: () => Promise<unknown>,
  timeout = 10000,
): Promise<string[]> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+.');
  const rows = page.locator('.action-widget .monaco-list-row.action');
  await rows.first().waitFor({ state: 'visible', timeout });
  const titles = (await rows.allTextContents()).map(normalise);
  const index = titles.findIndex((t) => title.test(t));
  if (index < 0) {
    await page.keyboard.press('Escape');
    throw new Error(`no quick fix matching ${title}; offered: ${JSON.stringify(titles)}`);
  }
  // The first row is focused when the menu opens.
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await whileOpen?.();
  await page.keyboard.press('Enter');
  return titles;
}

/** Saves a screenshot into test-results/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Copies a screenshot to docs/images/ for the README (only when AJAR_E2E_DOC_IMAGES=1). */
export function publishScreenshot(path: string, name: string): void {
  if (process.env.AJAR_E2E_DOC_IMAGES !== '1') return;
  mkdirSync(join(ROOT, 'docs/images'), { recursive: true });
  copyFileSync(path, join(ROOT, 'docs/images', `${name}.png`));
}

/** Opens a view container from the activity bar by its title ("Ajar"). */
export async function openActivity(page: Page, title: string): Promise<void> {
  const item = page
    .locator(`.activitybar .action-item a[aria-label^="${title}"], .activitybar .action-item[aria-label^="${title}"]`)
    .first();
  await item.waitFor({ state: 'visible', timeout: 20000 });
  const expanded = await item.getAttribute('aria-expanded').catch(() => null);
  if (expanded !== 'true') await item.click();
}

/** A row of a tree in the side bar, by the text it contains. */
export function sideBarRow(page: Page, text: string | RegExp) {
  return page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
}

/** The text of the rendered rows of the side bar's trees. */
export async function sideBarRows(page: Page): Promise<string[]> {
  return (await page.locator('.part.sidebar .monaco-list-row').allTextContents()).map(normalise);
}

/** Runs `body`; when it throws, saves a screenshot named `<name>-failed` first. */
export async function withFailureScreenshot<T>(page: Page, name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const path = await screenshot(page, `${name}-failed`).catch(() => undefined);
    if (path && err instanceof Error) err.message += `\n(screenshot: ${path})`;
    throw err;
  }
}

/** Drags the side bar's right edge `by` pixels to the right (wider trees in screenshots). */
export async function widenSideBar(page: Page, by: number): Promise<void> {
  const box = await page.locator('.part.sidebar').first().boundingBox();
  if (!box) return;
  const x = box.x + box.width - 1;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + by / 2, y, { steps: 5 });
  await page.mouse.move(x + by, y, { steps: 5 });
  await page.mouse.up();
}
