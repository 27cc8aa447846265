import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChallengeKeys, createActivationKeyPair } from '@registration/licensing/activation-code';
import { createChallenge, phonePageUrl, type Challenge } from '@registration/licensing/challenge';
import { computeVerificationCode } from '@registration/licensing/verification-code';
import { writeRecord, type IssuedRecord } from '../records.ts';
import { startPhonePage } from './serve.ts';

/** Test-only: a phone page over real HTTP on 127.0.0.1:0 with a hand-set clock and three issued licenses. */

export const T0 = new Date('2026-03-01T10:00:00.000Z');

/** A fresh activation key pair as the ledger keeps it. */
export function activationKey(): { x: string; d: string } {
  const pair = createActivationKeyPair();
  return { x: pair.publicX, d: pair.privateD };
}

export const record = (licenseId: string, kind: IssuedRecord['kind'], extra: Partial<IssuedRecord> = {}): IssuedRecord => ({
  licenseId,
  kind,
  activationKey: activationKey(),
  issuedAt: '2026-01-01T00:00:00.000Z',
  company: 'Acme <Ltd> & Co',
  project: 'Sales "Q1"',
  binding: null,
  refusedScans: [],
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
  const verifier = new ChallengeKeys(1000);
  const page = await startPhonePage({ vendorDir: dir, host: '127.0.0.1', port: 0, clock: () => now, logError: (m) => logged.push(m) });
  return {
    dir,
    url: page.url,
    logged,
    setNow(value: Date) {
      now = value;
    },
    /**
     * A QR code as the license server / BFF would make it (a challenge key held by this "verifier"), for a
     * challenge created at the current time; `expected(licenseKey)` is the code that verifier accepts.
     */
    scan(licenseId: string, kind: IssuedRecord['kind'], fingerprint: string, site?: string) {
      const challenge: Challenge = createChallenge({ now, fingerprint });
      const challengeKey = verifier.create();
      const url = phonePageUrl(page.url, challenge, { licenseId, kind, challengeKey, ...(site === undefined ? {} : { site }) });
      const expected = (licenseKey: string) => {
        const secret = verifier.codeKey(challengeKey, { licenseId, kind, licenseKey });
        return secret === null ? null : computeVerificationCode({ secret, ...challenge });
      };
      return { url, challenge, expected };
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
