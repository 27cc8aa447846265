import type { Context, MiddlewareHandler } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { peerAddress } from './peer.ts';
import { reasonOf, refusal } from './responses.ts';

/**
 * Per-source-address request limits (issue 10): a client inside the license's IP range can no longer fill
 * the slots with made-up node ids, flood heartbeats or guess activation codes at network speed.
 *
 * Hand-written rather than `rate-limiter-flexible`: that one reads `Date.now()` and arms a timer per key,
 * and this project's time-based rules are tested on an injected clock. A fixed one-minute window per key,
 * the table bounded so that a flood of addresses cannot grow it without end.
 */

export const RATE_WINDOW_MS = 60_000;
/** Most keys remembered; beyond that, windows that have ended are dropped, then the oldest. */
const MAX_KEYS = 50_000;

/** Requests per source address per minute for each kind; 0 = no limit. */
export interface RateLimits {
  register: number;
  heartbeat: number;
  activation: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { register: 60, heartbeat: 600, activation: 30 };
export const NO_RATE_LIMITS: RateLimits = { register: 0, heartbeat: 0, activation: 0 };

/**
 * The key an address is counted under: an IPv4 address, or the /64 of an IPv6 one (one host usually holds
 * a whole /64, so counting single IPv6 addresses would be no limit at all).
 */
export function addressKey(address: string): string {
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

interface Window {
  startedAt: number;
  count: number;
}

/** A fixed-window counter per key. */
export class RateLimiter {
  readonly #windows = new Map<string, Window>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Counts one request of `key`: 0 when allowed, else the seconds until its window ends. */
  take(key: string): number {
    const t = this.now();
    let w = this.#windows.get(key);
    if (w === undefined || t - w.startedAt >= RATE_WINDOW_MS) {
      if (w === undefined && this.#windows.size >= MAX_KEYS) this.#prune();
      w = { startedAt: t, count: 0 };
      // Re-inserted so that the map's order stays the order windows started in (oldest first).
      this.#windows.delete(key);
      this.#windows.set(key, w);
    }
    w.count += 1;
    if (w.count <= this.perMinute) return 0;
    return Math.max(1, Math.ceil((w.startedAt + RATE_WINDOW_MS - t) / 1000));
  }

  get size(): number {
    return this.#windows.size;
  }

  // The map iterates in the order windows started: drop the oldest (ended ones first, as they are older).
  #prune(): void {
    const oldest = this.#windows.keys().next();
    if (!oldest.done) this.#windows.delete(oldest.value);
  }
}

type Env = { Bindings: HttpBindings };

/**
 * Middleware: a request over its address's limit gets 429 RATE_LIMITED with `Retry-After`, answered like
 * the route's other refusals (`{ ok: false, reasons }`), before any body is read.
 */
export function rateLimit(options: { perMinute: number; clock: () => Date }): MiddlewareHandler<Env> {
  if (options.perMinute <= 0) return (_c, next) => next();
  const limiter = new RateLimiter(options.perMinute, () => options.clock().getTime());
  return async (c: Context<Env>, next) => {
    const peer = peerAddress(c);
    const retryAfter = limiter.take(addressKey(peer));
    if (retryAfter === 0) return next();
    c.header('Retry-After', String(retryAfter));
    const { body } = refusal([reasonOf('RATE_LIMITED', { peer, limit: options.perMinute, retryAfter })]);
    return c.json(body, 429);
  };
}
