// Test helper: main.ts as a real process. `node --import tsx main.ts` (not the tsx binary, which runs the
// server in a child process) so that the pid we signal — SIGTERM or SIGKILL — is the server itself.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { call, type Fixture } from './test-harness.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const MAIN = join(ROOT, 'apps/license-server/src/main.ts');
// An absolute URL: a bare `--import tsx` would be resolved from the child's working directory.
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** A spawned license-server process. */
export interface MainProcess {
  child: ChildProcessWithoutNullStreams;
  /** The URL of the listening line; rejects if the process exits first or stays silent for `timeoutMs`. */
  listening: Promise<string>;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

const alive = new Set<ChildProcessWithoutNullStreams>();

/** Runs `main.ts <args>` in `cwd` with `env` added to this process's environment. */
export function spawnMain(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): MainProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env } });
  alive.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) =>
    child.on('exit', (code) => {
      alive.delete(child);
      done(code);
    }),
  );
  const listening = new Promise<string>((done, fail) => {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const timer = setTimeout(() => fail(new Error(`no listening line within ${timeoutMs} ms\n${stdout}\n${stderr}`)), timeoutMs);
    child.stdout.on('data', () => {
      const url = /^license-server listening on (https:\/\/\S+)$/m.exec(stdout)?.[1];
      if (url) {
        clearTimeout(timer);
        done(url);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code} before listening\n${stdout}\n${stderr}`));
    });
  });
  listening.catch(() => undefined);
  return { child, listening, exited, output: () => ({ stdout, stderr }) };
}

/** Runs a one-shot command (destroy, reset-lock, machine-info) to its end. */
export async function runMain(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnMain(args, options);
  const code = await p.exited;
  return { code, ...p.output() };
}

/** SIGKILLs every process this helper started that is still running (afterAll). */
export async function killAll(): Promise<void> {
  const running = [...alive].filter((child) => child.exitCode === null && child.signalCode === null);
  const exits = running.map((child) => new Promise<void>((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  }));
  await Promise.all(exits);
}

/**
 * Activates a server through its JSON API the way an administrator's phone does: a fresh challenge, the
 * code the vendor phone page computes from the QR URL with the license's activation key, then submit.
 */
export async function activateOverHttps(fixture: Fixture, url: string): Promise<void> {
  const challenge = await call(fixture, url, '/license/challenge', { json: {} });
  if (challenge.status !== 200 || typeof challenge.body?.challenge?.url !== 'string') throw new Error(`no challenge: ${challenge.status} ${JSON.stringify(challenge.body)}`);
  const scanned = parsePhonePageUrl(challenge.body.challenge.url);
  const code = fixture.phoneCode(challenge.body.challenge.url);
  const activated = await call(fixture, url, '/license/activate', { json: { challengeId: scanned.challengeId, code } });
  if (activated.status !== 200 || activated.body?.ok !== true) throw new Error(`activation refused: ${activated.status} ${JSON.stringify(activated.body)}`);
}
