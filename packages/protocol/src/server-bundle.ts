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

/** The bundle format this version reads. Format 1 carried the activation secret and is refused. */
export const SERVER_BUNDLE_VERSION = 2;

/**
 * What the vendor hands to a customer to run a license server (the vendor CLI writes it, the license
 * server reads it): the vendor-signed server license, the private half of the key it certifies, and the
 * vendor public key it was signed with (so the server can check its own bundle at start-up). Nothing in it
 * computes an activation code: the license names only the public half of its activation key.
 */
export const serverBundleSchema = z.object({
  format: z.literal(SERVER_BUNDLE_FORMAT),
  version: z.literal(SERVER_BUNDLE_VERSION),
  serverLicense: z.string().min(1).max(16_384),
  serverPrivateKey: ed25519PrivateJwkSchema,
  vendorPublicKey: ed25519PublicJwkSchema,
});
export type ServerBundle = z.infer<typeof serverBundleSchema>;
