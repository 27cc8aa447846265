import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { runCli } from '../cli.ts';

/** Test-only: the CLI run as users run it (a real `tsx` process from the repository root), or in-process. */

const ROOT = resolve(import.meta.dirname, '../../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = join(ROOT, 'apps/vendor/src/cli.ts');

export interface Output {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the CLI; `output()` is what it printed so far, `exit` its exit code. `killAll()` is for clean-up:
 * tsx runs the CLI in a child node process, and a SIGKILL to tsx alone would leave that child serving.
 */
export function spawnCli(...args: string[]): { child: ChildProcess; output: () => Output; exit: Promise<number | null>; killAll: () => void } {
  // Its own process group, so that killAll reaches tsx and the node process it started.
  const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done(code));
  });
  const killAll = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return { child, output: () => ({ code: child.exitCode, stdout, stderr }), exit, killAll };
}

/** Runs the CLI to the end in a real process. */
export async function cli(...args: string[]): Promise<Output> {
  const run = spawnCli(...args);
  const code = await run.exit;
  return { ...run.output(), code };
}

/** The same `runCli` in this process (fast, for argument errors). */
export async function inProcess(args: string[]): Promise<Output> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (line) => (stdout += `${line}\n`), stderr: (line) => (stderr += `${line}\n`) });
  return { code, stdout, stderr };
}
