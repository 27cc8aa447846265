import { useRef, useState, type RefObject } from 'react';
import type { NodeState, RegistrationState } from '@registration/protocol/bff-api';
import { Dialog } from '../../../components/dialog.tsx';
import { reasonText } from '../../../lib/catalogue-text.ts';
import { copyText } from '../../../lib/copy-text.ts';
import { formatWhen } from '../../../lib/format.ts';
import { useT } from '../../../lib/use-t.ts';
import { buildDiagnosticSummary } from '../utils/diagnostic-summary.ts';
import { ReasonDetails } from './reason-details.tsx';
import { clockSkewLabel, formatDuration, isClockSkewed } from './registration-information.tsx';

/** A finding that is not a catalogue reason (no liveness, a lapse, a clock): title, explanation, steps. */
function Finding({ kind, title, explanation, steps }: { kind: string; title: string; explanation: string; steps: string[] }) {
  const { t } = useT();
  return (
    <section className="frr-node" data-finding={kind}>
      <h3 className="frr-subheading">{title}</h3>
      <p>{explanation}</p>
      {steps.length > 0 ? (
        <>
          <h4 className="frr-subheading">{t('reason.troubleshooting')}</h4>
          <ol className="frr-steps">
            {steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}

export interface ErrorDetailsDialogProps {
  state: RegistrationState;
  node: NodeState;
  onClose: () => void;
  returnFocus?: RefObject<HTMLElement | null>;
  /** Clock for the summary's time stamp (injected in tests). */
  now?: () => Date;
}

/**
 * View Error Details: one node (id, address, status, times), every reason it reports in full — and,
 * when it has stopped reporting, its clock is off or the license server is unreachable, what that
 * means and what to do — and a copyable diagnostic summary. It follows the node as the state is
 * polled: the same dialog, its content updated.
 */
export function ErrorDetailsDialog({ state, node, onClose, returnFocus, now = () => new Date() }: ErrorDetailsDialogProps) {
  const { t, locale } = useT();
  const bodyRef = useRef<HTMLDivElement>(null);
  const [copy, setCopy] = useState<{ done: boolean; text: string } | null>(null);
  const when = (v: string | null) => formatWhen(v, locale);
  const skew = clockSkewLabel(node, t);

  async function onCopy() {
    const text = buildDiagnosticSummary(state, node, now());
    const done = bodyRef.current ? await copyText(text, bodyRef.current) : false;
    setCopy({ done, text });
  }

  const footer = (
    <>
      <button type="button" className="frr-button" onClick={() => void onCopy()}>
        {t('action.copySummary')}
      </button>
      <button type="button" className="frr-button frr-button--primary" onClick={onClose}>
        {t('action.close')}
      </button>
    </>
  );
  return (
    <Dialog view="error-details" title={t('errorDetails.title')} onClose={onClose} closeLabel={t('action.close')} returnFocus={returnFocus} footer={footer} wide>
      <div ref={bodyRef} data-node={node.nodeId}>
        <dl className="frr-fields">
          <dt>{t('errorDetails.node')}</dt>
          <dd>
            {node.nodeId} ({node.address}){node.nodeId === state.node.nodeId ? ` · ${t('cluster.thisNode')}` : ''}
          </dd>
          <dt>{t('nodes.status')}</dt>
          <dd>
            <span className={`frr-badge frr-badge--${node.status}`}>{t(`cluster.status.${node.status}`)}</span>
          </dd>
          <dt>{t('nodes.lastSuccess')}</dt>
          <dd>{when(node.lastSuccessAt)}</dd>
          <dt>{t('errorDetails.failureTime')}</dt>
          <dd>{when(node.failureAt)}</dd>
          <dt>{t('cluster.seenAt')}</dt>
          <dd>{when(node.seenAt)}</dd>
          {skew ? (
            <>
              <dt>{t('cluster.skewTitle')}</dt>
              <dd className="frr-skew">{skew}</dd>
            </>
          ) : null}
          {state.serverUrl ? (
            <>
              <dt>{t('version.serverAddress')}</dt>
              <dd>{state.serverUrl}</dd>
            </>
          ) : null}
        </dl>
        {node.status === 'stale' ? (
          <Finding
            kind="stale"
            title={t('cluster.staleTitle')}
            explanation={t('cluster.staleExplanation', { node: node.nodeId, address: node.address, time: when(node.seenAt) })}
            steps={[
              t('cluster.staleStep1', { address: node.address }),
              t('cluster.staleStep2'),
              t('cluster.staleStep3', { time: when(node.seenAt) }),
            ]}
          />
        ) : null}
        {node.status === 'degraded' && node.reasons.length === 0 ? (
          <Finding
            kind="degraded"
            title={t('cluster.degradedTitle')}
            explanation={t('cluster.degradedExplanation', { node: node.nodeId, since: when(node.unreachableSince), validUntil: when(node.validUntil) })}
            steps={[]}
          />
        ) : null}
        {skew && node.clockSkewMs !== null ? (
          <Finding
            kind="clock-skew"
            title={t('cluster.skewTitle')}
            explanation={t(node.clockSkewMs > 0 ? 'cluster.skewExplanationAhead' : 'cluster.skewExplanationBehind', {
              node: node.nodeId,
              amount: formatDuration(node.clockSkewMs, t),
            })}
            steps={[t('cluster.skewStep1'), t('cluster.skewStep2'), t('cluster.skewStep3')]}
          />
        ) : null}
        {node.status === 'stale' && node.reasons.length > 0 ? <h3 className="frr-subheading">{t('cluster.storedReasons')}</h3> : null}
        {node.reasons.map((reason, index) => (
          <section key={`${reason.code}-${index}`} className="frr-node" data-reason={reason.name}>
            <h3 className="frr-subheading">{reasonText(reason, locale).title}</h3>
            <ReasonDetails reason={reason} />
          </section>
        ))}
        {node.reasons.length === 0 && node.status !== 'stale' && node.status !== 'degraded' && !isClockSkewed(node) ? (
          <p className="frr-muted">{t('cluster.noFailure')}</p>
        ) : null}
        {copy?.done ? (
          <p className="frr-notice frr-notice--success" role="status">
            {t('errorDetails.copied')}
          </p>
        ) : null}
        {copy && !copy.done ? (
          <div role="status">
            <p className="frr-muted">{t('errorDetails.copyFallback')}</p>
            <textarea className="frr-summary-text" readOnly value={copy.text} aria-label={t('action.copySummary')} />
          </div>
        ) : null}
      </div>
    </Dialog>
  );
}
