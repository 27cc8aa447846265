import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSelfSigned } from '../../../license-server/src/tls.ts';

/**
 * The license server's own built-in certificate (localhost, 127.0.0.1, ::1), as `pnpm start` uses it;
 * valid from `now` (a test clock) for ten years.
 */
export function loopbackCert(now?: Date): Promise<{ cert: string; key: string }> {
  return generateSelfSigned(now);
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

/**
 * A private CA and a server certificate it issued for `names` (DNS names or IPs): what an operator
 * mounts into the license server's `tls/` and gives the BFF as LICENSE_SERVER_CA. openssl CLI, 2 days.
 */
export function caIssued(names: string[]): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bff-ca-'));
  const file = (name: string) => path.join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run(['req', '-x509', ...ec, '-subj', '/CN=Test Private CA', '-days', '2', '-keyout', file('ca.key'), '-out', file('ca.pem')]);
    run(['req', ...ec, '-subj', `/CN=${names[0] ?? 'localhost'}`, '-keyout', file('key.pem'), '-out', file('req.csr')]);
    const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    writeFileSync(file('ext.cnf'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    run([
      'x509', '-req', '-in', file('req.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-days', '2', '-extfile', file('ext.cnf'), '-out', file('cert.pem'),
    ]);
    const read = (name: string) => readFileSync(file(name), 'utf8');
    return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
