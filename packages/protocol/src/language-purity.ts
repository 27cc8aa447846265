/**
 * Checks that a text is in one language: no English phrase inside a zh-CN text and no Chinese inside
 * an English one. Values are allowed: product and file names, codes, commands, URLs, placeholders
 * ({{name}}) and the few technical words FineReport's own Chinese UI keeps in Latin script. Used by the
 * tests of every party that shows text (module, catalogue, details, license-server console).
 */

/** Every string of a nested texts object, with its dotted path. */
export function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

/** Commands quoted in texts, typed as they are whatever the UI language. */
const COMMANDS = [
  'license-server registration-key',
  'chronyc tracking',
  'systemctl enable --now chronyd',
  'license-server reset-lock',
  'license-server operator-password',
  'license-server destroy',
  'vendor issue-server',
  'GET /api/v1/info',
];

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

/** The zh-CN texts (path, text) that hold an English phrase. */
export function englishInChinese(texts: [string, string][]): [string, string][] {
  return texts.filter(([, text]) => LATIN_PHRASE.test(prose(text)));
}

/** The English texts (path, text) that hold a Chinese character. */
export function chineseInEnglish(texts: [string, string][]): [string, string][] {
  return texts.filter(([, text]) => HAN.test(text));
}

/** The `{{name}}` placeholders of a text, sorted, for parity between languages. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)(?:\|\w+)?\}\}/g)].map((m) => m[1] ?? '').sort();
}
