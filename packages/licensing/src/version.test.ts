import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion } from './version.ts';

describe('compareVersions', () => {
  it.each([
    ['11.5.11', '11.5.11', 0],
    ['11.5.11', '11.5.10', 1],
    ['11.5.9', '11.5.11', -1], // numeric, not lexical: "9" > "11" as text
    ['11.5.100', '11.5.11', 1],
    ['11.6', '11.5.11', 1],
    ['12.0.0', '11.5.11', 1],
    ['11.5', '11.5.0', 0],
    ['11.5', '11.5.0.1', -1],
    ['10.0.19', '11.0', -1],
    [' 11.5.11 ', '11.5.11', 0],
    ['011.5.11', '11.5.11', 0],
  ] as const)('%j vs %j → %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
    expect(compareVersions(b, a)).toBe(-expected || 0);
  });

  it.each(['', '11..5', '11.5.', 'v11.5', '11.5.11-SNAPSHOT', '11.x', '1.2.3.4.5.6.7.8.9', '1234567890'])(
    'refuses %j instead of guessing',
    (bad) => {
      expect(parseVersion(bad)).toBeNull();
      expect(() => compareVersions(bad, '11.5.11')).toThrow(RangeError);
      expect(() => compareVersions('11.5.11', bad)).toThrow(RangeError);
    },
  );
});
