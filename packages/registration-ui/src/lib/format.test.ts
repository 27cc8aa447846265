import { describe, expect, it } from 'vitest';
import { displayParams } from './catalogue-text.ts';
import { daysUntil, formatWhen } from './format.ts';

describe('formatWhen', () => {
  it('formats a build date as a calendar day in the UI locale, whatever the time zone', () => {
    expect(formatWhen('2026-11-01', 'en')).toBe('Nov 1, 2026');
    expect(formatWhen('2026-11-01', 'zh-CN')).toBe('2026年11月1日');
  });

  it('formats instants with Intl and leaves other text and empty values readable', () => {
    const iso = '2026-11-20T07:59:00.000Z';
    expect(formatWhen(iso, 'en')).toBe(new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse(iso)));
    expect(formatWhen('10.0.0.11', 'en')).toBe('10.0.0.11');
    expect(formatWhen(null, 'en')).toBe('—');
  });
});

describe('daysUntil', () => {
  it('counts whole days against the server clock, negative once past', () => {
    const now = '2026-11-20T08:00:00.000Z';
    expect(daysUntil('2026-12-20T08:00:00.000Z', now)).toBe(30);
    expect(daysUntil('2026-12-20T07:59:59.000Z', now)).toBe(29);
    expect(daysUntil('2026-11-19T08:00:00.000Z', now)).toBe(-1);
  });
});

describe('displayParams', () => {
  it('joins lists, keeps numbers, and formats dates for the catalogue placeholders', () => {
    expect(displayParams({ allowed: ['webroot', 'decision'], max: 10, expiresAt: '2026-11-01', peer: '::1' }, 'en')).toEqual({
      allowed: 'webroot, decision',
      max: '10',
      expiresAt: 'Nov 1, 2026',
      peer: '::1',
    });
  });
});
