import type { NodeState, RegistrationState } from '@registration/protocol/bff-api';

/**
 * Plain-text summary of one node's failure for a support ticket. Deliberately language-neutral
 * (ISO times, catalogue codes and names, raw params): whoever reads the ticket may not share the
 * administrator's UI language.
 */
export function buildDiagnosticSummary(state: RegistrationState, node: NodeState, now: Date): string {
  const lines = [
    'Registration diagnostic summary',
    `Time: ${now.toISOString()}`,
    `Product: ${state.product.name} ${state.product.version} (build ${state.product.buildDate})`,
    `Method: ${state.method ?? '-'}`,
    `Server address: ${state.serverUrl ?? '-'}`,
    `Registration status: ${state.status}`,
    `Node: ${node.nodeId} (${node.address})`,
    `Node status: ${node.status}`,
    `Last success: ${node.lastSuccessAt ?? '-'}`,
    `Failure time: ${node.failureAt ?? '-'}`,
    `Codes: ${node.reasons.map((r) => r.code).join(', ') || '-'}`,
    'Reasons:',
    ...node.reasons.map((r) => `  ${r.code} ${r.name}${r.params ? ` ${JSON.stringify(r.params)}` : ''}`),
  ];
  return lines.join('\n');
}
