import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createRef } from 'react';
import { describe, expect, it } from 'vitest';
import type { RegistrationState } from '@registration/protocol/bff-api';
import { containerState, node, reason, registered, state } from '../../../testing/fixtures.ts';
import { renderInApp } from '../../../testing/render.tsx';
import { formatWhen } from '../../../lib/format.ts';
import { VersionInformation } from './version-information.tsx';

const SERVER = 'https://172.16.63.131:49155';

function degraded(): RegistrationState {
  const self = node({
    status: 'degraded',
    lastSuccessAt: '2026-11-19T02:00:00.000Z',
    unreachableSince: '2026-11-19T04:00:00.000Z',
    validUntil: '2026-11-20T02:00:00.000Z',
    reasons: [reason('CONNECTION_REFUSED', { host: '172.16.63.131', port: 49155 })],
  });
  return state({ ...registered(), serverUrl: SERVER, status: 'degraded', node: self, nodes: [self] });
}

function lapsed(): RegistrationState {
  const self = node({
    status: 'failed',
    lastSuccessAt: '2026-11-19T02:00:00.000Z',
    failureAt: '2026-11-20T02:00:00.000Z',
    unreachableSince: '2026-11-19T04:00:00.000Z',
    reasons: [reason('HEARTBEAT_LAPSED', { since: '2026-11-19T04:00:00.000Z', serverUrl: SERVER, lastSuccessAt: '2026-11-19T02:00:00.000Z' })],
  });
  return state({ method: 'private-cloud', serverUrl: SERVER, status: 'failed', node: self, nodes: [self] });
}

function view(s: RegistrationState, locale: 'en' | 'zh-CN' = 'en') {
  const calls: string[] = [];
  renderInApp(
    <VersionInformation state={s} actionRef={createRef()} onRegister={() => calls.push('register')} onReRegister={() => calls.push('re-register')} />,
    { locale },
  );
  return { section: screen.getByRole('region', { name: locale === 'en' ? 'Version Information' : '版本信息' }), calls };
}

/** The value next to a label in the section's definition lists. */
const valueOf = (section: HTMLElement, label: string) =>
  within(section)
    .getAllByText(label, { selector: 'dt' })
    .map((dt) => dt.nextElementSibling?.textContent);

describe('Version Information labels', () => {
  it.each([
    ['en', 'Version', 'Licensed version'],
    ['zh-CN', '版本', '授权版本'],
  ] as const)('%s: the product version and the license’s version have labels of their own', (locale, product, licensed) => {
    const { section } = view(containerState('registered'), locale);
    expect(valueOf(section, product)).toEqual(['11.0.18']);
    expect(valueOf(section, licensed)).toEqual(['11.0']);
  });
});

describe('Version Information during and after an outage', () => {
  it('degraded: still registered — the grant stays visible and the action is Re-register', async () => {
    const { section, calls } = view(degraded());
    expect(section).toHaveTextContent('License server unreachable since');
    expect(section).toHaveTextContent('Acme Data Ltd.');
    expect(section).toHaveTextContent(SERVER);
    expect(within(section).queryByRole('button', { name: 'Register Now' })).toBeNull();
    await userEvent.setup().click(within(section).getByRole('button', { name: 'Re-register' }));
    expect(calls).toEqual(['re-register']);
  });

  it('failed by the 24-hour rule: the lapse as the reason, no grant, and Register Now', async () => {
    const { section, calls } = view(lapsed());
    expect(section).toHaveTextContent('Registration failed');
    expect(section).toHaveTextContent('No answer from the license server for 24 hours');
    expect(section).not.toHaveTextContent('Acme Data Ltd.');
    expect(section).toHaveTextContent(SERVER); // the configuration still names the server the node keeps trying
    await userEvent.setup().click(within(section).getByRole('button', { name: 'Register Now' }));
    expect(calls).toEqual(['register']);
  });
});

describe('Version Information connections in use', () => {
  it.each([
    ['en', 'Max connections / in use', 'as of'],
    ['zh-CN', '最大连接数 / 已使用', '截至'],
  ] as const)('%s: the count is the license server’s at this node’s last lease, so its time is shown with it', (locale, label, asOf) => {
    const s = registered();
    const { section } = view(s, locale);
    const when = formatWhen(s.node.lastSuccessAt, locale);
    expect(when).not.toBe('—');
    expect(valueOf(section, label)).toEqual([`10 / 3 ${locale === 'en' ? `(${asOf} ${when})` : `（${asOf} ${when}）`}`]);
  });

  it('Local Container: max nodes alone, no count and no time', () => {
    const { section } = view(containerState('registered'));
    expect(valueOf(section, 'Max nodes')).toEqual(['2']);
    expect(section).not.toHaveTextContent('as of');
  });
});
