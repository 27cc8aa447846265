import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '@registration/licensing/jws';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// One node process with the tsx loader, not the tsx CLI: the CLI relays signals to a child of its own, and
// under load its relay could turn a SIGTERM into exit 143 before the BFF's own handler ran.
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;
const MAIN = path.join(ROOT, 'apps/bff/src/main.ts');

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bff-main-'));
  const key = await generateEd25519KeyPair();
  await writeFile(path.join(dir, 'key.json'), JSON.stringify(key.publicJwk));
  env = {
    PATH: process.env.PATH,
    PORT: '0',
    DATA_DIR: path.join(dir, 'data'),
    VENDOR_PUBLIC_KEY: path.join(dir, 'key.json'),
    AUTH_PUBLIC_KEY: path.join(dir, 'key.json'),
    LOG_LEVEL: 'warn',
  };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function run(extra: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

/** The address of the process's listening line (within 30 s). */
function listening(p: ReturnType<typeof run>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${p.output()}`)), 30_000);
    p.child.stdout?.on('data', () => {
      const m = /bff listening on (http:\/\/\S+)/.exec(p.output());
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
}

describe('bff process', () => {
  it('prints its address, serves /healthz, and stops cleanly on SIGTERM', async () => {
    const p = run();
    try {
      const url = await listening(p);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(0);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });

  it('keeps DATA_DIR private: a world-writable folder from before is tightened at start (with a log line), everything 0700/0600 after a stop', async () => {
    const data = path.join(dir, 'open-data');
    await mkdir(path.join(data, 'old'), { recursive: true, mode: 0o777 });
    await chmod(data, 0o777);
    await chmod(path.join(data, 'old'), 0o777);
    await writeFile(path.join(data, 'old', 'leftover'), 'x', { mode: 0o666 });
    await chmod(path.join(data, 'old', 'leftover'), 0o666);
    const p = run({ DATA_DIR: data, LOG_LEVEL: 'info' });
    try {
      const url = await listening(p);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(p.output()).toMatch(/DATA_DIR had files or folders other users could read or write; made them 0600\/0700/);
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(0);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
    const modes = new Map<string, number>();
    const walk = async (at: string): Promise<void> => {
      const info = await stat(at);
      modes.set(path.relative(data, at) || '.', info.mode & 0o777);
      if (info.isDirectory()) for (const name of await readdir(at)) await walk(path.join(at, name));
    };
    await walk(data);
    expect(modes.size).toBeGreaterThan(100); // PGlite's own files, not only ours
    for (const [name, mode] of modes) {
      const isDir = (await stat(path.join(data, name))).isDirectory();
      expect(mode.toString(8), name).toBe(isDir ? '700' : '600');
    }
  }, 60_000);

  it('refuses to start on a bad value and names it', async () => {
    const p = run({ HEARTBEAT_INTERVAL_MS: 'often' });
    expect(await p.exit).toBe(2);
    expect(p.output()).toContain('HEARTBEAT_INTERVAL_MS');
  });
});
