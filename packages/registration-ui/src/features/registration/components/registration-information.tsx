import { useId } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { NodeState, NodeStatus, RegistrationState } from '@registration/protocol/bff-api';
import { reasonText } from '../../../lib/catalogue-text.ts';
import { formatWhen } from '../../../lib/format.ts';
import type { MessageKey } from '../../../lib/i18n.ts';
import { useT } from '../../../lib/use-t.ts';
import { registrationKeys } from '../api/query-keys.ts';

type T = (key: MessageKey, values?: Record<string, unknown>) => string;

/** Cluster nodes must keep consistent time; a node further off the store's clock than this is flagged. */
export const CLOCK_SKEW_LIMIT_MS = 60_000;

export function isClockSkewed(node: NodeState): boolean {
  return node.clockSkewMs !== null && Math.abs(node.clockSkewMs) > CLOCK_SKEW_LIMIT_MS;
}

/** A duration as people read it: `45 s`, `1 min 30 s`, `2 h 5 min` (zh-CN: `1 分 30 秒`). */
export function formatDuration(ms: number, t: T): string {
  const total = Math.round(Math.abs(ms) / 1000);
  if (total < 60) return t('cluster.durationSeconds', { s: total });
  if (total < 3600) return t('cluster.durationMinutes', { m: Math.floor(total / 60), s: total % 60 });
  return t('cluster.durationHours', { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60) });
}

/** `Clock 1 min 30 s ahead` / `behind` for a flagged node, null otherwise. */
export function clockSkewLabel(node: NodeState, t: T): string | null {
  if (!isClockSkewed(node) || node.clockSkewMs === null) return null;
  const amount = formatDuration(node.clockSkewMs, t);
  return t(node.clockSkewMs > 0 ? 'cluster.skewAhead' : 'cluster.skewBehind', { amount });
}

/** Failed, not reporting, degraded or waiting: a row an administrator has to look at. */
export function needsAttention(node: NodeState): boolean {
  return node.status === 'failed' || node.status === 'stale' || node.status === 'degraded' || node.status === 'verification-needed' || isClockSkewed(node);
}

/** Whether the row offers View Error Details: anything to explain (a reason, no liveness, a lapse, a clock). */
export function hasErrorDetails(node: NodeState): boolean {
  return node.status === 'failed' || node.status === 'stale' || node.status === 'degraded' || node.reasons.length > 0 || isClockSkewed(node);
}

const RANK: Record<NodeStatus, number> = {
  failed: 0,
  stale: 1,
  degraded: 2,
  'verification-needed': 3,
  unregistered: 4,
  registered: 5,
};
const byId = new Intl.Collator('en', { numeric: true });

/** This node first, then the worst first (failed, not reporting, degraded, waiting, …), then by id (`node-2` before `node-10`). */
export function sortNodes(nodes: readonly NodeState[], selfNodeId: string | undefined): NodeState[] {
  return [...nodes].sort(
    (a, b) =>
      Number(b.nodeId === selfNodeId) - Number(a.nodeId === selfNodeId) ||
      RANK[a.status] - RANK[b.status] ||
      byId.compare(a.nodeId, b.nodeId),
  );
}

/** What the Failure reason cell says first: the first reason, or why a node without one is in trouble. */
function firstLine(node: NodeState, t: T, locale: Parameters<typeof reasonText>[1]): { title: string; detail: string | null; more: number } | null {
  const when = (v: string | null) => formatWhen(v, locale);
  if (node.status === 'stale') {
    // What a stale node reported last may be old: "not reporting" comes first, its own reasons count as more.
    return { title: t('cluster.notReporting', { time: when(node.seenAt) }), detail: null, more: node.reasons.length };
  }
  const [first, ...rest] = node.reasons;
  if (first) {
    const text = reasonText(first, locale);
    return { title: text.title, detail: text.explanation, more: rest.length };
  }
  if (node.status === 'degraded') {
    return {
      title: t('cluster.degradedTitle'),
      detail: t('cluster.unreachableSince', { since: when(node.unreachableSince), validUntil: when(node.validUntil) }),
      more: 0,
    };
  }
  return null;
}

export interface RegistrationInformationProps {
  nodes: NodeState[];
  onViewDetails: (node: NodeState) => void;
  /**
   * The answering node (`state.node.nodeId`), marked "this node" and listed first. When not given it is
   * read from the registration state in the query cache, which is where `nodes` come from.
   */
  selfNodeId?: string | undefined;
}

