import { X509Certificate } from 'node:crypto';
import { checkServerIdentity } from 'node:tls';
import type { ServerCertificate } from '@registration/protocol/bff-api';

/** `DNS:localhost, IP Address:127.0.0.1` → `['localhost', '127.0.0.1']`. */
export function altNames(san: string | undefined): string[] {
  if (!san) return [];
  return san
    .split(/,\s*/)
    .map((entry) => entry.replace(/^[^:]+:/, '').trim())
    .filter(Boolean);
}

// `CN=localhost\nO=License Server` → `CN=localhost, O=License Server` (one line on a screen).
const oneLine = (dn: string): string => dn.split('\n').join(', ');

/**
 * What an administrator needs to decide about a certificate: names, issuer, validity (against the
 * BFF's clock), whether it names `host`, and its SHA-256 fingerprint in the usual colon-hex form.
 */
export function describeCertificate(der: Buffer, host: string, now: Date): ServerCertificate {
  const x = new X509Certificate(der);
  const validFrom = new Date(x.validFrom);
  const validTo = new Date(x.validTo);
  return {
    subject: oneLine(x.subject),
    issuer: oneLine(x.issuer),
    altNames: altNames(x.subjectAltName),
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    fingerprint: x.fingerprint256,
    // The same check Node applies to a CA-trusted certificate (SAN, CN only without SAN).
    coversHost: checkServerIdentity(host, x.toLegacyObject()) === undefined,
    validNow: validFrom.getTime() <= now.getTime() && now.getTime() <= validTo.getTime(),
  };
}

/** The catalogue params that show a certificate in a reason's specifics and in the trust panel. */
export function certificateParams(c: ServerCertificate): Record<string, string | string[]> {
  return {
    fingerprint: c.fingerprint,
    subject: c.subject,
    issuer: c.issuer,
    validFrom: c.validFrom,
    validTo: c.validTo,
    altNames: c.altNames,
  };
}
