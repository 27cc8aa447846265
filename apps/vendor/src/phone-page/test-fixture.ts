import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChallenge, phonePageUrl, type Challenge } from '@registration/licensing/challenge';
import { writeRecord, type IssuedRecord } from '../records.ts';
import { startPhonePage } from './serve.ts';

/** Test-only: a phone page over real HTTP on 127.0.0.1:0 with a hand-set clock and three issued licenses. */

export const T0 = new Date('2026-03-01T10:00:00.000Z');

export const record = (licenseId: string, kind: IssuedRecord['kind'], extra: Partial<IssuedRecord> = {}): IssuedRecord => ({
  licenseId,
  kind,
  activationSecret: Buffer.alloc(32, licenseId).toString('base64url'),
  issuedAt: '2026-01-01T00:00:00.000Z',
  company: 'Acme <Ltd> & Co',
  project: 'Sales "Q1"',
  binding: null,
  ...extra,
});

/** The six digits the page shows, if it shows a code. */
export const shownCode = (body: string) => /<div class="code"[^>]*>(\d{6})<\/div>/.exec(body)?.[1];

export async function phonePageFixture() {
  const dir = await mkdtemp(join(tmpdir(), 'vendor-phone-'));
  // lic-c / lic-x: Local Container; lic-s: a license server (no project).
  for (const r of [record('lic-c', 'container'), record('lic-s', 'server', { project: undefined }), record('lic-x', 'container')]) {
    await writeRecord(dir, r);
  }
  let now = T0;
  const logged: string[] = [];
  const page = await startPhonePage({ vendorDir: dir, host: '127.0.0.1', port: 0, clock: () => now, logError: (m) => logged.push(m) });
  return {
    dir,
    url: page.url,
    logged,
    setNow(value: Date) {
      now = value;
    },
    /** A QR code as the license server / BFF would make it, for a challenge created at the current time. */
    scan(licenseId: string, kind: IssuedRecord['kind'], fingerprint: string): { url: string; challenge: Challenge } {
      const challenge = createChallenge({ now, fingerprint });
      return { url: phonePageUrl(page.url, challenge, { licenseId, kind }), challenge };
    },
    async get(url: string, headers: Record<string, string> = {}) {
      const res = await fetch(url, { headers });
      return { status: res.status, headers: res.headers, body: await res.text() };
    },
    async close() {
      await page.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
