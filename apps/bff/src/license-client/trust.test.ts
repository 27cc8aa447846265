import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ServerCertificate, TrustedCertificate } from '@registration/protocol/bff-api';
import { certOnlyFor, loopbackCert } from '../testing/certs.ts';
import { altNames, describeCertificate } from './certificate.ts';
import { decideTrust } from './trust.ts';

const NOW = new Date('2026-11-02T08:00:00.000Z');

const cert = (overrides: Partial<ServerCertificate> = {}): ServerCertificate => ({
  subject: 'CN=localhost, O=License Server (self-signed)',
  issuer: 'CN=localhost, O=License Server (self-signed)',
  altNames: ['localhost', '127.0.0.1'],
  validFrom: '2026-11-01T00:00:00.000Z',
  validTo: '2036-11-01T00:00:00.000Z',
  fingerprint: 'AA:'.repeat(31) + 'AA',
  coversHost: true,
  validNow: true,
  ...overrides,
});

const confirmed = (fingerprint = 'AA:'.repeat(31) + 'AA'): TrustedCertificate => ({
  origin: 'https://172.16.63.131:49155',
  fingerprint,
  subject: 'CN=localhost, O=License Server (self-signed)',
  confirmedBy: 'admin',
  confirmedAt: '2026-10-01T08:00:00.000Z',
});

describe('the trust rule (pure)', () => {
  const host = '172.16.63.131';

  it.each([
    // [case, verifyError, certificate, confirmation, trust, refusal]
    ['CA-trusted and naming the host', null, cert(), null, 'ca', null],
    ['CA-trusted but for other names', null, cert({ coversHost: false }), null, 'ca', 'TLS_HOSTNAME_MISMATCH'],
    ['CA-trusted wins over a stale confirmation', null, cert(), confirmed('BB:'.repeat(31) + 'BB'), 'ca', null],
    ['self-signed, nobody confirmed it', 'DEPTH_ZERO_SELF_SIGNED_CERT', cert(), null, 'untrusted', 'TLS_UNTRUSTED'],
    ['unknown issuer, nobody confirmed it', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', cert(), null, 'untrusted', 'TLS_UNTRUSTED'],
    ['self-signed and confirmed', 'DEPTH_ZERO_SELF_SIGNED_CERT', cert(), confirmed(), 'confirmed', null],
    ['confirmed although its names do not cover the host (pinned to the origin)', 'DEPTH_ZERO_SELF_SIGNED_CERT', cert({ coversHost: false }), confirmed(), 'confirmed', null],
    ['confirmed but expired on the BFF clock', 'DEPTH_ZERO_SELF_SIGNED_CERT', cert({ validNow: false }), confirmed(), 'confirmed', 'TLS_CERT_EXPIRED'],
    ['confirmed but OpenSSL says expired', 'CERT_HAS_EXPIRED', cert(), confirmed(), 'confirmed', 'TLS_CERT_EXPIRED'],
    ['expired and nobody confirmed it: renew, not trust', 'DEPTH_ZERO_SELF_SIGNED_CERT', cert({ validNow: false }), null, 'untrusted', 'TLS_CERT_EXPIRED'],
    ['another certificate at a confirmed origin', 'DEPTH_ZERO_SELF_SIGNED_CERT', cert(), confirmed('BB:'.repeat(31) + 'BB'), 'changed', 'TLS_CERT_CHANGED'],
    ['another, expired certificate at a confirmed origin', 'DEPTH_ZERO_SELF_SIGNED_CERT', cert({ validNow: false }), confirmed('BB:'.repeat(31) + 'BB'), 'changed', 'TLS_CERT_CHANGED'],
  ] as const)('%s → %s / %s', (_case, verifyError, certificate, pin, trust, refusal) => {
    const verdict = decideTrust({ host, verifyError, certificate, confirmed: pin });
    expect(verdict.trust).toBe(trust);
    expect(verdict.refusal?.name ?? null).toBe(refusal);
    expect(verdict.certificate).toBe(certificate);
    expect(verdict.confirmed).toBe(pin);
  });

  it('says who confirmed what, and when, when the certificate changed', () => {
    const v = decideTrust({ host, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificate: cert(), confirmed: confirmed('BB:'.repeat(31) + 'BB') });
    expect(v.refusal).toEqual({
      code: 31008,
      name: 'TLS_CERT_CHANGED',
      params: {
        fingerprint: 'AA:'.repeat(31) + 'AA',
        confirmedFingerprint: 'BB:'.repeat(31) + 'BB',
        confirmedAt: '2026-10-01T08:00:00.000Z',
        confirmedBy: 'admin',
        subject: cert().subject,
        issuer: cert().issuer,
        validFrom: cert().validFrom,
        validTo: cert().validTo,
        altNames: ['localhost', '127.0.0.1'],
      },
    });
  });

  it('shows an unknown OpenSSL verify code as it is', () => {
    const v = decideTrust({ host, verifyError: 'INVALID_PURPOSE', certificate: cert(), confirmed: null });
    expect(v.refusal?.params?.detail).toBe('INVALID_PURPOSE');
  });
});

describe('describing a certificate', () => {
  let builtIn: { cert: string; key: string };
  beforeAll(async () => {
    builtIn = await loopbackCert(NOW);
  });

  it('reads names, issuer, validity on the given clock and the SHA-256 fingerprint in colon hex', () => {
    const x = new X509Certificate(builtIn.cert);
    const d = describeCertificate(x.raw, '127.0.0.1', NOW);
    expect(d).toEqual({
      subject: 'CN=localhost, O=License Server (self-signed)',
      issuer: 'CN=localhost, O=License Server (self-signed)',
      altNames: ['localhost', '127.0.0.1', '0:0:0:0:0:0:0:1'],
      validFrom: '2026-11-02T07:00:00.000Z',
      validTo: '2036-11-02T08:00:00.000Z',
      fingerprint: x.fingerprint256,
      coversHost: true,
      validNow: true,
    });
    expect(d.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(describeCertificate(x.raw, '172.16.63.131', NOW).coversHost).toBe(false);
    expect(describeCertificate(x.raw, 'localhost', NOW).coversHost).toBe(true);
    expect(describeCertificate(x.raw, '127.0.0.1', new Date('2026-11-02T06:59:59.999Z')).validNow).toBe(false);
    expect(describeCertificate(x.raw, '127.0.0.1', new Date('2036-11-02T08:00:00.001Z')).validNow).toBe(false);
  });

  it('matches DNS names the way TLS does', () => {
    const x = new X509Certificate(certOnlyFor('license.example.test').cert);
    expect(describeCertificate(x.raw, 'license.example.test', new Date()).coversHost).toBe(true);
    expect(describeCertificate(x.raw, 'LICENSE.example.test', new Date()).coversHost).toBe(true);
    expect(describeCertificate(x.raw, 'other.example.test', new Date()).coversHost).toBe(false);
  });

  it('splits subjectAltName into names', () => {
    expect(altNames('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1')).toEqual(['localhost', '127.0.0.1', '0:0:0:0:0:0:0:1']);
    expect(altNames(undefined)).toEqual([]);
  });
});
