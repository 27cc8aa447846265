import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createRef } from 'react';
import { describe, expect, it } from 'vitest';
import { describe as catalogue, type Locale } from '@registration/protocol/catalogue';
import { failedCluster, failuresOf } from '../../../testing/fixtures.ts';
import { renderInApp } from '../../../testing/render.tsx';
import { FailureDialog } from './failure-dialog.tsx';

// Literal catalogue text as well as describe(): the screen must carry the protocol's own words.
const expected: Record<Locale, { title: string; back: string; details: string; titleIp: string; explanationIp: string; firstStep: string; peerLabel: string }> = {
  'zh-CN': {
    title: '注册失败',
    back: '返回',
    details: '详情',
    titleIp: 'IP 地址不允许',
    explanationIp: '授权服务器看到的本节点地址为 10.0.0.11，不在允许的范围 192.168.100.25-192.168.100.26, 192.168.0.1 内。',
    firstStep: '确认报表服务器访问授权服务器时使用的出口地址（NAT、代理会改变地址）。',
    peerLabel: '授权服务器看到的地址',
  },
  en: {
    title: 'Registration failed',
    back: 'Back',
    details: 'Details',
    titleIp: 'Disallowed IP address',
    explanationIp:
      'The license server sees this node as 10.0.0.11, which is outside the allowed ranges 192.168.100.25-192.168.100.26, 192.168.0.1.',
    firstStep: 'Check which source address the report server uses to reach the license server (NAT and proxies change it).',
    peerLabel: 'Address the license server saw',
  },
};

describe.each(['zh-CN', 'en'] as const)('failure pop-up in %s', (locale) => {
  const text = expected[locale];

  it('shows every reason with catalogue title, code and explanation; Details opens troubleshooting and specifics', async () => {
    const user = userEvent.setup();
    let backs = 0;
    renderInApp(<FailureDialog failures={failuresOf(failedCluster())} onBack={() => backs++} returnFocus={createRef()} />, { locale });

    const popup = screen.getByRole('alertdialog', { name: text.title });
    const items = within(popup).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    for (const item of items) {
      const name = item.dataset.reason as Parameters<typeof catalogue>[0];
      expect(item).toHaveTextContent(catalogue(name, locale).title);
    }
    const first = items[0] as HTMLElement;
    expect(first).toHaveClass('frr-reason--primary');
    expect(first).toHaveTextContent(text.titleIp);
    expect(first).toHaveTextContent('30003 LICENSE_IP_ERROR');
    expect(first).toHaveTextContent(text.explanationIp);
    // Troubleshooting only after Details.
    expect(within(first).queryByText(text.firstStep)).toBeNull();
    await user.click(within(first).getByRole('button', { name: text.details }));
    expect(within(first).getByText(text.firstStep)).toBeInTheDocument();
    expect(within(first).getByText(text.peerLabel)).toBeInTheDocument();
    expect(within(first).getByText('10.0.0.11')).toBeInTheDocument();

    // The app-name reason of node-b, with its list param joined.
    const appName = items[3] as HTMLElement;
    await user.click(within(appName).getByRole('button', { name: text.details }));
    for (const step of catalogue('LICENSE_APPNAME_ERROR', locale).troubleshooting) {
      expect(within(appName).getByText(step)).toBeInTheDocument();
    }
    expect(appName).toHaveTextContent(catalogue('LICENSE_APPNAME_ERROR', locale, { appName: 'decision', allowed: 'webroot' }).explanation);

    expect(popup).not.toHaveTextContent('[object Object]');
    await user.click(within(popup).getByRole('button', { name: text.back }));
    expect(backs).toBe(1);
  });
});
