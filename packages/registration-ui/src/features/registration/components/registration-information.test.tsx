import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { focusManager } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Locale } from '@registration/protocol/catalogue';
import { reasonText } from '../../../lib/catalogue-text.ts';
import { formatWhen } from '../../../lib/format.ts';
import { node, reason, registered, threeNodeCluster, withNode } from '../../../testing/fixtures.ts';
import { renderInApp } from '../../../testing/render.tsx';
import { startTestServer, type TestServer } from '../../../testing/test-server.ts';
import { REGISTRATION_POLL_MS } from '../api/get-registration.ts';
import { RegistrationInformation } from './registration-information.tsx';
import { RegistrationPage } from './registration-page.tsx';

let server: TestServer;
let answer = threeNodeCluster();
beforeEach(async () => {
  answer = threeNodeCluster();
  server = await startTestServer({ 'GET /api/registration': () => ({ status: 200, body: answer }) });
});
afterEach(() => server.close());

const gets = () => server.requests.filter((r) => r.method === 'GET' && r.path === '/api/registration').length;
const rowOf = (nodeId: string) => screen.getByRole('row', { name: new RegExp(`^${nodeId}\\b`) });

describe('Registration Information: one row per node', () => {
  it('an unregistered node keeps its last success, said to be from before the registration ended', async () => {
    answer = withNode(threeNodeCluster(), 'node-c', { status: 'unregistered', lastSuccessAt: '2026-11-20T07:00:00.000Z', reasons: [] });
    renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'en' });
    await screen.findByRole('table', { name: 'Registration Information' });
    expect(within(rowOf('node-c')).getByTestId('last-success-history')).toHaveTextContent('before the registration ended');
    expect(within(rowOf('node-a')).queryByTestId('last-success-history')).toBeNull();
  });

  it('three nodes (en): this node first, then failed and stale; statuses, "+1 more", last seen, skew over 60 s only', async () => {
    renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'en' });
    const table = await screen.findByRole('table', { name: 'Registration Information' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Node',
      'Address',
      'Status',
      'Last success',
      'Failure time',
      'Failure reason',
      'Actions',
    ]);
    expect(within(table).getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['node-a this node', 'node-b', 'node-c']);
    expect(within(table).getByRole('rowheader', { name: 'node-a (this node)' })).toBeInTheDocument();
    expect(table).toHaveTextContent('Nodes: 3; needing attention: 2');

    const a = rowOf('node-a');
    expect(within(a).getByTestId('node-status')).toHaveTextContent('Registered');
    expect(within(a).getByTestId('node-status')).toHaveClass('frr-badge--registered');
    expect(within(a).queryByTestId('clock-skew')).toBeNull(); // 59 s: under the limit
    expect(within(a).queryByRole('button')).toBeNull();

    const b = rowOf('node-b');
    expect(b).toHaveTextContent('10.0.0.12:8080');
    expect(within(b).getByTestId('node-status')).toHaveTextContent('Registration failed');
    expect(within(b).getByTestId('node-status')).toHaveClass('frr-badge--failed');
    expect(b).toHaveTextContent(formatWhen('2026-11-20T07:59:00.000Z', 'en'));
    expect(within(b).getByTestId('first-reason')).toHaveTextContent('Maximum number of registrations reached');
    expect(b).toHaveTextContent('The license server allows at most 10 concurrent registrations; 10 in use.');
    expect(within(b).getByTestId('more-reasons')).toHaveTextContent('+1 more');
    const skew = within(b).getByTestId('clock-skew');
    expect(skew).toHaveTextContent('Clock 1 min 30 s ahead');
    expect(skew.getAttribute('title')).toContain('NTP (e.g. chrony)');
    // The node id is in the accessible name; the visible text stays the manual's label.
    expect(within(b).getByRole('button', { name: 'View Error Details — node-b' })).toHaveTextContent(/^View Error Details$/);

    const c = rowOf('node-c');
    expect(within(c).getByTestId('node-status')).toHaveTextContent('Unreachable (stale)');
    expect(within(c).getByTestId('node-status')).toHaveClass('frr-badge--stale');
    expect(within(c).getByTestId('last-seen')).toHaveTextContent(`Last seen ${formatWhen('2026-11-20T07:40:00.000Z', 'en')}`);
    expect(within(c).getByTestId('node-status')).not.toHaveTextContent('Registered');
    expect(within(c).getByTestId('first-reason')).toHaveTextContent('Not reporting since');
    expect(within(c).getByRole('button', { name: 'View Error Details — node-c' })).toBeInTheDocument();
  });

  it('zh-CN: labels, skew and "+1 条" in Chinese', async () => {
    renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'zh-CN' });
    await screen.findByRole('table', { name: '注册信息' });
    expect(rowOf('node-a')).toHaveTextContent('当前节点');
    const b = rowOf('node-b');
    expect(b).toHaveTextContent('已达到最大注册数 +1 条');
    expect(within(b).getByTestId('clock-skew')).toHaveTextContent('时钟快 1 分 30 秒');
    expect(within(rowOf('node-c')).getByTestId('node-status')).toHaveTextContent('失联（节点无响应）');
    expect(within(rowOf('node-c')).getByTestId('last-seen')).toHaveTextContent(`最后上报 ${formatWhen('2026-11-20T07:40:00.000Z', 'zh-CN')}`);
  });

  for (const locale of ['en', 'zh-CN'] as const satisfies Locale[]) {
    it(`View Error Details (${locale}) shows the node and every reason: title, explanation, troubleshooting — and the clock fix`, async () => {
      const user = userEvent.setup();
      renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale });
      await screen.findByRole('table');
      const b = rowOf('node-b');
      await user.click(within(b).getByRole('button', { name: /node-b/ }));
      const dialog = screen.getByRole('dialog');
      expect(dialog).toHaveTextContent('node-b (10.0.0.12:8080)');
      const bNode = answer.nodes.find((n) => n.nodeId === 'node-b')!;
      expect(bNode.reasons).toHaveLength(2);
      for (const r of bNode.reasons) {
        const text = reasonText(r, locale);
        const section = within(dialog).getByRole('heading', { name: text.title }).closest('section') as HTMLElement;
        expect(section).toHaveTextContent(String(r.code));
        expect(section).toHaveTextContent(text.explanation);
        for (const step of text.troubleshooting) expect(within(section).getByText(step)).toBeInTheDocument();
      }
      const clock = dialog.querySelector('[data-finding="clock-skew"]') as HTMLElement;
      expect(clock).toHaveTextContent(locale === 'en' ? '1 min 30 s ahead of the shared database’s clock' : '快 1 分 30 秒');
      expect(clock).toHaveTextContent('chrony');
      await user.keyboard('{Escape}');
      expect(within(b).getByRole('button', { name: /node-b/ })).toHaveFocus();
    });
  }

  it('View Error Details of a stale node: not reporting since when, what to check', async () => {
    const user = userEvent.setup();
    renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'en' });
    await screen.findByRole('table');
    await user.click(within(rowOf('node-c')).getByRole('button', { name: /View Error Details/ }));
    const dialog = screen.getByRole('dialog', { name: 'Error details' });
    const stale = within(dialog).getByRole('heading', { name: 'Node not reporting' }).closest('section') as HTMLElement;
    expect(stale).toHaveTextContent(`has not reported since ${formatWhen('2026-11-20T07:40:00.000Z', 'en')}`);
    expect(within(stale).getByText(/report server process on 10\.0\.0\.13:8080 is running/)).toBeInTheDocument();
    expect(within(stale).getByText(/reach the shared configuration database/)).toBeInTheDocument();
    expect(within(dialog).getByText('Unreachable (stale)')).toBeInTheDocument();
  });

  it('standalone: the same table with one row, this node, no action while registered', async () => {
    answer = registered();
    renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'en' });
    const table = await screen.findByRole('table', { name: 'Registration Information' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('node-a this node');
    expect(within(rows[0]!).getByTestId('node-status')).toHaveTextContent('Registered');
    expect(within(rows[0]!).queryByRole('button')).toBeNull();
    expect(table).toHaveTextContent('Nodes: 1; needing attention: 0');
  });
});

