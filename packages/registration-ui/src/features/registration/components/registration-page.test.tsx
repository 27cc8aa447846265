import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegistrationState } from '@registration/protocol/bff-api';
import { formatWhen } from '../../../lib/format.ts';
import { NOW, containerState, failedCluster, node, registered, state, unregistered } from '../../../testing/fixtures.ts';
import { renderInApp } from '../../../testing/render.tsx';
import { startTestServer, type TestServer } from '../../../testing/test-server.ts';
import { RegistrationPage } from './registration-page.tsx';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

function serve(s: RegistrationState) {
  server.route('GET /api/registration', () => ({ status: 200, body: s }));
}

async function page(s: RegistrationState, locale: 'zh-CN' | 'en' = 'en') {
  serve(s);
  const view = renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale });
  await screen.findByRole('heading', { name: locale === 'en' ? 'Version Information' : '版本信息' });
  return view;
}

const statusCard = () => document.querySelector('[data-status]') as HTMLElement;

describe('Version Information', () => {
  it('unregistered: product, version, build date, status and Register Now (zh-CN default)', async () => {
    await page(unregistered(), 'zh-CN');
    const section = screen.getByRole('region', { name: '版本信息' });
    expect(section).toHaveTextContent('FineReport');
    expect(section).toHaveTextContent('11.0.18');
    expect(section).toHaveTextContent(new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(2026, 10, 1)));
    expect(statusCard()).toHaveTextContent('未注册');
    expect(within(section).getByRole('button', { name: '立即注册' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: '注册信息' })).toBeInTheDocument();
  });

  it('registered: method, the lease renewed by itself apart from the license end, the grant, days left; no warning a year ahead', async () => {
    await page(registered('2027-11-20T08:00:00.000Z'));
    expect(statusCard()).toHaveTextContent('Registered');
    // Two dates, each named: the 24-hour lease the node renews, and the license a year away.
    const lease = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse('2026-11-21T08:00:00.000Z'));
    const license = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse('2027-11-20T08:00:00.000Z'));
    expect(statusCard()).toHaveTextContent(
      `Private Cloud. Renewed with the license server automatically every 2 hours (current lease until ${lease}); the license expires on ${license}.`,
    );
    const section = screen.getByRole('region', { name: 'Version Information' });
    for (const text of ['Acme Data Ltd.', 'Sales reports', 'Reports, Dashboards', 'reports.acme.example', '8081', 'webroot', '365 days left', '10 / 3']) {
      expect(section).toHaveTextContent(text);
    }
    expect(within(section).queryByRole('alert')).toBeNull();
    expect(within(section).getByRole('button', { name: 'Re-register' })).toBeInTheDocument();
  });

  it('warns when the license expires within 30 days', async () => {
    await page(registered('2026-12-10T08:00:00.000Z'));
    const section = screen.getByRole('region', { name: 'Version Information' });
    expect(within(section).getByRole('alert')).toHaveTextContent('The license expires in 20 days');
    expect(section).toHaveTextContent('20 days left');
  });

  it('failed: since when and the first reason, and Register Now', async () => {
    await page(failedCluster());
    expect(statusCard()).toHaveTextContent('Registration failed');
    expect(statusCard()).toHaveTextContent('Disallowed IP address');
    expect(screen.getByRole('button', { name: 'Register Now' })).toBeInTheDocument();
  });

  it('degraded: license server unreachable since …, valid until …, and Re-register', async () => {
    const base = registered();
    const self = node({ status: 'degraded', lastSuccessAt: '2026-11-20T02:00:00.000Z', unreachableSince: '2026-11-20T04:00:00.000Z', validUntil: '2026-11-21T02:00:00.000Z' });
    await page(state({ ...base, status: 'degraded', node: self, nodes: [self] }));
    expect(statusCard()).toHaveTextContent('License server unreachable since');
    expect(statusCard()).toHaveTextContent('stays valid until');
    expect(screen.getByRole('button', { name: 'Re-register' })).toBeInTheDocument();
  });

  it('follows a live language switch', async () => {
    const view = await page(unregistered(), 'zh-CN');
    expect(screen.getByRole('button', { name: '立即注册' })).toBeInTheDocument();
    await view.i18n.changeLanguage('en');
    expect(await screen.findByRole('button', { name: 'Register Now' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Registration Information' })).toBeInTheDocument();
  });
});

describe('Registration Information', () => {
  it('one row per node: address, status, failure time and reason with "+N more"', async () => {
    await page(failedCluster());
    const table = screen.getByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('node-a');
    expect(rows[0]).toHaveTextContent('10.0.0.11:8080');
    expect(rows[0]).toHaveTextContent('Disallowed IP address +2 more');
    expect(rows[1]).toHaveTextContent('Disallowed app name');
    expect(rows[1]).not.toHaveTextContent('more');
  });
});

describe('Re-register', () => {
  it('confirms, deregisters with DELETE, then continues with Register Now', async () => {
    const user = userEvent.setup();
    await page(registered());
    server.route('DELETE /api/registration', () => ({ status: 200, body: unregistered() }));
    await user.click(screen.getByRole('button', { name: 'Re-register' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Re-register' });
    expect(within(confirm).getByRole('button', { name: 'Cancel' })).toHaveFocus(); // the safe choice first
    serve(unregistered());
    await user.click(within(confirm).getByRole('button', { name: 'Re-register' }));
    expect(await screen.findByRole('dialog', { name: 'Register Now' })).toBeInTheDocument();
    expect(server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(screen.getByText('Deregistered from the license server; register again.')).toBeInTheDocument();
    expect(statusCard()).toHaveTextContent('Unregistered');
  });

  it('Local Container: says the registration is cleared and the lic kept, not a license server deregistration', async () => {
    const user = userEvent.setup();
    await page(containerState('registered'));
    server.route('DELETE /api/registration', () => ({ status: 200, body: containerState('verification-needed') }));
    await user.click(screen.getByRole('button', { name: 'Re-register' }));
    serve(containerState('verification-needed'));
    await user.click(within(screen.getByRole('alertdialog', { name: 'Re-register' })).getByRole('button', { name: 'Re-register' }));
    expect(await screen.findByRole('dialog', { name: 'Register Now' })).toBeInTheDocument();
    expect(screen.getByText('The registration is cleared. Container.lic stays stored; scan the QR code again to register.')).toBeInTheDocument();
    // No notice speaks of a license server (History's action filter does, by design).
    const notices = [...document.querySelectorAll('.frr-notice')].map((n) => n.textContent);
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.filter((text) => /license server/.test(text ?? ''))).toEqual([]);
  });

  it('"nothing to unbind" (20000) still ends in Register Now: the goal is reached', async () => {
    const user = userEvent.setup();
    await page(registered());
    server.route('DELETE /api/registration', () => ({
      status: 409,
      body: { code: 20000, name: 'DO_NOT_NEED_DEACTIVATE', message: 'not registered' },
    }));
    serve(unregistered());
    await user.click(screen.getByRole('button', { name: 'Re-register' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Re-register' }));
    expect(await screen.findByRole('dialog', { name: 'Register Now' })).toBeInTheDocument();
  });
});

describe('load failures', () => {
  it('a failed poll keeps the page and says since when the data is (role=status); the next good poll clears it', async () => {
    const view = await page(registered());
    server.route('GET /api/registration', () => ({ status: 403, body: { code: 40300, name: 'FORBIDDEN', message: 'no' } }));
    await view.queryClient.refetchQueries();
    const notice = await screen.findByTestId('refresh-failed');
    expect(notice).toHaveAttribute('role', 'status');
    expect(notice).toHaveTextContent(`Could not refresh; showing data from ${formatWhen(NOW, 'en')}.`);
    expect(screen.getByRole('region', { name: 'Version Information' })).toHaveTextContent('Acme Data Ltd.');
    expect(screen.queryByText('Could not load the registration')).toBeNull();
    serve(registered());
    await view.queryClient.refetchQueries();
    await waitFor(() => expect(screen.queryByTestId('refresh-failed')).toBeNull());
  });

  it('a viewer (403) sees the catalogue text, not the raw message', async () => {
    server.route('GET /api/registration', () => ({ status: 403, body: { code: 40300, name: 'FORBIDDEN', message: 'RAW role viewer' } }));
    renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'en' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the registration');
    expect(alert).toHaveTextContent('Only administrators can manage registration.');
    expect(alert).not.toHaveTextContent('RAW');
  });

  it('401 calls the host’s onUnauthorized', async () => {
    server.route('GET /api/registration', () => ({ status: 401, body: { code: 40100, name: 'UNAUTHORIZED', message: 'expired' } }));
    const view = renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'en' });
    expect(await screen.findByRole('alert')).toHaveTextContent('Not signed in');
    expect(view.unauthorized).toHaveLength(1);
  });

  it('an answer that fails the protocol schema is reported, never rendered', async () => {
    server.route('GET /api/registration', () => ({ status: 200, body: { ...unregistered(), status: 'hacked', product: { name: '<b>x</b>' } } }));
    renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'en' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Unrecognised answer from the report server');
    await waitFor(() => expect(document.body.textContent).not.toContain('<b>x</b>'));
  });
});
