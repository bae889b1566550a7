/**
 * The `ajar` command line: `ajar lint`, `ajar audit`, `ajar rules`.
 * A thin shell over the engine and the audit module.
 */
import { runAudit } from './audit';
import { escapeControls } from '../report/escape';
import { runLint, UsageError, VERSION } from './lint';
import { ruleScope } from '../engine';
import { ALL_RULES } from '../catalog';

const USAGE = `Usage: ajar <command> [options]

Commands:
  lint    lint templates and policies (ajar lint --help)
  audit   audit the AWS accounts your profiles reach, read-only (ajar audit --help)
  rules   list the rules (template and live)
  version print the version
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  try {
    switch (command) {
      case 'lint':
        return await runLint(rest, io);
      case 'audit':
        return await runAudit(rest, { ...io, stdout: escaping(io.stdout), stderr: escaping(io.stderr) });
      case 'rules':
        for (const r of ALL_RULES)
          process.stdout.write(
            `${r.id} ${ruleScope(r).padEnd(8)} ${r.slug.padEnd(34)} ${r.severity.padEnd(11)} ${r.title}\n`,
          );
        return 0;
      case 'version':
      case '--version':
        process.stdout.write(`${VERSION}\n`);
        return 0;
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE);
        return 0;
      default:
        process.stderr.write(command ? `ajar: unknown command "${escapeControls(command)}"\n\n${USAGE}` : USAGE);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ajar: ${escapeControls(e.message)}\n`);
      return 2;
    }
    throw e;
  }
}

const ERASE_LINE = '\r\x1b[2K';

/**
 * `ajar audit`'s output through the same escaping (its lines carry profile names and service
 * messages; they are built one per line, so line feeds stay). The one sequence let through is the
 * erase-line its progress indicator starts each redraw with, on a terminal's stderr.
 */
function escaping<T extends { write(chunk: string): unknown; isTTY?: boolean }>(out: T) {
  return {
    isTTY: out.isTTY,
    write(chunk: string) {
      const erase = out.isTTY && chunk.startsWith(ERASE_LINE) ? ERASE_LINE : '';
      return out.write(erase + escapeControls(chunk.slice(erase.length), { keepNewlines: true }));
    },
  };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`ajar: ${escapeControls(err instanceof Error ? err.message : String(err))}\n`);
    process.exitCode = 2;
  },
);
