import type { Language } from './messages.ts';

/** zh-CN unless the page was asked for English; `?lang=` wins over the browser's Accept-Language. */
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

function fromTag(tag: string): Language | undefined {
  const lower = tag.trim().toLowerCase();
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  return undefined;
}

/** The language for a request: an explicit `?lang=` (en, zh, zh-CN…), else the best Accept-Language we speak. */
export function chooseLanguage(query: string | undefined, acceptLanguage: string | undefined): Language {
  const asked = query === undefined ? undefined : fromTag(query);
  if (asked !== undefined) return asked;
  if (acceptLanguage === undefined || acceptLanguage.length > 512) return DEFAULT_LANGUAGE;
  // `en-US,en;q=0.9,zh;q=0.8`: highest q first, ties in the order given (sort is stable).
  const ranked = acceptLanguage
    .split(',')
    .slice(0, 20)
    .map((part) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const language = fromTag(tag);
    if (language !== undefined) return language;
  }
  return DEFAULT_LANGUAGE;
}
