import {
  registerResultSchema,
  registrationStateSchema,
  type NodeFailure,
  type NodeState,
  type RegisterResult,
  type RegistrationState,
} from '@registration/protocol/bff-api';
import { codeOf, type ErrorName } from '@registration/protocol/catalogue';
import { reasonSchema, type Reason, type ReasonParams } from '@registration/protocol/reason';

// Real protocol objects: every fixture goes through the protocol schema, so a fixture that drifts
// from the wire format fails here instead of passing silently.

export const NOW = '2026-11-20T08:00:00.000Z';

export function reason(name: ErrorName, params?: ReasonParams): Reason {
  return reasonSchema.parse(params ? { code: codeOf(name), name, params } : { code: codeOf(name), name });
}

export function node(overrides: Partial<NodeState> = {}): NodeState {
  return {
    nodeId: 'node-a',
    address: '10.0.0.11:8080',
    status: 'unregistered',
    lastSuccessAt: null,
    failureAt: null,
    reasons: [],
    validUntil: null,
    unreachableSince: null,
    seenAt: NOW,
    ...overrides,
  };
}

export function state(overrides: Partial<RegistrationState> = {}): RegistrationState {
  const self = overrides.node ?? node();
  return registrationStateSchema.parse({
    product: { name: 'FineReport', version: '11.0.18', buildDate: '2026-11-01' },
    method: null,
    serverUrl: null,
    status: 'unregistered',
    grant: null,
    node: self,
    nodes: [self],
    now: NOW,
    ...overrides,
  });
}

export const unregistered = (): RegistrationState => state();

export function registered(expiresAt = '2027-11-20T00:00:00.000Z'): RegistrationState {
  const self = node({ status: 'registered', lastSuccessAt: NOW, validUntil: '2026-11-21T08:00:00.000Z' });
  return state({
    method: 'private-cloud',
    serverUrl: 'https://127.0.0.1:8081',
    status: 'registered',
    node: self,
    nodes: [self],
    grant: {
      licenseId: 'lic-1',
      company: 'Acme Data Ltd.',
      project: 'Sales reports',
      product: 'FineReport',
      productVersion: '11.0',
      features: ['report', 'dashboard'],
      domains: ['reports.acme.example'],
      appNames: ['webroot'],
      ipRanges: '127.0.0.1, ::1',
      port: 8081,
      expiresAt,
      maxConnections: 10,
      inUse: 3,
    },
  });
}

/** The three reasons of a typical refusal, in catalogue order (IP first). */
export function refusalReasons(): Reason[] {
  return [
    reason('LICENSE_IP_ERROR', { peer: '10.0.0.11', allowed: '192.168.100.25-192.168.100.26, 192.168.0.1' }),
    reason('REPORT_VERSION_ERROR', { certified: '10.0', local: '11.0.18' }),
    reason('REGISTER_OUT_OF_LIMIT', { max: 10, inUse: 10 }),
  ];
}

/** A two-node cluster where both nodes were refused, node-a with three reasons. */
export function failedCluster(): RegistrationState {
  const a = node({ status: 'failed', failureAt: '2026-11-20T07:59:00.000Z', reasons: refusalReasons() });
  const b = node({
    nodeId: 'node-b',
    address: '10.0.0.12:8080',
    status: 'failed',
    failureAt: '2026-11-20T07:59:01.000Z',
    reasons: [reason('LICENSE_APPNAME_ERROR', { appName: 'decision', allowed: ['webroot'] })],
  });
  return state({ method: 'private-cloud', serverUrl: 'https://127.0.0.1:8081', status: 'failed', node: a, nodes: [a, b] });
}

export function failuresOf(s: RegistrationState): NodeFailure[] {
  return s.nodes.filter((n) => n.reasons.length > 0).map((n) => ({ nodeId: n.nodeId, address: n.address, reasons: n.reasons }));
}

export function registerAnswer(s: RegistrationState): RegisterResult {
  return registerResultSchema.parse({ ok: s.status === 'registered', failures: failuresOf(s), state: s });
}
