import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connectionTestResultSchema,
  trustedCertificateSchema,
  type ConnectionTestResult,
  type ServerCertificate,
} from '@registration/protocol/bff-api';
import { describe as catalogue } from '@registration/protocol/catalogue';
import { formatWhen } from '../../../lib/format.ts';
import { reason, registerAnswer, registered, state, node, unregistered } from '../../../testing/fixtures.ts';
import { renderInApp } from '../../../testing/render.tsx';
import { deferred, startTestServer, type Answer, type TestServer } from '../../../testing/test-server.ts';
import { RegistrationPage } from './registration-page.tsx';

const SERVER = 'https://172.16.63.131:49155';
const FP = 'A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90';
const FP_OLD = '0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:E1:F0:0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:E1:F0';

function certificate(overrides: Partial<ServerCertificate> = {}): ServerCertificate {
  return {
    subject: 'CN=localhost, O=License Server (self-signed)',
    issuer: 'CN=localhost, O=License Server (self-signed)',
    altNames: ['localhost', '127.0.0.1'],
    validFrom: '2026-11-01T07:00:00.000Z',
    validTo: '2036-11-01T08:00:00.000Z',
    fingerprint: FP,
    coversHost: false,
    validNow: true,
    ...overrides,
  };
}

const untrusted = (overrides: Partial<ConnectionTestResult> = {}) =>
  connectionTestResultSchema.parse({
    ok: false,
    serverUrl: SERVER,
    reasons: [reason('TLS_UNTRUSTED', { detail: 'tls.selfSigned', fingerprint: FP })],
    fingerprint: FP,
    latencyMs: null,
    certificate: certificate(),
    trust: 'untrusted',
    confirmed: null,
    ...overrides,
  });

/** The fingerprint as shown: one element holding the whole value, in groups. */
const fingerprintBlock = (panel: HTMLElement, value: string): HTMLElement => {
  const found = panel.querySelector<HTMLElement>(`[data-fingerprint="${value}"]`);
  if (!found) throw new Error(`no fingerprint ${value} shown`);
  return found;
};
const confirmation = { origin: SERVER, fingerprint: FP, subject: certificate().subject, confirmedBy: 'admin', confirmedAt: '2026-11-20T08:00:00.000Z' };

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ 'GET /api/registration': () => ({ status: 200, body: unregistered() }) });
});
afterEach(() => server.close());

async function openRegisterNow(locale: 'zh-CN' | 'en' = 'en') {
  const user = userEvent.setup();
  renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale });
  const label = locale === 'en' ? 'Register Now' : '立即注册';
  await user.click(await screen.findByRole('button', { name: label }));
  const dialog = await screen.findByRole('dialog', { name: label });
  await user.type(within(dialog).getByRole('textbox', { name: locale === 'en' ? 'Server Address' : '服务器地址' }), SERVER);
  return { user, dialog };
}

const posts = (path: string) => server.requests.filter((r) => r.method === 'POST' && r.path === path);
const TEST = '/api/registration/private-cloud/test';
const TRUST = '/api/registration/private-cloud/trust';

