import { registrationStateSchema, type RegistrationState } from '@registration/protocol/bff-api';

const NOW = '2026-11-20T08:00:00.000Z';

/**
 * The fixed `GET /api/registration` answer of the page-load bench: a registered two-node cluster, so the
 * first render draws the status, the grant and the node table as a real registered server's page does.
 * Parsed by the protocol schema, so a wire-format change fails the bench instead of timing an error view.
 */
export function registeredClusterState(): RegistrationState {
  const node = (nodeId: string, address: string) => ({
    nodeId,
    address,
    status: 'registered' as const,
    lastSuccessAt: NOW,
    failureAt: null,
    reasons: [],
    validUntil: '2026-11-21T08:00:00.000Z',
    unreachableSince: null,
    seenAt: NOW,
    clockSkewMs: 12,
  });
  const self = node('node-a', '10.0.0.11:8080');
  return registrationStateSchema.parse({
    product: { name: 'FineReport', version: '11.0.18', buildDate: '2026-11-01' },
    method: 'private-cloud',
    serverUrl: 'https://license.corp.example:8081',
    status: 'registered',
    grant: {
      licenseId: 'lic-bench',
      company: 'Acme Data Ltd.',
      project: 'Sales reports',
      product: 'FineReport',
      productVersion: '11.0',
      features: ['report', 'dashboard'],
      domains: ['reports.acme.example'],
      appNames: ['webroot'],
      ipRanges: '10.0.0.0/24',
      port: 8081,
      expiresAt: '2027-11-20T00:00:00.000Z',
      maxConnections: 10,
      inUse: 2,
    },
    node: self,
    nodes: [self, node('node-b', '10.0.0.12:8080')],
    localContainer: null,
    lastAttempt: null,
    registrationKeyStored: false,
    now: NOW,
  });
}
