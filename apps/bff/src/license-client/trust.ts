import type { CertificateTrust, ServerCertificate, TrustedCertificate } from '@registration/protocol/bff-api';
import type { DetailCode } from '@registration/protocol/details';
import type { Reason } from '@registration/protocol/reason';
import { reason } from '../errors.ts';
import type { TrustedCertificateRecord, TrustedCertificateStore } from '../store/types.ts';
import { certificateParams, describeCertificate } from './certificate.ts';

/** The certificate a server presented in a TLS handshake, before anything is sent. */
export interface PeerCertificate {
  /** DER of the leaf certificate. */
  der: Buffer;
  /** OpenSSL's verdict against the system CAs + LICENSE_SERVER_CA (`DEPTH_ZERO_SELF_SIGNED_CERT`…), null if it chains. */
  verifyError: string | null;
}

/** Whether to go on with a connection, and what to show about its certificate either way. */
export interface Verdict {
  certificate: ServerCertificate;
  trust: CertificateTrust;
  /** The confirmation on record for the origin, when it was looked up. */
  confirmed: TrustedCertificate | null;
  /** Why the connection must not be used; null when it may. */
  refusal: Reason | null;
}

/** Decides about the certificate `origin` presented; runs after the handshake, before a byte is sent. */
export type TrustVerifier = (origin: string, host: string, peer: PeerCertificate) => Promise<Verdict>;

// What an administrator can act on, per OpenSSL verify code; anything else is shown as its code.
const VERIFY_DETAIL: Record<string, DetailCode> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls.selfSigned',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls.selfSignedInChain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls.leafUnverified',
  UNABLE_TO_GET_ISSUER_CERT: 'tls.issuerMissing',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls.issuerNotTrusted',
  CERT_UNTRUSTED: 'tls.untrusted',
  CERT_SIGNATURE_FAILURE: 'tls.badSignature',
  CERT_HAS_EXPIRED: 'tls.expired',
  CERT_NOT_YET_VALID: 'tls.notYetValid',
};
const OUT_OF_TIME = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** A stored confirmation as it travels on the wire. */
export function toWire(r: TrustedCertificateRecord): TrustedCertificate {
  return { origin: r.origin, fingerprint: r.fingerprint, subject: r.subject, confirmedBy: r.confirmedBy, confirmedAt: r.confirmedAt.toISOString() };
}

/**
 * The trust rule, pure. A certificate that chains to a trusted CA is accepted if it names the host.
 * Otherwise only the exact certificate an administrator confirmed for this origin is accepted: the pin
 * binds certificate to origin, which is why its names need not cover the host (the built-in
 * certificate only names localhost), but a pinned certificate outside its validity is still refused,
 * and a different certificate at a pinned origin is never accepted silently.
 */
export function decideTrust(input: {
  host: string;
  verifyError: string | null;
  certificate: ServerCertificate;
  confirmed: TrustedCertificate | null;
}): Verdict {
  const { host, verifyError, certificate, confirmed } = input;
  const shown = certificateParams(certificate);
  if (verifyError === null) {
    const refusal = certificate.coversHost ? null : reason('TLS_HOSTNAME_MISMATCH', { host, altNames: certificate.altNames });
    return { certificate, trust: 'ca', confirmed, refusal };
  }
  if (confirmed && confirmed.fingerprint !== certificate.fingerprint) {
    const refusal = reason('TLS_CERT_CHANGED', {
      ...shown,
      confirmedFingerprint: confirmed.fingerprint,
      confirmedAt: confirmed.confirmedAt,
      confirmedBy: confirmed.confirmedBy,
    });
    return { certificate, trust: 'changed', confirmed, refusal };
  }
  const trust = confirmed ? 'confirmed' : 'untrusted';
  if (!certificate.validNow || OUT_OF_TIME.has(verifyError)) {
    return { certificate, trust, confirmed, refusal: reason('TLS_CERT_EXPIRED', shown) };
  }
  if (confirmed) return { certificate, trust, confirmed, refusal: null };
  // An OpenSSL code we have no text for is shown as the code it is.
  const detail = VERIFY_DETAIL[verifyError] ?? verifyError;
  return { certificate, trust, confirmed, refusal: reason('TLS_UNTRUSTED', { detail, ...shown }) };
}

/** The verifier the license client uses: confirmations from the (cluster-wide) store, validity on `clock`. */
export function createTrustVerifier(deps: { store: TrustedCertificateStore | null; clock: () => Date }): TrustVerifier {
  return async (origin, host, peer) => {
    const certificate = describeCertificate(peer.der, host, deps.clock());
    // A CA-trusted certificate needs no confirmation: skip the store on every heartbeat.
    const record = peer.verifyError === null || !deps.store ? null : await deps.store.getTrustedCertificate(origin);
    return decideTrust({ host, verifyError: peer.verifyError, certificate, confirmed: record ? toWire(record) : null });
  };
}
