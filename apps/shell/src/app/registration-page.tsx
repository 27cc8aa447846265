import { useEffect, useRef, useState } from 'react';
import type { Locale } from '@registration/protocol/catalogue';
import type { Translate } from '../lib/messages.ts';
import { mountModule, unmountModule, updateModule } from './module-lifecycle.ts';

export interface RegistrationPageProps {
  t: Translate;
  locale: Locale;
  getAccessToken: () => string;
  onUnauthorized: () => void;
}

// The module's look follows the shell's (its CSS variables are prefixed --frr-).
const THEME = { '--frr-primary': '#1a5fc4', '--frr-primary-hover': '#164f9f', '--frr-background': '#f1f3f6' };

/**
 * Hosts the registration micro-frontend: mount on enter, update on language change, unmount on
 * leave (route change or logout). The container belongs to the module; React never renders into it.
 */
export function RegistrationPage({ t, locale, getAccessToken, onUnauthorized }: RegistrationPageProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<'loading' | 'mounted' | 'failed'>('loading');
  const [failure, setFailure] = useState('');
  // The mount effect runs once; the latest host callbacks and locale are read through this ref.
  const latest = useRef({ locale, getAccessToken, onUnauthorized });
  latest.current = { locale, getAccessToken, onUnauthorized };
  const mountedLocale = useRef<Locale | undefined>(undefined);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let live = true;
    const initialLocale = latest.current.locale;
    mountModule({
      container,
      locale: initialLocale,
      apiBaseUrl: '', // same origin: the shell proxies /api to the BFF
      getAccessToken: () => latest.current.getAccessToken(),
      onUnauthorized: () => latest.current.onUnauthorized(),
      theme: THEME,
    }).then(
      () => {
        if (!live) return;
        mountedLocale.current = initialLocale;
        setStatus('mounted');
      },
      (err: unknown) => {
        console.error('[shell] registration module failed to mount', err);
        if (!live) return;
        setFailure(err instanceof Error ? err.message : String(err));
        setStatus('failed');
      },
    );
    return () => {
      live = false;
      mountedLocale.current = undefined;
      unmountModule(container).catch((err: unknown) => console.error('[shell] unmount failed', err));
    };
  }, []);

  useEffect(() => {
    const container = containerRef.current;
    if (!container || status !== 'mounted' || mountedLocale.current === locale) return;
    mountedLocale.current = locale;
    updateModule({ container, locale }).catch((err: unknown) => console.error('[shell] update failed', err));
  }, [locale, status]);

  return (
    <div className="dp-module">
      {status === 'loading' && <p className="dp-module__status">{t('moduleLoading')}</p>}
      {status === 'failed' && (
        <div className="dp-module__status dp-module__status--error" role="alert">
          <strong>{t('moduleFailed')}</strong>
          <code>{failure}</code>
        </div>
      )}
      <div ref={containerRef} className="dp-module__container" data-testid="registration-module" />
    </div>
  );
}
