import { useCallback, useEffect, useMemo, useState } from 'react';
import { useHashRoute } from '../lib/hash-route.ts';
import { useLocale } from '../lib/locale.ts';
import { translator } from '../lib/messages.ts';
import { clearSession, loadSession, saveSession, type Session } from '../lib/session.ts';
import { ConsoleLayout } from './console-layout.tsx';
import { LoginPage } from './login-page.tsx';

// setTimeout takes at most a signed 32-bit delay.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

// Always the stored token, so a module that outlives a re-render never holds a stale one.
const getAccessToken = () => loadSession()?.token ?? '';

/** The demo decision platform: the login page, or the console once signed in. */
export function App() {
  const [locale, setLocale] = useLocale();
  const [session, setSession] = useState<Session | undefined>(() => loadSession());
  const [path, navigate] = useHashRoute();
  const t = useMemo(() => translator(locale), [locale]);

  // Signed in, each console page sets its own title (ConsoleLayout); this is the sign-in page's.
  useEffect(() => {
    if (!session) document.title = `${t('signIn')} · ${t('productName')}`;
  }, [t, session]);

  const logout = useCallback(() => {
    clearSession();
    setSession(undefined);
  }, []);

  const onLogin = useCallback((next: Session) => {
    saveSession(next);
    setSession(next);
  }, []);

  // The token stops working at expiresAt; go back to the login page then rather than fail later.
  useEffect(() => {
    if (!session) return;
    const ms = Date.parse(session.expiresAt) - Date.now();
    const id = setTimeout(logout, Math.min(Math.max(ms, 0), MAX_TIMEOUT_MS));
    return () => clearTimeout(id);
  }, [session, logout]);

  if (!session) return <LoginPage t={t} locale={locale} onLocaleChange={setLocale} onLogin={onLogin} />;
  return (
    <ConsoleLayout
      t={t}
      locale={locale}
      onLocaleChange={setLocale}
      session={session}
      path={path}
      navigate={navigate}
      getAccessToken={getAccessToken}
      onLogout={logout}
    />
  );
}
