import { useRef, useState, type RefObject } from 'react';
import type { NodeState, RegistrationState } from '@registration/protocol/bff-api';
import { Dialog } from '../../../components/dialog.tsx';
import { reasonText } from '../../../lib/catalogue-text.ts';
import { copyText } from '../../../lib/copy-text.ts';
import { formatWhen } from '../../../lib/format.ts';
import { useT } from '../../../lib/use-t.ts';
import { buildDiagnosticSummary } from '../utils/diagnostic-summary.ts';
import { ReasonDetails } from './reason-details.tsx';

export interface ErrorDetailsDialogProps {
  state: RegistrationState;
  node: NodeState;
  onClose: () => void;
  returnFocus?: RefObject<HTMLElement | null>;
  /** Clock for the summary's time stamp (injected in tests). */
  now?: () => Date;
}

/** View Error Details: every reason of one node in full, and a copyable diagnostic summary. */
export function ErrorDetailsDialog({ state, node, onClose, returnFocus, now = () => new Date() }: ErrorDetailsDialogProps) {
  const { t, locale } = useT();
  const bodyRef = useRef<HTMLDivElement>(null);
  const [copy, setCopy] = useState<{ done: boolean; text: string } | null>(null);

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
    <Dialog title={t('errorDetails.title')} onClose={onClose} closeLabel={t('action.close')} returnFocus={returnFocus} footer={footer} wide>
      <div ref={bodyRef}>
        <dl className="frr-fields">
          <dt>{t('errorDetails.node')}</dt>
          <dd>
            {node.nodeId} ({node.address})
          </dd>
          <dt>{t('errorDetails.failureTime')}</dt>
          <dd>{formatWhen(node.failureAt, locale)}</dd>
          {state.serverUrl ? (
            <>
              <dt>{t('version.serverAddress')}</dt>
              <dd>{state.serverUrl}</dd>
            </>
          ) : null}
        </dl>
        {node.reasons.map((reason, index) => (
          <section key={`${reason.code}-${index}`} className="frr-node">
            <h3 className="frr-subheading">{reasonText(reason, locale).title}</h3>
            <ReasonDetails reason={reason} />
          </section>
        ))}
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
