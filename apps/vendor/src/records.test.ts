import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bind, ISSUED_DIR, readRecord, RecordError, REFUSED_SCANS_KEPT, unbind, writeRecord, type IssuedRecord } from './records.ts';

const record = (licenseId: string, kind: IssuedRecord['kind'] = 'container'): IssuedRecord => ({
  licenseId,
  kind,
  activationKey: { x: 'X'.repeat(43), d: 'D'.repeat(43) },
  issuedAt: '2026-01-01T00:00:00.000Z',
  company: 'Acme',
  project: 'Reports',
  binding: null,
  refusedScans: [],
});
const t0 = new Date('2026-02-01T08:00:00Z');
const t1 = new Date('2026-02-02T09:30:00Z');

let vendorDir: string;
beforeAll(async () => {
  vendorDir = await mkdtemp(join(tmpdir(), 'vendor-records-'));
});
afterAll(() => rm(vendorDir, { recursive: true, force: true }));

describe('license records', () => {
  it('writes one 0600 file per license, atomically (no temp file left), and reads it back', async () => {
    await writeRecord(vendorDir, record('lic-1'));
    const path = join(vendorDir, ISSUED_DIR, 'lic-1.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readRecord(vendorDir, 'lic-1')).toEqual(record('lic-1'));
    // Replaced by a rename (a new inode), never rewritten in place, and no temp file left behind.
    const inode = (await stat(path)).ino;
    await writeRecord(vendorDir, { ...record('lic-1'), company: 'Acme 2' });
    expect((await stat(path)).ino).not.toBe(inode);
    expect((await readdir(join(vendorDir, ISSUED_DIR))).filter((n) => n.includes('lic-1'))).toEqual(['lic-1.json']);
    expect((await readRecord(vendorDir, 'lic-1'))?.company).toBe('Acme 2');
  });

  it('answers null for a license it never issued', async () => {
    expect(await readRecord(vendorDir, 'never-issued')).toBeNull();
  });

  it('refuses license ids that are not safe file names (no path traversal)', async () => {
    await writeFile(join(vendorDir, 'outside.json'), JSON.stringify(record('outside')));
    for (const id of ['../outside', '..', '.hidden', 'a/b', 'a\\b', '', 'x'.repeat(129), 'nul\0byte']) {
      await expect(readRecord(vendorDir, id)).rejects.toThrow(RecordError);
      await expect(bind(vendorDir, id, 'fp', t0)).rejects.toThrow(/not a safe file name/);
      await expect(unbind(vendorDir, id)).rejects.toThrow(RecordError);
      await expect(writeRecord(vendorDir, record(id))).rejects.toThrow(RecordError);
    }
  });

  it('refuses a file that is not a record, or a record filed under another license id', async () => {
    await writeFile(join(vendorDir, ISSUED_DIR, 'broken.json'), '{"licenseId":');
    await expect(readRecord(vendorDir, 'broken')).rejects.toThrow(/not valid JSON/);
    await writeFile(join(vendorDir, ISSUED_DIR, 'renamed.json'), JSON.stringify(record('lic-1')));
    await expect(readRecord(vendorDir, 'renamed')).rejects.toThrow(/not a license record/);
  });
});

describe('binding (one license, one server instance or project)', () => {
  it('binds on first use, accepts the same fingerprint again, refuses another without overwriting', async () => {
    await writeRecord(vendorDir, record('lic-b'));
    const first = await bind(vendorDir, 'lic-b', 'project-A', t0);
    expect(first).toMatchObject({ ok: true, firstUse: true, record: { binding: { fingerprint: 'project-A', boundAt: t0.toISOString() } } });

    const again = await bind(vendorDir, 'lic-b', 'project-A', t1);
    expect(again).toMatchObject({ ok: true, firstUse: false, record: { binding: { boundAt: t0.toISOString() } } });

    const other = await bind(vendorDir, 'lic-b', 'project-B', t1);
    expect(other).toEqual({
      ok: false,
      reason: 'already-bound',
      record: expect.objectContaining({ licenseId: 'lic-b' }),
      binding: { fingerprint: 'project-A', boundAt: t0.toISOString() },
    });
    const onDisk = JSON.parse(await readFile(join(vendorDir, ISSUED_DIR, 'lic-b.json'), 'utf8'));
    expect(onDisk.binding).toEqual({ fingerprint: 'project-A', boundAt: t0.toISOString() });
  });

  it('lets exactly one of many simultaneous first scans bind', async () => {
    await writeRecord(vendorDir, record('lic-race'));
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => bind(vendorDir, 'lic-race', `fp-${i}`, t0)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'already-bound')).toHaveLength(7);
  });

  it('unbind frees the binding (saying what it was) so another fingerprint can bind', async () => {
    await writeRecord(vendorDir, record('lic-u', 'server'));
    expect(await unbind(vendorDir, 'lic-u')).toMatchObject({ ok: true, freed: null });
    await bind(vendorDir, 'lic-u', 'server-A', t0);
    expect(await unbind(vendorDir, 'lic-u')).toMatchObject({
      ok: true,
      freed: { fingerprint: 'server-A', boundAt: t0.toISOString() },
      record: { binding: null },
    });
    expect(await bind(vendorDir, 'lic-u', 'server-B', t1)).toMatchObject({ ok: true, firstUse: true });
  });

  it('a license server is bound to its site too: the same installation from another site is refused as moved, and recorded', async () => {
    await writeRecord(vendorDir, record('lic-site', 'server'));
    expect(await bind(vendorDir, 'lic-site', 'LS-1', t0, 'aaaaaaaaaaaaaaaa')).toMatchObject({ ok: true, firstUse: true, record: { binding: { site: 'aaaaaaaaaaaaaaaa' } } });
    expect(await bind(vendorDir, 'lic-site', 'LS-1', t1, 'aaaaaaaaaaaaaaaa')).toMatchObject({ ok: true, firstUse: false });
    const moved = await bind(vendorDir, 'lic-site', 'LS-1', t1, 'bbbbbbbbbbbbbbbb');
    expect(moved).toMatchObject({ ok: false, reason: 'moved', binding: { fingerprint: 'LS-1', site: 'aaaaaaaaaaaaaaaa' } });
    const other = await bind(vendorDir, 'lic-site', 'LS-2', t1, 'cccccccccccccccc');
    expect(other).toMatchObject({ ok: false, reason: 'already-bound' });
    const ledger = await readRecord(vendorDir, 'lic-site');
    expect(ledger?.binding?.site).toBe('aaaaaaaaaaaaaaaa'); // never rebound by a refused scan
    expect(ledger?.refusedScans).toEqual([
      { at: t1.toISOString(), why: 'moved', fingerprint: 'LS-1', site: 'bbbbbbbbbbbbbbbb' },
      { at: t1.toISOString(), why: 'bound', fingerprint: 'LS-2', site: 'cccccccccccccccc' },
    ]);
    // A real migration: the vendor unbinds, and the new site binds.
    await unbind(vendorDir, 'lic-site');
    expect(await bind(vendorDir, 'lic-site', 'LS-1', t1, 'bbbbbbbbbbbbbbbb')).toMatchObject({ ok: true, firstUse: true });
  });

  it('keeps only the newest refused scans; a binding from before sites adopts the first site seen', async () => {
    await writeRecord(vendorDir, { ...record('lic-many', 'server'), binding: { fingerprint: 'LS-1', boundAt: t0.toISOString() } });
    expect(await bind(vendorDir, 'lic-many', 'LS-1', t1, 'aaaaaaaaaaaaaaaa')).toMatchObject({ ok: true, record: { binding: { site: 'aaaaaaaaaaaaaaaa' } } });
    // The adopted site is the binding's from now on: the same installation elsewhere has moved.
    expect(await bind(vendorDir, 'lic-many', 'LS-1', t1, 'bbbbbbbbbbbbbbbb')).toMatchObject({ ok: false, reason: 'moved' });
    for (let i = 0; i < REFUSED_SCANS_KEPT + 5; i += 1) await bind(vendorDir, 'lic-many', `LS-${i + 2}`, t1);
    const ledger = await readRecord(vendorDir, 'lic-many');
    expect(ledger?.refusedScans).toHaveLength(REFUSED_SCANS_KEPT);
    // The oldest six (the move and LS-2…LS-6) gave way to the newest.
    expect(ledger?.refusedScans[0]).toMatchObject({ why: 'bound', fingerprint: 'LS-7' });
    expect(ledger?.refusedScans.at(-1)?.fingerprint).toBe(`LS-${REFUSED_SCANS_KEPT + 6}`);
    expect(ledger?.binding).toEqual({ fingerprint: 'LS-1', boundAt: t0.toISOString(), site: 'aaaaaaaaaaaaaaaa' });
  });

  it('a scan without a site (a Local Container, or a license server too old to send one) is judged by the fingerprint alone', async () => {
    await writeRecord(vendorDir, record('lic-nosite', 'server'));
    await bind(vendorDir, 'lic-nosite', 'LS-1', t0, 'aaaaaaaaaaaaaaaa');
    expect(await bind(vendorDir, 'lic-nosite', 'LS-1', t1)).toMatchObject({ ok: true, firstUse: false, record: { binding: { site: 'aaaaaaaaaaaaaaaa' } } });
    expect(await bind(vendorDir, 'lic-nosite', 'LS-2', t1)).toMatchObject({ ok: false, reason: 'already-bound' });
    expect((await readRecord(vendorDir, 'lic-nosite'))?.refusedScans).toEqual([{ at: t1.toISOString(), why: 'bound', fingerprint: 'LS-2' }]);
  });

  it('reads a record as the previous version wrote it (a shared secret, no refused scans, a binding without site)', async () => {
    const old = { licenseId: 'lic-v1', kind: 'server', activationSecret: 'A'.repeat(22), issuedAt: '2026-01-01T00:00:00.000Z', company: 'Acme', binding: { fingerprint: 'LS-1', boundAt: t0.toISOString() } };
    await writeFile(join(vendorDir, ISSUED_DIR, 'lic-v1.json'), JSON.stringify(old));
    const read = await readRecord(vendorDir, 'lic-v1');
    expect(read).toEqual({ ...old, refusedScans: [] });
    expect(read?.activationKey).toBeUndefined();
    expect(await bind(vendorDir, 'lic-v1', 'LS-1', t1, 'aaaaaaaaaaaaaaaa')).toMatchObject({ ok: true, firstUse: false, record: { binding: { site: 'aaaaaaaaaaaaaaaa' } } });
  });

  it('answers unknown-license for bind and unbind of a license never issued', async () => {
    expect(await bind(vendorDir, 'nobody', 'fp', t0)).toEqual({ ok: false, reason: 'unknown-license' });
    expect(await unbind(vendorDir, 'nobody')).toEqual({ ok: false, reason: 'unknown-license' });
  });
});
