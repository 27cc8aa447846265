import { randomBytes } from 'node:crypto';
import type { Context, Next } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import type { Locale } from '@registration/protocol/catalogue';
import { addressKey, RateLimiter } from '@registration/licensing/rate-limit';
import { HEARTBEAT_INTERVAL_MS } from '@registration/licensing/time';
import { serverFingerprint } from '../activation.ts';
import type { LoadedBundle } from '../bundle.ts';
import { liveLeases } from '../lease-book.ts';
import { peerAddress } from '../peer.ts';
import { toFile, type StateStore } from '../store.ts';
import { eventsCsv, EVENT_KINDS, type EventFilter, type EventKind, type EventLog } from './events.ts';
import { blockNode, freeSlot, unblockNode } from './operator-actions.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem, type OperatorPassword } from './operator-password.ts';
import { confirmBody, esc, view, eventsBody, leasesBody, lockText, migrationBody, notice, overviewBody, page, passwordField, SHOWN_EVENTS, SORTS, withLang, type Chrome, type LeaseSort } from './pages.ts';
import { sameToken, SESSION_COOKIE, Sessions, type Session } from './sessions.ts';
import type { SetupTokens } from './setup-tokens.ts';
import { CONSOLE_TEXT, fill } from './texts.ts';

type Env = { Bindings: HttpBindings; Variables: { session: Session; sessionId: string } };

export interface ConsoleDeps {
  bundle: LoadedBundle;
  store: StateStore;
  clock: () => Date;
  logger: Logger;
  language: Locale;
  events: EventLog;
  password: OperatorPassword;
  setupTokens: SetupTokens;
  retentionDays: number;
  /** Sign-in attempts per source address per minute (0 = none); the password lock applies on top. */
  signInPerMinute?: number;
}

/** A lease with no heartbeat for two intervals is flagged. */
const STALE_AFTER_MS = 2 * HEARTBEAT_INTERVAL_MS;

