import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartupError } from './messages.ts';
import { durableStateFile, PRIVATE_CONFIG_FILE, readPrivateConfig, StateStore, type PrivateConfig, type PrivateConfigFile, type StateFile } from './store.ts';
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
      expect(second.store.state.leases.ids().sort()).toEqual(['a', 'b']);
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
            const count = state.leases.size;
            return { next: { ...state, leases: state.leases.set(`n${i}`, lease) }, result: count };
          }),
        ),
      );
      expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
      const onDisk = (await readPrivateConfig(join(dir, PRIVATE_CONFIG_FILE))) as PrivateConfigFile;
      expect(Object.keys(onDisk.leases)).toHaveLength(50);
      // A throwing mutation fails only its own caller.
      await expect(store.update(() => { throw new Error('boom'); })).rejects.toThrow('boom');
      expect(await store.update((state) => ({ result: state.leases.size }))).toBe(50);
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
    file: (path: string): StateFile => {
      const real = durableStateFile(path);
      const gated = (write: (data: string) => Promise<void>) => async (data: string) => {
        c.writes += 1;
        if (gate) await gate;
        if (failNext > 0) {
          failNext -= 1;
          throw new Error('disk full');
        }
        await write(data);
      };
      return { replace: gated(real.replace), append: gated(real.append), close: real.close };
    },
  };
  return c;
}

const leaseAt = (leaseId: string, at: string) => ({ leaseId, peer: '127.0.0.1', registeredAt: T0.toISOString(), renewedAt: at, expiresAt: at });
const register = (node: string, at: string) => (state: PrivateConfig) => ({
  next: { ...state, leases: state.leases.set(node, leaseAt(`l-${node}`, at)) },
  result: 'registered',
});
const renew = (node: string, at: string) => (state: PrivateConfig) => ({
  writeBehind: true,
  next: { ...state, leases: state.leases.set(node, leaseAt(`l-${node}`, at)) },
  result: 'renewed',
});
const onDisk = async (dir: string) => (await readPrivateConfig(join(dir, PRIVATE_CONFIG_FILE))) as PrivateConfigFile;
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
    const store = await StateStore.open({ dir, licenseId: 'x', now, file: disk.file });
    await store.update(register('a', T0.toISOString()));
    disk.hold();
    // The write is held open, yet the renewal is answered: it only had to be decided.
    await expect(store.update(renew('a', R1))).resolves.toBe('renewed');
    expect(store.state.leases.get('a')?.renewedAt).toBe(R1);
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
    const store = await StateStore.open({ dir, licenseId: 'x', now, file: disk.file });
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
      expect(store.state.leases.get('b')).toBeUndefined();
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
    const store = await StateStore.open({ dir, licenseId: 'x', now, file: disk.file, logger });
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
      expect(store.state.leases.get('c')).toBeUndefined();
      expect(store.state.leases.get('a')?.renewedAt).toBe(R2);
    } finally {
      await store.close();
    }
    const file = await onDisk(dir);
    expect(file.leases.a?.renewedAt).toBe(R2);
    expect(Object.keys(file.leases).sort()).toEqual(['a', 'b']);
  });
});

