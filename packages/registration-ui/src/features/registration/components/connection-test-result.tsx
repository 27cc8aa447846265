import type { ConnectionTestResult as Result } from '@registration/protocol/bff-api';
import { toApiRequestError } from '../../../lib/api-error.ts';
import { useT } from '../../../lib/use-t.ts';
import { ProblemView } from './problem-view.tsx';
import { ReasonList } from './reason-list.tsx';

export interface ConnectionTestResultProps {
  pending: boolean;
  result: Result | undefined;
  error: unknown;
}

/** What Test Connection found: latency and certificate fingerprint, or why it could not connect. */
export function ConnectionTestResult({ pending, result, error }: ConnectionTestResultProps) {
  const { t } = useT();
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
      <div className="frr-test-result frr-test-result--ok" role="status">
        <p className="frr-notice frr-notice--success">{t('register.testOk', { ms: result.latencyMs ?? '—' })}</p>
        {result.fingerprint ? <p className="frr-code">{t('register.fingerprint', { fingerprint: result.fingerprint })}</p> : null}
      </div>
    );
  }
  return (
    <div className="frr-test-result" role="alert">
      <p className="frr-reason-title">{t('register.testFailed')}</p>
      <ReasonList reasons={result.reasons} />
    </div>
  );
}
