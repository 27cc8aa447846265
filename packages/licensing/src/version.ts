/**
 * Numeric product-version ordering (`11.5.11` > `11.5.9`), for rules that apply "from version X on".
 * Certified-version matching (`11.0` covers `11.0.18`) is a different rule: see `versionMatches` in checks.ts.
 */

const VERSION = /^\d{1,9}(\.\d{1,9}){0,7}$/;

/** The numeric segments of a dotted version (`11.5.11` → [11, 5, 11]), or null if it is not one. */
export function parseVersion(version: string): number[] | null {
  const trimmed = version.trim();
  if (!VERSION.test(trimmed)) return null;
  return trimmed.split('.').map(Number);
}

/**
 * -1, 0 or 1 as `a` is older than, equal to or newer than `b`, segment by segment as numbers;
 * missing segments count as 0 (`11.5` = `11.5.0`). Throws a RangeError for a non-numeric version,
 * so that no rule silently treats garbage as old or new: check with `parseVersion` first.
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (left === null || right === null) throw new RangeError(`not a numeric version: ${left === null ? a : b}`);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const x = left[i] ?? 0;
    const y = right[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
