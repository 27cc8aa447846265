import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RegistrationState } from '@registration/protocol/bff-api';
import { describe as catalogue, type Locale } from '@registration/protocol/catalogue';
import { node, reason, registered, state } from '../../../testing/fixtures.ts';
import { renderInApp } from '../../../testing/render.tsx';
import { StatusCard } from './status-card.tsx';

const LAST_SUCCESS = '2026-11-19T02:00:00.000Z';
const UNREACHABLE_SINCE = '2026-11-19T04:00:00.000Z';
const VALID_UNTIL = '2026-11-20T02:00:00.000Z';
const SERVER = 'https://172.16.63.131:49155';

/** The license server unreachable for a few hours: still registered, lease kept. */
function degraded(): RegistrationState {
  const base = registered();
  const self = node({
    status: 'degraded',
    lastSuccessAt: LAST_SUCCESS,
    unreachableSince: UNREACHABLE_SINCE,
    validUntil: VALID_UNTIL,
    reasons: [reason('CONNECTION_REFUSED', { host: '172.16.63.131', port: 49155 })],
  });
  return state({ ...base, serverUrl: SERVER, status: 'degraded', node: self, nodes: [self] });
}

/** 24 h without an answer: failed by the BFF's 24-hour rule, lease dropped. */
function lapsed(): RegistrationState {
  const self = node({
    status: 'failed',
    lastSuccessAt: LAST_SUCCESS,
    failureAt: VALID_UNTIL,
    unreachableSince: UNREACHABLE_SINCE,
    reasons: [
      reason('HEARTBEAT_LAPSED', { since: UNREACHABLE_SINCE, serverUrl: SERVER, lastSuccessAt: LAST_SUCCESS }),
      reason('CONNECTION_REFUSED', { host: '172.16.63.131', port: 49155 }),
    ],
  });
  return state({ method: 'private-cloud', serverUrl: SERVER, status: 'failed', node: self, nodes: [self] });
}

// Literal text as well as the Intl formatting: the card must read as the issue words it, in each language.
const expected: Record<Locale, { degradedLabel: string; unreachable: string; validUntil: string; failedLabel: string; lapseTitle: string }> = {
  en: {
    degradedLabel: 'Registered (license server unreachable)',
    unreachable: 'License server unreachable since',
    validUntil: 'valid until',
    failedLabel: 'Registration failed',
    lapseTitle: 'No answer from the license server for 24 hours',
  },
  'zh-CN': {
    degradedLabel: '已注册（授权服务器暂时无法连接）',
    unreachable: '起无法连接授权服务器',
    validUntil: '注册有效期至',
    failedLabel: '注册失败',
    lapseTitle: '超过 24 小时未连接授权服务器',
  },
};

const inLocale = (iso: string, locale: Locale) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse(iso));
const card = () => document.querySelector('[data-status]') as HTMLElement;

describe.each(['en', 'zh-CN'] as const)('status card in %s', (locale) => {
  const text = expected[locale];

  it('degraded: license server unreachable since …, registration valid until …, times in the UI locale', () => {
    renderInApp(<StatusCard state={degraded()} />, { locale });
    expect(card()).toHaveAttribute('data-status', 'degraded');
    expect(card()).toHaveClass('frr-status--degraded');
    expect(card()).toHaveTextContent(text.degradedLabel);
    expect(card()).toHaveTextContent(text.unreachable);
    expect(card()).toHaveTextContent(text.validUntil);
    expect(card()).toHaveTextContent(inLocale(UNREACHABLE_SINCE, locale));
    expect(card()).toHaveTextContent(inLocale(VALID_UNTIL, locale));
    // Since before until, and never the raw wire form.
    const content = card().textContent ?? '';
    expect(content.indexOf(inLocale(UNREACHABLE_SINCE, locale))).toBeLessThan(content.indexOf(inLocale(VALID_UNTIL, locale)));
    expect(content).not.toContain('2026-11-');
  });

  it('failed by the 24-hour rule: since when, and the HEARTBEAT_LAPSED reason like any other failure', () => {
    renderInApp(<StatusCard state={lapsed()} />, { locale });
    expect(card()).toHaveAttribute('data-status', 'failed');
    expect(card()).toHaveTextContent(text.failedLabel);
    expect(card()).toHaveTextContent(text.lapseTitle);
    expect(card()).toHaveTextContent(catalogue('HEARTBEAT_LAPSED', locale).title);
    expect(card()).toHaveTextContent(inLocale(VALID_UNTIL, locale)); // failed since the registration ran out
    expect(card()).not.toHaveTextContent(catalogue('CONNECTION_REFUSED', locale).title); // the first reason only
  });

  it('back to registered after the outage: no trace of it on the card', () => {
    renderInApp(<StatusCard state={registered()} />, { locale });
    expect(card()).toHaveAttribute('data-status', 'registered');
    expect(card()).not.toHaveTextContent(text.unreachable);
    expect(screen.queryByText(text.lapseTitle, { exact: false })).toBeNull();
  });
});

describe('a Submit that failed beside a working registration', () => {
  it('is named on the card (address, time, first reason) while the registration it left in place is shown as it is', () => {
    const kept = { ...registered(), lastAttempt: { serverUrl: 'https://typo.example:8081', at: LAST_SUCCESS, by: 'admin', nodeId: 'node-a', reasons: [reason('CONNECTION_DNS', { host: 'typo.example' })] } };
    renderInApp(<StatusCard state={kept} />, { locale: 'en' });
    const line = screen.getByTestId('last-attempt');
    expect(line).toHaveTextContent('The last Submit, to https://typo.example:8081');
    expect(line).toHaveTextContent(catalogue('CONNECTION_DNS', 'en').title);
    expect(line).toHaveTextContent('the registration above stays in place');
    expect(document.querySelector('[data-status]')).toHaveAttribute('data-status', 'registered');
  });
});