describe('Registration Information updates by itself', () => {
  beforeEach(() => {
    // Only the poll's interval is faked; it also moves with real time, so waitFor keeps working.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'], shouldAdvanceTime: true });
  });
  afterEach(() => {
    focusManager.setFocused(undefined);
    vi.useRealTimers();
  });

  it('a change on the server shows after one poll interval (≤ 3 s), and an open View Error Details stays open, focused and follows', async () => {
    expect(REGISTRATION_POLL_MS).toBeLessThanOrEqual(3000);
    const user = userEvent.setup();
    renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'en' });
    await screen.findByRole('table');
    await user.click(within(rowOf('node-b')).getByRole('button', { name: /View Error Details/ }));
    const dialog = screen.getByRole('dialog', { name: 'Error details' });
    const copy = within(dialog).getByRole('button', { name: 'Copy diagnostic summary' });
    copy.focus();

    // node-c comes back registered; node-b gets a third reason.
    const extra = reason('REPORT_VERSION_ERROR', { certified: '10.0', local: '11.0.18' });
    const before = gets();
    answer = withNode(withNode(answer, 'node-c', { status: 'registered', lastSuccessAt: '2026-11-20T08:00:02.000Z', seenAt: '2026-11-20T08:00:02.000Z' }), 'node-b', {
      reasons: [...answer.nodes.find((n) => n.nodeId === 'node-b')!.reasons, extra],
    });
    act(() => vi.advanceTimersByTime(REGISTRATION_POLL_MS));

    await waitFor(() => expect(within(rowOf('node-c')).getByTestId('node-status')).toHaveTextContent('Registered'));
    expect(gets()).toBeGreaterThan(before);
    expect(within(rowOf('node-c')).queryByTestId('last-seen')).toBeNull();
    expect(within(rowOf('node-b')).getByTestId('more-reasons')).toHaveTextContent('+2 more');
    // The same dialog element, now with the new reason, and focus where the administrator left it.
    expect(screen.getByRole('dialog', { name: 'Error details' })).toBe(dialog);
    expect(within(dialog).getByRole('heading', { name: reasonText(extra, 'en').title })).toBeInTheDocument();
    expect(copy).toHaveFocus();
    expect(screen.getByRole('table')).toHaveTextContent('Nodes: 3; needing attention: 1');
  });

  it('does not poll while the page is in the background', async () => {
    const { queryClient } = renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'en' });
    await screen.findByRole('table');
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    focusManager.setFocused(false);
    act(() => vi.advanceTimersByTime(3 * REGISTRATION_POLL_MS));
    expect(queryClient.isFetching()).toBe(0);
    focusManager.setFocused(true);
    act(() => vi.advanceTimersByTime(REGISTRATION_POLL_MS));
    expect(queryClient.isFetching()).toBe(1);
  });
});

