/** Length of a Local Container verification code. */
export const CODE_LENGTH = 6;

/**
 * A typed or pasted code as the BFF expects it: NFKC turns full-width digits (１２３) into ASCII, then
 * everything but ASCII digits (spaces, hyphens) goes, at most 6 kept.
 */
export function normalizeCode(input: string): string {
  return input.normalize('NFKC').replace(/[^0-9]/g, '').slice(0, CODE_LENGTH);
}

/** `m:ss` of a non-negative duration, rounded up so that 0:00 means expired. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
