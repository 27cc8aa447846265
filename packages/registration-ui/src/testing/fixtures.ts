import {
  containerChallengeSchema,
  grantSchema,
  localContainerStateSchema,
  registerResultSchema,
  registrationStateSchema,
  type ContainerChallenge,
  type Grant,
  type LocalContainerState,
  type NodeFailure,
  type NodeState,
  type RegisterResult,
  type RegistrationState,
} from '@registration/protocol/bff-api';
import { codeOf, type ErrorName } from '@registration/protocol/catalogue';
import { apiErrorSchema, reason as makeReason, reasonSchema, type ApiError, type Reason, type ReasonParams } from '@registration/protocol/reason';

// Real protocol objects: every fixture goes through the protocol schema, so a fixture that drifts
// from the wire format fails here instead of passing silently.

export const NOW = '2026-11-20T08:00:00.000Z';

export function reason(name: ErrorName, params?: ReasonParams): Reason {
  return reasonSchema.parse(makeReason(name, params));
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
    clockSkewMs: null,
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
    localContainer: null,
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

/** What an accepted Container.lic grants: max nodes in `maxConnections`, no domains, no IP ranges. */
export function containerGrant(overrides: Partial<Grant> = {}): Grant {
  return grantSchema.parse({
    licenseId: 'container-1',
    company: 'Acme Data Ltd.',
    project: 'Demo project',
    product: 'FineReport',
    productVersion: '11.0',
    features: ['report', 'dashboard'],
    domains: [],
    appNames: ['webroot'],
    ipRanges: '',
    port: null,
    expiresAt: '2027-11-20T00:00:00.000Z',
    maxConnections: 2,
    inUse: 1,
    ...overrides,
  });
}

/** The stored lic as the state carries it; the gate open with 5 attempts unless given. */
export function localContainer(overrides: Partial<LocalContainerState> = {}): LocalContainerState {
  return localContainerStateSchema.parse({
    grant: containerGrant(),
    uploadedAt: '2026-11-19T08:00:00.000Z',
    uploadedBy: 'admin',
    gate: { kind: 'open', attemptsLeft: 5 },
    ...overrides,
  });
}

/** Registration state under Local Container: `verification-needed` (after a restart) or `registered`. */
export function containerState(status: 'verification-needed' | 'registered', lc: LocalContainerState = localContainer()): RegistrationState {
  const self =
    status === 'registered'
      ? node({ status, lastSuccessAt: NOW })
      : node({ status, failureAt: NOW, reasons: [reason('CONTAINER_VERIFICATION_NEEDED', { since: '2026-11-20T07:50:00.000Z' })] });
  return state({ method: 'local-container', status, node: self, nodes: [self], grant: status === 'registered' ? lc.grant : null, localContainer: lc });
}

/** The n-th QR challenge; `lifeMs` from the fixtures' server time NOW (negative: already expired). */
export function challenge(n: number, lifeMs = 5 * 60_000): ContainerChallenge {
  return containerChallengeSchema.parse({
    challengeId: `ch-${n}`,
    expiresAt: new Date(Date.parse(NOW) + lifeMs).toISOString(),
    url: `https://vendor.example/a/ch-${n}`,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><title>qr ${n}</title><rect width="${n}" height="${n}"/></svg>`,
  });
}

/** A BFF error body (`onError`'s shape), with every reason in details when given. */
export function apiError(name: ErrorName, params?: ReasonParams, reasons?: Reason[]): ApiError {
  return apiErrorSchema.parse({
    code: codeOf(name),
    name,
    message: name,
    details: { reasons: reasons ?? [reason(name, params)] },
  });
}

/**
 * A three-node cluster answered by node-a (registered, clock 59 s ahead: under the limit), listed out of
 * order: node-c stopped reporting at 07:40 (stale), node-b refused with 30007 and a second reason and
 * its clock 90 s ahead (flagged).
 */
export function threeNodeCluster(): RegistrationState {
  const base = registered();
  const a = node({ status: 'registered', lastSuccessAt: NOW, validUntil: '2026-11-21T08:00:00.000Z', clockSkewMs: 59_000 });
  const b = node({
    nodeId: 'node-b',
    address: '10.0.0.12:8080',
    status: 'failed',
    lastSuccessAt: '2026-11-19T08:00:00.000Z',
    failureAt: '2026-11-20T07:59:00.000Z',
    reasons: [reason('REGISTER_OUT_OF_LIMIT', { max: 10, inUse: 10 }), reason('LICENSE_IP_ERROR', { peer: '10.0.0.12', allowed: '192.168.0.1' })],
    clockSkewMs: 90_000,
  });
  const c = node({
    nodeId: 'node-c',
    address: '10.0.0.13:8080',
    status: 'stale',
    lastSuccessAt: '2026-11-20T07:00:00.000Z',
    seenAt: '2026-11-20T07:40:00.000Z',
  });
  return state({ ...base, node: a, nodes: [c, b, a] });
}

/** `s` with one node replaced (by id), as the next poll would answer. */
export function withNode(s: RegistrationState, nodeId: string, overrides: Partial<NodeState>): RegistrationState {
  const patch = (n: NodeState) => (n.nodeId === nodeId ? { ...n, ...overrides } : n);
  return state({ ...s, node: patch(s.node), nodes: s.nodes.map(patch) });
}
