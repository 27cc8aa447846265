import type { Locale } from '@registration/protocol/catalogue';
import type { ServerLicensePayload } from '@registration/protocol/license';
import type { LockStatus } from '@registration/licensing/lockout';
import type { LeaseRecord } from '../store.ts';
import { EVENT_KINDS, type EventFilter, type ServerEvent } from './events.ts';
import { CONSOLE_TEXT, fill, type ConsoleTexts } from './texts.ts';

/**
 * The console's pages, rendered on the server: plain links and forms (every action works without
 * JavaScript), no script at all, every interpolated value escaped.
 */

/** A page's view name (`data-view`), written so that the e2e coverage check finds every one in the source. */
export const view = (name: `console-${string}`) => name;

export const esc = (s: string | number) =>
  String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

export const when = (iso: string, language: Locale) => new Date(iso).toLocaleString(language, { timeZoneName: 'short' });

const STYLE = `body{font:15px/1.5 system-ui,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:0;background:#f3f5f8;color:#1f2d3d}
header{background:#1f2d3d;color:#fff;padding:8px 24px;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center}header .name{font-weight:600}
header nav a{color:#fff;padding:6px 8px;border-radius:4px}header nav a[aria-current]{background:#ffffff2e;text-decoration:none}
header form{margin:0 0 0 auto}.lang a{color:#cfe0ff;padding:4px}.lang a[aria-current]{color:#fff;font-weight:600;text-decoration:none}
main{max-width:1180px;margin:24px auto;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002;padding:20px 28px}main.narrow{max-width:460px}
h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:20px 0 8px}dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}dt{color:#4f5f70}dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #dde3ea;vertical-align:top}th{background:#f3f5f8}
td code{overflow-wrap:break-word}.scroll{overflow-x:auto}tr.stale td{background:#fff6e5}.flag{color:#8a5a00;font-size:13px;display:block}
form.inline{display:inline}form.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:end;margin:0 0 12px}form.filters .f{display:flex;flex-direction:column}.filters label{font-size:13px;color:#4f5f70}
input,select{font:inherit;padding:5px 8px;border:1px solid #8592a3;border-radius:4px;box-sizing:border-box;height:34px}.field{display:flex;flex-direction:column;gap:4px;margin:0 0 12px}
button,.button{font:inherit;font-size:14px;padding:6px 14px;border:0;border-radius:4px;background:#1a62e6;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#e8eef7;color:#1f2d3d}button.danger{background:#b42318}header button{background:#ffffff2e}
.notice{padding:10px 14px;border-radius:4px;margin:0 0 12px}.ok{background:#e7f6ec;color:#12632f}.error{background:#fdecec;color:#8a1f1f}.hint{color:#4f5f70;font-size:13px}
a{color:#1a56c4}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,.scroll:focus-visible{outline:2px solid #1a62e6;outline-offset:2px}
.chart{display:block;width:100%;height:80px;border-bottom:1px solid #8592a3;margin:8px 0 4px}.chart rect{fill:#1a62e6}
@media (max-width:700px){main{margin:0;border-radius:0;padding:16px}header{padding:8px 12px}}`;

export interface Chrome {
  language: Locale;
  nonce: string;
  /** The current path and query without `lang`, for the language links. */
  here: string;
  /** Signed in: the section shown and the session's CSRF token (for Sign out). */
  signedIn: { section: 'overview' | 'leases' | 'events' | 'migration'; csrf: string } | null;
}

const LANGUAGES = [['zh-CN', '简体中文'], ['en', 'English']] as const;

export const withLang = (path: string, language: Locale) => `${path}${path.includes('?') ? '&' : '?'}lang=${language}`;

export function page(chrome: Chrome, heading: string, body: string, view: string): string {
  const t = CONSOLE_TEXT[chrome.language];
  const lang = `<nav class="lang" aria-label="${esc(t.language)}">${LANGUAGES.map(([code, name]) => `<a href="${esc(withLang(chrome.here, code))}" lang="${code}"${code === chrome.language ? ' aria-current="true"' : ''}>${name}</a>`).join(' ')}</nav>`;
  let nav = '';
  if (chrome.signedIn) {
    const sections = ['overview', 'leases', 'events', 'migration'] as const;
    const links = sections
      .map((s) => `<a href="${esc(withLang(s === 'overview' ? '/console' : `/console/${s}`, chrome.language))}"${s === chrome.signedIn?.section ? ' aria-current="page"' : ''}>${esc(t[s])}</a>`)
      .join(' ');
    nav = `<nav aria-label="${esc(t.nav)}">${links}</nav><form method="post" action="${esc(withLang('/console/sign-out', chrome.language))}"><input type="hidden" name="csrf" value="${esc(chrome.signedIn.csrf)}"><button type="submit">${esc(t.signOut)}</button></form>`;
  }
  return `<!doctype html>
<html lang="${chrome.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(heading)} · ${esc(t.title)}</title><style nonce="${chrome.nonce}">${STYLE}</style></head>
<body><header><span class="name">${esc(t.title)}</span>${nav}${lang}</header>
<main data-view="${esc(view)}"${chrome.signedIn ? '' : ' class="narrow"'}><h1>${esc(heading)}</h1>${body}</main></body></html>`;
}

