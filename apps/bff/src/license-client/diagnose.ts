import type { CertificateTrust, ServerCertificate, TrustedCertificate } from '@registration/protocol/bff-api';
import { detail, type DetailCode } from '@registration/protocol/details';
import type { Reason } from '@registration/protocol/reason';
import { reason } from '../errors.ts';
import type { Verdict } from './trust.ts';
import { CertificateRefusedError, TimeoutError, TooLargeError, hostOf, portOf, type TransportOptions } from './transport.ts';

export { hostOf, portOf } from './transport.ts';

/** A failed exchange explained as a catalogue reason, plus the certificate seen when there was a handshake. */
export interface Diagnosis {
  reason: Reason;
  certificate: ServerCertificate | null;
  trust: CertificateTrust | null;
  confirmed: TrustedCertificate | null;
}

/** Network failures by Node's errno code; any other code is named as it is. */
const NETWORK_DETAIL: Record<string, DetailCode> = {
  ECONNRESET: 'network.reset',
  EPIPE: 'network.closed',
  ECONNABORTED: 'network.closed',
  EHOSTUNREACH: 'network.hostUnreachable',
  EHOSTDOWN: 'network.hostUnreachable',
  ENETUNREACH: 'network.networkUnreachable',
  ENETDOWN: 'network.networkUnreachable',
};

const PLAIN_HTTP_CODES = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);
const PLAIN_HTTP_MESSAGE = /wrong version number|ssl3_get_record|packet length too long|http request/i;

/** Explains why an exchange with `url` failed, in the terms of the catalogue. */
export function diagnose(error: unknown, url: URL, options: TransportOptions): Diagnosis {
  const err = (error instanceof Error ? error : new Error(String(error))) as Error & { code?: string; verdict?: Verdict };
  // Failures after an accepted handshake still show the certificate and its trust.
  const seen = err.verdict;
  const without = (r: Reason): Diagnosis =>
    seen ? { reason: r, certificate: seen.certificate, trust: seen.trust, confirmed: seen.confirmed } : { reason: r, certificate: null, trust: null, confirmed: null };
  const host = hostOf(url);
  const port = portOf(url);
  const serverUrl = url.origin;
  const code = err.code ?? '';
  if (err instanceof CertificateRefusedError && err.verdict.refusal) {
    const { certificate, trust, confirmed, refusal } = err.verdict;
    return { reason: refusal, certificate, trust, confirmed };
  }
  if (err instanceof TimeoutError) {
    // A resolver that never answered: the name is the problem, whatever the server would do.
    if (err.phase === 'lookup') return without(reason('CONNECTION_DNS', { host }));
    return without(reason('CONNECTION_TIMEOUT', { host, port, timeoutMs: err.timeoutMs }));
  }
  if (code === 'ETIMEDOUT') return without(reason('CONNECTION_TIMEOUT', { host, port, timeoutMs: options.connectTimeoutMs }));
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_NODATA') {
    return without(reason('CONNECTION_DNS', { host }));
  }
  if (code === 'ECONNREFUSED') return without(reason('CONNECTION_REFUSED', { host, port }));
  if (PLAIN_HTTP_CODES.has(code) || PLAIN_HTTP_MESSAGE.test(err.message)) return without(reason('PLAIN_HTTP', { host, port }));
  if (err instanceof TooLargeError) return without(reason('NOT_A_LICENSE_SERVER', { serverUrl, ...detail('answer.tooLarge', { limit: err.limit }) }));
  // Node's message is English prose: the errno code is the value people and logs can look up.
  const why = detail(NETWORK_DETAIL[code] ?? 'network.other', { errno: code || err.name });
  return without(reason('CONNECTION_FAILED', { serverUrl, ...why }));
}
