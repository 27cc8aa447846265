import type { Grant, RegistrationMethod } from '@registration/protocol/bff-api';
import { daysUntil, formatWhen } from '../../../lib/format.ts';
import { useT } from '../../../lib/use-t.ts';

/** Expiry warnings start this many days ahead (DESIGN §6). */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * What the license grants; `now` is the server's clock, so "days left" does not depend on the browser's.
 * `inUseAsOf`: when the license server counted the connections in use (this node's last lease): the
 * count is not live, so it is shown with its time.
 */
export function GrantDetails({
  grant,
  now,
  method = null,
  inUseAsOf = null,
}: {
  grant: Grant;
  now: string;
  method?: RegistrationMethod | null;
  inUseAsOf?: string | null;
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
        <dd>{list(grant.features)}</dd>
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
              {`${grant.maxConnections} / ${grant.inUse}`}
              {inUseAsOf ? <span className="frr-muted"> {t('grant.inUseAsOf', { when: formatWhen(inUseAsOf, locale) })}</span> : null}
            </>
          )}
        </dd>
      </dl>
    </>
  );
}
