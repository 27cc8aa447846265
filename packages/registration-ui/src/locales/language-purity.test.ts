import { describe, expect, it } from 'vitest';
import { CATALOGUE, ERROR_NAMES } from '@registration/protocol/catalogue';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

// Every string a user reads comes in the UI language: no English sentence inside a zh-CN text and no
// Chinese inside an English one. Values are allowed: product and file names, codes, commands, URLs,
// placeholders ({{name}}) and the few technical words FineReport's own Chinese UI keeps in Latin script.

/** Every string of a nested texts object, with its dotted path. */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

const catalogue = (locale: 'zh-CN' | 'en') => ERROR_NAMES.flatMap((name) => strings(CATALOGUE[name].text[locale], name));

/** Commands quoted in texts, typed as they are whatever the UI language. */
const COMMANDS = ['license-server registration-key', 'chronyc tracking', 'systemctl enable --now chronyd', 'license-server reset-lock'];

/** What is not prose: placeholders, code spans, commands and flags, paths, URLs, versions, identifiers. */
function prose(text: string): string {
  return COMMANDS.reduce((t, command) => t.replaceAll(command, ' '), text)
    .replace(/\{\{\w+(?:\|\w+)?\}\}/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(?:^|[\s（(])(?:--?[\w-]+|[\w.-]*\/[\w./<>-]*|<[^>]+>)/g, ' ')
    .replace(/\b[A-Z][A-Z0-9_]{2,}\b/g, ' '); // LICENSE_CLIENT_LOCAL_ADDRESS, HTTPS, QR
}

/** Three or more Latin-script words in a row: an English phrase, not a name. */
const LATIN_PHRASE = /[A-Za-z]+(?:[ '’-]+[A-Za-z]+){2,}/;
const HAN = /\p{Script=Han}/u;

describe('language purity of every text', () => {
  it('zh-CN: no English phrase in the module labels or the catalogue', () => {
    const found = [...strings(zhCN), ...catalogue('zh-CN')].filter(([, text]) => LATIN_PHRASE.test(prose(text)));
    expect(found).toEqual([]);
  });

  it('en: no Chinese character in the module labels or the catalogue', () => {
    const found = [...strings(en), ...catalogue('en')].filter(([, text]) => HAN.test(text));
    expect(found).toEqual([]);
  });
});
