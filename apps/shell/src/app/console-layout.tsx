import { useEffect, useId, useRef } from 'react';
import type { Locale } from '@registration/protocol/catalogue';
import { isUnder } from '../lib/hash-route.ts';
import type { Translate } from '../lib/messages.ts';
import type { Session } from '../lib/session.ts';
import { HomePage } from './home-page.tsx';
import { RegistrationPage } from './registration-page.tsx';
import { REGISTRATION_PATH, SideMenu } from './side-menu.tsx';
import { TopBar } from './top-bar.tsx';
import { useMenuDrawer } from './use-menu-drawer.ts';

export interface ConsoleLayoutProps {
  t: Translate;
  locale: Locale;
  onLocaleChange: (locale: Locale) => void;
  session: Session;
  path: string;
  navigate: (path: string, options?: { replace?: boolean }) => void;
  getAccessToken: () => string;
  onLogout: () => void;
}

/** The signed-in console: top bar, left menu, and the page for the current route. */
export function ConsoleLayout(props: ConsoleLayoutProps) {
  const { t, path, navigate } = props;
  const onRegistration = isUnder(path, REGISTRATION_PATH);
  const known = onRegistration || path === '/';
  const menuId = useId();
  const drawer = useMenuDrawer();

  useEffect(() => {
    if (!known) navigate('/', { replace: true });
  }, [known, navigate]);

  // Each page names itself in the title bar, and focus starts at its heading (after sign-in too), so
  // a screen reader announces where the user is and the next Tab starts from the page, not the top.
  const pageTitle = onRegistration ? t('registrationManagement') : t('home');
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${pageTitle} · ${t('productName')}`;
  }, [pageTitle, t]);
  useEffect(() => {
    headingRef.current?.focus({ preventScroll: true });
  }, [path]);

  return (
    <div className="dp-shell">
      <a className="dp-skip-link" href="#main" onClick={(e) => { e.preventDefault(); headingRef.current?.focus(); }}>
        {t('skipToContent')}
      </a>
      <TopBar
        t={t}
        locale={props.locale}
        onLocaleChange={props.onLocaleChange}
        user={props.session.user}
        onLogout={props.onLogout}
        menu={{ id: menuId, open: drawer.open, onToggle: drawer.toggle, toggleRef: drawer.toggleRef }}
      />
      <div className="dp-shell__body">
        <SideMenu
          id={menuId}
          path={path}
          t={t}
          open={drawer.open}
          onChoose={drawer.closeAfterChoice}
          navRef={drawer.menuRef}
        />
        {/* Narrow screens only: dims the page under the open menu and takes the click that closes it. */}
        {drawer.open && <div className="dp-shell__backdrop" aria-hidden="true" />}
        <main id="main" className="dp-shell__content" data-view="console">
          {onRegistration ? (
            <>
              <nav className="dp-breadcrumb" aria-label={t('breadcrumb')}>
                <span>{t('systemManagement')}</span>
                <span aria-hidden="true">/</span>
                <span aria-current="page">{t('registrationManagement')}</span>
              </nav>
              <h1 ref={headingRef} tabIndex={-1} className="dp-page-title">
                {t('registrationManagement')}
              </h1>
              <RegistrationPage
                t={t}
                locale={props.locale}
                getAccessToken={props.getAccessToken}
                onUnauthorized={props.onLogout}
              />
            </>
          ) : (
            <HomePage t={t} userName={props.session.user.name} headingRef={headingRef} />
          )}
        </main>
      </div>
    </div>
  );
}
