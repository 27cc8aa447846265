import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CHALLENGE_KINDS } from '@registration/protocol/phone-page';
import { readTextIfExists, writeFileAtomic } from '@registration/licensing/files';

/**
 * The vendor's ledger of issued licenses: one JSON file per license in `<vendorDir>/issued/`. It keeps
 * the private half of each license's activation key (so that only the phone page can compute codes) and the one binding a license may have
 * (DESIGN.md §3.2.5: one Container.lic registers one project; one server license, one server instance).
 */

export const ISSUED_DIR = 'issued';
// Starts with a letter or digit: no `.`/`..`, no hidden files, no clash with the writer's `.…tmp` files.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const isoDate = z.iso.datetime({ offset: true });

/**
 * What a license is bound to: the installation (license server: its privateConfig; Local Container: the
 * project) and, for a license server, the site it was activated at (machine and config folder).
 */
export const bindingSchema = z.object({
  fingerprint: z.string().min(1).max(128),
  boundAt: isoDate,
  site: z.string().regex(/^[0-9a-f]{16}$/).optional(),
});
export type Binding = z.infer<typeof bindingSchema>;

/** A scan the ledger refused: another installation, or the same one at another site (a copy, or a move). */
export const refusedScanSchema = z.object({
  at: isoDate,
  why: z.enum(['bound', 'moved']),
  fingerprint: z.string().min(1).max(128),
  site: z.string().max(64).optional(),
});
export type RefusedScan = z.infer<typeof refusedScanSchema>;

/** How many refused scans a record keeps (the newest). */
export const REFUSED_SCANS_KEPT = 50;

const b64url43 = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const issuedRecordSchema = z.object({
  licenseId: z.string().regex(SAFE_ID),
  kind: z.enum(CHALLENGE_KINDS),
  /**
   * The license's activation key (X25519): `x` is in the signed license, `d` only here. The phone page
   * computes codes with it; nothing the customer holds can.
   */
  activationKey: z.object({ x: b64url43, d: b64url43 }).optional(),
  /** Licenses issued before activation keys carried a shared secret: such a license must be re-issued. */
  activationSecret: z.string().regex(/^[A-Za-z0-9_-]{22,171}$/).optional(),
  issuedAt: isoDate,
  company: z.string().min(1).max(256),
  project: z.string().min(1).max(256).optional(),
  binding: bindingSchema.nullable(),
  refusedScans: z.array(refusedScanSchema).max(REFUSED_SCANS_KEPT).default([]),
});
export type IssuedRecord = z.infer<typeof issuedRecordSchema>;

/** A record that cannot be used: an id that is not a safe file name, or a file that is not a record. */
export class RecordError extends Error {
  override readonly name = 'RecordError';
  constructor(
    readonly kind: 'unsafe-id' | 'corrupt',
    message: string,
  ) {
    super(message);
  }
}

/** Whether `licenseId` can name a record file (nothing that could climb out of `issued/`). */
export function isSafeLicenseId(licenseId: unknown): licenseId is string {
  return typeof licenseId === 'string' && SAFE_ID.test(licenseId);
}

function recordPath(vendorDir: string, licenseId: string): string {
  if (!isSafeLicenseId(licenseId)) throw new RecordError('unsafe-id', 'license id is not a safe file name');
  return join(vendorDir, ISSUED_DIR, `${licenseId}.json`);
}

/** Writes (or replaces) a record atomically, mode 0600: it holds the license's private activation key. */
export async function writeRecord(vendorDir: string, record: IssuedRecord): Promise<void> {
  const path = recordPath(vendorDir, record.licenseId);
  const valid = issuedRecordSchema.parse(record);
  await mkdir(join(vendorDir, ISSUED_DIR), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(valid, null, 2)}\n`, 0o600);
}

/** The record of `licenseId`, or null if the vendor never issued it; throws RecordError for a bad id or file. */
export async function readRecord(vendorDir: string, licenseId: string): Promise<IssuedRecord | null> {
  const path = recordPath(vendorDir, licenseId);
  const text = await readTextIfExists(path);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RecordError('corrupt', `${path} is not valid JSON`);
  }
  const parsed = issuedRecordSchema.safeParse(json);
  // A file renamed to another license's name must not lend that license its activation key.
  if (!parsed.success || parsed.data.licenseId !== licenseId) throw new RecordError('corrupt', `${path} is not a license record`);
  return parsed.data;
}

// Read-modify-write of one record runs one at a time in this process, so two phones scanning at once
// cannot both "bind first". (The phone page is the only binder; `unbind` is a vendor's rare manual step.)
const queues = new Map<string, Promise<unknown>>();
function serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(task, task);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => queues.get(key) === tail && queues.delete(key));
  return run;
}

export type BindResult =
  | { ok: true; record: IssuedRecord; firstUse: boolean }
  | { ok: false; reason: 'unknown-license' }
  | { ok: false; reason: 'already-bound' | 'moved'; record: IssuedRecord; binding: Binding };

/**
 * First use binds the license to `fingerprint` (and `site`); the same again is fine. Another fingerprint is
 * refused (`already-bound`); the same fingerprint from another site — a copy of the license server's
 * privateConfig, or one moved without the vendor — is refused too (`moved`). A refusal is recorded in the
 * ledger, never a rebinding: `vendor unbind` frees the license for a real migration.
 */
export async function bind(vendorDir: string, licenseId: string, fingerprint: string, now: Date, site?: string): Promise<BindResult> {
  return serialised(recordPath(vendorDir, licenseId), async () => {
    const record = await readRecord(vendorDir, licenseId);
    if (record === null) return { ok: false, reason: 'unknown-license' };
    const { binding } = record;
    if (binding !== null) {
      const sameSite = site === undefined || binding.site === undefined || binding.site === site;
      if (binding.fingerprint === fingerprint && sameSite) {
        if (binding.site !== undefined || site === undefined) return { ok: true, record, firstUse: false };
        // Bound before sites were recorded: the first site seen since is the one.
        const withSite: IssuedRecord = { ...record, binding: { ...binding, site } };
        await writeRecord(vendorDir, withSite);
        return { ok: true, record: withSite, firstUse: false };
      }
      const why = binding.fingerprint === fingerprint ? 'moved' : 'bound';
      const refused: RefusedScan = { at: now.toISOString(), why, fingerprint, ...(site === undefined ? {} : { site }) };
      const noted: IssuedRecord = { ...record, refusedScans: [...record.refusedScans, refused].slice(-REFUSED_SCANS_KEPT) };
      await writeRecord(vendorDir, noted);
      return { ok: false, reason: why === 'moved' ? 'moved' : 'already-bound', record: noted, binding };
    }
    const bound: IssuedRecord = { ...record, binding: { fingerprint, boundAt: now.toISOString(), ...(site === undefined ? {} : { site }) } };
    await writeRecord(vendorDir, bound);
    return { ok: true, record: bound, firstUse: true };
  });
}

export type UnbindResult = { ok: true; record: IssuedRecord; freed: Binding | null } | { ok: false; reason: 'unknown-license' };

/** Frees a license's binding (a migration); `freed` is what it was bound to, null if it was not bound. */
export async function unbind(vendorDir: string, licenseId: string): Promise<UnbindResult> {
  return serialised(recordPath(vendorDir, licenseId), async () => {
    const record = await readRecord(vendorDir, licenseId);
    if (record === null) return { ok: false, reason: 'unknown-license' };
    if (record.binding === null) return { ok: true, record, freed: null };
    const freed: IssuedRecord = { ...record, binding: null };
    await writeRecord(vendorDir, freed);
    return { ok: true, record: freed, freed: record.binding };
  });
}