export const notice = (kind: 'ok' | 'error', text: string) => `<p class="notice ${kind}" role="${kind === 'ok' ? 'status' : 'alert'}" id="notice">${esc(text)}</p>`;

function duration(ms: number, t: ConsoleTexts): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 || minutes % 60 !== 0 ? fill(t.minutes, { n: minutes }) : fill(t.hours, { n: minutes / 60 });
}

/** What a refused sign-in says, from the lock after it. */
export function lockText(lock: LockStatus, language: Locale): string {
  const t = CONSOLE_TEXT[language];
  if (lock.kind === 'locked') return fill(t.lockedUntil, { until: when(lock.until.toISOString(), language) });
  if (lock.kind === 'disabled') return fill(t.disabled, { n: lock.failures });
  return fill(t.wrong, { n: lock.attemptsLeft, duration: duration(lock.nextLockMs, t) });
}

export function passwordField(id: string, label: string, opts: { invalid?: string | null; autocomplete: string; hint?: string }): string {
  const described = [opts.hint ? `${id}-hint` : '', opts.invalid ? 'notice' : ''].filter(Boolean).join(' ');
  return `<div class="field"><label for="${id}">${esc(label)}</label><input id="${id}" name="${id}" type="password" required autocomplete="${opts.autocomplete}"${opts.invalid ? ' aria-invalid="true" autofocus' : ''}${described ? ` aria-describedby="${described}"` : ''}>${opts.hint ? `<span class="hint" id="${id}-hint">${esc(opts.hint)}</span>` : ''}</div>`;
}

export function overviewBody(input: { license: ServerLicensePayload; language: Locale; now: Date; fingerprint: string; activatedAt: string | null; destroyedAt: string | null; inUse: number; perDay: { day: string; max: number }[] }): string {
  const { license, language } = input;
  const t = CONSOLE_TEXT[language];
  const list = (values: readonly string[]) => (values.length === 0 ? esc(t.any) : values.map(esc).join(', '));
  const daysLeft = Math.floor((Date.parse(license.expiresAt) - input.now.getTime()) / 864e5);
  const state = input.destroyedAt !== null ? fill(t.destroyedAt, { at: when(input.destroyedAt, language) }) : input.activatedAt !== null ? fill(t.activatedAt, { at: when(input.activatedAt, language) }) : t.notActivated;
  const peak = Math.max(1, ...input.perDay.map((d) => d.max));
  // SVG attributes, not inline styles: the page's CSP admits only its own nonce'd stylesheet.
  const bars = input.perDay
    .map((d, i) => {
      const h = Math.max(1, Math.round((d.max / peak) * 80));
      return `<rect x="${i * 10 + 1}" y="${80 - h}" width="8" height="${h}"><title>${esc(fill(t.usageDay, { day: d.day, n: d.max }))}</title></rect>`;
    })
    .join('');
  const rows: [string, string][] = [
    [t.company, esc(license.company)],
    [t.licenseId, `<code>${esc(license.licenseId)}</code>`],
    [t.product, esc(license.product)],
    [t.version, esc(license.productVersion)],
    [t.features, list(license.features)],
    [t.domains, list(license.domains)],
    [t.ipRanges, license.ipRanges.trim() === '' ? esc(t.any) : esc(license.ipRanges)],
    [t.appNames, list(license.appNames)],
    [t.expires, `${esc(when(license.expiresAt, language))} (${esc(daysLeft >= 0 ? fill(t.daysLeft, { n: daysLeft }) : t.expired)})`],
    [t.maxConnections, esc(license.maxConnections)],
    [t.activation, esc(state)],
    [t.fingerprint, `<code>${esc(input.fingerprint)}</code>`],
    [t.slots, esc(fill(t.slotsOf, { inUse: input.inUse, max: license.maxConnections }))],
  ];
  const table = input.perDay.map((d) => `<li>${esc(fill(t.usageDay, { day: d.day, n: d.max }))}</li>`).join('');
  return `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>
<h2 id="usage">${esc(t.usageChart)}</h2><svg class="chart" role="img" aria-labelledby="usage" aria-describedby="usage-days" viewBox="0 0 ${input.perDay.length * 10} 80" preserveAspectRatio="none">${bars}</svg>
<details><summary class="hint">${esc(t.usageChart)}</summary><ul id="usage-days" class="hint">${table}</ul></details>`;
}

