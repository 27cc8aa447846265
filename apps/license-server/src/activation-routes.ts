import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import QRCode from 'qrcode';
import { ChallengeKeys } from '@registration/licensing/activation-code';
import { lockStatus } from '@registration/licensing/lockout';
import { CATALOGUE } from '@registration/protocol/catalogue';
import { type Reason, reason } from '@registration/protocol/reason';
import { activationQrUrl, currentChallenge, needsScan, serverFingerprint, submitActivationCode, type ActivationOutcome } from './activation.ts';
import { renderActivationPage, type ActivationView } from './activation-page.ts';
import type { OperatorPassword } from './console/operator-password.ts';
import type { SetupTokens } from './console/setup-tokens.ts';
import type { LeaseRouteDeps } from './lease-routes.ts';
import { peerAddress } from './peer.ts';
import { addressKey, RateLimiter } from '@registration/licensing/rate-limit';
import { NO_RATE_LIMITS, type RateLimits } from './rate-limit.ts';

/** The activation routes' dependencies: the lease routes' plus where the phone page lives. */
export interface ActivationDeps extends LeaseRouteDeps {
  /** Base URL of the vendor phone page (what the QR code points to). */
  phonePageUrl: string;
  /** Requests per source address per minute (default: none; `main.ts` passes the configured ones). */
  rateLimits?: RateLimits;
  /** This installation's site (`installationSite`), carried in the QR code for the vendor's ledger. */
  site: string;
  /** The challenge keys this process holds (default: a fresh set per app). */
  challengeKeys?: ChallengeKeys;
  /** The console's operator password and set-up links (the page offers one right after a successful scan). */
  password?: OperatorPassword;
  setupTokens?: SetupTokens;
}

/**
 * Code attempts this process checks per minute, whatever their source: the lock allows 5 in a row, so only
 * someone resetting it (the operator, on a stopped server) could go faster; this keeps even that slow.
 */
export const CODE_ATTEMPTS_PER_MINUTE = 10;

type Env = { Bindings: HttpBindings };

/** `GET /license/activation` and the JSON answers of the POST routes. */
export interface ActivationStatus {
  activated: boolean;
  activatedAt: string | null;
  fingerprint: string;
  needsScan: boolean;
  challenge: { challengeId: string; url: string; expiresAt: string } | null;
  lock: { kind: 'open'; attemptsLeft: number } | { kind: 'locked'; until: string } | { kind: 'disabled'; failures: number };
  rescanRequired: { nodeId: string; rule: string; since: string }[];
}

const wantsJson = (c: Context<Env>) => (c.req.header('content-type') ?? '').includes('application/json');

/**
 * The activation page and its forms (`/license/qrcode`, `/license/challenge`, `/license/activate`), plus
 * a JSON status. Forms post back to the page itself, so it works without JavaScript; JSON bodies get JSON.
 */
