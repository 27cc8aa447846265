import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPgliteStore } from './pglite-store.ts';
import { storeContract } from './store.contract.ts';

storeContract('PGlite', { open: () => createPgliteStore('memory://') });

describe('PGlite store on disk', () => {
  it('keeps its data and does not migrate again after a restart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bff-pglite-'));
    try {
      const first = await createPgliteStore(path.join(dir, 'data'));
      const updatedAt = new Date('2026-11-02T08:00:00.000Z');
      await first.setConfig({ method: 'private-cloud', serverUrl: 'https://a:1', updatedAt, updatedBy: 'admin' });
      await first.close();
      const second = await createPgliteStore(path.join(dir, 'data'));
      expect((await second.getConfig())?.serverUrl).toBe('https://a:1');
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
