import { describe, expect, it } from 'vitest';
import { CATALOGUE, ERROR_NAMES } from '@registration/protocol/catalogue';
import { DETAILS } from '@registration/protocol/details';
import { chineseInEnglish, englishInChinese, strings } from '@registration/protocol/language-purity';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

// Every string a user reads comes in the UI language: the module's labels, the catalogue and the
// details a reason names (which travel as codes, so a peer's English never reaches the page).
const catalogue = (locale: 'zh-CN' | 'en') => ERROR_NAMES.flatMap((name) => strings(CATALOGUE[name].text[locale], name));
const details = (locale: 'zh-CN' | 'en') => Object.entries(DETAILS).map(([code, text]): [string, string] => [code, text[locale]]);

describe('language purity of every text', () => {
  it('zh-CN: no English phrase in the module labels, the catalogue or the details', () => {
    expect(englishInChinese([...strings(zhCN), ...catalogue('zh-CN'), ...details('zh-CN')])).toEqual([]);
  });

  it('en: no Chinese character in the module labels, the catalogue or the details', () => {
    expect(chineseInEnglish([...strings(en), ...catalogue('en'), ...details('en')])).toEqual([]);
  });
});
