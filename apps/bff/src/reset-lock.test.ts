import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from './store/pglite-store.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const RESET_LOCK = path.join(ROOT, 'apps/bff/src/reset-lock.ts');

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function run(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const { DATABASE_URL: _unused, ...rest } = process.env;
  return new Promise((resolve) => {
    execFile(TSX, [RESET_LOCK], { env: { ...rest, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('reset-lock command', () => {
  it('refuses a DATA_DIR that holds no store, creating nothing there', async () => {
    const wrong = await mkdtemp(path.join(tmpdir(), 'frr-reset-wrong-'));
    dirs.push(wrong);
    const result = await run({ DATA_DIR: wrong });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${wrong} holds no BFF store`);
    expect(await readdir(wrong)).toEqual([]);
  });

  it('on a real store without a Container.lic says there is nothing to reset (exit 1)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'frr-reset-store-'));
    dirs.push(dir);
    const store = await createPgliteStore(dir);
    await store.close();
    const result = await run({ DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no Container.lic is stored');
  });
});
