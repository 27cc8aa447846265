import type { Locale } from '@registration/protocol/catalogue';
import type { Translate } from '../lib/messages.ts';
import type { Session } from '../lib/session.ts';
import { LanguageSwitch } from './language-switch.tsx';

export interface TopBarProps {
  t: Translate;
  locale: Locale;
  onLocaleChange: (locale: Locale) => void;
  user: Session['user'];
  onLogout: () => void;
}

/** The platform's header: product, language, who is signed in, log out. */
export function TopBar({ t, locale, onLocaleChange, user, onLogout }: TopBarProps) {
  return (
    <header className="dp-topbar">
      <a className="dp-brand" href="#/">
        <span className="dp-brand__mark" aria-hidden="true" />
        {t('productName')}
      </a>
      <div className="dp-topbar__right">
        <LanguageSwitch locale={locale} onChange={onLocaleChange} label={t('language')} />
        <span className="dp-user" data-testid="current-user">
          <span className="dp-user__avatar" aria-hidden="true">
            {user.name.slice(0, 1).toUpperCase()}
          </span>
          <span className="dp-user__name">{user.name}</span>
          <span className="dp-user__role">{user.role === 'admin' ? t('roleAdmin') : t('roleViewer')}</span>
        </span>
        <button type="button" className="dp-button dp-button--ghost" onClick={onLogout}>
          {t('logout')}
        </button>
      </div>
    </header>
  );
}
