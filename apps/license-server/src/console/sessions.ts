import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Console sessions, in this process only (a restart signs everyone out). The cookie carries a random id;
 * the server keeps its hash, the CSRF token every form must send back, and when the session ends: after
 * 30 minutes without a request, or 12 hours after sign-in, whichever comes first.
 */

/** `__Host-`: the browser keeps it only if Secure, for this host, with Path=/ (no Domain can widen it). */
export const SESSION_COOKIE = '__Host-ls-console';
export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 12 * 3600e3;
const MAX_SESSIONS = 64;

export interface Session {
  csrf: string;
  startedAt: number;
  lastSeen: number;
}

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

export class Sessions {
  readonly #byHash = new Map<string, Session>();

  constructor(private readonly now: () => Date) {}

  /** A new session; its id is for the cookie only. */
  start(): { id: string; session: Session } {
    const t = this.now().getTime();
    const id = randomBytes(32).toString('base64url');
    const session: Session = { csrf: randomBytes(24).toString('base64url'), startedAt: t, lastSeen: t };
    this.#byHash.set(digest(id), session);
    // The oldest go first when too many are open (each sign-in makes one).
    while (this.#byHash.size > MAX_SESSIONS) this.#byHash.delete(this.#byHash.keys().next().value as string);
    return { id, session };
  }

  /** The live session of a cookie value (touched), or null. */
  get(id: string | undefined): Session | null {
    if (id === undefined || id.length > 128) return null;
    const key = digest(id);
    const session = this.#byHash.get(key);
    if (session === undefined) return null;
    const t = this.now().getTime();
    if (t - session.lastSeen > IDLE_MS || t - session.startedAt > ABSOLUTE_MS) {
      this.#byHash.delete(key);
      return null;
    }
    session.lastSeen = t;
    return session;
  }

  end(id: string | undefined): void {
    if (id !== undefined) this.#byHash.delete(digest(id));
  }

  /** Every session ends (the password was changed). */
  endAll(): void {
    this.#byHash.clear();
  }
}

/** Whether a form's token is the session's (constant time). */
export function sameToken(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