describe('Register Now: a license server certificate nobody vouches for', () => {
  it('shows subject, issuer, validity and the fingerprint in a monospace block; trusting asks first, then tests again', async () => {
    let trustedYet = false;
    server.route(`POST ${TEST}`, () => ({
      status: 200,
      body: trustedYet
        ? connectionTestResultSchema.parse({
            ok: true,
            serverUrl: SERVER,
            reasons: [],
            fingerprint: FP,
            latencyMs: 9,
            certificate: certificate(),
            trust: 'confirmed',
            confirmed: confirmation,
          })
        : untrusted(),
    }));
    const gate = deferred<Answer>();
    server.route(`POST ${TRUST}`, () => gate.promise);
    const { user, dialog } = await openRegisterNow();
    await user.click(within(dialog).getByRole('button', { name: 'Test Connection' }));

    const panel = await within(dialog).findByRole('region', { name: 'The license server’s certificate is not trusted' });
    expect(within(dialog).getByRole('alert')).toHaveTextContent(catalogue('TLS_UNTRUSTED', 'en', { detail: 'tls.selfSigned', fingerprint: FP }).title);
    expect(panel).toHaveTextContent('Subject' + 'CN=localhost, O=License Server (self-signed)');
    expect(panel).toHaveTextContent('Issuer' + 'CN=localhost, O=License Server (self-signed)');
    expect(panel).toHaveTextContent(`Valid from${formatWhen('2026-11-01T07:00:00.000Z', 'en')}`);
    expect(panel).toHaveTextContent(`Valid until${formatWhen('2036-11-01T08:00:00.000Z', 'en')}`);
    // Grouped by four bytes so that it wraps between groups only; Copy puts the exact text on the clipboard.
    const block = fingerprintBlock(panel, FP);
    expect(block).toHaveClass('frr-code');
    expect(block.textContent).toBe(FP);
    expect(block.querySelectorAll('.frr-fingerprint-group')).toHaveLength(8);
    await user.click(within(panel).getByRole('button', { name: 'Copy Fingerprint (SHA-256)' }));
    expect(await navigator.clipboard.readText()).toBe(FP);
    expect(within(panel).getByRole('status')).toHaveTextContent('Fingerprint copied.');
    // The built-in certificate names only localhost: say what trusting it means for this address.
    expect(panel).toHaveTextContent(`names only localhost, 127.0.0.1, not 172.16.63.131; once trusted, exactly this certificate is accepted at ${SERVER}`);

    await user.click(within(panel).getByRole('button', { name: 'Trust this certificate' }));
    const question = within(panel).getByRole('group');
    expect(question).toHaveTextContent(`Trust the certificate with the fingerprint above at ${SERVER}?`);
    const yes = within(question).getByRole('button', { name: 'Yes, trust it' });
    expect(yes).toHaveFocus();
    expect(posts(TRUST)).toHaveLength(0); // nothing sent before the explicit confirmation

    await user.click(yes);
    await waitFor(() => expect(within(question).getByRole('button', { name: 'Trusting…' })).toHaveAttribute('aria-disabled', 'true'));
    expect(posts(TRUST)[0]?.body).toEqual({ serverUrl: SERVER, fingerprint: FP });
    trustedYet = true;
    gate.resolve({ status: 201, body: trustedCertificateSchema.parse(confirmation) });

    expect(await within(dialog).findByText('Connected in 9 ms.')).toBeInTheDocument();
    expect(within(dialog).getByText('Certificate trusted. Testing the connection again…')).toBeInTheDocument();
    expect(within(dialog).getByText(`Certificate trusted: confirmed by admin on ${formatWhen(confirmation.confirmedAt, 'en')}.`)).toBeInTheDocument();
    expect(within(dialog).queryByRole('region', { name: /certificate/ })).toBeNull();
    expect(posts(TEST)).toHaveLength(2);
  });

  it('Cancel in the confirmation sends nothing and offers the button again', async () => {
    server.route(`POST ${TEST}`, () => ({ status: 200, body: untrusted() }));
    const { user, dialog } = await openRegisterNow();
    await user.click(within(dialog).getByRole('button', { name: 'Test Connection' }));
    const panel = await within(dialog).findByRole('region', { name: /certificate/ });
    await user.click(within(panel).getByRole('button', { name: 'Trust this certificate' }));
    await user.click(within(panel).getByRole('button', { name: 'Cancel' }));
    expect(within(panel).queryByRole('group')).toBeNull();
    expect(within(panel).getByRole('button', { name: 'Trust this certificate' })).toBeEnabled();
    expect(posts(TRUST)).toHaveLength(0);
  });

  it('a changed certificate says who confirmed the old one and when, and shows both fingerprints', async () => {
    const old = { ...confirmation, fingerprint: FP_OLD };
    const changedReason = reason('TLS_CERT_CHANGED', { fingerprint: FP, confirmedFingerprint: FP_OLD, confirmedAt: old.confirmedAt, confirmedBy: 'admin' });
    server.route(`POST ${TEST}`, () => ({ status: 200, body: untrusted({ trust: 'changed', confirmed: old, reasons: [changedReason] }) }));
    const { user, dialog } = await openRegisterNow();
    await user.click(within(dialog).getByRole('button', { name: 'Test Connection' }));
    const panel = await within(dialog).findByRole('region', { name: 'The license server’s certificate changed' });
    expect(panel).toHaveTextContent(`This is not the certificate admin confirmed on ${formatWhen(old.confirmedAt, 'en')}. Trust the new one only if you expected the change.`);
    expect(fingerprintBlock(panel, FP).textContent).toBe(FP);
    expect(fingerprintBlock(panel, FP_OLD).textContent).toBe(FP_OLD);
    expect(within(panel).getByRole('button', { name: 'Copy Previously confirmed fingerprint (SHA-256)' })).toBeEnabled();
    expect(within(dialog).getByRole('alert')).toHaveTextContent('The license server’s certificate changed');
    expect(within(panel).getByRole('button', { name: 'Trust this certificate' })).toBeEnabled();
  });

  it('an expired certificate cannot be trusted from here', async () => {
    server.route(`POST ${TEST}`, () => ({
      status: 200,
      body: untrusted({
        reasons: [reason('TLS_CERT_EXPIRED', { validFrom: '2024-01-01T00:00:00.000Z', validTo: '2025-01-01T00:00:00.000Z', fingerprint: FP })],
        certificate: certificate({ validFrom: '2024-01-01T00:00:00.000Z', validTo: '2025-01-01T00:00:00.000Z', validNow: false }),
      }),
    }));
    const { user, dialog } = await openRegisterNow();
    await user.click(within(dialog).getByRole('button', { name: 'Test Connection' }));
    const panel = await within(dialog).findByRole('region', { name: /certificate/ });
    expect(panel).toHaveTextContent('This certificate is not valid now, so it cannot be trusted');
    expect(within(panel).queryByRole('button', { name: 'Trust this certificate' })).toBeNull();
  });

  it('shows the catalogue reason when the BFF refuses the confirmation, and nothing is claimed trusted', async () => {
    server.route(`POST ${TEST}`, () => ({ status: 200, body: untrusted() }));
    const params = { serverUrl: SERVER, expected: FP, presented: FP_OLD };
    server.route(`POST ${TRUST}`, () => ({
      status: 409,
      body: { code: 31020, name: 'TLS_FINGERPRINT_MISMATCH', message: 'RAW', details: { reasons: [reason('TLS_FINGERPRINT_MISMATCH', params)] } },
    }));
    const { user, dialog } = await openRegisterNow();
    await user.click(within(dialog).getByRole('button', { name: 'Test Connection' }));
    const panel = await within(dialog).findByRole('region', { name: /certificate/ });
    await user.click(within(panel).getByRole('button', { name: 'Trust this certificate' }));
    await user.click(within(panel).getByRole('button', { name: 'Yes, trust it' }));
    const alert = await within(panel).findByRole('alert');
    expect(alert).toHaveTextContent(catalogue('TLS_FINGERPRINT_MISMATCH', 'en', params).title);
    expect(alert).toHaveTextContent(catalogue('TLS_FINGERPRINT_MISMATCH', 'en', params).explanation);
    expect(dialog).not.toHaveTextContent('RAW');
    expect(within(dialog).queryByText('Certificate trusted. Testing the connection again…')).toBeNull();
    expect(posts(TEST)).toHaveLength(1);
  });

  it('a Submit refused for the certificate stays in the dialog; after trusting, Submit goes through', async () => {
    const refusedReason = reason('TLS_UNTRUSTED', {
      detail: 'tls.selfSigned',
      fingerprint: FP,
      subject: certificate().subject,
      issuer: certificate().issuer,
      validFrom: certificate().validFrom,
      validTo: certificate().validTo,
      altNames: ['localhost', '127.0.0.1'],
    });
    const failedNode = node({ status: 'failed', failureAt: '2026-11-20T07:59:00.000Z', reasons: [refusedReason] });
    const refused = state({ method: 'private-cloud', serverUrl: SERVER, status: 'failed', node: failedNode, nodes: [failedNode] });
    let trustedYet = false;
    server.route('POST /api/registration/private-cloud', () => ({ status: 200, body: registerAnswer(trustedYet ? registered() : refused) }));
    server.route(`POST ${TRUST}`, () => {
      trustedYet = true;
      return { status: 201, body: confirmation };
    });
    server.route(`POST ${TEST}`, () => ({
      status: 200,
      body: { ok: true, serverUrl: SERVER, reasons: [], fingerprint: FP, latencyMs: 4, certificate: certificate(), trust: 'confirmed', confirmed: confirmation },
    }));
    const { user, dialog } = await openRegisterNow();
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));

    const panel = await within(dialog).findByRole('region', { name: 'The license server’s certificate is not trusted' });
    expect(screen.queryByRole('alertdialog')).toBeNull(); // not the generic failure pop-up
    expect(within(dialog).getAllByRole('alert')[0]).toHaveTextContent('Registration failed: the license server’s certificate is not trusted.');
    expect(fingerprintBlock(panel, FP).textContent).toBe(FP);
    expect(panel).toHaveTextContent(`Valid until${formatWhen(certificate().validTo, 'en')}`);

    await user.click(within(panel).getByRole('button', { name: 'Trust this certificate' }));
    await user.click(within(panel).getByRole('button', { name: 'Yes, trust it' }));
    expect(await within(dialog).findByText('Connected in 4 ms.')).toBeInTheDocument();
    expect(posts(TRUST)[0]?.body).toEqual({ serverUrl: SERVER, fingerprint: FP });
    expect(within(dialog).queryByRole('region', { name: /certificate/ })).toBeNull();

    server.route('GET /api/registration', () => ({ status: 200, body: registered() }));
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByText('Registration succeeded')).toBeInTheDocument();
  });

  it('other refusals still open the failure pop-up', async () => {
    const failedNode = node({ status: 'failed', reasons: [reason('CONNECTION_REFUSED', { host: '172.16.63.131', port: 49155 })] });
    const refused = state({ method: 'private-cloud', serverUrl: SERVER, status: 'failed', node: failedNode, nodes: [failedNode] });
    server.route('POST /api/registration/private-cloud', () => ({ status: 200, body: registerAnswer(refused) }));
    const { user, dialog } = await openRegisterNow();
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    expect(await screen.findByRole('alertdialog', { name: 'Registration failed' })).toBeInTheDocument();
  });

  it('speaks zh-CN', async () => {
    server.route(`POST ${TEST}`, () => ({ status: 200, body: untrusted() }));
    const { user, dialog } = await openRegisterNow('zh-CN');
    await user.click(within(dialog).getByRole('button', { name: '测试连接' }));
    const panel = await within(dialog).findByRole('region', { name: '授权服务器的证书不受信任' });
    expect(panel).toHaveTextContent('使用者');
    expect(panel).toHaveTextContent('颁发者');
    expect(panel).toHaveTextContent('指纹（SHA-256）');
    await user.click(within(panel).getByRole('button', { name: '信任此证书' }));
    expect(within(panel).getByRole('group')).toHaveTextContent(`确定在 ${SERVER} 上信任指纹为上述值的证书吗？`);
    expect(within(panel).getByRole('button', { name: '确认信任' })).toBeEnabled();
  });
});
