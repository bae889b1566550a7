/**
 * The live state beside the workspace: after each audit (never while typing), which stack and
 * logical id each live resource came from, which workspace file that is (engine/stacks: CDK
 * assembly, samconfig.toml, `.ajar.yaml` `stacks:`, logical ids), and so
 * - "Open in template" for the Accounts view's items (`decorate`: `item.source`), and
 * - a CodeLens on each template resource with a live finding (`lenses`): live here, fixed here but
 *   not deployed yet, or drift, with the time of the audit and a command that reveals the item.
 *
 * CodeLens, not diagnostics: the live state is not a problem of the text (the line may be right
 * and the account wrong), it must not count in the Problems panel or the status bar (which equal
 * `ajar lint`), and a lens carries the command to the Accounts view. Computing lenses reads only
 * what the last audit left here and the document's current analysis: no AWS call, no file read.
 */
import { pathToFileURL } from 'node:url';
import type { DeployedStack, LiveFinding, AccountAudit as LiveAccountAudit } from '../audit';
import {
  CdkLocator,
  lintText,
  liveNoteText,
  liveStatus,
  mapStacks,
  readStackWorkspace,
  resourceKeyRanges,
  resourceSource,
  type LintResult,
  type StackMatch,
  type StackWorkspace,
} from '../engine';
import { uriToPath } from './analyzer';
import { shiftRange } from './diagnostics';
import type { AccountAudit, AuditItem, RevealLiveResourceArgs } from './protocol';
import { RevealLiveResourceCommand } from './protocol';

/** How long a workspace read is reused for the next account's audit. */
const WORKSPACE_REUSE_MS = 10_000;

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };

/** A template resource with live findings in one account. */
interface LiveNoteEntry {
  accountId: string;
  region: string;
  stack: DeployedStack;
  logicalId: string;
  findings: LiveFinding[];
  auditedAt: string;
}

export interface LiveLens {
  range: Range;
  command: { title: string; command: string; arguments: [RevealLiveResourceArgs] };
}

/** The analysis a lens is computed from (the document's current one). */
export type CurrentAnalysis = Pick<LintResult, 'findings' | 'template' | 'lines' | 'bomLength'>;

interface AccountState {
  /** `${resource id}` → where it is written. */
  sources: Map<string, NonNullable<AuditItem['source']>>;
  /** Template path → its resources with live findings. */
  notes: Map<string, LiveNoteEntry[]>;
}

function stackOf(live: LiveAccountAudit, ref: { id: string; name: string; region: string }): DeployedStack | undefined {
  return (
    live.stacks?.find((s) => ref.id && s.id === ref.id) ??
    live.stacks?.find((s) => s.name === ref.name && s.region === ref.region)
  );
}

export class LiveState {
  private readonly accounts = new Map<string, AccountState>();
  private readonly deployed = new Map<string, LintResult | null>();
  private readonly listeners: (() => void)[] = [];
  private readonly locator = new CdkLocator();
  /** The workspace as last read, reused for a few seconds (an organization's accounts finish in a burst). */
  private workspaces: { at: number; folders: string; list: StackWorkspace[] } | null = null;

  constructor(
    private readonly folders: () => readonly string[],
    private readonly log: (m: string) => void = () => {},
  ) {}

