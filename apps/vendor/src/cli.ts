import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError, type Out } from './cli/args.ts';
import { issueContainer, unbind } from './cli/container-commands.ts';
import { verifyReceipt } from './cli/receipt-command.ts';
import { serve } from './cli/serve-command.ts';
import { issueServer, keygen, print, verify } from './cli/server-commands.ts';
import { USAGE } from './cli/usage.ts';

export { USAGE };

const COMMANDS: Record<string, (rest: string[], out: Out, now: Date) => Promise<void>> = {
  keygen,
  'issue-server': issueServer,
  'issue-container': issueContainer,
  unbind,
  serve,
  print,
  verify,
  'verify-receipt': verifyReceipt,
};

async function run(argv: string[], out: Out, now: Date): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || rest.includes('--help') || rest.includes('-h')) {
    out(USAGE);
    return;
  }
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (handler === undefined) {
    throw new UsageError(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')}; see --help)`);
  }
  await handler(rest, out, now);
}

/** Runs the vendor CLI; returns the exit code. Every failure is one line on stderr, never a stack trace. */
export async function runCli(
  argv: string[],
  io: { stdout: Out; stderr: Out; now?: () => Date } = {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  },
): Promise<number> {
  try {
    await run(argv, io.stdout, io.now?.() ?? new Date());
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`error: ${message.split('\n')[0]}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
