import type { Context, MiddlewareHandler } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { peerAddress } from './peer.ts';
import { addressKey, RateLimiter } from '@registration/licensing/rate-limit';
import { reason } from '@registration/protocol/reason';
import { refusal } from './responses.ts';

/**
 * Per-source-address request limits: a client inside the license's IP range can no longer fill the slots
 * with made-up node ids, flood heartbeats or guess activation codes at network speed.
 */

/** Requests per source address per minute for each kind; 0 = no limit. */
export interface RateLimits {
  register: number;
  heartbeat: number;
  activation: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { register: 60, heartbeat: 600, activation: 30 };
export const NO_RATE_LIMITS: RateLimits = { register: 0, heartbeat: 0, activation: 0 };

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
    const { body } = refusal([reason('RATE_LIMITED', { peer, limit: options.perMinute, retryAfter })]);
    return c.json(body, 429);
  };
}
