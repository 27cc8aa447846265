import { useTranslation } from 'react-i18next';
import type { Locale } from '@registration/protocol/catalogue';
import { localeOf, NAMESPACE, type MessageKey } from './i18n.ts';

/** Typed label lookup plus the current catalogue locale; re-renders on language change. */
export function useT(): { t: (key: MessageKey, values?: Record<string, unknown>) => string; locale: Locale } {
  const { t, i18n } = useTranslation(NAMESPACE);
  return { t: (key, values) => t(key, values ?? {}) as string, locale: localeOf(i18n) };
}
