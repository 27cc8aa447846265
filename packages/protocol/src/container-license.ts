import { z } from 'zod';

/**
 * `Container.lic` (DESIGN.md §3.2, issue 4): the vendor-signed license of one Local Container project,
 * a JWS compact with `typ` DOC_TYPES.containerLicense (license.ts). Checked by
 * `@registration/licensing/container-checks`.
 */

/** The file name the vendor sends and the module asks for. */
export const CONTAINER_LIC_FILE_NAME = 'Container.lic';
/** Largest upload accepted; a real one is about 1 KB. */
export const CONTAINER_LIC_MAX_BYTES = 64 * 1024;

const isoDate = z.iso.datetime({ offset: true });

/**
 * base64url (unpadded) of 32–128 random bytes: the HMAC key of the verification codes. 43 characters
 * carry 32 bytes and 171 carry 128; a length of 4n+1 is never valid base64. No Buffer: the UI imports this.
 */
export const activationSecretSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43,171}$/)
  .refine((s) => s.length % 4 !== 1, 'not a valid base64url length');

/**
 * What the vendor certifies. "Project content" is the project's name as given in the registration
 * email, plus optionally the project's id (`projectFingerprint`): when the id is present the local
 * project must carry the same id, otherwise the name alone must match.
 */
export const containerLicensePayloadSchema = z.object({
  type: z.literal('container'),
  licenseId: z.string().min(1).max(128),
  company: z.string().min(1).max(256),
  /** Project name, e.g. `XXX project`; compared after trimming, NFC and whitespace folding, case-sensitive. */
  project: z.string().min(1).max(256),
  /** Project id the lic is bound to (the platform's stable project id), if the customer supplied one. */
  projectFingerprint: z.string().min(1).max(128).optional(),
  /** Certified web app name, e.g. `webroot`; exact and case-sensitive. */
  appName: z.string().min(1).max(128),
  /** Certified product version; `11.0` covers `11.0.18`. */
  productVersion: z.string().min(1).max(32),
  issuedAt: isoDate,
  expiresAt: isoDate,
  /** Maximum cluster nodes (the manual's "Maximum Registrable Quantity"; 1 for a standalone server). */
  maxNodes: z.number().int().min(1).max(10_000),
  features: z.array(z.string().min(1).max(128)).max(256),
  activationSecret: activationSecretSchema,
});
export type ContainerLicensePayload = z.infer<typeof containerLicensePayloadSchema>;