  /** Called when the live state changed (a CodeLens refresh). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** An account's last audit: map its stacks to the workspace again. */
  update(live: LiveAccountAudit, auditedAt: string): void {
    const accountId = live.accountId;
    if (!accountId) return;
    const started = Date.now();
    const state: AccountState = { sources: new Map(), notes: new Map() };
    const stacks = live.stacks ?? [];
    for (const s of stacks) this.deployed.delete(s.id);
    if (stacks.length) {
      // The first folder that maps a stack wins.
      const workspaces = this.readWorkspaces();
      const matches = new Map<string, { match: StackMatch; ws: StackWorkspace }>();
      for (const ws of workspaces)
        for (const [id, match] of mapStacks(stacks, ws, accountId))
          if (match.path && !matches.has(id)) matches.set(id, { match, ws });
      this.locator.clear();
      const sourceOf = (stack: DeployedStack, logicalId: string) => {
        const m = matches.get(stack.id);
        return m ? resourceSource(m.match, logicalId, m.ws, this.locator) : null;
      };
      const refs = [
        ...live.resources.filter((r) => r.stack).map((r) => ({ id: r.id, stack: r.stack! })),
        ...live.findings.filter((f) => f.stack).map((f) => ({ id: f.resource, stack: f.stack! })),
      ];
      for (const { id, stack: ref } of refs) {
        if (state.sources.has(id)) continue;
        const stack = stackOf(live, ref);
        const src = stack && sourceOf(stack, ref.logicalId);
        if (!src) continue;
        state.sources.set(id, {
          uri: pathToFileURL(src.file).href,
          range: src.range,
          ...(src.construct ? { construct: true } : {}),
        });
      }
      for (const f of live.findings) {
        const stack = f.stack && stackOf(live, f.stack);
        const m = stack && matches.get(stack.id);
        if (!f.stack || !stack || !m?.match.path) continue;
        const list = state.notes.get(m.match.path) ?? [];
        let entry = list.find((e) => e.logicalId === f.stack!.logicalId && e.stack.id === stack.id);
        if (!entry) {
          entry = { accountId, region: stack.region, stack, logicalId: f.stack.logicalId, findings: [], auditedAt };
          list.push(entry);
        }
        entry.findings.push(f);
        state.notes.set(m.match.path, list);
      }
      this.log(
        `live state of ${accountId}: ${matches.size} of ${stacks.length} stack(s) mapped to workspace files, ${state.sources.size} resource(s) located (${Date.now() - started} ms)`,
      );
    }
    this.accounts.set(accountId, state);
    for (const l of this.listeners) l();
  }

  private readWorkspaces(): StackWorkspace[] {
    const folders = this.folders();
    const key = folders.join('\u0000');
    const now = Date.now();
    if (this.workspaces && this.workspaces.folders === key && now - this.workspaces.at < WORKSPACE_REUSE_MS)
      return this.workspaces.list;
    const list = folders.map((f) => readStackWorkspace(f));
    this.workspaces = { at: now, folders: key, list };
    return list;
  }

  /** Adds `source` to the items of an audit result whose resource maps to a workspace file. */
  decorate(result: AccountAudit): AccountAudit {
    const state = result.accountId ? this.accounts.get(result.accountId) : undefined;
    if (!state) return result;
    for (const c of result.categories)
      for (const item of c.items) {
        const src = state.sources.get(item.id);
        if (src) item.source = src;
      }
    return result;
  }

  /** The analysis of a stack's deployed template (GetTemplate), once per audit. */
  private deployedAnalysis(stack: DeployedStack): LintResult | null {
    if (!stack.template) return null;
    let r = this.deployed.get(stack.id);
    if (r === undefined) {
      const json = /^\s*[{[]/.test(stack.template);
      try {
        r = lintText(stack.template, { fileName: `deployed/${stack.name}.template.${json ? 'json' : 'yaml'}` });
      } catch {
        r = null;
      }
      this.deployed.set(stack.id, r);
    }
    return r;
  }

  /** The live lenses of a template, from its current analysis. */
  lenses(uri: string, analysis: CurrentAnalysis | null | undefined, now?: Date): LiveLens[] {
    const file = uriToPath(uri);
    if (!file || !analysis?.template) return [];
    const out: LiveLens[] = [];
    const ranges = resourceKeyRanges(analysis.template, (span) => analysis.lines.range(span));
    for (const state of this.accounts.values())
      for (const e of state.notes.get(file) ?? []) {
        const at = ranges.get(e.logicalId);
        if (!at) continue;
        const range = shiftRange(at, analysis.bomLength);
        const deployed = this.deployedAnalysis(e.stack);
        const seen = new Set<string>();
        for (const f of e.findings) {
          if (seen.has(f.ruleId)) continue;
          seen.add(f.ruleId);
          const status = liveStatus(analysis, deployed, e.logicalId, f.ruleId);
          const title = liveNoteText(
            {
              accountId: e.accountId,
              region: e.region,
              stack: e.stack.name,
              ruleId: f.ruleId,
              status,
              auditedAt: e.auditedAt,
            },
            now,
          );
          out.push({
            range,
            command: {
              title,
              command: RevealLiveResourceCommand,
              arguments: [{ accountId: e.accountId, id: f.resource }],
            },
          });
        }
      }
    return out;
  }
}
