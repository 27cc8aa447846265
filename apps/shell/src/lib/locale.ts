import { useCallback, useEffect, useState } from 'react';
import { LOCALES, type Locale } from '@registration/protocol/catalogue';

const STORAGE_KEY = 'decision-platform.locale';
/** The platform's default language. */
export const DEFAULT_LOCALE: Locale = 'zh-CN';

function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}

function readLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isLocale(stored) ? stored : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE; // storage blocked (privacy mode): fall back, do not crash
  }
}

/** The UI language, persisted in localStorage and mirrored on `<html lang>`. */
export function useLocale(): [Locale, (next: Locale) => void] {
  const [locale, setLocaleState] = useState<Locale>(readLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not persisted; the choice still applies to this page
    }
  }, []);
  return [locale, setLocale];
}
