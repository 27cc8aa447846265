import { randomBytes } from 'node:crypto';
import {
  PHONE_PAGE_PATH,
  PHONE_PAGE_TOKEN_MAX,
  phonePageTokenSchema,
  type ChallengeKind,
} from '@registration/protocol/phone-page';

/**
 * QR challenges (DESIGN.md §2): a fresh random id bound to a fingerprint, valid 5 minutes, carried
 * to the vendor phone page in the QR code's URL.
 *
 * Single use is the stateful side's job: the store keeps the current challenge and marks it used when
 * a code is accepted, in the same transaction that records the success (see verify-attempt.ts); a used,
 * unknown or replaced challenge is answered like an expired one.
 */

/** How long a QR code stays valid. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
const ID_BYTES = 16;
const MAX_URL = 2048;

/** One QR challenge. Expiry is whole seconds, because the QR carries epoch seconds. */
export interface Challenge {
  /** 128 random bits, base64url (22 characters). */
  challengeId: string;
  fingerprint: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** A fresh challenge expiring CHALLENGE_TTL_MS after `now` (rounded down to the second). */
export function createChallenge(input: { now: Date; fingerprint: string; random?: () => Uint8Array }): Challenge {
  const bytes = (input.random ?? (() => randomBytes(ID_BYTES)))();
  if (bytes.length < ID_BYTES) throw new RangeError(`a challenge id needs ${ID_BYTES} random bytes`);
  const now = input.now.getTime();
  if (!Number.isFinite(now)) throw new TypeError('now is not a valid date');
  return {
    challengeId: Buffer.from(bytes.subarray(0, ID_BYTES)).toString('base64url'),
    fingerprint: input.fingerprint,
    issuedAt: new Date(now),
    expiresAt: new Date(Math.floor((now + CHALLENGE_TTL_MS) / 1000) * 1000),
  };
}

/** 'valid' strictly before expiry, else 'expired' (an unreadable date counts as expired). */
export function challengeState(challenge: Pick<Challenge, 'expiresAt'>, now: Date): 'valid' | 'expired' {
  return now.getTime() < challenge.expiresAt.getTime() ? 'valid' : 'expired';
}

/** What the phone page learns from a QR code. */
export interface PhonePageChallenge {
  challengeId: string;
  fingerprint: string;
  expiresAt: Date;
  licenseId: string;
  kind: ChallengeKind;
  /** The challenge's public key, for the code's key agreement with the license's activation key. */
  challengeKey: string;
  /** License server only: the installation site the activation is for. */
  site?: string;
}

/** Why a phone page URL or token was refused; the phone page shows "malformed QR code" for both. */
export class PhonePageTokenError extends Error {
  override readonly name = 'PhonePageTokenError';
  constructor(
    readonly kind: 'malformed' | 'oversized',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The QR payload: `<baseUrl>/a/<token>` (baseUrl may carry a path; no query or fragment).
 * Throws TypeError for a base URL that is not http(s) or fields the token schema refuses.
 */
export function phonePageUrl(
  baseUrl: string,
  challenge: Pick<Challenge, 'challengeId' | 'fingerprint' | 'expiresAt'>,
  extra: { licenseId: string; kind: ChallengeKind; challengeKey: string; site?: string },
): string {
  const base = new URL(baseUrl);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError('phone page base URL must be http(s)');
  if (base.search !== '' || base.hash !== '') throw new TypeError('phone page base URL must not have a query or fragment');
  const token = phonePageTokenSchema.safeParse({
    c: challenge.challengeId,
    f: challenge.fingerprint,
    e: Math.floor(challenge.expiresAt.getTime() / 1000),
    l: extra.licenseId,
    k: extra.kind,
    x: extra.challengeKey,
    ...(extra.site === undefined ? {} : { s: extra.site }),
  });
  if (!token.success) throw new TypeError(`challenge cannot go into a QR code: ${token.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  const encoded = Buffer.from(JSON.stringify(token.data), 'utf8').toString('base64url');
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${PHONE_PAGE_PATH}${encoded}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The challenge in a token (the `:token` of the vendor route); throws PhonePageTokenError. */
export function parsePhonePageToken(token: unknown): PhonePageChallenge {
  if (typeof token !== 'string') throw new PhonePageTokenError('malformed', 'token is not text');
  if (token.length > PHONE_PAGE_TOKEN_MAX) throw new PhonePageTokenError('oversized', 'token is too long');
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new PhonePageTokenError('malformed', 'token is not base64url');
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(Buffer.from(token, 'base64url')));
  } catch {
    throw new PhonePageTokenError('malformed', 'token is not base64url JSON');
  }
  const parsed = phonePageTokenSchema.safeParse(json);
  if (!parsed.success) throw new PhonePageTokenError('malformed', 'token does not describe a challenge');
  const { c, f, e, l, k, x, s } = parsed.data;
  return { challengeId: c, fingerprint: f, expiresAt: new Date(e * 1000), licenseId: l, kind: k, challengeKey: x, ...(s === undefined ? {} : { site: s }) };
}

/** The challenge in a scanned phone page URL (any host; the path must end in `/a/<token>`). */
export function parsePhonePageUrl(url: unknown): PhonePageChallenge {
  if (typeof url !== 'string') throw new PhonePageTokenError('malformed', 'URL is not text');
  if (url.length > MAX_URL) throw new PhonePageTokenError('oversized', 'URL is too long');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PhonePageTokenError('malformed', 'not a URL');
  }
  const match = /\/a\/([^/]+)\/?$/.exec(parsed.pathname);
  if (match?.[1] === undefined) throw new PhonePageTokenError('malformed', 'not a phone page URL');
  return parsePhonePageToken(match[1]);
}