/** The operator console under `/console`: every page but sign-in and set-up needs a session. */
export function consoleRoutes(deps: ConsoleDeps) {
  const { bundle, store, clock, logger, events, password, setupTokens } = deps;
  const sessions = new Sessions(clock);
  const perMinute = deps.signInPerMinute ?? 10;
  const limiter = perMinute > 0 ? new RateLimiter(perMinute, () => clock().getTime()) : null;

  const languageOf = (c: Context<Env>): Locale => {
    const asked = c.req.query('lang');
    return asked === 'en' || asked === 'zh-CN' ? asked : deps.language;
  };
  const chromeOf = (c: Context<Env>, signedIn: Chrome['signedIn']): Chrome => {
    const url = new URL(c.req.url);
    url.searchParams.delete('lang');
    return { language: languageOf(c), nonce: randomBytes(16).toString('base64'), here: `${url.pathname}${url.search}`, signedIn };
  };
  const html = (c: Context<Env>, chrome: Chrome, heading: string, body: string, view: string, status: 200 | 400 | 401 | 403 | 404 | 409 | 423 | 429 = 200) => {
    c.header('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${chrome.nonce}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`);
    c.header('Cache-Control', 'no-store');
    return c.html(page(chrome, heading, body, view), status);
  };
  const signedIn = (c: Context<Env>, section: NonNullable<Chrome['signedIn']>['section']) => chromeOf(c, { section, csrf: c.get('session').csrf });

  const signInPage = (c: Context<Env>, message: string | null, status: 200 | 401 | 423 | 429 = 200) => {
    const t = CONSOLE_TEXT[languageOf(c)];
    const form = `${message ? notice(status === 200 ? 'ok' : 'error', message) : ''}<form method="post" action="${esc(withLang('/console/sign-in', languageOf(c)))}">
${passwordField('password', t.password, { invalid: status === 200 ? null : message, autocomplete: 'current-password' })}<button type="submit">${esc(t.signIn)}</button></form>`;
    return html(c, chromeOf(c, null), t.signInTitle, form, view('console-sign-in'), status);
  };

  const requireSession = async (c: Context<Env>, next: Next) => {
    const id = getCookie(c, SESSION_COOKIE);
    const session = sessions.get(id);
    if (session === null) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(withLang('/console/sign-in', languageOf(c)), 303);
      return signInPage(c, CONSOLE_TEXT[languageOf(c)].sessionEnded, 401);
    }
    c.set('session', session);
    c.set('sessionId', id as string);
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody();
      if (!sameToken(session.csrf, body.csrf)) return html(c, signedIn(c, 'overview'), CONSOLE_TEXT[languageOf(c)].title, notice('error', CONSOLE_TEXT[languageOf(c)].csrf), view('console-csrf'), 403);
    }
    return next();
  };

  const app = new Hono<Env>();

  app.get('/sign-in', (c) => signInPage(c, null));
  app.post('/sign-in', async (c) => {
    const t = CONSOLE_TEXT[languageOf(c)];
    const peer = peerAddress(c);
    const retryAfter = limiter?.take(addressKey(peer)) ?? 0;
    if (retryAfter > 0) {
      c.header('Retry-After', String(retryAfter));
      return signInPage(c, fill(t.rateLimited, { seconds: retryAfter }), 429);
    }
    const body = await c.req.parseBody();
    const outcome = await password.check(typeof body.password === 'string' ? body.password : '');
    if (!outcome.ok) {
      events.record({ kind: 'sign-in-refused', peer, data: { why: outcome.why } });
      logger.warn({ peer, why: outcome.why }, 'console sign-in refused');
      if (outcome.why === 'notSet') return signInPage(c, t.notSet, 401);
      return signInPage(c, lockText(outcome.lock, languageOf(c)), outcome.why === 'locked' ? 423 : 401);
    }
    const { id } = sessions.start();
    events.record({ kind: 'sign-in', peer });
    logger.info({ peer }, 'console sign-in');
    setCookie(c, SESSION_COOKIE, id, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    return c.redirect(withLang('/console', languageOf(c)), 303);
  });

  // Set-up: the link the activation page gives right after a successful scan (one use, 15 minutes).
  const setupPage = (c: Context<Env>, token: string, problem: string | null) => {
    const t = CONSOLE_TEXT[languageOf(c)];
    const hint = fill(t.passwordHint, { min: MIN_PASSWORD_LENGTH });
    const form = `<p>${esc(t.setupIntro)}</p>${problem ? notice('error', problem) : ''}<form method="post" action="${esc(withLang('/console/setup', languageOf(c)))}"><input type="hidden" name="token" value="${esc(token)}">
${passwordField('newPassword', t.newPassword, { invalid: problem, autocomplete: 'new-password', hint })}${passwordField('confirmPassword', t.confirmPassword, { autocomplete: 'new-password' })}<button type="submit">${esc(t.setPassword)}</button></form>`;
    return html(c, chromeOf(c, null), t.setupTitle, form, view('console-setup'), problem ? 400 : 200);
  };
  app.get('/setup', (c) => {
    const token = c.req.query('token') ?? '';
    if (!setupTokens.valid(token)) return html(c, chromeOf(c, null), CONSOLE_TEXT[languageOf(c)].setupTitle, notice('error', CONSOLE_TEXT[languageOf(c)].setupExpired), view('console-setup-expired'), 403);
    return setupPage(c, token, null);
  });
  app.post('/setup', async (c) => {
    const t = CONSOLE_TEXT[languageOf(c)];
    const body = await c.req.parseBody();
    const token = typeof body.token === 'string' ? body.token : '';
    if (!setupTokens.valid(token)) return html(c, chromeOf(c, null), t.setupTitle, notice('error', t.setupExpired), view('console-setup-expired'), 403);
    const next = typeof body.newPassword === 'string' ? body.newPassword : '';
    const problem = passwordProblem(next);
    if (problem !== null) return setupPage(c, token, fill(t[problem], { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH }));
    if (body.confirmPassword !== next) return setupPage(c, token, t.mismatch);
    if (!setupTokens.use(token)) return html(c, chromeOf(c, null), t.setupTitle, notice('error', t.setupExpired), view('console-setup-expired'), 403);
    await password.set(next);
    sessions.endAll();
    logger.info({ peer: peerAddress(c) }, 'operator password set on the activation page');
    return signInPage(c, t.setupDone);
  });

  app.use('/*', async (c, next) => {
    const path = c.req.path;
    if (path === '/console/sign-in' || path === '/console/setup') return next();
    return requireSession(c, next);
  });

  app.post('/sign-out', (c) => {
    sessions.end(c.get('sessionId'));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return signInPage(c, CONSOLE_TEXT[languageOf(c)].signedOut);
  });

  app.get('/', (c) => {
    const L = languageOf(c);
    const now = clock();
    const state = store.state;
    const inUse = liveLeases(state, now).size;
    // Highest use per day over 30 days, from the hourly samples (and now).
    const days = new Map<string, number>();
    for (let i = 29; i >= 0; i -= 1) days.set(new Date(now.getTime() - i * 864e5).toISOString().slice(0, 10), 0);
    for (const e of events.list({ kind: 'usage', from: new Date(now.getTime() - 30 * 864e5).toISOString() })) {
      const day = e.at.slice(0, 10);
      const n = typeof e.data?.inUse === 'number' ? e.data.inUse : 0;
      if (days.has(day)) days.set(day, Math.max(days.get(day) ?? 0, n));
    }
    const today = now.toISOString().slice(0, 10);
    days.set(today, Math.max(days.get(today) ?? 0, inUse));
    const body = overviewBody({
      license: bundle.license,
      language: L,
      now,
      fingerprint: serverFingerprint(state),
      activatedAt: state.activatedAt,
      destroyedAt: state.destroyedAt,
      inUse,
      perDay: [...days].map(([day, max]) => ({ day, max })),
    });
    return html(c, signedIn(c, 'overview'), CONSOLE_TEXT[L].overview, body, view('console-overview'));
  });

  const leasesPage = (c: Context<Env>, message: { kind: 'ok' | 'error'; text: string } | null, status: 200 | 409 = 200) => {
    const L = languageOf(c);
    const now = clock();
    const q = (c.req.query('q') ?? '').trim().toLowerCase();
    const asked = c.req.query('sort');
    const sort: LeaseSort = SORTS.includes(asked as LeaseSort) ? (asked as LeaseSort) : 'node';
    const all = [...liveLeases(store.state, now).entries()].filter(
      ([nodeId, l]) => q === '' || [nodeId, l.peer, l.appName ?? '', l.domain ?? ''].some((v) => v.toLowerCase().includes(q)),
    );
    const key = (entry: (typeof all)[number]) => (sort === 'node' ? entry[0] : sort === 'heartbeat' ? entry[1].renewedAt : sort === 'registered' ? entry[1].registeredAt : entry[1].expiresAt);
    all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const blocked = Object.entries(store.state.operator.blockedNodes).map(([nodeId, b]) => ({ nodeId, at: b.at }));
    const body = leasesBody({ language: L, now, csrf: c.get('session').csrf, leases: all, q, sort, staleAfterMs: STALE_AFTER_MS, blocked });
    return html(c, signedIn(c, 'leases'), CONSOLE_TEXT[L].leases, `${message ? notice(message.kind, message.text) : ''}${body}`, view('console-leases'), status);
  };
  app.get('/leases', (c) => leasesPage(c, null));

  for (const what of ['free', 'block'] as const) {
    app.get(`/leases/${what}`, (c) => {
      const nodeId = c.req.query('node') ?? '';
      const leaseId = c.req.query('lease') ?? '';
      const lease = liveLeases(store.state, clock()).get(nodeId);
      if (lease?.leaseId !== leaseId) return leasesPage(c, { kind: 'error', text: fill(CONSOLE_TEXT[languageOf(c)].gone, { nodeId }) }, 409);
      const body = confirmBody({ language: languageOf(c), csrf: c.get('session').csrf, what, nodeId, leaseId, peer: lease.peer });
      return html(c, signedIn(c, 'leases'), CONSOLE_TEXT[languageOf(c)][what === 'free' ? 'freeSlot' : 'block'], body, what === 'free' ? view('console-confirm-free') : view('console-confirm-block'));
    });
  }

  app.post('/leases/free', async (c) => {
    const t = CONSOLE_TEXT[languageOf(c)];
    const body = await c.req.parseBody();
    const nodeId = String(body.node ?? '');
    const outcome = await store.update(freeSlot(nodeId, String(body.lease ?? ''), clock));
    if (!outcome.ok) return leasesPage(c, { kind: 'error', text: fill(t.gone, { nodeId }) }, 409);
    events.record({ kind: 'freed', nodeId, peer: outcome.lease.peer, data: { leaseId: outcome.lease.leaseId, by: peerAddress(c) } });
    logger.info({ nodeId, leaseId: outcome.lease.leaseId, by: peerAddress(c) }, 'slot freed in the console');
    return leasesPage(c, { kind: 'ok', text: fill(t.freed, { nodeId }) });
  });

  app.post('/leases/block', async (c) => {
    const t = CONSOLE_TEXT[languageOf(c)];
    const body = await c.req.parseBody();
    const nodeId = String(body.node ?? '');
    if (nodeId === '' || nodeId.length > 128) return leasesPage(c, { kind: 'error', text: fill(t.gone, { nodeId }) }, 409);
    const outcome = await store.update(blockNode(nodeId, clock));
    events.record({ kind: 'blocked', nodeId, ...(outcome.freedLease ? { peer: outcome.freedLease.peer } : {}), data: { by: peerAddress(c) } });
    logger.info({ nodeId, by: peerAddress(c) }, 'node blocked in the console');
    return leasesPage(c, { kind: 'ok', text: fill(t.blocked, { nodeId }) });
  });

  app.post('/leases/unblock', async (c) => {
    const t = CONSOLE_TEXT[languageOf(c)];
    const body = await c.req.parseBody();
    const nodeId = String(body.node ?? '');
    if (await store.update(unblockNode(nodeId))) {
      events.record({ kind: 'unblocked', nodeId, data: { by: peerAddress(c) } });
      logger.info({ nodeId, by: peerAddress(c) }, 'node unblocked in the console');
    }
    return leasesPage(c, { kind: 'ok', text: fill(t.unblocked, { nodeId }) });
  });

  const filterOf = (c: Context<Env>): EventFilter => {
    const node = c.req.query('node')?.trim();
    const kind = c.req.query('kind');
    const day = (v: string | undefined) => (v !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);
    const from = day(c.req.query('from'));
    const to = day(c.req.query('to'));
    return {
      ...(node ? { nodeId: node } : {}),
      ...(EVENT_KINDS.includes(kind as EventKind) ? { kind: kind as EventKind } : {}),
      ...(from ? { from: `${from}T00:00:00.000Z` } : {}),
      ...(to ? { to: `${to}T23:59:59.999Z` } : {}),
    };
  };
  const query = (filter: EventFilter) =>
    new URLSearchParams({
      ...(filter.nodeId ? { node: filter.nodeId } : {}),
      ...(filter.kind ? { kind: filter.kind } : {}),
      ...(filter.from ? { from: filter.from.slice(0, 10) } : {}),
      ...(filter.to ? { to: filter.to.slice(0, 10) } : {}),
    }).toString();

  app.get('/events', (c) => {
    const L = languageOf(c);
    const filter = filterOf(c);
    const all = events.list(filter);
    const qs = query(filter);
    const body = eventsBody({ language: L, filter, events: all.slice(0, SHOWN_EVENTS), total: all.length, retentionDays: deps.retentionDays, csvHref: `/console/events.csv${qs ? `?${qs}` : ''}` });
    return html(c, signedIn(c, 'events'), CONSOLE_TEXT[L].events, body, view('console-events'));
  });

  app.get('/events.csv', (c) => {
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="license-server-events-${clock().toISOString().slice(0, 10)}.csv"`);
    c.header('Cache-Control', 'no-store');
    // A byte-order mark, so that spreadsheet programs read the UTF-8 (Chinese node names) right.
    return c.body(`\uFEFF${eventsCsv(events.list(filterOf(c)))}`);
  });

  app.get('/migration', (c) => html(c, signedIn(c, 'migration'), CONSOLE_TEXT[languageOf(c)].migration, migrationBody(languageOf(c)), view('console-migration')));

  app.get('/privateConfig', (c) => {
    logger.info({ by: peerAddress(c) }, 'privateConfig downloaded from the console');
    c.header('Content-Type', 'application/json; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="privateConfig"');
    c.header('Cache-Control', 'no-store');
    return c.body(`${JSON.stringify(toFile(store.state), null, 2)}\n`);
  });

  return app;
}
