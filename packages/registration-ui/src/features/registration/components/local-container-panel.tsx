import { useState } from 'react';
import type { Grant, LocalContainerState } from '@registration/protocol/bff-api';
import { formatWhen } from '../../../lib/format.ts';
import { useT } from '../../../lib/use-t.ts';
import { LicUpload } from './lic-upload.tsx';
import { QrVerification } from './qr-verification.tsx';

export interface LocalContainerPanelProps {
  /** The stored lic, if any: then the panel opens at the QR step (after a restart only the scan is repeated). */
  stored: LocalContainerState | null;
  serverOffsetMs: number;
  onRegistered: () => void;
}

function LicSummary({ grant }: { grant: Grant }) {
  const { t, locale } = useT();
  const pairs: [string, string | number][] = [
    [t('container.company'), grant.company],
    [t('container.project'), grant.project ?? '—'],
    [t('container.appName'), grant.appNames.join(', ') || '—'],
    [t('container.version'), grant.productVersion],
    [t('container.expiry'), formatWhen(grant.expiresAt, locale)],
    [t('container.maxNodes'), grant.maxConnections],
  ];
  // Two label/value pairs a row, so the summary stays short enough for the QR and the code below it.
  return (
    <dl className="frr-fields frr-fields--two" data-testid="lic-summary" aria-label={t('container.summary')}>
      {pairs.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Register Now > Local Container: Upload lic, then the QR step; "Upload another lic" goes back. */
export function LocalContainerPanel({ stored, serverOffsetMs, onRegistered }: LocalContainerPanelProps) {
  const { t } = useT();
  const [accepted, setAccepted] = useState<{ grant: Grant; round: number } | null>(null);
  const [uploading, setUploading] = useState(false);
  const grant = accepted?.grant ?? stored?.grant ?? null;

  if (uploading || !grant) {
    return (
      <LicUpload
        autoFocus={uploading}
        onAccepted={(next) => {
          setAccepted({ grant: next, round: (accepted?.round ?? 0) + 1 });
          setUploading(false);
        }}
      />
    );
  }
  // The gate is per license: a stored one about another lic says nothing about this one.
  const gate = stored && stored.grant.licenseId === grant.licenseId ? stored.gate : null;
  return (
    <div className="frr-form frr-container-step" data-view="local-container-lic">
      <div>
        <div className="frr-card-header frr-summary-header">
          <h3 className="frr-subheading">{t('container.summary')}</h3>
          {accepted ? (
            <span className="frr-badge frr-badge--registered" role="status" data-testid="lic-accepted">
              {t('container.accepted')}
            </span>
          ) : null}
          <button type="button" className="frr-link" onClick={() => setUploading(true)}>
            {t('container.uploadAnother')}
          </button>
        </div>
        <LicSummary grant={grant} />
      </div>
      <QrVerification key={accepted?.round ?? 0} gate={gate} serverOffsetMs={serverOffsetMs} onRegistered={onRegistered} />
    </div>
  );
}