export function activationRoutes(deps: ActivationDeps) {
  const { bundle, store, clock, logger, language, phonePageUrl, events } = deps;
  const keys = deps.challengeKeys ?? new ChallengeKeys();
  const licenseKey = bundle.license.activationKey;
  const attempts = new RateLimiter(CODE_ATTEMPTS_PER_MINUTE, () => clock().getTime());
  const perMinute = (deps.rateLimits ?? NO_RATE_LIMITS).activation;
  const limiter = perMinute > 0 ? new RateLimiter(perMinute, () => clock().getTime()) : null;

  /** The refusal for a source address over its activation limit (with `Retry-After` set), or null. */
  function overLimit(c: Context<Env>): Reason | null {
    const peer = peerAddress(c);
    const retryAfter = limiter?.take(addressKey(peer)) ?? 0;
    if (retryAfter === 0) return null;
    c.header('Retry-After', String(retryAfter));
    logger.warn({ peer, retryAfter }, 'activation requests over the limit');
    return reason('RATE_LIMITED', { peer, limit: perMinute, retryAfter });
  }

  /** The same for code attempts from all addresses together (CODE_ATTEMPTS_PER_MINUTE). */
  function overAttempts(c: Context<Env>): Reason | null {
    const retryAfter = attempts.take('code');
    if (retryAfter === 0) return null;
    c.header('Retry-After', String(retryAfter));
    logger.warn({ retryAfter }, 'activation code attempts over the per-process limit');
    return reason('RATE_LIMITED', { peer: peerAddress(c), limit: CODE_ATTEMPTS_PER_MINUTE, retryAfter });
  }

  async function status(fresh = false): Promise<ActivationStatus> {
    const now = clock();
    // A destroyed server offers no activation: nothing it could activate would register anyone.
    const challenge = needsScan(store.state) && store.state.destroyedAt === null ? await store.update(currentChallenge(now, fresh, keys)) : null;
    const state = store.state;
    const lock = lockStatus(state.activation.lock, now);
    return {
      activated: state.activatedAt !== null,
      activatedAt: state.activatedAt,
      fingerprint: serverFingerprint(state),
      needsScan: needsScan(state),
      challenge: challenge && { challengeId: challenge.challengeId, url: activationQrUrl(phonePageUrl, state, challenge, deps.site), expiresAt: challenge.expiresAt },
      lock: lock.kind === 'locked' ? { kind: 'locked', until: lock.until.toISOString() } : lock,
      rescanRequired: Object.entries(state.activation.rescanRequired).map(([nodeId, r]) => ({ nodeId, ...r })),
    };
  }

  async function page(c: Context<Env>, s: ActivationStatus, notice: ActivationView['notice'], httpStatus: 200 | 400 | 403 | 409 | 422 | 423 | 429) {
    const nonce = randomBytes(16).toString('base64');
    const qr = s.challenge && { ...s.challenge, svg: await QRCode.toString(s.challenge.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
    const now = clock();
    // The operator may read the page in the other language (?lang=); forms keep it.
    const asked = c.req.query('lang');
    const html = renderActivationPage({
      language: asked === 'en' || asked === 'zh-CN' ? asked : language,
      company: bundle.license.company,
      licenseId: bundle.license.licenseId,
      fingerprint: s.fingerprint,
      activatedAt: s.activatedAt,
      destroyedAt: store.state.destroyedAt,
      qr,
      lock: lockStatus(store.state.activation.lock, now),
      rescan: s.rescanRequired,
      notice,
      serverAddress: `https://${c.req.header('host') ?? `localhost`}`,
      nonce,
      now,
    });
    c.header('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`);
    c.header('Cache-Control', 'no-store');
    return c.html(html, httpStatus);
  }

  const statusOf = (reason: Reason): 400 | 403 | 409 | 422 | 423 => {
    const s = CATALOGUE[reason.name].status;
    return s === 400 || s === 409 || s === 422 || s === 423 ? s : 403;
  };

  return new Hono<Env>()
    .get('/qrcode', async (c) => page(c, await status(), null, 200))
    .get('/activation', async (c) => c.json(await status(), 200))
    .post('/challenge', async (c) => {
      const limited = overLimit(c);
      if (limited) return wantsJson(c) ? c.json({ ok: false as const, reasons: [limited] }, 429) : page(c, await status(), { kind: 'error', reason: limited }, 429);
      const s = await status(true);
      if (wantsJson(c)) return c.json(s, 200);
      const asked = c.req.query('lang');
      return c.redirect(asked === 'en' || asked === 'zh-CN' ? `/license/qrcode?lang=${asked}` : '/license/qrcode', 303);
    })
    .post('/activate', async (c) => {
      const json = wantsJson(c);
      const limited = overLimit(c) ?? overAttempts(c);
      if (limited) return json ? c.json({ ok: false as const, reasons: [limited], ...(await status()) }, 429) : page(c, await status(), { kind: 'error', reason: limited }, 429);
      let body: Record<string, unknown> = {};
      try {
        body = json ? ((await c.req.json()) as Record<string, unknown>) : await c.req.parseBody();
      } catch {
        body = {};
      }
      const challengeId = typeof body.challengeId === 'string' ? body.challengeId : undefined;
      const outcome: ActivationOutcome = await store.update(submitActivationCode({ keys, licenseKey, challengeId, code: body.code, now: clock() }));
      // A code answers its challenge once: its key is of no use any more.
      if (outcome.ok && store.state.activation.challenge?.exchangeKey) keys.forget(store.state.activation.challenge.exchangeKey);
      const peer = peerAddress(c);
      if (outcome.ok) {
        logger.info({ peer, activatedAt: outcome.activatedAt, resumed: outcome.resumed }, 'activation code accepted');
        events?.record({ kind: 'activation-accepted', peer, data: { resumed: outcome.resumed.length } });
      } else {
        logger.warn({ peer, code: outcome.reason.code }, 'activation code refused');
        events?.record({ kind: 'activation-refused', peer, codes: [outcome.reason.code] });
      }
      const s = await status();
      if (json) return outcome.ok ? c.json({ ok: true as const, ...s }, 200) : c.json({ ok: false as const, reasons: [outcome.reason], ...s }, statusOf(outcome.reason));
      if (outcome.ok) {
        // Whoever just proved the vendor's code may set the console's password, once, if none is set.
        const setup = deps.password && deps.setupTokens && !(await deps.password.isSet()) ? deps.setupTokens.issue() : null;
        return page(c, s, { kind: 'success', text: outcome.resumed.length > 0 ? 'resumed' : 'success', setupToken: setup }, 200);
      }
      return page(c, s, { kind: 'error', reason: outcome.reason }, statusOf(outcome.reason));
    });
}
