import { createPrivateKey, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import type { ChallengeKind } from '@registration/protocol/phone-page';
import { x25519Shared } from './node-proof.ts';
import { computeVerificationCode } from './verification-code.ts';

/**
 * The key behind a QR challenge's 6-digit code (DESIGN.md §8: secrets the customer never holds).
 *
 * Every license carries the public half of an X25519 *activation key*; the vendor alone keeps the private
 * half (its ledger, `issued/<licenseId>.json`). Each QR challenge has a key pair of its own, made by the
 * verifier (license server or BFF) and held in that process's memory only; the QR code carries its public
 * half. The code's HMAC key is HKDF over X25519(challenge, license key), which the verifier computes with
 * the challenge's private half and the vendor's phone page with the license's. Nothing on disk at the
 * customer's — bundle, Container.lic, privateConfig, the BFF's store — yields a code: to answer a challenge
 * without the vendor one would need the vendor's key, or the verifier process's memory while the 5-minute
 * challenge lives.
 */

const CODE_KEY_BYTES = 32;

/** A fresh X25519 key pair: an activation key (vendor, per license) or a challenge's key (verifier). */
export function createActivationKeyPair(): { publicX: string; privateD: string; privateKey: KeyObject } {
  const { privateKey } = generateKeyPairSync('x25519');
  const { x, d } = privateKey.export({ format: 'jwk' });
  if (typeof x !== 'string' || typeof d !== 'string') throw new Error('X25519 key without x/d');
  return { publicX: x, privateD: d, privateKey };
}

/** The private activation key the vendor stores (JWK `x` and `d`), ready to use; TypeError if it is not one. */
export function activationPrivateKey(x: string, d: string): KeyObject {
  try {
    return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', x, d }, format: 'jwk' });
  } catch (cause) {
    throw new TypeError('not an X25519 private key', { cause });
  }
}

/** What a code key is bound to besides the agreement: the license, what it activates, and both public keys. */
export interface CodeKeyContext {
  licenseId: string;
  kind: ChallengeKind;
  /** The challenge's public key (the QR code's `x`). */
  challengeKey: string;
  /** The license's public activation key. */
  licenseKey: string;
}

/**
 * The HMAC key of one challenge's code. The verifier passes the challenge's private key and the license's
 * public key; the vendor the license's private key and the challenge's public key: both get the same bytes.
 */
export function codeKey(privateKey: KeyObject, peerX: string, context: CodeKeyContext): Buffer {
  const shared = x25519Shared(privateKey, peerX);
  const info = Buffer.from(`fr-activation-code/2\0${context.kind}\0${context.licenseId}\0${context.challengeKey}\0${context.licenseKey}`, 'utf8');
  return Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), info, CODE_KEY_BYTES));
}

/** A challenge as the code covers it (DESIGN.md §2 HOTP over challenge id, fingerprint and expiry). */
export interface CodeChallenge {
  challengeId: string;
  fingerprint: string;
  expiresAt: Date;
}

/**
 * The code the vendor's phone page shows for a scanned challenge, from the license's activation key pair
 * as the vendor's ledger keeps it (`x` public, `d` private).
 */
export function vendorCode(activationKey: { x: string; d: string }, challenge: CodeChallenge & { challengeKey: string; licenseId: string; kind: ChallengeKind }): string {
  const key = codeKey(activationPrivateKey(activationKey.x, activationKey.d), challenge.challengeKey, {
    licenseId: challenge.licenseId,
    kind: challenge.kind,
    challengeKey: challenge.challengeKey,
    licenseKey: activationKey.x,
  });
  return computeVerificationCode({ secret: key, challengeId: challenge.challengeId, fingerprint: challenge.fingerprint, expiresAt: challenge.expiresAt });
}

/**
 * The challenge keys a verifier holds, in memory only: a key is usable while it is among the last few made
 * (a refreshed QR code replaces the previous one) and gone with the process — a restart asks for a new scan.
 */
export class ChallengeKeys {
  readonly #keys = new Map<string, KeyObject>();

  constructor(private readonly keep = 16) {}

  /** A new challenge key; its public half goes into the QR code. */
  create(): string {
    const pair = createActivationKeyPair();
    this.#keys.set(pair.publicX, pair.privateKey);
    while (this.#keys.size > this.keep) {
      const oldest = this.#keys.keys().next();
      if (oldest.done) break;
      this.#keys.delete(oldest.value);
    }
    return pair.publicX;
  }

  has(publicX: string): boolean {
    return this.#keys.has(publicX);
  }

  /**
   * The HMAC key of the code for the challenge whose public key is `challengeKey`, or null when this
   * process no longer holds it (restarted since, or replaced by newer ones).
   */
  codeKey(challengeKey: string, context: Omit<CodeKeyContext, 'challengeKey'>): Buffer | null {
    const privateKey = this.#keys.get(challengeKey);
    if (privateKey === undefined) return null;
    return codeKey(privateKey, context.licenseKey, { ...context, challengeKey });
  }

  /** Forgets a challenge's key (it was used: a code answers a challenge once). */
  forget(challengeKey: string): void {
    this.#keys.delete(challengeKey);
  }
}
