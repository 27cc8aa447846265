// zod/mini (functional API, tree-shakable): the module's bundle imports this file's constants.
import * as z from 'zod/mini';

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
 * The lic's activation key: X25519 public (JWK `x`), whose private half only the vendor holds. A code is
 * the vendor phone page's answer to a QR challenge made with a key the BFF keeps in memory only (see
 * `@registration/licensing/activation-code`), so the lic itself carries nothing that computes a code.
 */
export const activationKeySchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/));

/**
 * What the vendor certifies. "Project content" is the project's name as given in the registration
 * email, plus optionally the project's id (`projectFingerprint`): when the id is present the local
 * project must carry the same id, otherwise the name alone must match.
 */
export const containerLicensePayloadSchema = z.object({
  type: z.literal('container'),
  licenseId: z.string().check(z.minLength(1), z.maxLength(128)),
  company: z.string().check(z.minLength(1), z.maxLength(256)),
  /** Project name, e.g. `XXX project`; compared after trimming, NFC and whitespace folding, case-sensitive. */
  project: z.string().check(z.minLength(1), z.maxLength(256)),
  /** Project id the lic is bound to (the platform's stable project id), if the customer supplied one. */
  projectFingerprint: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  /** Certified web app name, e.g. `webroot`; exact and case-sensitive. */
  appName: z.string().check(z.minLength(1), z.maxLength(128)),
  /** Certified product version; `11.0` covers `11.0.18`. */
  productVersion: z.string().check(z.minLength(1), z.maxLength(32)),
  issuedAt: isoDate,
  expiresAt: isoDate,
  /** Maximum cluster nodes (the manual's "Maximum Registrable Quantity"; 1 for a standalone server). */
  maxNodes: z.int().check(z.minimum(1), z.maximum(10_000)),
  features: z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(256)),
  activationKey: activationKeySchema,
});
export type ContainerLicensePayload = z.infer<typeof containerLicensePayloadSchema>;
