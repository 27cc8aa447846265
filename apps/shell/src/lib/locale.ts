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

/** The UI language, persisted in localStorage, mirrored on `<html lang>` and followed across tabs. */
export function useLocale(): [Locale, (next: Locale) => void] {
  const [locale, setLocaleState] = useState<Locale>(readLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  // A language chosen in another tab of the console applies here too, without a reload (what is open stays open).
  useEffect(() => {
    const follow = (event: StorageEvent) => {
      if (event.key === STORAGE_KEY && isLocale(event.newValue)) setLocaleState(event.newValue);
    };
    window.addEventListener('storage', follow);
    return () => window.removeEventListener('storage', follow);
  }, []);
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
