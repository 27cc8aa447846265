import { z } from 'zod';

/**
 * What identifies a report project across a license-server restart (11.5.11 rule), as a node reports
 * it when it registers. Each component is a canonical identity of that service, e.g. the SHA-256 of
 * the normalised JDBC URL or address (never a password); `@registration/licensing/restart-policy`
 * compares them exactly.
 */
const component = z.string().min(1).max(256);

export const projectIdentitySchema = z.discriminatedUnion('kind', [
  /** External configuration database, state server and file server. */
  z.object({ kind: z.literal('cluster'), configDb: component, stateServer: component, fileServer: component }),
  /** Only an external configuration database. */
  z.object({ kind: z.literal('standalone-external-db'), configDb: component }),
  /** Only the built-in configuration database. */
  z.object({ kind: z.literal('standalone-builtin-db') }),
]);
export type ProjectIdentity = z.infer<typeof projectIdentitySchema>;
