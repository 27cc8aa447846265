import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSelfSigned } from '../../../license-server/src/tls.ts';

/** The license server's own built-in certificate (localhost, 127.0.0.1, ::1), as `pnpm start` uses it. */
export function loopbackCert(): Promise<{ cert: string; key: string }> {
  return generateSelfSigned();
}

/**
 * A self-signed certificate valid only for `dnsName` — served on 127.0.0.1 it gives a real hostname
 * mismatch without touching DNS. Made with the openssl CLI (present on Debian CI and macOS).
 */
export function certOnlyFor(dnsName: string): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bff-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-subj', `/CN=${dnsName}`, '-addext', `subjectAltName=DNS:${dnsName}`, '-days', '2',
      '-keyout', keyFile, '-out', certFile,
    ], { stdio: 'ignore' });
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