export const SORTS = ['node', 'heartbeat', 'registered', 'expires'] as const;
export type LeaseSort = (typeof SORTS)[number];

export function leasesBody(input: {
  language: Locale;
  now: Date;
  csrf: string;
  leases: [string, LeaseRecord][];
  q: string;
  sort: LeaseSort;
  staleAfterMs: number;
  blocked: { nodeId: string; at: string }[];
}): string {
  const t = CONSOLE_TEXT[input.language];
  const L = input.language;
  const ago = (iso: string) => {
    const minutes = Math.max(0, Math.round((input.now.getTime() - Date.parse(iso)) / 60_000));
    return minutes < 120 ? fill(t.ago, { n: minutes }) : fill(t.hoursAgo, { n: Math.floor(minutes / 60) });
  };
  const filters = `<form class="filters" method="get" action="/console/leases"><input type="hidden" name="lang" value="${L}">
<div class="f"><label for="f-q">${esc(t.filter)}</label><input id="f-q" name="q" value="${esc(input.q)}" placeholder="${esc(t.filterHint)}" aria-describedby="q-hint"></div><span class="hint" id="q-hint" hidden>${esc(t.filterHint)}</span>
<div class="f"><label for="f-sort">${esc(t.sortBy)}</label><select id="f-sort" name="sort">${SORTS.map((s) => `<option value="${s}"${s === input.sort ? ' selected' : ''}>${esc(t.sorts[s])}</option>`).join('')}</select></div>
<button type="submit" class="secondary">${esc(t.apply)}</button></form>`;
  const rows = input.leases
    .map(([nodeId, l]) => {
      const silentMs = input.now.getTime() - Date.parse(l.renewedAt);
      const stale = silentMs > input.staleAfterMs;
      const project = l.project === undefined ? '—' : l.project.kind === 'cluster' ? `cluster ${esc(l.project.configDb.slice(0, 12))}…` : esc(l.project.kind);
      const action = (what: 'free' | 'block', label: string, cls: string) =>
        `<a class="button ${cls}" href="${esc(withLang(`/console/leases/${what}?node=${encodeURIComponent(nodeId)}&lease=${encodeURIComponent(l.leaseId)}`, L))}">${esc(label)}</a>`;
      return `<tr${stale ? ' class="stale"' : ''}><td><code>${esc(nodeId)}</code>${stale ? `<span class="flag">⚠ ${esc(fill(t.stale, { n: Math.floor(silentMs / 3600e3) }))}</span>` : ''}</td>
<td>${esc(l.peer)}</td><td>${esc(l.appName ?? '—')}</td><td>${esc(l.domain ?? '—')}</td><td>${esc(l.productVersion ?? '—')}</td><td>${project}</td>
<td>${esc(when(l.registeredAt, L))}</td><td title="${esc(when(l.renewedAt, L))}">${esc(ago(l.renewedAt))}</td><td>${esc(when(l.expiresAt, L))}</td>
<td><code>${esc(l.nodeKey === undefined ? '—' : `${l.nodeKey.slice(0, 8)}…`)}</code></td><td>${action('free', t.freeSlot, 'secondary')} ${action('block', t.block, 'secondary')}</td></tr>`;
    })
    .join('');
  const head = [t.node, t.address, t.app, t.domain, t.productVersion, t.project, t.registered, t.lastHeartbeat, t.expires, t.nodeKey, t.actions];
  const table =
    input.leases.length === 0
      ? `<p>${esc(t.noLeases)}</p>`
      : scrollingTable(t.leases, head, rows);
  const blocked =
    input.blocked.length === 0
      ? ''
      : `<h2>${esc(t.blockedList)}</h2><ul>${input.blocked
          .map(
            (b) => `<li><code>${esc(b.nodeId)}</code> — ${esc(fill(t.blockedSince, { at: when(b.at, L) }))}
<form class="inline" method="post" action="${esc(withLang('/console/leases/unblock', L))}"><input type="hidden" name="csrf" value="${esc(input.csrf)}"><input type="hidden" name="node" value="${esc(b.nodeId)}"><button type="submit" class="secondary">${esc(t.unblock)}</button></form></li>`,
          )
          .join('')}</ul>`;
  return `${filters}${table}${blocked}`;
}

