import { randomBytes } from 'node:crypto';
import { sameToken } from './sessions.ts';

/** How long the activation page's "set the operator password" link stays valid. */
export const SETUP_TOKEN_MS = 15 * 60_000;

/**
 * One-use tokens that let the person who just activated the server (they proved the vendor's code) set the
 * operator password in the console. In this process only; at most a few are open at a time.
 */
export class SetupTokens {
  #open: { token: string; until: number }[] = [];

  constructor(private readonly now: () => Date) {}

  issue(): string {
    const t = this.now().getTime();
    const token = randomBytes(24).toString('base64url');
    this.#open = [...this.#open.filter((o) => o.until > t).slice(-4), { token, until: t + SETUP_TOKEN_MS }];
    return token;
  }

  valid(token: string): boolean {
    const t = this.now().getTime();
    return this.#open.some((o) => o.until > t && sameToken(o.token, token));
  }

  /** Uses `token` up; false when it was not valid. Every other open token goes with it. */
  use(token: string): boolean {
    if (!this.valid(token)) return false;
    this.#open = [];
    return true;
  }
}
