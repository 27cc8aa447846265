import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describe as catalogue } from '@registration/protocol/catalogue';
import { failedCluster, node, reason, threeNodeCluster, withNode } from '../../../testing/fixtures.ts';
import { renderInApp } from '../../../testing/render.tsx';
import { startTestServer, type TestServer } from '../../../testing/test-server.ts';
import { buildDiagnosticSummary } from '../utils/diagnostic-summary.ts';
import { ErrorDetailsDialog } from './error-details-dialog.tsx';
import { RegistrationPage } from './registration-page.tsx';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ 'GET /api/registration': () => ({ status: 200, body: failedCluster() }) });
});
afterEach(() => server.close());

describe('View Error Details', () => {
  it('opens from the node row with code, name, explanation, troubleshooting and specifics (zh-CN)', async () => {
    const user = userEvent.setup();
    renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'zh-CN' });
    const row = await screen.findByRole('row', { name: /node-a/ });
    expect(row).toHaveTextContent('IP 地址不允许 +2 条');
    await user.click(within(row).getByRole('button', { name: /查看错误详情/ }));

    const dialog = screen.getByRole('dialog', { name: '错误详情' });
    for (const [name, code] of [['LICENSE_IP_ERROR', '30003'], ['REPORT_VERSION_ERROR', '30001'], ['REGISTER_OUT_OF_LIMIT', '30007']] as const) {
      const text = catalogue(name, 'zh-CN');
      const section = within(dialog).getByRole('heading', { name: text.title }).closest('section') as HTMLElement;
      expect(section).toHaveTextContent(code);
      expect(section).toHaveTextContent(name);
      for (const step of text.troubleshooting) expect(within(section).getByText(step)).toBeInTheDocument();
    }
    expect(dialog).toHaveTextContent('授权服务器允许同时注册 10 个节点，当前已占用 10 个。');
    expect(dialog).toHaveTextContent('授权的值');
    expect(dialog).toHaveTextContent('https://127.0.0.1:8081');

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(within(row).getByRole('button', { name: /查看错误详情/ })).toHaveFocus();
  });

  it('copies a diagnostic summary (time, node, server address, codes, version) to the clipboard', async () => {
    const user = userEvent.setup(); // installs a clipboard the test can read back
    const s = failedCluster();
    const node = s.nodes[1]!;
    const now = new Date('2026-11-20T09:30:00.000Z');
    renderInApp(<ErrorDetailsDialog state={s} node={node} onClose={() => {}} now={() => now} />, { locale: 'en' });
    await user.click(screen.getByRole('button', { name: 'Copy diagnostic summary' }));
    expect(await screen.findByText('Diagnostic summary copied.')).toBeInTheDocument();
    const copied = await navigator.clipboard.readText();
    expect(copied).toBe(buildDiagnosticSummary(s, node, now));
    for (const part of ['2026-11-20T09:30:00.000Z', 'node-b (10.0.0.12:8080)', 'https://127.0.0.1:8081', '30005 LICENSE_APPNAME_ERROR', 'FineReport 11.0.18']) {
      expect(copied).toContain(part);
    }
  });

  it('falls back to showing the summary when the clipboard is not available', async () => {
    const user = userEvent.setup();
    const s = failedCluster();
    const original = Object.getOwnPropertyDescriptor(navigator, 'clipboard');
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    try {
      renderInApp(<ErrorDetailsDialog state={s} node={s.node} onClose={() => {}} />, { locale: 'en' });
      await user.click(screen.getByRole('button', { name: 'Copy diagnostic summary' }));
      const box = await screen.findByRole('textbox', { name: 'Copy diagnostic summary' });
      expect((box as HTMLTextAreaElement).value).toContain('30003 LICENSE_IP_ERROR');
      expect(screen.getByText('Could not copy automatically; copy the text below:')).toBeInTheDocument();
    } finally {
      if (original) Object.defineProperty(navigator, 'clipboard', original);
    }
  });

  it('a stale node that reported reasons before: "not reporting" first, then what it reported last, each in full (zh-CN)', () => {
    const s = withNode(threeNodeCluster(), 'node-c', { reasons: [reason('REGISTER_OUT_OF_LIMIT', { max: 10, inUse: 10 })] });
    const stale = s.nodes.find((n) => n.nodeId === 'node-c')!;
    renderInApp(<ErrorDetailsDialog state={s} node={stale} onClose={() => {}} />, { locale: 'zh-CN' });
    const dialog = screen.getByRole('dialog', { name: '错误详情' });
    expect(dialog).toHaveTextContent('node-c (10.0.0.13:8080)');
    const headings = within(dialog).getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
    expect(headings).toEqual(['节点未上报状态', '节点最后上报的失败原因', catalogue('REGISTER_OUT_OF_LIMIT', 'zh-CN').title]);
    expect(dialog).toHaveTextContent('检查 10.0.0.13:8080 上的报表服务器进程是否在运行');
    expect(dialog).toHaveTextContent('共享的配置数据库');
    for (const step of catalogue('REGISTER_OUT_OF_LIMIT', 'zh-CN').troubleshooting) expect(within(dialog).getByText(step)).toBeInTheDocument();
  });

  it('a node without a failure says so instead of an empty dialog (it recovered while the dialog was open)', () => {
    const s = failedCluster();
    renderInApp(<ErrorDetailsDialog state={s} node={node({ status: 'registered', lastSuccessAt: s.now })} onClose={() => {}} />, { locale: 'en' });
    expect(screen.getByRole('dialog', { name: 'Error details' })).toHaveTextContent('This node reports no failure now.');
  });
});
