import type { Locale } from '@registration/protocol/catalogue';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DAY_MS = 86_400_000;

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, kind: 'date' | 'date-time'): Intl.DateTimeFormat {
  const key = `${locale}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    // Date-only values (a build date) are calendar days: formatting them in UTC keeps the day from
    // shifting in time zones west of Greenwich.
    f =
      kind === 'date'
        ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })
        : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    cache.set(key, f);
  }
  return f;
}

/** A date (`2026-11-01`) or instant (ISO 8601) in the UI locale; anything else comes back unchanged. */
export function formatWhen(value: string | null | undefined, locale: Locale): string {
  if (value === null || value === undefined || value === '') return '—';
  if (DATE_ONLY.test(value)) return formatter(locale, 'date').format(new Date(`${value}T00:00:00Z`));
  const ms = Date.parse(value);
  return ISO_INSTANT.test(value) && !Number.isNaN(ms) ? formatter(locale, 'date-time').format(ms) : value;
}

/** Whether a string looks like a date or an instant `formatWhen` would reformat. */
export function isWhen(value: string): boolean {
  return DATE_ONLY.test(value) || (ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)));
}

/** Whole days from `now` until `until`, rounded down; negative once past. */
export function daysUntil(until: string, now: string): number {
  return Math.floor((Date.parse(until) - Date.parse(now)) / DAY_MS);
}
