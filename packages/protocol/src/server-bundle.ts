import { z } from 'zod';
import { ed25519PublicJwkSchema } from './license.ts';

/** Ed25519 private key as a JWK (`d` is the secret); only ever stored in a bundle or a vendor secret file. */
export const ed25519PrivateJwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  d: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  kid: z.string().max(128).optional(),
});
export type Ed25519PrivateJwk = z.infer<typeof ed25519PrivateJwkSchema>;

export const SERVER_BUNDLE_FORMAT = 'fr-license-server-bundle';

/**
 * What the vendor hands to a customer to run a license server (the vendor CLI writes it, the license
 * server reads it): the vendor-signed server license, the private half of the key it certifies, and the
 * vendor public key it was signed with (so the server can check its own bundle at start-up).
 */
export const serverBundleSchema = z.object({
  format: z.literal(SERVER_BUNDLE_FORMAT),
  version: z.literal(1),
  serverLicense: z.string().min(1).max(16_384),
  serverPrivateKey: ed25519PrivateJwkSchema,
  vendorPublicKey: ed25519PublicJwkSchema,
  /**
   * The license's activation secret (base64url, >= 128 bits; DESIGN.md §2): the license server verifies
   * the 6-digit code typed on its activation page with it, and the vendor keeps a copy per licenseId so
   * that its phone page can compute the code. Not inside the signed license: a changed secret only makes
   * the phone page's codes not match.
   */
  activationSecret: z.string().regex(/^[A-Za-z0-9_-]{22,128}$/),
});
export type ServerBundle = z.infer<typeof serverBundleSchema>;
