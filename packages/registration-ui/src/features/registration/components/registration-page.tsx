import { useEffect, useRef, useState } from 'react';
import type { NodeFailure, NodeState, RegisterResult, RegistrationMethod, RegistrationState, RegistrationStatus } from '@registration/protocol/bff-api';
import { toApiRequestError } from '../../../lib/api-error.ts';
import { formatWhen } from '../../../lib/format.ts';
import { useT } from '../../../lib/use-t.ts';
import { useRegistrationState } from '../api/get-registration.ts';
import { ErrorDetailsDialog } from './error-details-dialog.tsx';
import { FailureDialog } from './failure-dialog.tsx';
import { History } from './history.tsx';
import { ProblemView } from './problem-view.tsx';
import { ReRegisterDialog } from './re-register-dialog.tsx';
import { RegisterDialog } from './register-dialog.tsx';
import { RegistrationInformation } from './registration-information.tsx';
import { VersionInformation } from './version-information.tsx';

type OpenDialog =
  | { kind: 'none' }
  | { kind: 'register'; method?: RegistrationMethod; serverUrl?: string }
  | { kind: 'failure'; failures: NodeFailure[]; serverUrl: string }
  | { kind: 're-register' }
  | { kind: 'details'; nodeId: string };

type Notice = 'registered' | 'deregistered' | 'deregisteredContainer' | null;

/** The status each acknowledgement describes. */
const NOTICE_STATUS: Record<NonNullable<Notice>, RegistrationStatus[]> = {
  registered: ['registered'],
  deregistered: ['unregistered'],
  // The lic stays stored: a cleared Local Container registration may read as waiting for a scan.
  deregisteredContainer: ['unregistered', 'verification-needed'],
};

/**
 * The acknowledgement of the administrator's own action ("Registration succeeded" …). It stays while the
 * state it describes lasts and goes once the state moves on (a restart that needs a new scan, an outage,
 * another administrator's Re-register): a success banner above "Verification needed" would contradict it.
 * A notice set before the poll has brought the new state waits for that state first.
 */
function useActionNotice(status: RegistrationStatus | undefined): [Notice, (next: Notice) => void] {
  const [notice, setNotice] = useState<{ kind: NonNullable<Notice>; seen: boolean } | null>(null);
  useEffect(() => {
    if (!notice || status === undefined) return;
    const describes = NOTICE_STATUS[notice.kind].includes(status);
    if (describes && !notice.seen) setNotice({ ...notice, seen: true });
    else if (!describes && notice.seen) setNotice(null);
  }, [notice, status]);
  return [notice?.kind ?? null, (next) => setNotice(next ? { kind: next, seen: false } : null)];
}

/** A refusal should always list failures; if an answer lists none, fall back to the nodes' own reasons. */
function failuresOf(result: RegisterResult): NodeFailure[] {
  if (result.failures.length > 0) return result.failures;
  return result.state.nodes
    .filter((n) => n.reasons.length > 0)
    .map((n) => ({ nodeId: n.nodeId, address: n.address, reasons: n.reasons }));
}

function findNode(state: RegistrationState, nodeId: string): NodeState | undefined {
  return state.nodes.find((n) => n.nodeId === nodeId) ?? (state.node.nodeId === nodeId ? state.node : undefined);
}

/** Registration Management: Version Information, Registration Information and their dialogs. */
export function RegistrationPage() {
  const { t, locale } = useT();
  const query = useRegistrationState();
  const actionRef = useRef<HTMLButtonElement>(null);
  const [dialog, setDialog] = useState<OpenDialog>({ kind: 'none' });
  const [notice, setNotice] = useActionNotice(query.data?.status);
  const close = () => setDialog({ kind: 'none' });

  if (query.isPending) {
    return (
      <div className="frr-page">
        <p className="frr-card frr-muted" role="status">
          {t('page.loading')}
        </p>
      </div>
    );
  }
  // The error view replaces the page only when there is nothing to show; a failed poll keeps the data.
  if (query.isError && !query.data) {
    return (
      <div className="frr-page">
        <section className="frr-card" role="alert">
          <h2 className="frr-heading">{t('page.loadFailed')}</h2>
          <ProblemView error={toApiRequestError(query.error)} />
          <p>
            <button type="button" className="frr-button" onClick={() => void query.refetch()}>
              {t('action.retry')}
            </button>
          </p>
        </section>
      </div>
    );
  }

  const state = query.data;
  if (!state) return null; // not reached: pending and error without data are handled above
  // Server minus client clock as of the answer, for the QR countdown and lock times.
  const serverOffsetMs = Date.parse(state.now) - query.dataUpdatedAt;
  const open = (next: OpenDialog) => {
    setNotice(null);
    setDialog(next);
  };
  const onResult = (result: RegisterResult, serverUrl: string) => {
    if (result.ok) {
      close();
      setNotice('registered');
    } else {
      setDialog({ kind: 'failure', failures: failuresOf(result), serverUrl });
    }
  };
  const detailsNode = dialog.kind === 'details' ? findNode(state, dialog.nodeId) : undefined;

  return (
    <div className="frr-page">
      <div aria-live="polite">
        {notice ? (
          <p className={`frr-notice ${notice === 'registered' ? 'frr-notice--success' : 'frr-notice--warning'}`}>
            {t(`page.${notice}`)}
          </p>
        ) : null}
      </div>
      {query.isError ? (
        // Non-blocking: the page, its table and any open dialog stay as they were; polling goes on.
        <p className="frr-notice frr-notice--warning" role="status" data-testid="refresh-failed">
          {t('page.refreshFailed', { time: formatWhen(state.now, locale) })}
        </p>
      ) : null}
      <VersionInformation
        state={state}
        actionRef={actionRef}
        onRegister={() => open({ kind: 'register' })}
        onVerify={() => open({ kind: 'register', method: 'local-container' })}
        onReRegister={() => open({ kind: 're-register' })}
      />
      <RegistrationInformation nodes={state.nodes} selfNodeId={state.node.nodeId} onViewDetails={(node) => open({ kind: 'details', nodeId: node.nodeId })} />
      <History />
      {dialog.kind === 'register' ? (
        <RegisterDialog
          initialServerUrl={dialog.serverUrl ?? state.serverUrl}
          registrationKeyStored={state.registrationKeyStored}
          initialMethod={dialog.method ?? (state.status === 'verification-needed' ? 'local-container' : 'private-cloud')}
          localContainer={state.localContainer}
          serverOffsetMs={serverOffsetMs}
          onClose={close}
          onResult={onResult}
          onRegistered={() => {
            close();
            setNotice('registered');
          }}
          returnFocus={actionRef}
        />
      ) : null}
      {dialog.kind === 'failure' ? (
        // Back returns to the form with the address as typed, to correct it (not to the page).
        <FailureDialog
          failures={dialog.failures}
          onBack={() => setDialog({ kind: 'register', method: 'private-cloud', serverUrl: dialog.serverUrl })}
          returnFocus={actionRef}
        />
      ) : null}
      {dialog.kind === 're-register' ? (
        <ReRegisterDialog
          method={state.method}
          onClose={close}
          onDone={() => {
            // Local Container involves no license server: the registration is cleared, the lic stays.
            setNotice(state.method === 'local-container' ? 'deregisteredContainer' : 'deregistered');
            // Register Now opens on the method just left (a Local Container lic stays: only the scan is due).
            setDialog({ kind: 'register', method: state.method ?? undefined });
          }}
          returnFocus={actionRef}
        />
      ) : null}
      {detailsNode ? <ErrorDetailsDialog state={state} node={detailsNode} onClose={close} /> : null}
    </div>
  );
}
