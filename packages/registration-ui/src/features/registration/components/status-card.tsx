import type { RegistrationState } from '@registration/protocol/bff-api';
import type { Locale } from '@registration/protocol/catalogue';
import type { Reason } from '@registration/protocol/reason';
import { reasonText } from '../../../lib/catalogue-text.ts';
import { formatWhen } from '../../../lib/format.ts';
import { useT } from '../../../lib/use-t.ts';

/** The reasons to quote for a failed registration: this node's, else those of the first node that reports any. */
function failingReasons(state: RegistrationState): Reason[] {
  return state.node.reasons.length > 0 ? state.node.reasons : (state.nodes.find((n) => n.reasons.length > 0)?.reasons ?? []);
}

/** "Title", or "Title (+3 more)" when there are more: never one reason of four without saying so. */
function quoted(reasons: Reason[], locale: Locale, t: ReturnType<typeof useT>['t']): string {
  const [first, ...rest] = reasons;
  if (!first) return '—';
  const title = reasonText(first, locale).title;
  return rest.length > 0 ? t('statusDetail.reasonAndMore', { reason: title, count: rest.length }) : title;
}

/** Registration status as one line: what it is, since when, until when, why; `onVerify` opens the QR step. */
export function StatusCard({ state, onVerify }: { state: RegistrationState; onVerify?: (() => void) | undefined }) {
  const { t, locale } = useT();
  const { node } = state;
  const when = (v: string | null | undefined) => formatWhen(v, locale);
  let detail: string;
  switch (state.status) {
    case 'registered':
      // Two dates an administrator must not confuse: the lease the node renews by itself (hours away)
      // and the license's own end (months away). Each is named for what it is.
      detail =
        state.method === 'private-cloud'
          ? t('statusDetail.registeredPrivateCloud', { leaseUntil: when(node.validUntil), licenseExpires: when(state.grant?.expiresAt) })
          : t('statusDetail.registeredLocalContainer', { licenseExpires: when(state.grant?.expiresAt ?? node.validUntil) });
      break;
    case 'failed': {
      const since = node.failureAt ?? state.nodes.find((n) => n.failureAt)?.failureAt;
      detail = t('statusDetail.failed', { since: when(since), reason: quoted(failingReasons(state), locale, t) });
      break;
    }
    case 'degraded':
      detail = t('statusDetail.degraded', { since: when(node.unreachableSince), validUntil: when(node.validUntil) });
      break;
    default:
      detail = t(`statusDetail.${state.status}`);
  }
  return (
    <div className={`frr-status frr-status--${state.status}`} data-status={state.status}>
      <span className="frr-status-label">{t(`status.${state.status}`)}</span>
      <span>{detail}</span>
      {state.lastAttempt && (state.status === 'registered' || state.status === 'degraded') ? (
        <span className="frr-status-attempt" data-testid="last-attempt">
          {t('statusDetail.lastAttempt', {
            serverUrl: state.lastAttempt.serverUrl,
            at: when(state.lastAttempt.at),
            reason: quoted(state.lastAttempt.reasons, locale, t),
          })}
        </span>
      ) : null}
      {state.status === 'verification-needed' && onVerify ? (
        <span>
          <button type="button" className="frr-link" data-testid="verify-now" onClick={onVerify}>
            {t('statusDetail.verifyNow')}
          </button>
        </span>
      ) : null}
    </div>
  );
}
