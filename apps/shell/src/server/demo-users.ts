import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from '@registration/protocol/auth';

/** A user of the demo platform. */
export interface DemoUser {
  username: string;
  password: string;
  role: Role;
}

/** The two demo accounts printed by `pnpm start`: an administrator and a read-only user. */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'admin', password: 'admin', role: 'admin' },
  { username: 'viewer', password: 'viewer', role: 'viewer' },
];

// Hashing first gives equal-length inputs, so timingSafeEqual never throws and the
// comparison time does not depend on where the strings first differ.
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/** The user whose name and password match, or undefined; always does one password comparison. */
export function authenticate(
  users: readonly DemoUser[],
  username: string,
  password: string,
): DemoUser | undefined {
  const user = users.find((u) => u.username === username);
  // Compare against a dummy for unknown names so both paths cost the same.
  const ok = sameSecret(password, user?.password ?? '\u0000no-such-user');
  return user && ok ? user : undefined;
}
