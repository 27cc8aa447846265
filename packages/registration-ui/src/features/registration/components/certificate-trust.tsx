import { useEffect, useId, useRef, useState } from 'react';
import type { ConnectionTestResult, ServerCertificate } from '@registration/protocol/bff-api';
import type { Reason } from '@registration/protocol/reason';
import { toApiRequestError } from '../../../lib/api-error.ts';
import { formatWhen } from '../../../lib/format.ts';
import { useT } from '../../../lib/use-t.ts';
import { useTrustCertificate } from '../api/trust-certificate.ts';
import { Fingerprint } from './fingerprint.tsx';
import { ProblemView } from './problem-view.tsx';

/** A license-server certificate an administrator may trust, from Test Connection or a failed Submit. */
export interface CertificateToTrust {
  serverUrl: string;
  trust: 'untrusted' | 'changed';
  certificate: Omit<ServerCertificate, 'coversHost' | 'validNow'> & Partial<Pick<ServerCertificate, 'coversHost' | 'validNow'>>;
  /** The earlier confirmation, when the certificate changed. */
  previous: { by: string; at: string; fingerprint: string } | null;
}

/** The certificate of a Test Connection answer, when it is one to decide about. */
export function certificateFromTest(result: ConnectionTestResult): CertificateToTrust | null {
  const { certificate, trust, confirmed } = result;
  if (!certificate || (trust !== 'untrusted' && trust !== 'changed')) return null;
  const previous = trust === 'changed' && confirmed ? { by: confirmed.confirmedBy, at: confirmed.confirmedAt, fingerprint: confirmed.fingerprint } : null;
  return { serverUrl: result.serverUrl, trust, certificate, previous };
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The certificate named by a Submit's TLS_UNTRUSTED / TLS_CERT_CHANGED reason (its specifics carry it). */
export function certificateFromReasons(serverUrl: string, reasons: Reason[]): CertificateToTrust | null {
  const found = reasons.find((r) => r.name === 'TLS_UNTRUSTED' || r.name === 'TLS_CERT_CHANGED');
  const p = found?.params ?? {};
  const fingerprint = text(p.fingerprint);
  if (!found || !fingerprint) return null;
  const changed = found.name === 'TLS_CERT_CHANGED';
  const by = text(p.confirmedBy);
  const at = text(p.confirmedAt);
  const before = text(p.confirmedFingerprint);
  return {
    serverUrl,
    trust: changed ? 'changed' : 'untrusted',
    certificate: {
      fingerprint,
      subject: text(p.subject) ?? '—',
      issuer: text(p.issuer) ?? '—',
      altNames: Array.isArray(p.altNames) ? p.altNames : [],
      validFrom: text(p.validFrom) ?? '',
      validTo: text(p.validTo) ?? '',
    },
    previous: changed && by && at && before ? { by, at, fingerprint: before } : null,
  };
}

export interface CertificateTrustProps {
  item: CertificateToTrust;
  /** The BFF stored the confirmation. */
  onTrusted: () => void;
}

/** The certificate (subject, issuer, validity, fingerprint) and "Trust this certificate" with an explicit confirmation. */
export function CertificateTrust({ item, onTrusted }: CertificateTrustProps) {
  const { t, locale } = useT();
  const ids = { heading: useId(), question: useId() };
  const confirmRef = useRef<HTMLButtonElement>(null);
  const [asking, setAsking] = useState(false);
  const mutation = useTrustCertificate();
  const url = new URL(item.serverUrl);
  const { certificate: c, previous } = item;
  const canTrust = c.validNow !== false;

  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);

  function confirm() {
    if (mutation.isPending) return;
    mutation.mutate({ serverUrl: item.serverUrl, fingerprint: c.fingerprint }, { onSuccess: onTrusted });
  }

  return (
    <section className="frr-trust" aria-labelledby={ids.heading} data-trust={item.trust} data-view="certificate-trust">
      <h3 id={ids.heading} className="frr-subheading">
        {t(item.trust === 'changed' ? 'trust.changedTitle' : 'trust.untrustedTitle')}
      </h3>
      <p>
        {previous
          ? t('trust.changedExplanation', { by: previous.by, at: formatWhen(previous.at, locale) })
          : t('trust.untrustedExplanation')}
      </p>
      <dl className="frr-fields">
        <dt>{t('trust.subject')}</dt>
        <dd>{c.subject}</dd>
        <dt>{t('trust.issuer')}</dt>
        <dd>{c.issuer}</dd>
        <dt>{t('trust.names')}</dt>
        <dd>{c.altNames.length > 0 ? c.altNames.join(', ') : '—'}</dd>
        <dt>{t('trust.validFrom')}</dt>
        <dd>{formatWhen(c.validFrom, locale)}</dd>
        <dt>{t('trust.validTo')}</dt>
        <dd>{formatWhen(c.validTo, locale)}</dd>
        <dt>{t('trust.fingerprint')}</dt>
        <dd>
          <Fingerprint value={c.fingerprint} label={t('trust.fingerprint')} />
        </dd>
        {previous ? (
          <>
            <dt>{t('trust.previousFingerprint')}</dt>
            <dd>
              <Fingerprint value={previous.fingerprint} label={t('trust.previousFingerprint')} />
            </dd>
          </>
        ) : null}
      </dl>
      {c.coversHost === false ? (
        <p className="frr-hint">
          {t('trust.notForHost', { names: c.altNames.join(', ') || '—', host: url.hostname, origin: url.origin })}
        </p>
      ) : null}
      {!canTrust ? <p className="frr-notice frr-notice--warning">{t('trust.notValidNow')}</p> : null}
      {canTrust && !asking ? (
        <p>
          <button type="button" className="frr-button" onClick={() => setAsking(true)}>
            {t('trust.trust')}
          </button>
        </p>
      ) : null}
      {canTrust && asking ? (
        <div role="group" aria-labelledby={ids.question}>
          <p id={ids.question}>{t('trust.confirmQuestion', { origin: url.origin })}</p>
          <p>
            <button
              ref={confirmRef}
              type="button"
              className="frr-button frr-button--primary"
              onClick={() => !mutation.isPending && confirm()}
              aria-disabled={mutation.isPending || undefined}
              aria-busy={mutation.isPending}
            >
              {mutation.isPending ? t('trust.trusting') : t('trust.confirm')}
            </button>{' '}
            <button type="button" className="frr-button" onClick={() => !mutation.isPending && setAsking(false)} aria-disabled={mutation.isPending || undefined}>
              {t('action.cancel')}
            </button>
          </p>
        </div>
      ) : null}
      {mutation.error ? (
        <div role="alert">
          <ProblemView error={toApiRequestError(mutation.error)} />
        </div>
      ) : null}
    </section>
  );
}
