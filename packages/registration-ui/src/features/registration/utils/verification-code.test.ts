import { describe, expect, it } from 'vitest';
import { formatCountdown, normalizeCode } from './verification-code.ts';

describe('normalizeCode', () => {
  it.each([
    ['123456', '123456'],
    ['123 456', '123456'],
    ['123-456', '123456'],
    ['１２３４５６', '123456'],
    [' １２３ ４５６ ', '123456'],
    ['1234567', '123456'],
    ['abc', ''],
  ])('%j → %j', (input, out) => expect(normalizeCode(input)).toBe(out));
});

describe('formatCountdown', () => {
  it.each([
    [300_000, '5:00'],
    [299_001, '5:00'],
    [61_000, '1:01'],
    [0, '0:00'],
    [-5, '0:00'],
  ])('%d ms → %s', (ms, out) => expect(formatCountdown(ms)).toBe(out));
});
