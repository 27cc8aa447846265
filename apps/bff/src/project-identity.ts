import { createHash } from 'node:crypto';
import type { ProjectIdentity } from '@registration/protocol/project-identity';

/**
 * The project identity a node reports to the license server for the 11.5.11 restart rule: each
 * component is the SHA-256 of the service's address with credentials, query and trailing slashes
 * dropped, so the license server can compare them without ever seeing a password.
 */
export function componentId(address: string): string {
  let canonical = address.trim();
  try {
    const url = new URL(canonical);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    canonical = url.toString().replace(/\/+$/, '').toLowerCase();
  } catch {
    canonical = canonical.toLowerCase(); // host:port or a path: compared as written
  }
  return createHash('sha256').update(canonical).digest('hex');
}

/** Cluster (all three external services), standalone with an external config DB, or the built-in DB. */
export function projectIdentity(input: { configDb: string | null; stateServer: string | null; fileServer: string | null }): ProjectIdentity {
  const { configDb, stateServer, fileServer } = input;
  if (configDb === null) return { kind: 'standalone-builtin-db' };
  if (stateServer !== null && fileServer !== null) {
    return { kind: 'cluster', configDb: componentId(configDb), stateServer: componentId(stateServer), fileServer: componentId(fileServer) };
  }
  return { kind: 'standalone-external-db', configDb: componentId(configDb) };
}
