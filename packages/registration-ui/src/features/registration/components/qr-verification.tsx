import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { VerificationGate } from '@registration/protocol/bff-api';
import { reason as catalogueReason, type Reason } from '@registration/protocol/reason';
import { toApiRequestError } from '../../../lib/api-error.ts';
import { copyText } from '../../../lib/copy-text.ts';
import { reasonText } from '../../../lib/catalogue-text.ts';
import { formatWhen } from '../../../lib/format.ts';
import { svgDataUrl } from '../../../lib/svg-data-url.ts';
import { useServerNow } from '../../../lib/use-server-now.ts';
import { useT } from '../../../lib/use-t.ts';
import { useRequestContainerChallenge } from '../api/request-container-challenge.ts';
import { useVerifyContainerCode } from '../api/verify-container-code.ts';
import { CODE_LENGTH, formatCountdown, normalizeCode } from '../utils/verification-code.ts';
import { ProblemView } from './problem-view.tsx';

export interface QrVerificationProps {
  /** The code gate as of the last state read. */
  gate: VerificationGate | null;
  /** Server clock minus client clock (ms). */
  serverOffsetMs: number;
  onRegistered: () => void;
}

/** Shown size of the QR: a ~330-character URL needs ~2 px modules at 180 px, too small for some phones. */
export const QR_SIZE_PX = 256;

const param = (reason: Reason | undefined, key: string) => {
  const value = reason?.params?.[key];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
};

