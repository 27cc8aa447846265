import type { Reason } from '@registration/protocol/reason';
import { displayParams, reasonText } from '../../../lib/catalogue-text.ts';
import type { MessageKey } from '../../../lib/i18n.ts';
import { useT } from '../../../lib/use-t.ts';

export interface ReasonDetailsProps {
  reason: Reason;
  id?: string;
}

/** Everything known about one reason: code, name, explanation, troubleshooting steps and specifics. */
export function ReasonDetails({ reason, id }: ReasonDetailsProps) {
  const { t, locale } = useT();
  const text = reasonText(reason, locale);
  const specifics = Object.entries(displayParams(reason.params, locale));
  return (
    <div id={id} className="frr-reason-details">
      <dl className="frr-fields">
        <dt>{t('reason.code')}</dt>
        <dd className="frr-code">{reason.code}</dd>
        <dt>{t('reason.name')}</dt>
        <dd className="frr-code">{reason.name}</dd>
        <dt>{t('reason.explanation')}</dt>
        <dd>{text.explanation}</dd>
      </dl>
      <h4 className="frr-subheading">{t('reason.troubleshooting')}</h4>
      <ol className="frr-steps">
        {text.troubleshooting.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      {specifics.length > 0 ? (
        <>
          <h4 className="frr-subheading">{t('reason.specifics')}</h4>
          <dl className="frr-fields">
            {specifics.map(([key, value]) => (
              <div key={key}>
                <dt>{t(`param.${key}` as MessageKey, { defaultValue: key })}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
    </div>
  );
}
