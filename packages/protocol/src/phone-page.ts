import { z } from 'zod';

/**
 * The QR payload: the vendor phone page URL `<base>/a/<token>`, where the token is base64url JSON of
 * the challenge the phone computes a verification code for. Made and parsed by
 * `@registration/licensing/challenge` (license-server activation page, BFF, vendor phone page).
 */

/** Path segment before the token (the vendor route is `GET /a/:token`). */
export const PHONE_PAGE_PATH = '/a/';

/** Longest token accepted, in characters; a real one is ~200 and must stay scannable in a QR code. */
export const PHONE_PAGE_TOKEN_MAX = 1024;

/** What a challenge activates: a license server (activation page) or a Local Container project. */
export const CHALLENGE_KINDS = ['server', 'container'] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

/** The decoded token; short keys keep the QR code small. */
export const phonePageTokenSchema = z.object({
  /** Challenge id: 128 random bits, base64url. */
  c: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  /** Fingerprint of the project or license server the code is bound to. */
  f: z.string().min(1).max(128).regex(/^[^\0]*$/),
  /** Challenge expiry, epoch seconds. */
  e: z.number().int().min(0).max(253_402_300_799),
  /** License id, so the vendor can find the license's activation key and its one-installation ledger. */
  l: z.string().min(1).max(128),
  k: z.enum(CHALLENGE_KINDS),
  /** The challenge's own X25519 public key (`x`); its private half never leaves the verifier's memory. */
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** License server only: its installation site (machine and config folder), so the vendor sees a copy. */
  s: z.string().regex(/^[0-9a-f]{16}$/).optional(),
});
export type PhonePageToken = z.infer<typeof phonePageTokenSchema>;
