import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESTROY_RECEIPT_FILE } from '@registration/protocol/destroy-receipt';
import type { ServerBundle } from '@registration/protocol/server-bundle';
import { verifyDestroyReceipt } from '../../vendor/src/receipt.ts';
import { checkBundle } from './bundle.ts';
import { loadConfig } from './config.ts';
import { destroyLicenseServer } from './destroy.ts';
import { StartupError } from './messages.ts';
import { issueDestroyReceipt, receiptLeases, writeReceiptFile } from './receipt.ts';
import { readPrivateConfig, type PrivateConfigFile, PRIVATE_CONFIG_FILE, StateStore } from './store.ts';
import { call, createFixture, manualClock, startServer, T0, TestNode, type Fixture } from './test-harness.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(() => fx.cleanup());

const HOUR = 3600e3;

/** A bundle file and the directories of one installation, as `destroy` sees them. */
async function installation(bundle?: ServerBundle) {
  const root = join(fx.dir, `install-${randomBytes(4).toString('hex')}`);
  await mkdir(root, { recursive: true });
  const b = bundle ?? (await fx.bundle());
  await writeFile(join(root, 'bundle.json'), JSON.stringify(b));
  const config = loadConfig(['destroy', '--language', 'en'], {}, root);
  const lines: string[] = [];
  const run = (now: Date) => destroyLicenseServer(config, { out: (t) => lines.push(t), now: () => now, env: {} });
  const state = async () => (await readPrivateConfig(join(config.configDir, PRIVATE_CONFIG_FILE)) as PrivateConfigFile);
  const receiptPath = join(config.uninstallDir, DESTROY_RECEIPT_FILE);
  return { root, bundle: b, config, lines, run, state, receiptPath };
}

async function register(url: string, nodeId: string): Promise<TestNode> {
  const node = new TestNode(nodeId);
  const res = await node.register(fx, url);
  expect(res.status).toBe(200);
  return node;
}

