import i18next, { type i18n as I18n } from 'i18next';
import { LOCALES, type Locale } from '@registration/protocol/catalogue';
import { en } from '../locales/en.ts';
import { zhCN, type Messages } from '../locales/zh-CN.ts';

/** The module's only i18next namespace. */
export const NAMESPACE = 'registration';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${PluralBase<K>}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
/** `attemptsLeft_one` / `attemptsLeft_other` are asked for as `attemptsLeft` with `{ count }` (i18next plurals). */
type PluralBase<K extends string> = K extends `${infer B}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? B : K;
/** Every label key, dotted (`action.registerNow`); typed without augmenting react-i18next globally. */
export type MessageKey = Leaves<Messages>;

/**
 * A fresh i18next instance for one mount. Never the global one: the host (or a second instance of
 * this module) may run its own i18next with other languages and resources.
 */
export function createI18n(locale: Locale): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    lng: locale,
    fallbackLng: 'zh-CN',
    supportedLngs: [...LOCALES],
    load: 'currentOnly',
    ns: [NAMESPACE],
    defaultNS: NAMESPACE,
    resources: { 'zh-CN': { [NAMESPACE]: zhCN }, en: { [NAMESPACE]: en } },
    interpolation: { escapeValue: false }, // React escapes
    initAsync: false, // resources are inline: ready synchronously, no flash of keys
    showSupportNotice: false, // a library must not write to its host's console
  });
  return instance;
}

/** The instance's language as a catalogue locale. */
export function localeOf(instance: I18n): Locale {
  const lng = instance.language;
  return (LOCALES as readonly string[]).includes(lng) ? (lng as Locale) : 'zh-CN';
}
