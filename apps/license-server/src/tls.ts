import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import './reflect-metadata.ts';
import * as x509 from '@peculiar/x509';
import { writeFileAtomic } from '@registration/licensing/files';
import { StartupError } from './messages.ts';

/** PEM certificate (chain) and private key for the HTTPS listener. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** True when this call generated the self-signed pair (first start without a mapped certificate). */
  generated: boolean;
}

export const CERT_FILE = 'cert.pem';
export const KEY_FILE = 'key.pem';
const VALIDITY_YEARS = 10;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** A self-signed ECDSA P-256 certificate for localhost, 127.0.0.1 and ::1 (the manual's built-in certificate). */
export async function generateSelfSigned(now = new Date()): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  // Backdated a little so that a client whose clock is slightly behind still accepts it.
  const notBefore = new Date(now.getTime() - 3600e3);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    // Positive 63-bit serial: random, and never read as negative by strict parsers.
    serialNumber: `01${randomBytes(8).toString('hex')}`,
    name: 'CN=localhost, O=License Server (self-signed)',
    notBefore,
    notAfter,
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      // An end-entity certificate: browsers refuse a CA certificate used as a server certificate.
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const key = KeyObject.from(keys.privateKey as unknown as webcrypto.CryptoKey).export({ type: 'pkcs8', format: 'pem' });
  return { cert: certificate.toString('pem'), key: key.toString() };
}

/**
 * Uses `<dir>/cert.pem` + `<dir>/key.pem` when both exist; otherwise generates the self-signed pair into
 * `<dir>` once (key 0600) and reuses it on every later start, so clients can pin it.
 */
export async function loadOrCreateTls(dir: string, now = new Date()): Promise<TlsMaterial> {
  const certPath = join(dir, CERT_FILE);
  const keyPath = join(dir, KEY_FILE);
  const [hasCert, hasKey] = await Promise.all([exists(certPath), exists(keyPath)]);
  if (hasCert && hasKey) {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { cert, key, generated: false };
  }
  if (hasCert || hasKey) throw new StartupError('tlsIncomplete', { dir });
  await mkdir(dir, { recursive: true });
  const { cert, key } = await generateSelfSigned(now);
  // Key first: a cert.pem on disk always has its key beside it.
  await writeFileAtomic(keyPath, key, 0o600);
  await writeFileAtomic(certPath, cert, 0o644);
  return { cert, key, generated: true };
}
