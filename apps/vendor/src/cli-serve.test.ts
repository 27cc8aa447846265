import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChallengeKeys, createActivationKeyPair } from '@registration/licensing/activation-code';
import { createChallenge, phonePageUrl } from '@registration/licensing/challenge';
import { computeVerificationCode } from '@registration/licensing/verification-code';
import { cli, inProcess, spawnCli } from './cli/test-process.ts';
import { writeRecord } from './records.ts';

const pair = createActivationKeyPair();
const activationKey = { x: pair.publicX, d: pair.privateD };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vendor-cli-serve-'));
  await writeRecord(dir, { licenseId: 'lic-1', kind: 'container', activationKey, issuedAt: '2026-01-01T00:00:00Z', company: 'Acme', project: 'P', binding: null, refusedScans: [] });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Resolves with the listening URL once the exact line (and the hints after it) appeared; fails after 30 s or if the process ends first. */
function listening(run: ReturnType<typeof spawnCli>): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${JSON.stringify(run.output())}`)), 30_000);
    const look = () => {
      const match = /^vendor phone page listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(run.output().stdout);
      // The hint lines follow the listening line; wait for the last of them (`records: …`).
      if (match?.[1] === undefined || !run.output().stdout.includes('\nrecords: ')) return;
      clearTimeout(timer);
      resolve(match[1]);
    };
    run.child.stdout?.on('data', look);
    void run.exit.then(() => reject(new Error(`exited early: ${JSON.stringify(run.output())}`)));
  });
}

describe('vendor serve (real process)', () => {
  it('prints the listening line, serves the phone page, refuses a taken port, and stops on SIGTERM', async () => {
    const run = spawnCli('serve', '--vendor-dir', dir, '--port', '0');
    try {
      const url = await listening(run);
      expect(run.output().stdout).toContain('--host 0.0.0.0');
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });

      // A QR code as a BFF makes it: the code shown is the one it expects.
      const verifier = new ChallengeKeys();
      const challengeKey = verifier.create();
      const challenge = createChallenge({ now: new Date(), fingerprint: 'project-A' });
      const page = await (await fetch(phonePageUrl(url, challenge, { licenseId: 'lic-1', kind: 'container', challengeKey }))).text();
      const secret = verifier.codeKey(challengeKey, { licenseId: 'lic-1', kind: 'container', licenseKey: activationKey.x });
      expect(secret).not.toBeNull();
      expect(page).toContain(`>${computeVerificationCode({ secret: secret!, ...challenge })}</div>`);

      const taken = await cli('serve', '--vendor-dir', dir, '--port', new URL(url).port);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/^error: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);

      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      expect(run.output().stdout).toContain('vendor phone page stopped (SIGTERM)');
    } finally {
      run.killAll();
    }
  });

  it('refuses a vendor directory that does not exist and a bad port', async () => {
    const missing = await inProcess(['serve', '--vendor-dir', join(dir, 'nope')]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: .*nope is not a directory/) });
    const port = await inProcess(['serve', '--vendor-dir', dir, '--port', 'http']);
    expect(port).toMatchObject({ code: 1, stderr: 'error: --port must be a whole number\n' });
  });
});
