import { useRef, type RefObject } from 'react';
import type { RegistrationMethod } from '@registration/protocol/bff-api';
import { Dialog } from '../../../components/dialog.tsx';
import { toApiRequestError } from '../../../lib/api-error.ts';
import { useT } from '../../../lib/use-t.ts';
import { useDeregister } from '../api/deregister.ts';
import { ProblemView } from './problem-view.tsx';

export interface ReRegisterDialogProps {
  /** What is being ended: a lease on a license server (Private Cloud) or a Local Container registration. */
  method: RegistrationMethod | null;
  onClose: () => void;
  /** Deregistered: the page continues with Register Now. */
  onDone: () => void;
  returnFocus: RefObject<HTMLElement | null>;
}

/** Re-register: confirm, deregister (frees the slot on the license server), then back to Register Now. */
export function ReRegisterDialog({ method, onClose, onDone, returnFocus }: ReRegisterDialogProps) {
  const { t } = useT();
  const deregister = useDeregister();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const footer = (
    <>
      <button ref={cancelRef} type="button" className="frr-button" onClick={onClose}>
        {t('action.cancel')}
      </button>
      <button
        type="button"
        className="frr-button frr-button--primary"
        aria-disabled={deregister.isPending || undefined}
        aria-busy={deregister.isPending}
        onClick={() => !deregister.isPending && deregister.mutate(undefined, { onSuccess: onDone })}
      >
        {t('action.reRegister')}
      </button>
    </>
  );
  return (
    <Dialog
      view="re-register"
      role="alertdialog"
      title={t('reRegister.title')}
      onClose={onClose}
      closeLabel={t('action.close')}
      returnFocus={returnFocus}
      initialFocus={cancelRef}
      footer={footer}
    >
      <p>{t(method === 'local-container' ? 'reRegister.confirmLocalContainer' : 'reRegister.confirm')}</p>
      {deregister.isPending ? (
        <p className="frr-muted" role="status">
          {t('reRegister.submitting')}
        </p>
      ) : null}
      {deregister.error ? (
        <div role="alert">
          <ProblemView error={toApiRequestError(deregister.error)} />
        </div>
      ) : null}
    </Dialog>
  );
}