describe('Registration Information rows', () => {
  it('flags a clock more than 60 s off either way, not at 60 s or unmeasured', () => {
    const nodes = [
      node({ nodeId: 'n1', status: 'registered', clockSkewMs: 60_000 }),
      node({ nodeId: 'n2', status: 'registered', clockSkewMs: -61_000 }),
      node({ nodeId: 'n3', status: 'registered', clockSkewMs: null }),
      node({ nodeId: 'n4', status: 'registered', clockSkewMs: 2 * 3_600_000 + 5 * 60_000 }),
    ];
    renderInApp(<RegistrationInformation nodes={nodes} selfNodeId="n1" onViewDetails={() => {}} />, { locale: 'en' });
    expect(within(rowOf('n1')).queryByTestId('clock-skew')).toBeNull();
    expect(within(rowOf('n2')).getByTestId('clock-skew')).toHaveTextContent('Clock 1 min 1 s behind');
    expect(within(rowOf('n3')).queryByTestId('clock-skew')).toBeNull();
    expect(within(rowOf('n4')).getByTestId('clock-skew')).toHaveTextContent('Clock 2 h 5 min ahead');
    // A flagged clock alone offers the details (the fix is there for keyboard users, not only in a tooltip).
    expect(within(rowOf('n2')).getByRole('button', { name: /View Error Details/ })).toBeInTheDocument();
    expect(within(rowOf('n1')).queryByRole('button')).toBeNull();
  });

  it('64 nodes: one compact row each, ids in natural order; a long explanation is clamped to two lines and kept whole in the title', () => {
    const long = reason('PARAM_INPUT_ERROR', { fields: 'x'.repeat(400) });
    const nodes = Array.from({ length: 64 }, (_, i) =>
      node({ nodeId: `node-${i + 1}`, address: `10.0.1.${i + 1}:8080`, status: i % 8 === 0 ? 'failed' : 'registered', reasons: i % 8 === 0 ? [long] : [] }),
    );
    const { container } = renderInApp(<RegistrationInformation nodes={nodes.reverse()} selfNodeId="node-64" onViewDetails={() => {}} />, { locale: 'en' });
    // Plain selectors here: computing 64 rows' accessible names is slow in jsdom and says nothing more.
    const ids = [...container.querySelectorAll('tbody th[scope="row"] .frr-node-id')].map((e) => e.textContent);
    expect(ids).toHaveLength(64);
    // this node, then the failed ones (1, 9, 17, …) by id, then the rest by id.
    expect(ids.slice(0, 4)).toEqual(['node-64', 'node-1', 'node-9', 'node-17']);
    expect(ids.slice(9, 12)).toEqual(['node-2', 'node-3', 'node-4']);
    const row9 = container.querySelector('tr[data-node="node-9"]') as HTMLElement;
    expect(row9.querySelector('.frr-cell-reason .frr-cell-note')).toHaveAttribute('title', reasonText(long, 'en').explanation);
    // The title is never cut: no ellipsis class on it.
    expect(row9.querySelector('[data-testid="first-reason"]')).not.toHaveClass('frr-ellipsis');
    expect(container.querySelectorAll('[data-testid="view-error-details"]')).toHaveLength(8);
  });
});
