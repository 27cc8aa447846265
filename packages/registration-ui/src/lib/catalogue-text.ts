import { describe, formatSize, localizeDetail, type CatalogueText, type Locale } from '@registration/protocol/catalogue';
import type { Reason, ReasonParams } from '@registration/protocol/reason';
import { formatWhen, isWhen } from './format.ts';

/** Params that are byte counts, shown as sizes (64 KB) as the dialogs name them. */
const SIZES = new Set(['limit']);

/** Reason params as shown to people: a detail code as its text, dates in the UI locale, sizes, lists joined. */
export function displayParams(params: ReasonParams | undefined, locale: Locale): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(localizeDetail(params, locale) ?? {})) {
    if (Array.isArray(value)) out[key] = value.join(', ');
    else if (typeof value === 'number' && SIZES.has(key)) out[key] = formatSize(value, locale);
    else if (typeof value === 'string') out[key] = isWhen(value) ? formatWhen(value, locale) : value;
    else out[key] = String(value);
  }
  return out;
}

/** The catalogue text of a reason in a locale, its params filled in for display. */
export function reasonText(reason: Reason, locale: Locale): CatalogueText {
  return describe(reason.name, locale, displayParams(reason.params, locale));
}