/** The QR step: challenge as an image with its countdown and Refresh, then the 6-digit code and Submit. */
export function QrVerification({ gate, serverOffsetMs, onRegistered }: QrVerificationProps) {
  const { t, locale } = useT();
  const ids = { form: useId(), code: useId(), hint: useId(), error: useId(), message: useId() };
  const codeRef = useRef<HTMLInputElement>(null);
  const linkRowRef = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const challenge = useRequestContainerChallenge();
  const verify = useVerifyContainerCode();
  const now = useServerNow(serverOffsetMs);
  const [code, setCode] = useState('');
  const [incomplete, setIncomplete] = useState(false);

  const requested = useRef(false);
  useEffect(() => {
    if (requested.current) return; // StrictMode: one challenge per mount, each one replaces the last
    requested.current = true;
    challenge.mutate();
  }, [challenge]);

  const current = challenge.data;
  // Focus without the browser's own scroll (which may centre the field and push the lic summary out of
  // view); scroll only as far as needed to show the field, if at all.
  useEffect(() => {
    if (current) focusCode();
  }, [current]);

  function focusCode() {
    const field = codeRef.current;
    if (!field) return;
    field.focus({ preventScroll: true });
    field.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }

  async function copyLink(url: string) {
    setCopied(linkRowRef.current ? await copyText(url, linkRowRef.current) : false);
  }

  const failure = verify.error ? toApiRequestError(verify.error) : null;
  const reason = failure?.reasons[0];
  const lockedUntil = reason?.name === 'VERIFY_LOCKED' ? String(param(reason, 'until')) : gate?.kind === 'locked' ? gate.until : null;
  const locked = lockedUntil !== null && now < Date.parse(lockedUntil);
  const disabledReason: Reason | null =
    reason?.name === 'VERIFY_DISABLED'
      ? reason
      : gate?.kind === 'disabled'
        ? catalogueReason('VERIFY_DISABLED', { failures: gate.failures })
        : null;
  const remaining = current ? Date.parse(current.expiresAt) - now : 0;
  const expired = current !== undefined && (remaining <= 0 || reason?.name === 'QR_EXPIRED');
  const blocked = locked || disabledReason !== null;
  const canSubmit = current !== undefined && !expired && !blocked && !verify.isPending;

  function refresh() {
    verify.reset();
    setCode('');
    setCopied(null);
    challenge.mutate();
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!current || !canSubmit) return;
    if (code.length !== CODE_LENGTH) {
      setIncomplete(true);
      focusCode();
      return;
    }
    setIncomplete(false);
    verify.mutate(
      { challengeId: current.challengeId, code },
      {
        onSuccess: onRegistered,
        onError: () => {
          setCode('');
          focusCode();
        },
      },
    );
  }

  const codeRefused = !disabledReason && !locked && reason?.name === 'VERIFY_CODE_ERROR';
  let message = null;
  if (disabledReason) {
    const text = reasonText(disabledReason, locale);
    message = (
      <div className="frr-reason frr-reason--primary" role="alert" data-testid="verify-disabled">
        <p className="frr-reason-title">{t('container.disabled')}</p>
        <p className="frr-reason-line">{text.explanation}</p>
        <ol className="frr-steps">
          {text.troubleshooting.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      </div>
    );
  } else if (locked) {
    message = (
      <p className="frr-field-error" role="alert" data-testid="verify-locked" data-view="verification-locked">
        {t('container.lockedUntil', { until: formatWhen(lockedUntil, locale) })}
      </p>
    );
  } else if (lockedUntil !== null) {
    message = (
      <p className="frr-notice frr-notice--success" role="status" data-testid="verify-unlocked">
        {t('container.unlocked')}
      </p>
    );
  } else if (reason?.name === 'VERIFY_CODE_ERROR') {
    message = (
      <p className="frr-field-error" role="alert" data-testid="verify-attempts-left">
        {t('container.attemptsLeft', { count: param(reason, 'attemptsLeft') ?? 0 })}
      </p>
    );
  } else if (failure && reason?.name !== 'QR_EXPIRED' && reason?.name !== 'VERIFY_LOCKED') {
    message = (
      <div role="alert">
        <ProblemView error={failure} />
      </div>
    );
  }

  return (
    <div className="frr-qr-step" data-view="qr-verification">
      <h3 className="frr-subheading">{t('container.qrTitle')}</h3>
      <p className="frr-muted frr-qr-instruction">{t('container.qrInstruction')}</p>
      <div className="frr-qr">
        {current ? (
          <img
            className={expired ? 'frr-qr-image frr-qr-image--expired' : 'frr-qr-image'}
            data-testid="qr-image"
            alt={t('container.qrAlt')}
            src={svgDataUrl(current.svg)}
            width={QR_SIZE_PX}
            height={QR_SIZE_PX}
          />
        ) : (
          <div className="frr-qr-image frr-qr-placeholder">
            {challenge.isPending ? (
              <p className="frr-muted" role="status">
                {t('container.qrLoading')}
              </p>
            ) : null}
          </div>
        )}
        {/* Beside the QR (under it when narrow): countdown, Refresh, then the code and every message about it. */}
        <div className="frr-qr-side">
          <div className="frr-qr-timer">
            {current && !expired ? (
              <p className="frr-muted" role="timer" data-testid="qr-countdown">
                {t('container.countdown', { time: formatCountdown(remaining) })}
              </p>
            ) : null}
            <button type="button" className="frr-button" data-testid="qr-refresh" onClick={refresh} disabled={challenge.isPending || blocked}>
              {t('container.refresh')}
            </button>
          </div>
          {expired ? (
            <p className="frr-notice frr-notice--warning" role="alert" data-testid="qr-expired">
              {t('container.expired')}
            </p>
          ) : null}
          <form id={ids.form} className="frr-form frr-code-form" noValidate onSubmit={onSubmit}>
            <div>
              <label className="frr-label" htmlFor={ids.code}>
                {t('container.code')}
              </label>
              <div className="frr-code-row">
                <input
                  ref={codeRef}
                  id={ids.code}
                  className="frr-input frr-code-input"
                  type="text"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={CODE_LENGTH}
                  spellCheck={false}
                  data-testid="verify-code"
                  value={code}
                  disabled={blocked}
                  aria-invalid={incomplete || codeRefused}
                  // The field carries what is said about it: incomplete, wrong (attempts left), locked.
                  aria-describedby={[incomplete ? ids.error : '', message ? ids.message : '', ids.hint].filter(Boolean).join(' ')}
                  onPaste={(e) => {
                    // maxLength would cut "123 456" before it is normalised.
                    e.preventDefault();
                    setCode(normalizeCode(e.clipboardData.getData('text')));
                  }}
                  onChange={(e) => {
                    setCode(normalizeCode(e.target.value));
                    setIncomplete(false);
                  }}
                />
                <button type="submit" className="frr-button frr-button--primary" data-testid="verify-submit" disabled={!canSubmit} aria-busy={verify.isPending}>
                  {t('action.submit')}
                </button>
              </div>
              {incomplete ? (
                <p id={ids.error} className="frr-field-error" role="alert">
                  {t('container.codeIncomplete')}
                </p>
              ) : null}
              <p id={ids.hint} className="frr-hint">
                {t('container.codeHint')}
              </p>
            </div>
            {verify.isPending ? (
              <p className="frr-muted" role="status">
                {t('container.verifying')}
              </p>
            ) : null}
            <div id={ids.message}>{message}</div>
          </form>
        </div>
      </div>
      {current ? (
        // One line: the URL is cut with an ellipsis, whole in its title, and Copy copies all of it.
        <div className="frr-qr-link" ref={linkRowRef}>
          <span className="frr-hint">{t('container.link')}</span>
          <a href={current.url} target="_blank" rel="noreferrer noopener" className="frr-code frr-ellipsis" title={current.url} data-testid="qr-link">
            {current.url}
          </a>
          <button type="button" className="frr-button frr-button--small" data-testid="qr-copy" onClick={() => void copyLink(current.url)}>
            {t('container.copyLink')}
          </button>
        </div>
      ) : null}
      <div aria-live="polite">
        {copied === null ? null : (
          <p className={copied ? 'frr-hint' : 'frr-field-error'} data-testid="qr-copy-result">
            {t(copied ? 'container.linkCopied' : 'container.linkCopyFailed')}
          </p>
        )}
      </div>
      {challenge.error ? (
        <div role="alert">
          <ProblemView error={toApiRequestError(challenge.error)} />
        </div>
      ) : null}
    </div>
  );
}
