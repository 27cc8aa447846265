import { useId, useState } from 'react';
import type { Reason } from '@registration/protocol/reason';
import { reasonText } from '../../../lib/catalogue-text.ts';
import { useT } from '../../../lib/use-t.ts';
import { ReasonDetails } from './reason-details.tsx';

function ReasonItem({ reason, prominent }: { reason: Reason; prominent: boolean }) {
  const { t, locale } = useT();
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const text = reasonText(reason, locale);
  return (
    <li className={prominent ? 'frr-reason frr-reason--primary' : 'frr-reason'} data-reason={reason.name}>
      <div className="frr-reason-head">
        <span className="frr-reason-title">{text.title}</span>
        <span className="frr-code">
          {reason.code} {reason.name}
        </span>
      </div>
      <p className="frr-reason-line">
        {text.explanation}
      </p>
      <button type="button" className="frr-link" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>
        {open ? t('action.hideDetails') : t('action.details')}
      </button>
      {open ? <ReasonDetails id={detailsId} reason={reason} /> : null}
    </li>
  );
}

/** Failing reasons in the order received; the first one prominent, each with a Details toggle. */
export function ReasonList({ reasons }: { reasons: Reason[] }) {
  return (
    <ul className="frr-reasons">
      {reasons.map((reason, index) => (
        <ReasonItem key={`${reason.code}-${index}`} reason={reason} prominent={index === 0} />
      ))}
    </ul>
  );
}
