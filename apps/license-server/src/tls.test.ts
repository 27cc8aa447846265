import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StartupError } from './messages.ts';
import { loadOrCreateTls } from './tls.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ls-tls-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('generates a self-signed P-256 certificate for localhost/127.0.0.1/::1 once, then reuses it', async () => {
  const tlsDir = join(dir, 'generated');
  const first = await loadOrCreateTls(tlsDir, new Date('2026-06-01T00:00:00Z'));
  expect(first.generated).toBe(true);
  expect((await stat(join(tlsDir, 'key.pem'))).mode & 0o777).toBe(0o600);
  const cert = new X509Certificate(first.cert);
  expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  expect(cert.publicKey.asymmetricKeyType).toBe('ec');
  expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  expect(cert.ca).toBe(false);
  expect(cert.verify(cert.publicKey)).toBe(true);
  expect(new Date(cert.validTo).getUTCFullYear()).toBe(2036);
  expect(cert.checkPrivateKey(createPrivateKey(first.key))).toBe(true);

  const second = await loadOrCreateTls(tlsDir);
  expect(second).toEqual({ cert: first.cert, key: first.key, generated: false });
});

it('uses the administrator certificate when both files exist, refuses when only one does', async () => {
  const own = join(dir, 'own');
  await loadOrCreateTls(own);
  await writeFile(join(own, 'cert.pem'), `${await readFile(join(own, 'cert.pem'), 'utf8')}\n`);
  expect((await loadOrCreateTls(own)).generated).toBe(false);

  const half = join(dir, 'half');
  await loadOrCreateTls(half);
  await rm(join(half, 'key.pem'));
  const error = await loadOrCreateTls(half).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StartupError);
  expect((error as StartupError).key).toBe('tlsIncomplete');
});
