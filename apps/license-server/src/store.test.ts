import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartupError } from './messages.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { PRIVATE_CONFIG_FILE, privateConfigSchema, StateStore, type PrivateConfig } from './store.ts';
import { call, createFixture, startServer, T0, TestNode, type Fixture } from './test-harness.ts';

let fx: Fixture;
let root: string;
beforeAll(async () => {
  fx = await createFixture();
  root = await mkdtemp(join(tmpdir(), 'ls-store-'));
});
afterAll(async () => {
  await fx.cleanup();
  await rm(root, { recursive: true, force: true });
});

const now = () => T0;
let n = 0;
const freshDir = () => join(root, `c${(n += 1)}`);

function startupKey(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'started',
    (error: unknown) => (error instanceof StartupError ? error.key : `unexpected: ${String(error)}`),
  );
}

/** A process that is certainly dead: it has already exited when this resolves. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid as number));
  });
}

describe('privateConfig', () => {
  it('is created on first start (0600) and survives a restart: a new app on the same dir sees the leases', async () => {
    const configDir = freshDir();
    const bundle = await fx.bundle();
    const first = await startServer(fx, { bundle, configDir });
    const a = new TestNode('a');
    await a.register(fx, first.url);
    await new TestNode('b').register(fx, first.url);
    await first.stop();
    expect((await stat(join(configDir, PRIVATE_CONFIG_FILE))).mode & 0o777).toBe(0o600);

    const second = await startServer(fx, { bundle, configDir });
    try {
      expect(Object.keys(second.store.state.leases).sort()).toEqual(['a', 'b']);
      expect((await call(fx, second.url, '/health')).body.leasesInUse).toBe(2);
      // The restored lease can be renewed and released as before.
      const bye = await a.deregister(fx, second.url);
      expect(bye.status).toBe(200);
    } finally {
      await second.stop();
    }
    // No temp files are left beside it.
    expect((await readdir(configDir)).sort()).toEqual([PRIVATE_CONFIG_FILE]);
  });

  it('a corrupt or foreign privateConfig stops start-up and is left untouched', async () => {
    const dir = freshDir();
    await mkdir(dir, { recursive: true });
    const path = join(dir, PRIVATE_CONFIG_FILE);
    await writeFile(path, '{"version": 1, "licenseId": "x", "leases": {');
    expect(await startupKey(StateStore.open({ dir, licenseId: 'x', now }))).toBe('stateCorrupt');
    const wrongShape = JSON.stringify({ version: 1, licenseId: 'x', createdAt: T0.toISOString(), activatedAt: null, destroyedAt: null, leases: { a: { leaseId: 1 } } });
    await writeFile(path, wrongShape);
    expect(await startupKey(StateStore.open({ dir, licenseId: 'x', now }))).toBe('stateCorrupt');
    expect(await readFile(path, 'utf8')).toBe(wrongShape);
    // The lock is released after a refused start, so the admin can fix the file and start again.
    expect((await readdir(dir)).includes('.lock')).toBe(false);

    // A privateConfig written before activation existed still loads (activation and instanceId default).
    const other = { version: 1, licenseId: 'old', createdAt: T0.toISOString(), activatedAt: null, destroyedAt: null, leases: {} };
    await writeFile(path, JSON.stringify(other));
    expect(await startupKey(StateStore.open({ dir, licenseId: 'new', now }))).toBe('stateOtherLicense');
  });
});

describe('config directory lock', () => {
  it('refuses a second instance on the same config dir while the first runs, allows it afterwards', async () => {
    const dir = freshDir();
    const first = await StateStore.open({ dir, licenseId: 'x', now });
    expect(await readFile(join(dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    const refused = StateStore.open({ dir, licenseId: 'x', now });
    await expect(refused).rejects.toThrow(/already using/);
    expect(await startupKey(StateStore.open({ dir, licenseId: 'x', now }))).toBe('lockHeld');
    await first.close();
    const again = await StateStore.open({ dir, licenseId: 'x', now });
    await again.close();
  });

  it('refuses when another live process holds the lock, takes over a lock left by a dead one', async () => {
    const dir = freshDir();
    await mkdir(dir, { recursive: true });
    // Our parent (the test runner) is certainly alive.
    await writeFile(join(dir, '.lock'), `${process.ppid}\n`);
    const held = await StateStore.open({ dir, licenseId: 'x', now }).catch((e: unknown) => e);
    expect(held).toBeInstanceOf(StartupError);
    expect((held as StartupError).params).toMatchObject({ pid: process.ppid });

    await writeFile(join(dir, '.lock'), `${await deadPid()}\n`);
    const store = await StateStore.open({ dir, licenseId: 'x', now });
    expect(await readFile(join(dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await store.close();

    await writeFile(join(dir, '.lock'), 'garbage');
    expect(await startupKey(StateStore.open({ dir, licenseId: 'x', now }))).toBe('lockUnreadable');
  });
});

describe('writer queue', () => {
  it('serializes mutations: each sees the previous one, callers hear back after the write', async () => {
    const dir = freshDir();
    const store = await StateStore.open({ dir, licenseId: 'x', now });
    try {
      const lease = { leaseId: 'l', peer: '127.0.0.1', registeredAt: T0.toISOString(), renewedAt: T0.toISOString(), expiresAt: T0.toISOString() };
      const seen = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.update((state) => {
            const count = Object.keys(state.leases).length;
            return { next: { ...state, leases: { ...state.leases, [`n${i}`]: lease } }, result: count };
          }),
        ),
      );
      expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
      const onDisk = JSON.parse(await readFile(join(dir, PRIVATE_CONFIG_FILE), 'utf8')) as PrivateConfig;
      expect(Object.keys(onDisk.leases)).toHaveLength(50);
      // A throwing mutation fails only its own caller.
      await expect(store.update(() => { throw new Error('boom'); })).rejects.toThrow('boom');
      expect(await store.update((state) => ({ result: Object.keys(state.leases).length }))).toBe(50);
    } finally {
      await store.close();
    }
    await expect(store.update((state) => ({ result: state }))).rejects.toThrow(/closed/);
  });
});

/** A write that can be held open (to see who answers before the disk) or made to fail. */
function controlledWrite() {
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  let failNext = 0;
  const c = {
    writes: 0,
    hold() {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = null;
      open();
    },
    fail(times: number) {
      failNext = times;
    },
    write: async (path: string, data: string) => {
      c.writes += 1;
      if (gate) await gate;
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('disk full');
      }
      await writeFileAtomic(path, data);
    },
  };
  return c;
}