describe('privateConfig on disk: a snapshot line and a journal', () => {
  const lines = async (dir: string) => (await readFile(join(dir, PRIVATE_CONFIG_FILE), 'utf8')).split('\n').filter((line) => line !== '');
  const many = (count: number) => (state: PrivateConfig) => {
    let leases = state.leases;
    for (let i = 0; i < count; i += 1) leases = leases.set(`n${i}`, leaseAt(`l-n${i}`, T0.toISOString()));
    return { next: { ...state, leases }, result: undefined };
  };

  it('a renewal appends one line naming its own lease only, however many leases are held', async () => {
    const dir = freshDir();
    const store = await StateStore.open({ dir, licenseId: 'x', now });
    try {
      await store.update(many(1000));
      const before = (await stat(store.path)).size;
      await store.update(renew('n7', '2026-01-01T02:00:00.000Z'));
      for (let i = 0; i < 100 && store.hasUnwrittenChanges; i += 1) await ticks();
      expect(store.hasUnwrittenChanges).toBe(false);
      const written = await lines(dir);
      expect(written).toHaveLength(3);
      const last = JSON.parse(written.at(-1) as string) as { set: object; leases: Record<string, unknown> };
      expect(Object.keys(last.leases)).toEqual(['n7']);
      expect(last.set).toEqual({});
      // One lease's worth of bytes, not the thousand leases again.
      expect((await stat(store.path)).size - before).toBeLessThan(400);
      expect((await onDisk(dir)).leases.n7?.renewedAt).toBe('2026-01-01T02:00:00.000Z');
      expect(Object.keys((await onDisk(dir)).leases)).toHaveLength(1000);
    } finally {
      await store.close();
    }
    // A stopped server leaves one JSON document.
    expect(await lines(dir)).toHaveLength(1);
    expect(Object.keys((JSON.parse((await lines(dir))[0] as string) as PrivateConfigFile).leases)).toHaveLength(1000);
  });

  it('a freed lease and a changed field are journalled too, and read back after a crash (no close)', async () => {
    const dir = freshDir();
    const store = await StateStore.open({ dir, licenseId: 'x', now });
    await store.update(many(3));
    await store.update((state) => ({ next: { ...state, activatedAt: T0.toISOString(), leases: state.leases.delete('n1') }, result: undefined }));
    expect(await lines(dir)).toHaveLength(3);
    // As a SIGKILL would leave it: the journal not folded in.
    const file = (await onDisk(dir)) as PrivateConfigFile;
    expect(Object.keys(file.leases).sort()).toEqual(['n0', 'n2']);
    expect(file.activatedAt).toBe(T0.toISOString());
    await store.close();
  });

  it('at open the journal is folded into one snapshot; a last line cut short was never acknowledged and is dropped', async () => {
    const dir = freshDir();
    const first = await StateStore.open({ dir, licenseId: 'x', now });
    await first.update(many(2));
    await first.update(register('extra', T0.toISOString()));
    const whole = await readFile(first.path, 'utf8');
    await first.close();
    // What a crash in the middle of an append leaves: a line without its end.
    const cut = `${whole}${'{"set":{},"leases":{"torn":{"leaseId":"l-to'}`;
    await writeFile(join(dir, PRIVATE_CONFIG_FILE), cut);
    const second = await StateStore.open({ dir, licenseId: 'x', now });
    try {
      expect(second.state.leases.ids().sort()).toEqual(['extra', 'n0', 'n1']);
      expect(await lines(dir)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('a damaged line before the last one is damage, not a crash: start-up stops and the file is left as it is', async () => {
    const dir = freshDir();
    const store = await StateStore.open({ dir, licenseId: 'x', now });
    await store.update(many(1));
    const snapshot = (await readFile(store.path, 'utf8')).split('\n')[0] as string;
    await store.close();
    const damaged = `${snapshot}\n{"set":{},"leases":{"a":{"leaseId":1}}}\n{"set":{},"leases":{}}\n`;
    await writeFile(join(dir, PRIVATE_CONFIG_FILE), damaged);
    expect(await startupKey(StateStore.open({ dir, licenseId: 'x', now }))).toBe('stateCorrupt');
    expect(await readFile(join(dir, PRIVATE_CONFIG_FILE), 'utf8')).toBe(damaged);
  });

  it('a pretty-printed privateConfig of an earlier version loads and is rewritten as one line', async () => {
    const dir = freshDir();
    await mkdir(dir, { recursive: true });
    const earlier = {
      version: 1,
      licenseId: 'x',
      createdAt: T0.toISOString(),
      activatedAt: null,
      destroyedAt: null,
      leases: { a: leaseAt('l-a', T0.toISOString()) },
    };
    await writeFile(join(dir, PRIVATE_CONFIG_FILE), `${JSON.stringify(earlier, null, 2)}\n`);
    const store = await StateStore.open({ dir, licenseId: 'x', now });
    try {
      expect(store.state.leases.get('a')?.leaseId).toBe('l-a');
      expect(await lines(dir)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('the journal is compacted into a new snapshot once it outgrows it', async () => {
    const dir = freshDir();
    const store = await StateStore.open({ dir, licenseId: 'x', now, minJournalBytes: 4096 });
    try {
      await store.update(many(10));
      const snapshot = (await stat(store.path)).size;
      // Each change appends ~190 bytes; the journal may reach max(snapshot, 4 KB) before the file is rewritten.
      const sizes: number[] = [];
      for (let i = 0; i < 100; i += 1) {
        await store.update(register(`n${i % 10}`, new Date(T0.getTime() + i * 1000).toISOString()));
        sizes.push((await stat(store.path)).size);
      }
      expect(Math.max(...sizes)).toBeLessThanOrEqual(snapshot + Math.max(snapshot, 4096));
      // It was rewritten at least once (a size fell back), and holds the latest of every change.
      expect(sizes.some((size, i) => i > 0 && size < (sizes[i - 1] as number))).toBe(true);
      expect((await onDisk(dir)).leases.n9?.renewedAt).toBe(new Date(T0.getTime() + 99 * 1000).toISOString());
    } finally {
      await store.close();
    }
  });

  it('after an append fails part-way the next write replaces the whole file, so no broken line is left inside it', async () => {
    const dir = freshDir();
    let breakNext = false;
    const file = (path: string): StateFile => {
      const real = durableStateFile(path);
      return {
        ...real,
        append: async (data) => {
          if (!breakNext) return real.append(data);
          breakNext = false;
          await real.append(data.slice(0, 20)); // what a full disk may leave: the start of the line
          throw new Error('disk full');
        },
      };
    };
    const store = await StateStore.open({ dir, licenseId: 'x', now, file });
    try {
      await store.update(register('a', T0.toISOString()));
      breakNext = true;
      await expect(store.update(register('b', T0.toISOString()))).rejects.toThrow('disk full');
      await store.update(register('c', T0.toISOString()));
      expect(await lines(dir)).toHaveLength(1);
      expect(Object.keys((await onDisk(dir)).leases).sort()).toEqual(['a', 'c']);
    } finally {
      await store.close();
    }
  });
});
