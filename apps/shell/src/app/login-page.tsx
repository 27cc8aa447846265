import { useRef, useState, type FormEvent } from 'react';
import type { Locale } from '@registration/protocol/catalogue';
import type { Translate } from '../lib/messages.ts';
import { login, type LoginFailure, type Session } from '../lib/session.ts';
import { LanguageSwitch } from './language-switch.tsx';

export interface LoginPageProps {
  t: Translate;
  locale: Locale;
  onLocaleChange: (locale: Locale) => void;
  onLogin: (session: Session) => void;
}

/** The platform's sign-in page. */
export function LoginPage({ t, locale, onLocaleChange, onLogin }: LoginPageProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<LoginFailure | 'required' | undefined>();
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!username.trim() || !password) return setError('required');
    setPending(true);
    setError(undefined);
    const result = await login(username.trim(), password);
    setPending(false);
    if (result.ok) onLogin(result.session);
    else {
      setError(result.failure);
      setPassword('');
      passwordRef.current?.focus();
    }
  }

  const message =
    error === 'credentials' ? t('wrongCredentials') : error === 'unavailable' ? t('loginUnavailable') : error && t('required');

  return (
    <div className="dp-login">
      <header className="dp-login__top">
        <span className="dp-brand">
          <span className="dp-brand__mark" aria-hidden="true" />
          <span className="dp-brand__text">{t('productName')}</span>
        </span>
        <LanguageSwitch locale={locale} onChange={onLocaleChange} label={t('language')} />
      </header>
      <main className="dp-login__main" data-view="sign-in">
        <form className="dp-login__card" onSubmit={submit} noValidate>
          <h1 className="dp-login__title">{t('signInTitle')}</h1>
          <p className="dp-login__subtitle">{t('signInSubtitle')}</p>
          <label className="dp-field">
            <span className="dp-field__label">{t('username')}</span>
            <input
              className="dp-field__input"
              name="username"
              autoComplete="username"
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>
          <label className="dp-field">
            <span className="dp-field__label">{t('password')}</span>
            <input
              className="dp-field__input"
              ref={passwordRef}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <p className="dp-login__error" role="alert">
            {message}
          </p>
          <button className="dp-button dp-button--primary dp-login__submit" type="submit" disabled={pending}>
            {pending ? t('signingIn') : t('signIn')}
          </button>
          <p className="dp-login__hint">{t('demoAccounts')}</p>
        </form>
      </main>
    </div>
  );
}
