/**
 * A fixed one-minute window per key (a source address, a license …), on an injected clock, its table bounded
 * so that a flood of keys cannot grow it without end. Hand-written rather than `rate-limiter-flexible`: that
 * one reads `Date.now()` and arms a timer per key, and this project's time-based rules run on injected clocks.
 */

export const RATE_WINDOW_MS = 60_000;
/** Most keys remembered; beyond that, windows that have ended are dropped, then the oldest. */
const MAX_KEYS = 50_000;

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
