import { describe, type CatalogueText, type Locale } from '@registration/protocol/catalogue';
import type { Reason, ReasonParams } from '@registration/protocol/reason';
import { formatWhen, isWhen } from './format.ts';

/** Reason params as shown to people: dates in the UI locale, lists joined. */
export function displayParams(params: ReasonParams | undefined, locale: Locale): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (Array.isArray(value)) out[key] = value.join(', ');
    else if (typeof value === 'string') out[key] = isWhen(value) ? formatWhen(value, locale) : value;
    else out[key] = String(value);
  }
  return out;
}

/** The catalogue text of a reason in a locale, its params filled in for display. */
export function reasonText(reason: Reason, locale: Locale): CatalogueText {
  return describe(reason.name, locale, displayParams(reason.params, locale));
}
