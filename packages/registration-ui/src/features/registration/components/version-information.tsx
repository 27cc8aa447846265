import { useId, type RefObject } from 'react';
import type { RegistrationState } from '@registration/protocol/bff-api';
import { formatWhen } from '../../../lib/format.ts';
import { useT } from '../../../lib/use-t.ts';
import { latestInUse } from '../utils/in-use.ts';
import { GrantDetails } from './grant-details.tsx';
import { StatusCard } from './status-card.tsx';

export interface VersionInformationProps {
  state: RegistrationState;
  /** The one action button (Register Now / Re-register); dialogs return focus to it. */
  actionRef: RefObject<HTMLButtonElement | null>;
  onRegister: () => void;
  onReRegister: () => void;
  /** Verification needed: open Register Now on Local Container at the QR step. */
  onVerify?: () => void;
}

/** Version Information: product, status card, the action, and what the license grants once registered. */
export function VersionInformation({ state, actionRef, onRegister, onReRegister, onVerify }: VersionInformationProps) {
  const { t, locale } = useT();
  const headingId = useId();
  const canRegister = state.status === 'unregistered' || state.status === 'failed' || state.status === 'verification-needed';
  const showGrant = state.grant !== null && (state.status === 'registered' || state.status === 'degraded');
  return (
    <section className="frr-card" aria-labelledby={headingId}>
      <div className="frr-card-header">
        <h2 id={headingId} className="frr-heading">
          {t('version.title')}
        </h2>
        <button
          ref={actionRef}
          type="button"
          className={canRegister ? 'frr-button frr-button--primary' : 'frr-button'}
          onClick={canRegister ? onRegister : onReRegister}
        >
          {canRegister ? t('action.registerNow') : t('action.reRegister')}
        </button>
      </div>
      <StatusCard state={state} onVerify={onVerify} />
      <dl className="frr-fields">
        <dt>{t('version.product')}</dt>
        <dd>{state.product.name}</dd>
        <dt>{t('version.version')}</dt>
        <dd>{state.product.version}</dd>
        <dt>{t('version.buildDate')}</dt>
        <dd>{formatWhen(state.product.buildDate, locale)}</dd>
        {state.method ? (
          <>
            <dt>{t('version.method')}</dt>
            <dd>{t(`method.${state.method}`)}</dd>
          </>
        ) : null}
        {state.serverUrl ? (
          <>
            <dt>{t('version.serverAddress')}</dt>
            <dd>{state.serverUrl}</dd>
          </>
        ) : null}
      </dl>
      {showGrant && state.grant ? <GrantDetails grant={state.grant} now={state.now} method={state.method} inUse={latestInUse(state)} /> : null}
    </section>
  );
}