const leaseAt = (leaseId: string, at: string) => ({ leaseId, peer: '127.0.0.1', registeredAt: T0.toISOString(), renewedAt: at, expiresAt: at });
const register = (node: string, at: string) => (state: PrivateConfig) => ({
  next: { ...state, leases: { ...state.leases, [node]: leaseAt(`l-${node}`, at) } },
  result: 'registered',
});
const renew = (node: string, at: string) => (state: PrivateConfig) => ({
  writeBehind: true,
  next: { ...state, leases: { ...state.leases, [node]: leaseAt(`l-${node}`, at) } },
  result: 'renewed',
});
const onDisk = async (dir: string) => privateConfigSchema.parse(JSON.parse(await readFile(join(dir, PRIVATE_CONFIG_FILE), 'utf8')));
const settled = (promise: Promise<unknown>) => {
  const flag = { done: false };
  void promise.then(() => (flag.done = true), () => (flag.done = true));
  return flag;
};
const ticks = async () => {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('write-behind renewals', () => {
  const R1 = '2026-01-01T02:00:00.000Z';
  const R2 = '2026-01-01T04:00:00.000Z';

  it('a renewal is answered before its write completes, and is on disk once the store is closed', async () => {
    const dir = freshDir();
    const disk = controlledWrite();
    const store = await StateStore.open({ dir, licenseId: 'x', now, write: disk.write });
    await store.update(register('a', T0.toISOString()));
    disk.hold();
    // The write is held open, yet the renewal is answered: it only had to be decided.
    await expect(store.update(renew('a', R1))).resolves.toBe('renewed');
    expect(store.state.leases.a?.renewedAt).toBe(R1);
    expect(store.hasUnwrittenChanges).toBe(true);
    expect((await onDisk(dir)).leases.a?.renewedAt).toBe(T0.toISOString());
    // More renewals while that write is in flight are answered too and go out with the next write.
    await expect(store.update(renew('a', R2))).resolves.toBe('renewed');
    const closing = store.close();
    disk.release();
    await closing;
    expect((await onDisk(dir)).leases.a?.renewedAt).toBe(R2);
    expect(store.hasUnwrittenChanges).toBe(false);
    expect((await readdir(dir)).includes('.lock')).toBe(false);
  });

  it('a slot change still waits for durability, and a renewal queued behind it waits too', async () => {
    const dir = freshDir();
    const disk = controlledWrite();
    const store = await StateStore.open({ dir, licenseId: 'x', now, write: disk.write });
    try {
      await store.update(register('a', T0.toISOString()));
      disk.hold();
      const reg = store.update(register('b', T0.toISOString()));
      const regDone = settled(reg);
      await ticks();
      const renewal = store.update(renew('a', R1));
      const renewalDone = settled(renewal);
      await ticks();
      expect(regDone.done).toBe(false);
      // Never decided on top of a slot change that might still fail.
      expect(renewalDone.done).toBe(false);
      expect(store.state.leases.b).toBeUndefined();
      disk.release();
      await expect(reg).resolves.toBe('registered');
      expect(Object.keys((await onDisk(dir)).leases).sort()).toEqual(['a', 'b']);
      await expect(renewal).resolves.toBe('renewed');
    } finally {
      await store.close();
    }
    expect((await onDisk(dir)).leases.a?.renewedAt).toBe(R1);
  });

  it('a failed write-behind is logged, leaves privateConfig intact and is retried by the next write', async () => {
    const dir = freshDir();
    const disk = controlledWrite();
    const errors: unknown[] = [];
    const logger = { error: (obj: unknown) => void errors.push(obj) };
    const store = await StateStore.open({ dir, licenseId: 'x', now, write: disk.write, logger });
    try {
      await store.update(register('a', T0.toISOString()));
      disk.fail(1);
      await expect(store.update(renew('a', R1))).resolves.toBe('renewed');
      await ticks();
      expect(errors).toHaveLength(1);
      // The file is still the last good one, not a torn or empty write.
      expect((await onDisk(dir)).leases.a?.renewedAt).toBe(T0.toISOString());
      expect((await readdir(dir)).sort()).toEqual(['.lock', PRIVATE_CONFIG_FILE]);
      expect(store.hasUnwrittenChanges).toBe(true);
      // The next durable write carries the renewal along.
      await expect(store.update(register('b', T0.toISOString()))).resolves.toBe('registered');
      const file = await onDisk(dir);
      expect(file.leases.a?.renewedAt).toBe(R1);
      expect(Object.keys(file.leases).sort()).toEqual(['a', 'b']);
      expect(store.hasUnwrittenChanges).toBe(false);
      // A failed slot write is refused to its caller and does not drop renewals decided before it.
      disk.fail(2);
      const renewal = store.update(renew('a', R2));
      const slot = store.update(register('c', T0.toISOString()));
      await expect(renewal).resolves.toBe('renewed');
      await expect(slot).rejects.toThrow('disk full');
      expect(errors).toHaveLength(2);
      expect(store.state.leases.c).toBeUndefined();
      expect(store.state.leases.a?.renewedAt).toBe(R2);
    } finally {
      await store.close();
    }
    const file = await onDisk(dir);
    expect(file.leases.a?.renewedAt).toBe(R2);
    expect(Object.keys(file.leases).sort()).toEqual(['a', 'b']);
  });
});
