import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The 6-digit verification codes of DESIGN.md §2, shared by license-server activation and Local
 * Container: HOTP dynamic truncation (RFC 4226 §5.3) over
 * HMAC-SHA256(code key, challengeId ‖ 0x00 ‖ fingerprint ‖ 0x00 ‖ expiresAt ISO). The code key is agreed per
 * challenge between the verifier's in-memory challenge key and the license's activation key, whose private
 * half only the vendor holds (`activation-code.ts`).
 * The vendor phone page computes the code from the QR payload; the verifier recomputes and compares.
 */

/** Digits in a verification code. */
export const CODE_DIGITS = 6;
/** Shortest activation secret accepted (RFC 4226 §4 requires 128 bits). */
export const MIN_SECRET_BYTES = 16;
const MAX_FINGERPRINT = 128;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** RFC 4226 §5.3 dynamic truncation: a 31-bit number taken at the offset named by the MAC's last nibble. */
export function dynamicTruncate(mac: Uint8Array): number {
  if (mac.length < 20) throw new RangeError('an HMAC result has at least 20 bytes');
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const byte = (i: number) => mac[offset + i] ?? 0;
  return ((byte(0) & 0x7f) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
}

/**
 * HOTP-style code over any message with a chosen hash: `truncate(HMAC(key, message)) mod 10^digits`,
 * zero-padded. Exported so the RFC 4226 (SHA-1) and RFC 6238 (SHA-256) vectors can check it.
 */
export function hmacOtp(hash: 'sha1' | 'sha256', key: Uint8Array, message: Uint8Array, digits: number): string {
  if (!Number.isInteger(digits) || digits < 6 || digits > 9) throw new RangeError('digits must be 6–9');
  const mac = createHmac(hash, key).update(message).digest();
  return String(dynamicTruncate(mac) % 10 ** digits).padStart(digits, '0');
}

/** The secret as bytes: raw, or base64url text (as carried in a license); too short or not base64url → TypeError. */
export function secretBytes(secret: Uint8Array | string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof secret === 'string') {
    if (!BASE64URL.test(secret) || secret.length % 4 === 1) throw new TypeError('activation secret is not base64url');
    bytes = Buffer.from(secret, 'base64url');
  } else {
    bytes = secret;
  }
  if (bytes.length < MIN_SECRET_BYTES) throw new TypeError(`activation secret is shorter than ${MIN_SECRET_BYTES} bytes`);
  return bytes;
}

/** What a code is bound to: one challenge, for one project/server, until one instant. */
export interface CodeInput {
  /** The code key (`activation-code.ts`): bytes, or base64url text. */
  secret: Uint8Array | string;
  challengeId: string;
  /** Project (Local Container) or license-server fingerprint; no NUL, at most 128 characters. */
  fingerprint: string;
  /** Counted in whole seconds (the QR carries epoch seconds), so milliseconds are dropped. */
  expiresAt: Date;
}

/** The message the MAC covers; NUL separators cannot occur inside the fields, so it is unambiguous. */
function codeMessage({ challengeId, fingerprint, expiresAt }: CodeInput): Uint8Array {
  const time = expiresAt.getTime();
  if (!Number.isFinite(time)) throw new TypeError('expiresAt is not a valid date');
  if (challengeId === '' || challengeId.includes('\0')) throw new TypeError('challengeId is empty or contains NUL');
  if (fingerprint === '' || fingerprint.includes('\0') || fingerprint.length > MAX_FINGERPRINT) {
    throw new TypeError('fingerprint is empty, too long or contains NUL');
  }
  const expiry = new Date(Math.floor(time / 1000) * 1000).toISOString();
  return Buffer.from(`${challengeId}\0${fingerprint}\0${expiry}`, 'utf8');
}

/** The 6-digit code for a challenge (DESIGN.md §2). Throws TypeError on an unusable secret or input. */
export function computeVerificationCode(input: CodeInput): string {
  return hmacOtp('sha256', secretBytes(input.secret), codeMessage(input), CODE_DIGITS);
}

const DIGITS = new RegExp(`^[0-9]{${CODE_DIGITS}}$`);

// A fixed-length buffer whatever the input, so that comparing never depends on the input's length.
function fixed(code: unknown): { ok: boolean; bytes: Buffer } {
  const text = typeof code === 'string' ? code : '';
  const bytes = Buffer.alloc(CODE_DIGITS);
  bytes.write(text.slice(0, CODE_DIGITS), 'latin1');
  return { ok: DIGITS.test(text), bytes };
}

/**
 * Whether two codes are the same 6 digits, in constant time over their content. Anything that is not
 * exactly 6 ASCII digits is false; the comparison still runs so timing does not reveal which side failed.
 */
export function codesEqual(a: string, b: string): boolean {
  const left = fixed(a);
  const right = fixed(b);
  const same = timingSafeEqual(left.bytes, right.bytes);
  return left.ok && right.ok && same;
}

/**
 * What a person typed, as a code: spaces and dashes dropped, full-width digits (Chinese IMEs) made
 * ASCII. Null unless exactly 6 digits remain; long input is refused before any work.
 */
export function normaliseCodeInput(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const ascii = input.replace(/[\s\-\u3000]/g, '').replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return DIGITS.test(ascii) ? ascii : null;
}