describe('license-server destroy', () => {
  it('marks privateConfig destroyed, signs a receipt the vendor verifies, and from then on every node meets 30002 over HTTPS', async () => {
    const inst = await installation();
    const clock = manualClock();
    const before = await startServer(fx, { bundle: inst.bundle, configDir: inst.config.configDir, clock: clock.now });
    const nodeA = await register(before.url, 'node-a');
    await register(before.url, 'node-b');
    await before.stop();

    const destroyedAt = new Date(T0.getTime() + HOUR);
    expect(await inst.run(destroyedAt)).toBe('destroyed');
    const state = await inst.state();
    expect(state).toMatchObject({ destroyedAt: destroyedAt.toISOString(), leases: {} });
    expect(state.activatedAt).not.toBeNull();

    // The chain vendor → server license → receipt, checked the way the vendor checks it.
    const verified = await verifyDestroyReceipt(JSON.parse(await readFile(inst.receiptPath, 'utf8')), fx.vendor.publicJwk);
    expect(verified.receipt).toMatchObject({ licenseId: state.licenseId, instanceId: state.instanceId, destroyedAt: destroyedAt.toISOString(), leasesInUse: 2 });
    expect(verified.leases.map((l) => [l.nodeId, l.peer])).toEqual([['node-a', '127.0.0.1'], ['node-b', '127.0.0.1']]);
    expect(inst.lines.join('\n')).toMatch(/is destroyed\.\n[\s\S]*destroyed at {3}2026-06-01T01:00:00\.000Z\n {2}leases in use {2}2\n[\s\S]*node-a {2}127\.0\.0\.1[\s\S]*Send .*receipt\.fr to the vendor/);

    // Restarted after the destroy: it answers, and refuses with 30002 both the node registered before and a new one.
    clock.set(new Date(T0.getTime() + 2 * HOUR));
    const after = await startServer(fx, { bundle: inst.bundle, configDir: inst.config.configDir, clock: clock.now });
    try {
      const heartbeat = await nodeA.heartbeat(fx, after.url);
      expect(heartbeat.status).toBe(403);
      expect(heartbeat.body).toEqual({ ok: false, reasons: [{ code: 30002, name: 'ACCOUNT_STATUS_ERROR', params: { state: 'destroyed' } }] });
      const fresh = await new TestNode('node-new').register(fx, after.url);
      expect(fresh.status).toBe(403);
      expect(fresh.body.reasons[0]).toMatchObject({ code: 30002, name: 'ACCOUNT_STATUS_ERROR' });
      const health = await call(fx, after.url, '/health');
      expect(health.body).toMatchObject({ status: 'destroyed', leasesInUse: 0 });
      expect(after.store.state.leases.size).toBe(0);
      // The activation page says so, and offers no QR code to activate with.
      const page = String((await call(fx, after.url, '/license/qrcode')).body);
      expect(page).toContain('data-state="destroyed"');
      expect(page).not.toContain('<svg');
    } finally {
      await after.stop();
    }
  });

  it('is idempotent: a second destroy reprints the same receipt and never rewrites destroyedAt', async () => {
    const inst = await installation();
    const s = await startServer(fx, { bundle: inst.bundle, configDir: inst.config.configDir });
    await register(s.url, 'node-a');
    await s.stop();
    const first = new Date(T0.getTime() + HOUR);
    expect(await inst.run(first)).toBe('destroyed');
    const receipt = await readFile(inst.receiptPath, 'utf8');
    const privateConfig = await readFile(join(inst.config.configDir, PRIVATE_CONFIG_FILE), 'utf8');

    inst.lines.length = 0;
    expect(await inst.run(new Date(T0.getTime() + 5 * HOUR))).toBe('already');
    expect(await readFile(inst.receiptPath, 'utf8')).toBe(receipt);
    expect(await readFile(join(inst.config.configDir, PRIVATE_CONFIG_FILE), 'utf8')).toBe(privateConfig);
    expect(inst.lines.join('\n')).toMatch(/already destroyed at 2026-06-01T01:00:00\.000Z; nothing was changed[\s\S]*leases in use {2}1\n[\s\S]*node-a/);
  });

  it('refuses while the server runs (the directory lock), changing nothing', async () => {
    const inst = await installation();
    const s = await startServer(fx, { bundle: inst.bundle, configDir: inst.config.configDir });
    try {
      const error = await inst.run(T0).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      expect((error as StartupError).key).toBe('serverRunning');
      expect((error as StartupError).message).toMatch(/^license-server destroy needs the license server to be stopped, but one is running \(pid \d+\) on .*Stop it first/);
      await expect(access(inst.receiptPath)).rejects.toThrow();
      expect(s.store.state.destroyedAt).toBeNull();
    } finally {
      await s.stop();
    }
  });

  it('refuses a config dir where no server ever ran, instead of creating and destroying an empty installation', async () => {
    const inst = await installation();
    const error = (await inst.run(T0).catch((e: unknown) => e)) as StartupError;
    expect(error.key).toBe('noPrivateConfig');
    await expect(readdir(inst.config.configDir)).rejects.toThrow();
  });

  it('completes a destroy interrupted between writing the receipt and marking privateConfig, with the receipt’s time', async () => {
    const inst = await installation();
    const s = await startServer(fx, { bundle: inst.bundle, configDir: inst.config.configDir });
    await register(s.url, 'node-a');
    const state = s.store.state;
    await s.stop();
    // What the first run left behind when it died right after the receipt's fsync.
    const interruptedAt = new Date(T0.getTime() + HOUR).toISOString();
    const loaded = await checkBundle(inst.bundle, 'test');
    await writeReceiptFile(inst.receiptPath, inst.config.uninstallDir, await issueDestroyReceipt({ bundle: loaded, state, destroyedAt: interruptedAt, leases: receiptLeases(state.leases) }));

    expect(await inst.run(new Date(T0.getTime() + 3 * HOUR))).toBe('completed');
    expect((await inst.state()).destroyedAt).toBe(interruptedAt);
    expect(inst.lines.join('\n')).toMatch(/interrupted destroy was completed/);
  });

  it('re-issues a lost receipt for the recorded time, and keeps a receipt that is not its own aside', async () => {
    const inst = await installation();
    const other = await installation();
    // Another installation's receipt sits where this one will write.
    const s0 = await startServer(fx, { bundle: other.bundle, configDir: other.config.configDir });
    await s0.stop();
    await other.run(T0);
    await mkdir(inst.config.uninstallDir, { recursive: true });
    await writeFile(inst.receiptPath, await readFile(other.receiptPath));

    const s = await startServer(fx, { bundle: inst.bundle, configDir: inst.config.configDir });
    await s.stop();
    const destroyedAt = new Date(T0.getTime() + HOUR).toISOString();
    expect(await inst.run(new Date(destroyedAt))).toBe('destroyed');
    const kept = (await readdir(inst.config.uninstallDir)).filter((name) => name.endsWith('.old'));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(inst.config.uninstallDir, kept[0] as string), 'utf8')).toBe(await readFile(other.receiptPath, 'utf8'));
    expect(inst.lines.join('\n')).toMatch(/is not this server’s receipt \(not signed by this server's key/);

    await rm(inst.receiptPath);
    inst.lines.length = 0;
    expect(await inst.run(new Date(T0.getTime() + 9 * HOUR))).toBe('reissued');
    const verified = await verifyDestroyReceipt(JSON.parse(await readFile(inst.receiptPath, 'utf8')), fx.vendor.publicJwk);
    expect(verified.receipt).toMatchObject({ destroyedAt, leasesInUse: null, reissuedAt: new Date(T0.getTime() + 9 * HOUR).toISOString() });
    expect((await inst.state()).destroyedAt).toBe(destroyedAt);
    expect(inst.lines.join('\n')).toMatch(/receipt was missing; a new receipt was signed for the same destroy time/);
  });

  it('clears pending rescans so that those nodes too meet 30002, not a QR-scan request', async () => {
    const inst = await installation();
    const loaded = await checkBundle(inst.bundle, 'test');
    const store = await StateStore.open({ dir: inst.config.configDir, licenseId: loaded.license.licenseId, now: () => T0, logger: pino({ level: 'silent' }) });
    await store.update((state) => ({
      next: { ...state, activation: { ...state.activation, rescanRequired: { 'node-r': { rule: 'standalone-builtin-db', since: T0.toISOString() } } } },
      result: undefined,
    }));
    await store.close();
    await inst.run(T0);
    expect((await inst.state()).activation.rescanRequired).toEqual({});
  });
});
