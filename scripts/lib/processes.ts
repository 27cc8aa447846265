import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, whatever the current directory. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface Started {
  name: string;
  child: ChildProcess;
  /** The output line that matched the ready pattern (often carries the listening URL). */
  readyLine: string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** The process is ready once a line of its output matches this. */
  ready: RegExp;
  timeoutMs?: number;
  /** Where to copy the child's output, each line prefixed with its name; `false` keeps it quiet. */
  echo?: boolean;
}

/**
 * Spawns a child, prefixes its output, and resolves once it prints its ready line. Rejects with the
 * child's last output if it exits or stays silent past the timeout, so a failed start names its cause.
 */
export function startProcess(opts: StartOptions): Promise<Started> {
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise<Started>((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      if (ready) return;
      child.kill('SIGKILL');
      reject(new Error(`${opts.name} did not become ready in ${opts.timeoutMs ?? 60_000} ms:\n${tail.join('\n')}`));
    }, opts.timeoutMs ?? 60_000);
    const onLine = (raw: string) => {
      // Colour codes would split the words the ready pattern looks for.
      const line = stripVTControlCharacters(raw);
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (opts.echo !== false) process.stdout.write(`[${opts.name}] ${line}\n`);
      if (!ready && opts.ready.test(line)) {
        ready = true;
        clearTimeout(timer);
        resolve({
          name: opts.name,
          child,
          readyLine: line,
          exited,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill(signal);
            const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(killer);
          },
        });
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${opts.name} exited with ${code} before it was ready:\n${tail.join('\n')}`));
    });
  });
}
