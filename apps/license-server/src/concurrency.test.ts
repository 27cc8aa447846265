import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readPrivateConfig, type PrivateConfigFile, PRIVATE_CONFIG_FILE } from './store.ts';
import { createFixture, startServer, TestNode, type Fixture } from './test-harness.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(() => fx.cleanup());

it('1,000 concurrent registrations against max connections 500 grant exactly 500, all durable', async () => {
  const configDir = fx.newConfigDir();
  const s = await startServer(fx, { bundle: await fx.bundle({ maxConnections: 500 }), configDir });
  try {
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => new TestNode(`node-${i}`).register(fx, s.url)),
    );
    const granted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 403);
    expect(granted).toHaveLength(500);
    expect(refused).toHaveLength(500);
    for (const r of refused) expect(r.body.reasons).toEqual([{ code: 30007, name: 'REGISTER_OUT_OF_LIMIT', params: { max: 500, inUse: 500 } }]);
    // Every answer came after its write: the file already holds exactly the granted nodes.
    const onDisk = (await readPrivateConfig(join(configDir, PRIVATE_CONFIG_FILE)) as PrivateConfigFile);
    expect(Object.keys(onDisk.leases)).toHaveLength(500);
    expect(s.store.state.leases.ids()).toHaveLength(500);
  } finally {
    await s.stop();
  }
});
