import { useId, useRef, type RefObject } from 'react';
import type { NodeFailure } from '@registration/protocol/bff-api';
import { Dialog } from '../../../components/dialog.tsx';
import { useT } from '../../../lib/use-t.ts';
import { ReasonList } from './reason-list.tsx';

export interface FailureDialogProps {
  failures: NodeFailure[];
  onBack: () => void;
  returnFocus: RefObject<HTMLElement | null>;
}

/** The pop-up after a refused Submit: every node's reasons, the first prominent, each with Details; Back. */
export function FailureDialog({ failures, onBack, returnFocus }: FailureDialogProps) {
  const { t } = useT();
  const headingPrefix = useId();
  const backRef = useRef<HTMLButtonElement>(null);
  const footer = (
    <button ref={backRef} type="button" className="frr-button frr-button--primary" onClick={onBack}>
      {t('action.back')}
    </button>
  );
  return (
    <Dialog
      view="refusal"
      role="alertdialog"
      title={t('failure.title')}
      onClose={onBack}
      closeLabel={t('action.close')}
      returnFocus={returnFocus}
      initialFocus={backRef}
      footer={footer}
      wide
    >
      {failures.map((failure, index) => (
        <section key={failure.nodeId} className="frr-node" aria-labelledby={`${headingPrefix}-${index}`}>
          <h3 id={`${headingPrefix}-${index}`} className="frr-subheading">
            {t('failure.node', { node: failure.nodeId, address: failure.address })}
          </h3>
          <ReasonList reasons={failure.reasons} />
        </section>
      ))}
    </Dialog>
  );
}
