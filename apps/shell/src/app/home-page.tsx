import type { Translate } from '../lib/messages.ts';
import { REGISTRATION_PATH } from './side-menu.tsx';

/** Landing page after sign-in. */
export function HomePage({ t, userName }: { t: Translate; userName: string }) {
  return (
    <section className="dp-card dp-home">
      <h1 className="dp-home__title">{t('welcomeTitle', { name: userName })}</h1>
      <p className="dp-home__text">{t('welcomeText')}</p>
      <a className="dp-button dp-button--primary" href={`#${REGISTRATION_PATH}`}>
        {t('goToRegistration')}
      </a>
    </section>
  );
}
