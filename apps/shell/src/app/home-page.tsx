import type { Ref } from 'react';
import type { Translate } from '../lib/messages.ts';
import { REGISTRATION_PATH } from './side-menu.tsx';

/** Landing page after sign-in. */
export function HomePage({ t, userName, headingRef }: { t: Translate; userName: string; headingRef?: Ref<HTMLHeadingElement> }) {
  return (
    <section className="dp-card dp-home">
      <h1 ref={headingRef} tabIndex={-1} className="dp-home__title">{t('welcomeTitle', { name: userName })}</h1>
      <p className="dp-home__text">{t('welcomeText')}</p>
      <a className="dp-button dp-button--primary" href={`#${REGISTRATION_PATH}`}>
        {t('goToRegistration')}
      </a>
    </section>
  );
}
