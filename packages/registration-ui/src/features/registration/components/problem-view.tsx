import type { ApiRequestError } from '../../../lib/api-error.ts';
import type { MessageKey } from '../../../lib/i18n.ts';
import { useT } from '../../../lib/use-t.ts';
import { ReasonList } from './reason-list.tsx';

const CLIENT_TEXT = {
  network: ['client.networkTitle', 'client.networkExplanation', 'client.networkStep1', 'client.networkStep2'],
  'invalid-response': ['client.invalidTitle', 'client.invalidExplanation', 'client.invalidStep1', 'client.invalidStep2'],
} as const satisfies Record<'network' | 'invalid-response', readonly MessageKey[]>;

/**
 * A failed call shown to people: catalogue reasons when the BFF gave some, else the module's own
 * text for "no answer" / "answer not understood". Never the raw message or body.
 */
export function ProblemView({ error }: { error: ApiRequestError }) {
  const { t } = useT();
  if (error.reasons.length > 0) return <ReasonList reasons={error.reasons} />;
  const [title, explanation, ...steps] = CLIENT_TEXT[error.kind === 'network' ? 'network' : 'invalid-response'];
  return (
    <div className="frr-reason frr-reason--primary">
      <div className="frr-reason-head">
        <span className="frr-reason-title">{t(title)}</span>
      </div>
      <p className="frr-reason-line">{t(explanation)}</p>
      <ol className="frr-steps">
        {steps.map((key) => (
          <li key={key}>{t(key)}</li>
        ))}
      </ol>
    </div>
  );
}
