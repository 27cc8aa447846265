import { useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import {
  privateCloudRequestSchema,
  type LocalContainerState,
  type PrivateCloudRequest,
  type RegisterResult,
  type RegistrationMethod,
} from '@registration/protocol/bff-api';
import type { Reason } from '@registration/protocol/reason';
import { Dialog } from '../../../components/dialog.tsx';
import { toApiRequestError } from '../../../lib/api-error.ts';
import { useT } from '../../../lib/use-t.ts';
import { useRegisterPrivateCloud } from '../api/register-private-cloud.ts';
import { useTestConnection } from '../api/test-connection.ts';
import { CertificateTrust, certificateFromReasons, type CertificateToTrust } from './certificate-trust.tsx';
import { ConnectionTestResult } from './connection-test-result.tsx';
import { LocalContainerPanel } from './local-container-panel.tsx';
import { ProblemView } from './problem-view.tsx';
import { ReasonList } from './reason-list.tsx';

/** The manuals' example address; only a placeholder, never a default value. */
export const SERVER_ADDRESS_EXAMPLE = 'https://172.16.63.131:49155';

export interface RegisterDialogProps {
  initialServerUrl: string | null;
  onClose: () => void;
  /** The BFF answered the submit (registered, or refused with every node's reasons). */
  /** A Submit's answer, with the address it was sent to (Back from a refusal comes back to it). */
  onResult: (result: RegisterResult, serverUrl: string) => void;
  returnFocus: RefObject<HTMLElement | null>;
  /** Method chosen on open (Local Container for "verification needed"); Private Cloud by default. */
  initialMethod?: RegistrationMethod;
  /** The stored Container.lic, if any: Local Container then starts at the QR step. */
  localContainer?: LocalContainerState | null;
  /** Server clock minus client clock (ms), for the QR countdown and the lock time. */
  serverOffsetMs?: number;
  /** Local Container verified: this node is registered. */
  onRegistered?: () => void;
  /** A registration key is stored for `initialServerUrl` (the field may then stay empty). */
  registrationKeyStored?: boolean;
}

/** Refusals a registration key answers: the field is then shown (and the dialog stays open). */
const KEY_REASONS = new Set(['REGISTRATION_KEY_REQUIRED', 'REGISTRATION_KEY_INVALID']);

/** Register Now: method; Private Cloud (Server Address, Test Connection, Submit) or Local Container (lic, QR, code). */
export function RegisterDialog({
  initialServerUrl,
  onClose,
  onResult,
  returnFocus,
  initialMethod = 'private-cloud',
  localContainer = null,
  serverOffsetMs = 0,
  onRegistered = onClose,
  registrationKeyStored = false,
}: RegisterDialogProps) {
  const { t } = useT();
  const ids = { form: useId(), input: useId(), hint: useId(), error: useId(), key: useId(), keyHint: useId(), keyError: useId() };
  const inputRef = useRef<HTMLInputElement>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const localRadioRef = useRef<HTMLInputElement>(null);
  const [method, setMethod] = useState<RegistrationMethod>(initialMethod);
  const [serverUrl, setServerUrl] = useState(initialServerUrl ?? '');
  const [invalid, setInvalid] = useState(false);
  const register = useRegisterPrivateCloud();
  const test = useTestConnection();
  // A Submit refused only for want of certificate trust stays here, so the admin can decide in place.
  const [untrustedSubmit, setUntrustedSubmit] = useState<{ item: CertificateToTrust; reasons: Reason[] } | null>(null);
  const [trusted, setTrusted] = useState(false);
  // The registration key field appears only once the server says it wants one (Test Connection or a refusal).
  const [keyRefusal, setKeyRefusal] = useState<Reason[] | null>(null);
  const [registrationKey, setRegistrationKey] = useState('');
  const [keyInvalid, setKeyInvalid] = useState(false);
  const showKey = keyRefusal !== null || test.data?.registrationKeyRequired === true;
  const keyKept = registrationKeyStored && serverUrl.trim().replace(/\/+$/, '') === (initialServerUrl ?? '');

  // The same schema the BFF validates with, so the inline message and the server never disagree.
  function validated(withKey: boolean): PrivateCloudRequest | null {
    const typed = registrationKey.trim();
    const parsed = privateCloudRequestSchema.safeParse({ serverUrl, ...(withKey && typed !== '' ? { registrationKey: typed } : {}) });
    const wrong = new Set(parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0])));
    setInvalid(wrong.has('serverUrl'));
    setKeyInvalid(wrong.has('registrationKey'));
    if (parsed.success) return parsed.data;
    (wrong.has('serverUrl') ? inputRef : keyRef).current?.focus();
    return null;
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (register.isPending) return;
    const input = validated(showKey);
    if (!input) return;
    test.reset();
    setUntrustedSubmit(null);
    setTrusted(false);
    register.mutate(input, {
      onSuccess: (result) => {
        const reasons = result.failures.flatMap((f) => f.reasons);
        const item = result.ok ? null : certificateFromReasons(input.serverUrl, reasons);
        if (item) setUntrustedSubmit({ item, reasons });
        else if (!result.ok && reasons.some((r) => KEY_REASONS.has(r.name))) {
          // Asked for (or refused) the registration key: stay here with the field, focused.
          setKeyRefusal(reasons.filter((r) => KEY_REASONS.has(r.name)));
          requestAnimationFrame(() => keyRef.current?.focus());
        } else onResult(result, input.serverUrl);
      },
    });
  }

  function onTest() {
    if (register.isPending || test.isPending) return; // aria-disabled: still focusable, so focus never falls to <body>
    const input = validated(false);
    if (!input) return;
    setUntrustedSubmit(null);
    setTrusted(false);
    test.mutate(input);
  }

  /** After a confirmation, show that it worked by testing the connection again (Submit is the admin's call). */
  function onTrusted(serverUrl: string) {
    setUntrustedSubmit(null);
    setTrusted(true);
    test.mutate({ serverUrl });
  }

  const pending = register.isPending;
  const footer =
    method === 'local-container' ? (
      <button type="button" className="frr-button" onClick={onClose}>
        {t('action.cancel')}
      </button>
    ) : (
      <>
        <button type="button" className="frr-button" onClick={onTest} aria-disabled={pending || test.isPending || undefined} aria-busy={test.isPending}>
          {t('action.testConnection')}
        </button>
        <button type="button" className="frr-button" onClick={onClose}>
          {t('action.cancel')}
        </button>
        <button type="submit" form={ids.form} className="frr-button frr-button--primary" aria-disabled={pending || undefined} aria-busy={pending}>
          {t('action.submit')}
        </button>
      </>
    );

  return (
    <Dialog
      view="register-now"
      title={t('register.title')}
      onClose={onClose}
      closeLabel={t('action.close')}
      returnFocus={returnFocus}
      initialFocus={method === 'private-cloud' ? inputRef : localRadioRef}
      footer={footer}
      wide={method === 'local-container'}
    >
      <form id={ids.form} className="frr-form" noValidate onSubmit={onSubmit}>
        <fieldset className="frr-fieldset">
          <legend className="frr-label">{t('register.method')}</legend>
          <div className="frr-radios">
            <label className="frr-radio">
              <input
                type="radio"
                name="method"
                value="private-cloud"
                checked={method === 'private-cloud'}
                onChange={() => setMethod('private-cloud')}
              />
              {t('method.private-cloud')}
            </label>
            <label className="frr-radio">
              <input
                ref={localRadioRef}
                type="radio"
                name="method"
                value="local-container"
                checked={method === 'local-container'}
                onChange={() => setMethod('local-container')}
              />
              {t('method.local-container')}
            </label>
          </div>
        </fieldset>
        {method === 'private-cloud' ? (
          <>
          <div>
            <label className="frr-label" htmlFor={ids.input}>
              {t('register.serverAddress')}
            </label>
            <input
              ref={inputRef}
              id={ids.input}
              className="frr-input"
              type="text"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              placeholder={SERVER_ADDRESS_EXAMPLE}
              value={serverUrl}
              aria-invalid={invalid}
              aria-describedby={invalid ? `${ids.error} ${ids.hint}` : ids.hint}
              onChange={(e) => {
                setServerUrl(e.target.value);
                if (invalid) setInvalid(!privateCloudRequestSchema.safeParse({ serverUrl: e.target.value }).success);
              }}
            />
            {invalid ? (
              <p id={ids.error} className="frr-field-error" role="alert">
                {t('register.invalidAddress')}
              </p>
          ) : null}
          <p id={ids.hint} className="frr-hint">
            {t('register.serverAddressHint')}
          </p>
        </div>
        {showKey ? (
          <div>
            <label className="frr-label" htmlFor={ids.key}>
              {t('register.registrationKey')}
            </label>
            <input
              ref={keyRef}
              id={ids.key}
              className="frr-input"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={registrationKey}
              aria-invalid={keyInvalid || (keyRefusal !== null && registrationKey === '')}
              aria-describedby={[keyInvalid ? ids.keyError : null, keyRefusal ? `${ids.keyError}-refusal` : null, ids.keyHint].filter(Boolean).join(' ')}
              onChange={(e) => {
                setRegistrationKey(e.target.value);
                if (keyInvalid) setKeyInvalid(false);
              }}
            />
            {keyInvalid ? (
              <p id={ids.keyError} className="frr-field-error" role="alert">
                {t('register.registrationKeyInvalid')}
              </p>
            ) : null}
            {keyRefusal ? (
              <div id={`${ids.keyError}-refusal`} role="alert">
                <ReasonList reasons={keyRefusal} />
              </div>
            ) : null}
            <p id={ids.keyHint} className="frr-hint">
              {keyKept ? t('register.registrationKeyStoredHint') : t('register.registrationKeyHint')}
            </p>
          </div>
        ) : null}
        {pending ? (
          <p className="frr-muted" role="status">
            {t('register.submitting')}
          </p>
        ) : null}
        {register.error ? (
          <div role="alert">
            <ProblemView error={toApiRequestError(register.error)} />
          </div>
        ) : null}
        {untrustedSubmit ? (
          <div className="frr-test-result">
            <div role="alert">
              <p className="frr-reason-title">{t('trust.submitFailed')}</p>
              <ReasonList reasons={untrustedSubmit.reasons} />
            </div>
            <CertificateTrust
              key={untrustedSubmit.item.certificate.fingerprint}
              item={untrustedSubmit.item}
              onTrusted={() => onTrusted(untrustedSubmit.item.serverUrl)}
            />
          </div>
        ) : null}
        {trusted ? (
          <p className="frr-notice frr-notice--success" role="status">
            {t('trust.trusted')}
          </p>
        ) : null}
        <ConnectionTestResult
          pending={test.isPending}
          result={test.data}
          error={test.error}
          onTrusted={() => test.data && onTrusted(test.data.serverUrl)}
        />
        </>
        ) : null}
      </form>
      {method === 'local-container' ? (
        // Outside the form above (the QR step has a form of its own), spaced like the form's fields.
        <div className="frr-method-panel" data-testid="local-container-panel">
          <LocalContainerPanel stored={localContainer} serverOffsetMs={serverOffsetMs} onRegistered={onRegistered} />
        </div>
      ) : null}
    </Dialog>
  );
}
