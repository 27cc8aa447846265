/** How long a lease stays valid after it was issued: a node or server silent this long loses the slot. */
export const LEASE_TTL_MS = 24 * 3600e3;

/** How often a node renews its lease; twelve chances before a lease runs out. */
export const HEARTBEAT_INTERVAL_MS = 2 * 3600e3;

/** When a lease issued at `issuedAt` expires. */
export function leaseExpiry(issuedAt: Date): Date {
  return new Date(issuedAt.getTime() + LEASE_TTL_MS);
}
