import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '@registration/licensing/jws';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
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
  const child = spawn(TSX, [MAIN], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

describe('bff process', () => {
  it('prints its address, serves /healthz, and stops cleanly on SIGTERM', async () => {
    const p = run();
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${p.output()}`)), 30_000);
        p.child.stdout?.on('data', () => {
          const m = /bff listening on (http:\/\/\S+)/.exec(p.output());
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(0);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });

  it('refuses to start on a bad value and names it', async () => {
    const p = run({ HEARTBEAT_INTERVAL_MS: 'often' });
    expect(await p.exit).toBe(2);
    expect(p.output()).toContain('HEARTBEAT_INTERVAL_MS');
  });
});
