import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { IssuedRecord } from '../records.ts';
import { SCRIPT, STYLE } from './assets.ts';
import { TEXTS, type Language } from './messages.ts';
import type { ScanOutcome } from './outcome.ts';

/** The HTTP status of each page state (DESIGN: 200 code, 410 expired, 400 malformed, 404 unknown, 409 bound). */
export type PageState = ScanOutcome['state'] | 'not-found' | 'error';
export type PageStatus = 200 | 400 | 404 | 409 | 410 | 500;
const STATUS: Record<PageState, PageStatus> = {
  code: 200, expired: 410, malformed: 400, oversized: 400, unknown: 404, reissue: 410, bound: 409, moved: 409, 'not-found': 404, error: 500,
};

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
type Tone = 'ok' | 'warn' | 'bad';

// Every value goes through hono/html's `html`, which escapes strings; only STYLE/SCRIPT (constants) are raw.
function fill(template: string, values: Record<string, string | Html>): (string | Html)[] {
  return template.split(/\{(\w+)\}/).map((part, i) => (i % 2 === 0 ? part : (values[part] ?? '')));
}

/** A UTC rendering for when the script does not run; the script shows the phone's local time instead. */
function time(iso: string, style: 'time' | 'datetime'): Html {
  const utc = style === 'time' ? `${iso.slice(11, 19)} UTC` : `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  return html`<time datetime="${iso}" data-style="${style}">${utc}</time>`;
}

function who(record: IssuedRecord): string {
  return record.project === undefined ? record.company : `${record.company} · ${record.project}`;
}

function layout(lang: Language, tone: Tone, badge: string, title: string, content: Html): Html {
  const other = TEXTS[lang].other;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="format-detection" content="telephone=no">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body class="is-${tone}">
<main data-view="phone-page">
<div class="badge" aria-hidden="true">${badge}</div>
<h1>${title}</h1>
${content}
</main>
<footer><a href="?lang=${other.lang}" lang="${other.lang}" hreflang="${other.lang}">${other.label}</a></footer>
<script>${raw(SCRIPT)}</script>
</body>
</html>`;
}

function codePage(lang: Language, outcome: Extract<ScanOutcome, { state: 'code' }>): Html {
  const t = TEXTS[lang].code;
  const { code, record, challenge, remainingSeconds } = outcome;
  const countdown = `${Math.floor(remainingSeconds / 60)}:${String(remainingSeconds % 60).padStart(2, '0')}`;
  const remaining = fill(t.remaining, {
    countdown: html`<strong data-countdown>${countdown}</strong>`,
    time: time(challenge.expiresAt.toISOString(), 'time'),
  });
  // The activation page shows the same server fingerprint, so the admin can tell the code is for that server.
  // A screen reader gets the digits spaced, one by one (not as a number); the big digits are for the eye.
  const content = html`<p class="who">${who(record)}</p>
<div class="code" aria-hidden="true">${code}</div>
<p class="sr-only">${t.codeLabel} ${code.split('').join(' ')}</p>
<p class="timer" data-remaining="${remainingSeconds}" data-expired-title="${TEXTS[lang].expired.title}">${remaining}</p>
<p class="expired-note" id="expired-note" hidden>${t.expiredNote}</p>
<p class="step">${record.kind === 'server' ? t.stepServer : t.stepContainer}</p>
${record.kind === 'server' ? html`<p class="fp">${t.serverFingerprint} <code>${challenge.fingerprint}</code></p>` : ''}`;
  // The license server's activation is not a registration: its page says "activation code".
  return layout(lang, 'ok', '✓', record.kind === 'server' ? t.titleServer : t.title, content);
}

/** The page for a scan outcome (or the 404/500 page) in `lang`, with its status. */
export function renderPage(lang: Language, outcome: ScanOutcome | { state: 'not-found' | 'error' }): { status: PageStatus; body: Html } {
  const status = STATUS[outcome.state];
  const texts = TEXTS[lang];
  const notice = (tone: Tone, badge: string, text: { title: string; body: string }, values: Record<string, string | Html> = {}, extra: Html | string = '') =>
    ({ status, body: layout(lang, tone, badge, text.title, html`${extra}<p class="msg">${fill(text.body, values)}</p>`) });
  switch (outcome.state) {
    case 'code':
      return { status, body: codePage(lang, outcome) };
    case 'expired':
      return notice('warn', '!', texts.expired);
    case 'malformed':
    case 'oversized':
      return notice('bad', '?', texts[outcome.state]);
    case 'unknown':
      return notice('bad', '?', texts.unknown, { licenseId: html`<code>${outcome.licenseId}</code>` });
    case 'reissue':
      return notice('bad', '!', texts.reissue, { licenseId: html`<code>${outcome.licenseId}</code>` });
    case 'bound':
    case 'moved': {
      const text = outcome.state === 'moved' ? texts.movedServer : outcome.record.kind === 'server' ? texts.boundServer : texts.boundContainer;
      const values = { since: time(outcome.binding.boundAt, 'datetime'), licenseId: html`<code>${outcome.record.licenseId}</code>` };
      return notice('bad', '!', text, values, html`<p class="who">${who(outcome.record)}</p>`);
    }
    case 'not-found':
      return notice('warn', '?', texts.notFound);
    case 'error':
      return notice('bad', '!', texts.error);
  }
}