/** A table wider than a narrow screen scrolls in a region that the keyboard can reach and that is named. */
function scrollingTable(name: string, head: string[], rows: string): string {
  return `<div class="scroll" role="region" aria-label="${esc(name)}" tabindex="0"><table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function confirmBody(input: { language: Locale; csrf: string; what: 'free' | 'block'; nodeId: string; leaseId: string; peer: string }): string {
  const t = CONSOLE_TEXT[input.language];
  const question = input.what === 'free' ? fill(t.freeConfirm, { nodeId: input.nodeId, peer: input.peer }) : fill(t.blockConfirm, { nodeId: input.nodeId });
  return `<section role="alertdialog" aria-labelledby="confirm-q" aria-describedby="confirm-x"><h2 id="confirm-q">${esc(question)}</h2><p id="confirm-x">${esc(input.what === 'free' ? t.freeExplain : t.blockExplain)}</p>
<form method="post" action="${esc(withLang(`/console/leases/${input.what}`, input.language))}"><input type="hidden" name="csrf" value="${esc(input.csrf)}"><input type="hidden" name="node" value="${esc(input.nodeId)}"><input type="hidden" name="lease" value="${esc(input.leaseId)}">
<button type="submit" class="danger" autofocus>${esc(input.what === 'free' ? t.freeSlot : t.block)}</button> <a class="button secondary" href="${esc(withLang('/console/leases', input.language))}">${esc(t.cancel)}</a></form></section>`;
}

export const SHOWN_EVENTS = 500;

export function eventsBody(input: { language: Locale; filter: EventFilter; events: ServerEvent[]; total: number; retentionDays: number; csvHref: string }): string {
  const t = CONSOLE_TEXT[input.language];
  const L = input.language;
  const f = input.filter;
  const filters = `<form class="filters" method="get" action="/console/events"><input type="hidden" name="lang" value="${L}">
<div class="f"><label for="f-node">${esc(t.node)}</label><input id="f-node" name="node" value="${esc(f.nodeId ?? '')}"></div>
<div class="f"><label for="f-kind">${esc(t.kind)}</label><select id="f-kind" name="kind"><option value="">${esc(t.allKinds)}</option>${EVENT_KINDS.map((k) => `<option value="${k}"${k === f.kind ? ' selected' : ''}>${esc(t.kindNames[k])}</option>`).join('')}</select></div>
<div class="f"><label for="f-from">${esc(t.from)}</label><input type="date" id="f-from" name="from" value="${esc(f.from?.slice(0, 10) ?? '')}"></div><div class="f"><label for="f-to">${esc(t.to)}</label><input type="date" id="f-to" name="to" value="${esc(f.to?.slice(0, 10) ?? '')}"></div>
<button type="submit" class="secondary">${esc(t.apply)}</button> <a class="button secondary" href="${esc(input.csvHref)}" download>${esc(t.csv)}</a></form>`;
  const rows = input.events
    .map((e) => `<tr><td>${esc(when(e.at, L))}</td><td>${esc(t.kindNames[e.kind])}</td><td>${e.nodeId === undefined ? '' : `<code>${esc(e.nodeId)}</code>`}</td><td>${esc(e.peer ?? '')}</td><td>${esc((e.codes ?? []).join(' '))}</td><td>${esc(Object.entries(e.data ?? {}).map(([k, v]) => `${k}=${v}`).join('; '))}</td></tr>`)
    .join('');
  const head = [t.time, t.kind, t.node, t.address, t.codes, t.details];
  const table =
    input.events.length === 0
      ? `<p>${esc(t.noEvents)}</p>`
      : scrollingTable(t.events, head, rows);
  const more = input.total > input.events.length ? `<p class="hint">${esc(fill(t.shown, { n: input.events.length }))}</p>` : '';
  return `${filters}${table}${more}<p class="hint">${esc(fill(t.retention, { days: input.retentionDays }))}</p>`;
}

export function migrationBody(language: Locale): string {
  const t = CONSOLE_TEXT[language];
  return `<p>${esc(t.migrationIntro)}</p><p><a class="button" href="/console/privateConfig" download="privateConfig">${esc(t.download)}</a></p>
<h2>${esc(t.destroySteps)}</h2><ol>${t.destroyList.map((s) => `<li>${esc(s)}</li>`).join('')}</ol>`;
}
