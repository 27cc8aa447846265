import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEvent, HistoryPage } from '@registration/protocol/bff-api';
import { renderInApp } from '../../../testing/render.tsx';
import { startTestServer, type TestServer } from '../../../testing/test-server.ts';
import { History } from './history.tsx';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

// As the BFF answers after a refused Submit, a Submit and a Re-register (newest first).
const EVENTS: HistoryEvent[] = [
  { id: '3', at: '2026-11-20T08:02:00.000Z', nodeId: 'node-a', actor: 'Ada Admin', kind: 're-register', outcome: 'ok', params: {}, reasons: [] },
  { id: '2', at: '2026-11-20T08:01:00.000Z', nodeId: 'node-a', actor: 'Ada Admin', kind: 'submit', outcome: 'ok', params: { method: 'private-cloud', serverUrl: 'https://ls.example:8081' }, reasons: [] },
  {
    id: '1',
    at: '2026-11-20T08:00:00.000Z',
    nodeId: 'node-a',
    actor: 'Ada Admin',
    kind: 'submit',
    outcome: 'refused',
    params: { method: 'private-cloud', serverUrl: 'https://ls.example:8081' },
    reasons: [{ code: 30007, name: 'REGISTER_OUT_OF_LIMIT', params: { max: 1, inUse: 1 } }],
  },
];

function serve(pages: Record<string, HistoryPage>) {
  server.route('GET /api/registration/events', (req) => {
    if (req.query.format === 'csv') return { status: 200, raw: 'time,node\r\n', headers: { 'content-type': 'text/csv' } };
    return { status: 200, body: pages[req.query.cursor ?? ''] ?? { events: [], nextCursor: null } };
  });
}

/** jsdom's Blob has no text(); its FileReader reads it. */
const readBlob = (blob: Blob) =>
  new Promise<string>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob);
  });

const rows = () => within(screen.getByTestId('registration-history')).getAllByRole('row').filter((r) => r.dataset.kind !== undefined);

describe('History', () => {
  it('lists a Submit, a refusal and a Re-register in order, with who; a row opens to its reasons (en)', async () => {
    serve({ '': { events: EVENTS, nextCursor: null } });
    renderInApp(<History />, { apiBaseUrl: server.url, locale: 'en' });
    await screen.findByTestId('registration-history');
    expect(rows().map((r) => [r.dataset.kind, r.dataset.outcome])).toEqual([
      ['re-register', 'ok'],
      ['submit', 'ok'],
      ['submit', 'refused'],
    ]);
    const refused = rows()[2] as HTMLElement;
    expect(refused).toHaveTextContent('Ada Admin');
    expect(refused).toHaveTextContent('Refused');
    expect(refused).toHaveTextContent('Maximum number of registrations reached');
    const toggle = within(refused).getByRole('button', { name: 'Show' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.setup().click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const details = document.getElementById(toggle.getAttribute('aria-controls') ?? '') as HTMLElement;
    expect(details).toHaveTextContent('Server Address');
    expect(details).toHaveTextContent('https://ls.example:8081');
    expect(details).toHaveTextContent('(30007)');
  });

  it('speaks zh-CN: 提交注册, 被拒绝, 重新注册, 节点自动', async () => {
    serve({ '': { events: [...EVENTS, { id: '0', at: '2026-11-20T07:00:00.000Z', nodeId: 'node-a', actor: null, kind: 'renewed-after-outage', outcome: 'ok', params: {}, reasons: [] }], nextCursor: null } });
    renderInApp(<History />, { apiBaseUrl: server.url, locale: 'zh-CN' });
    await screen.findByRole('heading', { name: '注册历史' });
    const table = await screen.findByTestId('registration-history');
    for (const text of ['重新注册', '提交注册', '被拒绝', '节点自动', '中断后恢复续期']) expect(table).toHaveTextContent(text);
  });

  it('loads older pages with the cursor, and filters by action and node', async () => {
    serve({ '': { events: EVENTS.slice(0, 2), nextCursor: '2' }, '2': { events: EVENTS.slice(2), nextCursor: null } });
    renderInApp(<History />, { apiBaseUrl: server.url, locale: 'en' });
    await screen.findByTestId('registration-history');
    expect(rows()).toHaveLength(2);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Load older entries' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();

    await user.selectOptions(screen.getByLabelText('Action'), 'submit');
    await user.type(screen.getByLabelText('Node'), 'node-a');
    await user.click(screen.getByRole('button', { name: 'Filter' }));
    await waitFor(() => expect(server.requests.some((r) => r.query.kind === 'submit' && r.query.node === 'node-a')).toBe(true));
  });

  it('exports CSV through the API (with the token), or says the export failed', async () => {
    serve({ '': { events: EVENTS, nextCursor: null } });
    const saved: Blob[] = [];
    const original = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };
    URL.createObjectURL = (blob: Blob) => {
      saved.push(blob);
      return 'blob:history';
    };
    URL.revokeObjectURL = () => undefined;
    try {
      renderInApp(<History />, { apiBaseUrl: server.url, locale: 'en' });
      await screen.findByTestId('registration-history');
      await userEvent.setup().click(screen.getByRole('button', { name: 'Export CSV' }));
      await waitFor(() => expect(saved).toHaveLength(1));
      expect(await readBlob(saved[0] as Blob)).toBe('time,node\r\n');
      const csv = server.requests.find((r) => r.query.format === 'csv');
      expect(csv?.headers.authorization).toBe('Bearer test-token');

      server.route('GET /api/registration/events', () => ({ status: 500, body: { code: 50000, name: 'INTERNAL_ERROR', message: 'x' } }));
      await userEvent.setup().click(screen.getByRole('button', { name: 'Export CSV' }));
      expect(await screen.findByText('The export failed. Try again later.')).toBeInTheDocument();
    } finally {
      URL.createObjectURL = original.create;
      URL.revokeObjectURL = original.revoke;
    }
  });
});
