import type { ConnectionTestResult as Result } from '@registration/protocol/bff-api';
import { toApiRequestError } from '../../../lib/api-error.ts';
import { formatWhen } from '../../../lib/format.ts';
import { useT } from '../../../lib/use-t.ts';
import { CertificateTrust, certificateFromTest } from './certificate-trust.tsx';
import { ProblemView } from './problem-view.tsx';
import { ReasonList } from './reason-list.tsx';

/** Catalogue codes of failures to reach the server at all: CONNECTION_*, TLS_*, PLAIN_HTTP, NOT_A_LICENSE_SERVER. */
const CONNECTION_CODES = { from: 31000, to: 31009 } as const;

export interface ConnectionTestResultProps {
  pending: boolean;
  result: Result | undefined;
  error: unknown;
  /** An administrator trusted the certificate shown (Test Connection is then run again). */
  onTrusted: () => void;
}

/**
 * What Test Connection found: latency, certificate fingerprint and why it is trusted; or why it could
 * not connect, with the certificate to decide about when only trust is missing.
 */
export function ConnectionTestResult({ pending, result, error, onTrusted }: ConnectionTestResultProps) {
  const { t, locale } = useT();
  if (pending) {
    return (
      <p className="frr-test-result" role="status">
        {t('register.testing')}
      </p>
    );
  }
  if (error) {
    return (
      <div className="frr-test-result" role="alert">
        <ProblemView error={toApiRequestError(error)} />
      </div>
    );
  }
  if (!result) return null;
  if (result.ok) {
    return (
      <div className="frr-test-result frr-test-result--ok" role="status" data-view="connection-ok">
        <p className="frr-notice frr-notice--success">{t('register.testOk', { ms: result.latencyMs ?? '—' })}</p>
        {result.fingerprint ? <p className="frr-code">{t('register.fingerprint', { fingerprint: result.fingerprint })}</p> : null}
        {result.trust === 'ca' ? <p className="frr-hint">{t('register.caTrusted')}</p> : null}
        {result.trust === 'confirmed' && result.confirmed ? (
          <p className="frr-hint">
            {t('register.confirmedTrust', { by: result.confirmed.confirmedBy, at: formatWhen(result.confirmed.confirmedAt, locale) })}
          </p>
        ) : null}
      </div>
    );
  }
  const toTrust = certificateFromTest(result);
  // "Could not connect" sends an administrator to the network and firewall; a server that answered and
  // refused (not activated, full, IP range…) must not read like that.
  const unreachable = result.reasons.some((r) => r.code >= CONNECTION_CODES.from && r.code <= CONNECTION_CODES.to);
  return (
    <div className="frr-test-result" data-view="connection-refused">
      <div role="alert">
        <p className="frr-reason-title">{t(unreachable ? 'register.testFailed' : 'register.testRefused')}</p>
        <ReasonList reasons={result.reasons} />
      </div>
      {toTrust ? <CertificateTrust key={toTrust.certificate.fingerprint} item={toTrust} onTrusted={onTrusted} /> : null}
    </div>
  );
}
