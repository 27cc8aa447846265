import type { Grant, RegistrationMethod } from '@registration/protocol/bff-api';
import { daysUntil, formatWhen } from '../../../lib/format.ts';
import type { MessageKey } from '../../../lib/i18n.ts';
import { useT } from '../../../lib/use-t.ts';
import type { InUseCount } from '../utils/in-use.ts';

/** Expiry warnings start this many days ahead (DESIGN §6). */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * What the license grants; `now` is the server's clock, so "days left" does not depend on the browser's.
 * `inUse`: the connections in use as of the latest answer of the license server (a lease or a refusal);
 * the count is not live, so it is shown with its time. Defaults to the grant's own count.
 */
export function GrantDetails({
  grant,
  now,
  method = null,
  inUse = { inUse: grant.inUse, at: null },
}: {
  grant: Grant;
  now: string;
  method?: RegistrationMethod | null;
  inUse?: InUseCount | null;
}) {
  // A Container.lic limits nodes, not connections, and names no domains or port.
  const container = method === 'local-container';
  const { t, locale } = useT();
  const list = (items: string[]) => (items.length > 0 ? items.join(', ') : t('grant.none'));
  const days = daysUntil(grant.expiresAt, now);
  const soon = days >= 0 && days <= EXPIRY_WARNING_DAYS;
  return (
    <>
      <h3 className="frr-subheading">{t('grant.title')}</h3>
      {soon ? (
        <p className="frr-notice frr-notice--warning" role="alert">
          {t('grant.expiresSoon', { count: days })}
        </p>
      ) : null}
      <dl className="frr-fields">
        <dt>{t('grant.company')}</dt>
        <dd>{grant.company}</dd>
        <dt>{t('grant.project')}</dt>
        <dd>{grant.project ?? '—'}</dd>
        <dt>{t('grant.version')}</dt>
        <dd>{grant.productVersion}</dd>
        <dt>{t('grant.features')}</dt>
        <dd>{list(grant.features.map((f) => t(`feature.${f}` as MessageKey, { defaultValue: f })))}</dd>
        {container ? null : (
          <>
            <dt>{t('grant.domains')}</dt>
            <dd>{list(grant.domains)}</dd>
            <dt>{t('grant.port')}</dt>
            <dd>{grant.port ?? '—'}</dd>
          </>
        )}
        <dt>{container ? t('grant.appName') : t('grant.appNames')}</dt>
        <dd>{list(grant.appNames)}</dd>
        <dt>{t('grant.expiry')}</dt>
        <dd>
          {formatWhen(grant.expiresAt, locale)}{' '}
          <span className={soon || days < 0 ? 'frr-warning' : 'frr-muted'}>
            ({days < 0 ? t('grant.expired') : t('grant.daysLeft', { count: days })})
          </span>
        </dd>
        <dt>{container ? t('grant.maxNodes') : t('grant.connections')}</dt>
        <dd>
          {container ? (
            grant.maxConnections
          ) : (
            <>
              {`${grant.maxConnections} / ${inUse?.inUse ?? grant.inUse}`}
              {inUse?.at ? <span className="frr-muted"> {t('grant.inUseAsOf', { when: formatWhen(inUse.at, locale) })}</span> : null}
            </>
          )}
        </dd>
      </dl>
    </>
  );
}
