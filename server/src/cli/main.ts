/**
 * Ajar CLI entry (minimal: the lead engineer extends it with `lint` and friends).
 */
import { runAudit } from './audit';

const USAGE = `Usage: ajar <command> [options]

Commands:
  audit   audit the AWS accounts your profiles reach, read-only (ajar audit --help)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  switch (command) {
    case 'audit':
      return runAudit(rest, io);
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(command ? `ajar: unknown command "${command}"\n\n${USAGE}` : USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`ajar: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
