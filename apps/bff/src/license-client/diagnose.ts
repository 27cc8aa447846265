import tls from 'node:tls';
import type { Reason } from '@registration/protocol/reason';
import { reason } from '../errors.ts';
import { TimeoutError, TooLargeError, tlsOptions, type TransportOptions } from './transport.ts';

/** A network-level failure explained as a catalogue reason, plus the certificate seen when there was one. */
export interface Diagnosis {
  reason: Reason;
  fingerprint: string | null;
}

type NetError = Error & { code?: string; cert?: { subjectaltname?: string; fingerprint256?: string } };

// What an administrator can act on, per OpenSSL verify code.
const UNTRUSTED: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issuer of the certificate is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'issuer certificate not found',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer certificate not found among the trusted CAs',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_SIGNATURE_FAILURE: 'certificate signature does not verify',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
};

const PLAIN_HTTP_CODES = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);
const PLAIN_HTTP_MESSAGE = /wrong version number|ssl3_get_record|packet length too long|http request/i;

/** Port of a URL, with the scheme's default. */
export function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'http:' ? 80 : 443));
}

/** Host of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** `DNS:localhost, IP Address:127.0.0.1` → `['localhost', '127.0.0.1']`. */
function altNames(san: string | undefined): string[] {
  if (!san) return [];
  return san.split(/,\s*/).map((entry) => entry.replace(/^[^:]+:/, '').trim()).filter(Boolean);
}

/**
 * Reads the fingerprint of the certificate a server presents, without trusting it. Only used to show
 * the administrator WHICH certificate was refused; nothing is sent over this connection.
 */
export function probeFingerprint(url: URL, timeoutMs: number): Promise<string | null> {
  const host = hostOf(url);
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port: portOf(url), rejectUnauthorized: false, ...tlsOptions(host, null) });
    const done = (fp: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(fp);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.once('secureConnect', () => done(socket.getPeerCertificate().fingerprint256 ?? null));
    socket.once('error', () => done(null));
  });
}

/** Explains why an exchange with `url` failed, in the terms of the catalogue. */
export async function diagnose(error: unknown, url: URL, options: TransportOptions): Promise<Diagnosis> {
  const err = (error instanceof Error ? error : new Error(String(error))) as NetError;
  const host = hostOf(url);
  const port = portOf(url);
  const serverUrl = url.origin;
  const code = err.code ?? '';
  if (err instanceof TimeoutError) {
    return { reason: reason('CONNECTION_TIMEOUT', { host, port, timeoutMs: err.timeoutMs }), fingerprint: null };
  }
  if (code === 'ETIMEDOUT') {
    return { reason: reason('CONNECTION_TIMEOUT', { host, port, timeoutMs: options.connectTimeoutMs }), fingerprint: null };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { reason: reason('CONNECTION_DNS', { host }), fingerprint: null };
  }
  if (code === 'ECONNREFUSED') {
    return { reason: reason('CONNECTION_REFUSED', { host, port }), fingerprint: null };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const fingerprint = err.cert?.fingerprint256 ?? null;
    return { reason: reason('TLS_HOSTNAME_MISMATCH', { host, altNames: altNames(err.cert?.subjectaltname) }), fingerprint };
  }
  const untrusted = UNTRUSTED[code];
  if (untrusted) {
    const fingerprint = await probeFingerprint(url, options.connectTimeoutMs);
    return { reason: reason('TLS_UNTRUSTED', { detail: untrusted, fingerprint: fingerprint ?? '—' }), fingerprint };
  }
  if (PLAIN_HTTP_CODES.has(code) || PLAIN_HTTP_MESSAGE.test(err.message)) {
    return { reason: reason('PLAIN_HTTP', { host, port }), fingerprint: null };
  }
  if (err instanceof TooLargeError) {
    return { reason: reason('NOT_A_LICENSE_SERVER', { serverUrl, detail: err.message }), fingerprint: null };
  }
  const detail = code ? `${code}: ${err.message}` : err.message;
  return { reason: reason('CONNECTION_FAILED', { serverUrl, detail }), fingerprint: null };
}
