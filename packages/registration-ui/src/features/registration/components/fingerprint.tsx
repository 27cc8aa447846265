import { Fragment, useRef, useState } from 'react';
import { copyText } from '../../../lib/copy-text.ts';
import { useT } from '../../../lib/use-t.ts';

/** A colon-hex fingerprint in groups of four bytes (`AB:CD:EF:01`), the way people compare them aloud. */
export function fingerprintGroups(value: string): string[] {
  const bytes = value.split(':');
  if (bytes.length < 2) return [value];
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 4) groups.push(bytes.slice(i, i + 4).join(':'));
  return groups;
}

/**
 * A certificate fingerprint to compare and copy: wraps only between groups of four bytes, so that no
 * part runs off a narrow dialog and each line can be read against the administrator's copy; Copy puts the
 * exact text (as openssl prints it) on the clipboard, or says to select it by hand.
 */
export function Fingerprint({ value, label }: { value: string; label: string }) {
  const { t } = useT();
  const ref = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  async function onCopy() {
    setCopied(ref.current ? await copyText(value, ref.current) : false);
  }
  return (
    <div className="frr-fingerprint" ref={ref}>
      <code className="frr-code frr-fingerprint-value" data-fingerprint={value}>
        {fingerprintGroups(value).map((group, i) => (
          <Fragment key={i}>
            {i > 0 ? (
              <>
                :<wbr />
              </>
            ) : null}
            <span className="frr-fingerprint-group">{group}</span>
          </Fragment>
        ))}
      </code>
      <button type="button" className="frr-button frr-button--small" aria-label={t('trust.copyFingerprint', { label })} onClick={() => void onCopy()}>
        {t('action.copy')}
      </button>
      <span role="status" className={copied === false ? 'frr-hint' : 'frr-muted'}>
        {copied === null ? '' : t(copied ? 'trust.fingerprintCopied' : 'trust.fingerprintCopyFailed')}
      </span>
    </div>
  );
}
