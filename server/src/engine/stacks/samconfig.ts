/**
 * `samconfig.toml`: the stacks a SAM project deploys. Each environment table (`[default]`,
 * `[prod]`, ...) names its stack in `<command>.parameters.stack_name` (deploy first, then global,
 * then any other command) and its template in `template_file` (or `template`), relative to the
 * file; without one, SAM's own default: `template.yaml`, `template.yml`, `template.json`.
 * Parsed with smol-toml (TOML 1.0, no dependencies); a file that is not TOML names no stack.
 */
import { parse } from 'smol-toml';

export interface SamStack {
  /** The environment table: `default`, `prod`. */
  env: string;
  stackName: string;
  /** As written (relative to the samconfig.toml's folder); undefined when SAM's default applies. */
  templateFile?: string;
  /** `region`, when the environment sets one. */
  region?: string;
}

/** Largest samconfig.toml read. */
export const MAX_SAMCONFIG_CHARS = 256 * 1024;

const COMMAND_ORDER = ['deploy', 'global', 'sync', 'package', 'build', 'validate'];

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

/** The stacks a samconfig.toml names, one per environment that names a stack. */
export function samconfigStacks(text: string): SamStack[] {
  if (text.length > MAX_SAMCONFIG_CHARS) return [];
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return [];
  }
  if (!isObject(doc)) return [];
  const out: SamStack[] = [];
  for (const [env, table] of Object.entries(doc)) {
    if (!isObject(table)) continue;
    const commands = Object.keys(table).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    const param = (key: string): string | undefined => {
      for (const c of commands) {
        const params = (table[c] as Record<string, unknown> | undefined)?.parameters;
        if (!isObject(params)) continue;
        const v = params[key];
        if (typeof v === 'string' && v.trim()) return v.trim();
      }
      return undefined;
    };
    const stackName = param('stack_name');
    if (!stackName) continue;
    const templateFile = param('template_file') ?? param('template');
    const region = param('region');
    out.push({ env, stackName, ...(templateFile ? { templateFile } : {}), ...(region ? { region } : {}) });
  }
  return out;
}

function rank(command: string): number {
  const i = COMMAND_ORDER.indexOf(command);
  return i < 0 ? COMMAND_ORDER.length : i;
}

/** SAM's default template names, in the order it looks for them. */
export const SAM_DEFAULT_TEMPLATES = ['template.yaml', 'template.yml', 'template.json'];
