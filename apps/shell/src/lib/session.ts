import { loginResponseSchema, type LoginResponse } from '@registration/protocol/auth';

const STORAGE_KEY = 'decision-platform.session';

/** A signed-in user: the access token and who it is for. */
export type Session = LoginResponse;

/** The stored session, unless missing, malformed or expired (per `now`). */
export function loadSession(now: Date = new Date()): Session | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    const parsed = loginResponseSchema.safeParse(JSON.parse(raw));
    if (parsed.success && Date.parse(parsed.data.expiresAt) > now.getTime()) return parsed.data;
  } catch {
    // unreadable storage or JSON: treat as signed out
  }
  clearSession();
  return undefined;
}

/** Keeps the session for this tab only (sessionStorage), like the platform's own login. */
export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored anyway
  }
}

/** Why a sign-in did not succeed: wrong credentials, or the endpoint itself failed. */
export type LoginFailure = 'credentials' | 'unavailable';

/** Calls the shell's `POST /auth/login`. */
export async function login(
  username: string,
  password: string,
): Promise<{ ok: true; session: Session } | { ok: false; failure: LoginFailure }> {
  let res: Response;
  try {
    res = await fetch('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    return { ok: false, failure: 'unavailable' };
  }
  if (res.status === 401 || res.status === 400) return { ok: false, failure: 'credentials' };
  if (!res.ok) return { ok: false, failure: 'unavailable' };
  const parsed = loginResponseSchema.safeParse(await res.json().catch(() => undefined));
  return parsed.success ? { ok: true, session: parsed.data } : { ok: false, failure: 'unavailable' };
}