function NodeRow({ node, self, onViewDetails }: { node: NodeState; self: boolean; onViewDetails: (node: NodeState) => void }) {
  const { t, locale } = useT();
  const line = firstLine(node, t, locale);
  const skew = clockSkewLabel(node, t);
  return (
    <tr data-node={node.nodeId} data-status={node.status} className={needsAttention(node) ? 'frr-node-row frr-node-row--attention' : 'frr-node-row'}>
      {/* The label keeps "node-a" and "this node" apart in the row's accessible name (inline spans run together). */}
      <th scope="row" aria-label={self ? `${node.nodeId} (${t('cluster.thisNode')})` : undefined}>
        <span className="frr-node-id">{node.nodeId}</span>
        {self ? (
          <>
            {' '}
            <span className="frr-tag" data-testid="this-node" title={t('cluster.thisNodeHint')}>
              {t('cluster.thisNode')}
            </span>
          </>
        ) : null}
      </th>
      <td>
        <span className="frr-ellipsis frr-cell-address" title={node.address}>
          {node.address}
        </span>
      </td>
      <td data-cell="status">
        <span className={`frr-badge frr-badge--${node.status}`} data-testid="node-status">
          {t(`cluster.status.${node.status}`)}
        </span>
        {node.status === 'stale' ? (
          <span className="frr-cell-note frr-cell-note--wrap" data-testid="last-seen">
            {t('cluster.lastSeen', { time: formatWhen(node.seenAt, locale) })}
          </span>
        ) : null}
        {skew ? (
          <span className="frr-cell-note frr-skew" data-testid="clock-skew" title={t('cluster.skewHint')}>
            <span aria-hidden="true">⚠ </span>
            {skew}
            <span className="frr-visually-hidden">. {t('cluster.skewHint')}</span>
          </span>
        ) : null}
      </td>
      <td className="frr-cell-time">
        {formatWhen(node.lastSuccessAt, locale)}
        {/* Unregistered now: the time is of a registration that has ended, and says so. */}
        {node.status === 'unregistered' && node.lastSuccessAt ? (
          <span className="frr-cell-note" data-testid="last-success-history">
            {t('nodes.lastSuccessHistory')}
          </span>
        ) : null}
      </td>
      <td className="frr-cell-time">{formatWhen(node.failureAt, locale)}</td>
      <td className="frr-cell-reason">
        {line ? (
          <>
            <span className="frr-cell-reason-head">
              <span className="frr-cell-reason-title" data-testid="first-reason">
                {line.title}
              </span>
              {line.more > 0 ? (
                <span className="frr-muted frr-more" data-testid="more-reasons">
                  {' '}
                  {t('nodes.more', { count: line.more })}
                </span>
              ) : null}
            </span>
            {line.detail ? (
              <span className="frr-cell-note" title={line.detail}>
                {line.detail}
              </span>
            ) : null}
          </>
        ) : (
          '—'
        )}
      </td>
      <td>
        {hasErrorDetails(node) ? (
          // The name carries the node id ("View Error Details — node-2"), so the buttons of a table are told apart.
          <button
            type="button"
            className="frr-link"
            aria-label={t('action.viewErrorDetailsOf', { node: node.nodeId })}
            data-testid="view-error-details"
            onClick={() => onViewDetails(node)}
          >
            {t('action.viewErrorDetails')}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/**
 * Registration Information: one row per node of the cluster (a standalone server has one), this node
 * first, then the nodes in trouble. Compact rows: a reason's title is never cut, its explanation shows
 * two lines at most and is whole in its tooltip and in View Error Details.
 */
export function RegistrationInformation({ nodes, onViewDetails, selfNodeId }: RegistrationInformationProps) {
  const { t } = useT();
  const headingId = useId();
  const cached = useQueryClient().getQueryData<RegistrationState>(registrationKeys.state());
  const self = selfNodeId ?? cached?.node.nodeId;
  const rows = sortNodes(nodes, self);
  return (
    <section className="frr-card" aria-labelledby={headingId}>
      <div className="frr-card-header">
        <h2 id={headingId} className="frr-heading">
          {t('nodes.title')}
        </h2>
      </div>
      {/* A scrolling region (many nodes, a narrow container): focusable and named, so the keyboard scrolls it. */}
      <div className="frr-table-wrap frr-table-wrap--nodes" role="region" aria-label={t('nodes.tableRegion')} tabIndex={0}>
        <table className="frr-table frr-table--nodes" aria-labelledby={headingId} data-testid="registration-nodes">
          <caption className="frr-table-caption" data-testid="nodes-summary">
            {t('cluster.summary', { total: nodes.length, problems: nodes.filter(needsAttention).length })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('nodes.node')}</th>
              <th scope="col">{t('nodes.address')}</th>
              <th scope="col">{t('nodes.status')}</th>
              <th scope="col">{t('nodes.lastSuccess')}</th>
              <th scope="col">{t('nodes.failureTime')}</th>
              <th scope="col">{t('nodes.failureReason')}</th>
              <th scope="col">{t('nodes.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((node) => (
              <NodeRow key={node.nodeId} node={node} self={node.nodeId === self} onViewDetails={onViewDetails} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
