import type { RefObject } from 'react';
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
  /** The side menu this bar's toggle opens on narrow screens (the toggle is hidden on wide ones). */
  menu: { id: string; open: boolean; onToggle: () => void; toggleRef: RefObject<HTMLButtonElement | null> };
}

/** The platform's header: menu toggle (narrow screens), product, language, who is signed in, log out. */
export function TopBar({ t, locale, onLocaleChange, user, onLogout, menu }: TopBarProps) {
  return (
    <header className="dp-topbar">
      <button
        ref={menu.toggleRef}
        type="button"
        className="dp-topbar__menu-toggle"
        aria-expanded={menu.open}
        aria-controls={menu.id}
        aria-label={t('menuToggle')}
        onClick={menu.onToggle}
      >
        <svg className="dp-topbar__menu-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <path d="M3 5h14M3 10h14M3 15h14" />
        </svg>
      </button>
      <a className="dp-brand dp-topbar__brand" href="#/">
        <span className="dp-brand__mark" aria-hidden="true" />
        <span className="dp-brand__text">{t('productName')}</span>
      </a>
      <div className="dp-topbar__right">
        <LanguageSwitch locale={locale} onChange={onLocaleChange} label={t('language')} />
        <span className="dp-user" data-testid="current-user">
          <span className="dp-user__avatar" aria-hidden="true">
            {user.name.slice(0, 1).toUpperCase()}
          </span>
          {/* Hidden on small screens but still read: the avatar alone names no one. */}
          <span className="dp-user__name">{user.name}</span>
          <span className="dp-user__role">{user.role === 'admin' ? t('roleAdmin') : t('roleViewer')}</span>
        </span>
        <button type="button" className="dp-button dp-button--ghost dp-topbar__logout" onClick={onLogout}>
          {t('logout')}
        </button>
      </div>
    </header>
  );
}
