import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describe as catalogue } from '@registration/protocol/catalogue';
import { CONTAINER_LIC_MAX_BYTES } from '@registration/protocol/container-license';
import { formatWhen } from '../../../lib/format.ts';
import {
  apiError,
  challenge,
  containerGrant,
  containerState,
  localContainer,
  NOW,
  reason,
  unregistered,
} from '../../../testing/fixtures.ts';
import { renderInApp } from '../../../testing/render.tsx';
import { startTestServer, type TestServer } from '../../../testing/test-server.ts';
import { RegistrationPage } from './registration-page.tsx';

const LIC = '/api/registration/local-container/lic';
const CHALLENGE = '/api/registration/local-container/challenge';
const VERIFY = '/api/registration/local-container/verify';
const LOCK_UNTIL = new Date(Date.parse(NOW) + 15 * 60_000).toISOString();

let server: TestServer;
let current = unregistered();
let challenges = 0;
beforeEach(async () => {
  current = unregistered();
  challenges = 0;
  server = await startTestServer({
    'GET /api/registration': () => ({ status: 200, body: current }),
    [`POST ${CHALLENGE}`]: () => ({ status: 201, body: challenge(++challenges) }),
  });
});
afterEach(async () => {
  vi.useRealTimers();
  await server.close();
});

const sent = (path: string) => server.requests.filter((r) => r.method === 'POST' && r.path === path);
const licFile = (bytes = 900) => new File(['x'.repeat(bytes)], 'Container.lic', { type: 'application/octet-stream' });
const decodeSrc = (img: HTMLElement) => atob((img.getAttribute('src') ?? '').replace('data:image/svg+xml;base64,', ''));

async function openLocal(locale: 'zh-CN' | 'en' = 'en') {
  const user = userEvent.setup();
  const view = renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale });
  const label = locale === 'en' ? 'Register Now' : '立即注册';
  await user.click(await screen.findByRole('button', { name: label }));
  const dialog = await screen.findByRole('dialog', { name: label });
  await user.click(within(dialog).getByRole('radio', { name: locale === 'en' ? 'Local Container' : '本地容器认证' }));
  return { user, view, dialog };
}

/** Uploads an accepted lic and waits for the first QR. */
async function toQrStep() {
  server.route(`POST ${LIC}`, () => ({ status: 201, body: { accepted: true, grant: containerGrant() } }));
  const ctx = await openLocal();
  await ctx.user.upload(within(ctx.dialog).getByTestId('lic-file-input'), licFile());
  const img = await within(ctx.dialog).findByRole('img', { name: /Verification QR code/ });
  return { ...ctx, img };
}

describe('Register Now > Local Container', () => {
  it('choosing Local Container hides the Server Address and shows Upload lic with its drop zone', async () => {
    const { dialog } = await openLocal();
    expect(within(dialog).getByRole('radio', { name: 'Local Container' })).toBeChecked();
    expect(within(dialog).queryByRole('textbox', { name: 'Server Address' })).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Test Connection' })).toBeNull();
    expect(within(dialog).getByRole('button', { name: 'Upload lic' })).toHaveAccessibleDescription('The license file Container.lic, at most 64 KB.');
    expect(within(dialog).getByTestId('lic-drop-zone')).toHaveTextContent('Drop Container.lic here');
    expect(within(dialog).getByTestId('lic-file-input')).toHaveAttribute('accept', '.lic');
  });

  it('accepted lic: summary, QR as an <img> data: URL (never inline SVG), 5-minute countdown, focus on the code field', async () => {
    const { user, dialog, img } = await toQrStep();
    const [upload] = sent(LIC);
    expect(String(upload?.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload?.headers.authorization).toBe('Bearer test-token');
    expect(String(upload?.body)).toMatch(/name="file"; filename="Container.lic"/);
    expect(img.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(decodeSrc(img)).toBe(challenge(1).svg);
    expect(dialog.querySelector('svg')).toBeNull();
    expect(within(dialog).getByRole('timer')).toHaveTextContent(/The QR code expires in (5:00|4:5\d)/);
    expect(within(dialog).getByTestId('lic-summary')).toHaveTextContent('Acme Data Ltd.');
    expect(within(dialog).getByTestId('lic-summary')).toHaveTextContent('Demo project');
    expect(within(dialog).getByRole('link', { name: challenge(1).url })).toHaveAttribute('href', challenge(1).url);
    const code = within(dialog).getByRole('textbox', { name: 'Verification code' });
    await waitFor(() => expect(code).toHaveFocus());
    expect(code).toHaveAttribute('inputmode', 'numeric');
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    expect(code).toHaveAttribute('maxlength', '6');
    // Upload another lic: back to the picker, focus on it.
    await user.click(within(dialog).getByRole('button', { name: 'Upload another lic' }));
    expect(within(dialog).getByRole('button', { name: 'Upload lic' })).toHaveFocus();
    expect(within(dialog).queryByRole('img')).toBeNull();
  });

  it('QR step layout: QR at 256 px, summary as label/value pairs, the link on one line with its full URL in the title and a Copy that copies it, focus without a scroll jump', async () => {
    const scrolled: { el: Element; options: unknown }[] = [];
    const original = Element.prototype.scrollIntoView;
    Element.prototype.scrollIntoView = function (this: Element, options?: unknown) {
      scrolled.push({ el: this, options });
    };
    try {
      const { user, dialog, img } = await toQrStep();
      expect(img).toHaveAttribute('width', '256');
      expect(img).toHaveAttribute('height', '256');
      const summary = within(dialog).getByTestId('lic-summary');
      expect(summary).toHaveClass('frr-fields--two');
      expect(within(summary).getByText('Licensed version').nextElementSibling).toHaveTextContent('11.0');
      expect(within(dialog).getByTestId('lic-accepted')).toHaveTextContent('License file uploaded.');
      const code = within(dialog).getByRole('textbox', { name: 'Verification code' });
      await waitFor(() => expect(code).toHaveFocus());
      // Only as far as needed to show the field (nothing if it is in view), never centred.
      expect(scrolled.filter((s) => s.el === code).map((s) => s.options)).toEqual([{ block: 'nearest', inline: 'nearest' }]);
      // The code field and Submit sit beside/under the QR, in the same block as the countdown.
      expect(img.parentElement?.contains(code)).toBe(true);

      const link = within(dialog).getByTestId('qr-link');
      expect(link).toHaveAttribute('title', challenge(1).url);
      expect(link).toHaveClass('frr-ellipsis');
      await user.click(within(dialog).getByRole('button', { name: 'Copy link' }));
      expect(await navigator.clipboard.readText()).toBe(challenge(1).url);
      expect(within(dialog).getByTestId('qr-copy-result')).toHaveTextContent('Link copied.');
    } finally {
      Element.prototype.scrollIntoView = original;
    }
  });

  it('refused lic: every reason listed with its specifics and Details; another file can be chosen', async () => {
    const expiresAt = '2026-05-31T00:00:00.000Z';
    const reasons = [
      reason('LICENSE_EXPIRED', { expiresAt }),
      reason('REPORT_VERSION_ERROR', { certified: '10.0', local: '11.0.18' }),
      reason('LICENSE_APPNAME_ERROR', { certified: 'ReportServer', local: 'webroot', appName: 'webroot', allowed: ['ReportServer'] }),
      reason('PROJECT_CONTENT_MISMATCH', { certified: 'Other project', local: 'Demo project' }),
      reason('CLUSTER_NODES_EXCEEDED', { max: 1, nodes: 2 }),
    ];
    server.route(`POST ${LIC}`, () => ({ status: 422, body: apiError('LICENSE_EXPIRED', undefined, reasons) }));
    const { user, dialog } = await openLocal();
    await user.upload(within(dialog).getByTestId('lic-file-input'), licFile());
    const alert = await within(dialog).findByTestId('lic-refusal');
    expect(alert).toHaveAttribute('role', 'alert');
    const items = within(alert).getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('data-reason'))).toEqual(reasons.map((r) => r.name));
    expect(items[0]).toHaveTextContent(`The license expired on ${formatWhen(expiresAt, 'en')}.`);
    expect(items[1]).toHaveTextContent('The license is for version 10.0; this server runs version 11.0.18.');
    expect(items[3]).toHaveTextContent('The license is for project Other project; this is project Demo project.');
    expect(items[4]).toHaveTextContent('The license allows 1 nodes; the cluster has 2.');
    await user.click(within(items[4] as HTMLElement).getByRole('button', { name: 'Details' }));
    expect(items[4]).toHaveTextContent(catalogue('CLUSTER_NODES_EXCEEDED', 'en').troubleshooting[0] ?? '');
    expect(within(dialog).queryByRole('img')).toBeNull();
    // Pick another file: the same control, and this time it is accepted.
    server.route(`POST ${LIC}`, () => ({ status: 201, body: { accepted: true, grant: containerGrant() } }));
    await user.upload(within(dialog).getByTestId('lic-file-input'), licFile());
    await within(dialog).findByRole('img', { name: /Verification QR code/ });
    expect(within(dialog).queryByTestId('lic-refusal')).toBeNull();
  });

  it('a type mismatch and junk show their catalogue texts', async () => {
    server.route(`POST ${LIC}`, () => ({
      status: 422,
      body: apiError('LIC_TYPE_MISMATCH', undefined, [reason('LIC_TYPE_MISMATCH', { expected: 'Container.lic', actual: 'license-server bundle' })]),
    }));
    const { user, dialog } = await openLocal();
    await user.upload(within(dialog).getByTestId('lic-file-input'), licFile());
    expect(await within(dialog).findByTestId('lic-refusal')).toHaveTextContent(
      'The uploaded file is of type license-server bundle, but the chosen method needs Container.lic.',
    );
    server.route(`POST ${LIC}`, () => ({ status: 422, body: apiError('LICENSE_CONTENT_ERROR', { detail: 'not a JWS' }) }));
    await user.upload(within(dialog).getByTestId('lic-file-input'), licFile());
    await waitFor(() => expect(within(dialog).getByTestId('lic-refusal')).toHaveTextContent(catalogue('LICENSE_CONTENT_ERROR', 'en').title));
  });

  it('a file over 64 KB is refused before sending, with the PAYLOAD_TOO_LARGE text', async () => {
    const { user, dialog } = await openLocal();
    await user.upload(within(dialog).getByTestId('lic-file-input'), licFile(CONTAINER_LIC_MAX_BYTES + 1));
    const alert = within(dialog).getByTestId('lic-refusal');
    expect(alert).toHaveTextContent(catalogue('PAYLOAD_TOO_LARGE', 'en').title);
    expect(alert).toHaveTextContent('The request is larger than the limit of 64 KB.'); // as the dialog says it, not 65536
    expect(sent(LIC)).toHaveLength(0);
  });

  it('the code field normalises pasted codes: full-width digits, spaces and hyphens', async () => {
    const { user, dialog } = await toQrStep();
    const code = within(dialog).getByRole('textbox', { name: 'Verification code' });
    await user.click(code);
    await user.paste('１２３ ４５６');
    expect(code).toHaveValue('123456');
    await user.clear(code);
    await user.paste('123-456');
    expect(code).toHaveValue('123456');
    await user.clear(code);
    await user.type(code, '12 34x5678');
    expect(code).toHaveValue('123456');
  });

  it('wrong code: sends {challengeId, code} and says how many attempts are left', async () => {
    server.route(`POST ${VERIFY}`, () => ({ status: 422, body: apiError('VERIFY_CODE_ERROR', { attemptsLeft: 3 }) }));
    const { user, dialog } = await toQrStep();
    await user.type(within(dialog).getByRole('textbox', { name: 'Verification code' }), '123456');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    expect(await within(dialog).findByTestId('verify-attempts-left')).toHaveTextContent('Wrong code: 3 attempts left.');
    expect(within(dialog).getByTestId('verify-attempts-left')).toHaveAttribute('role', 'alert');
    expect(sent(VERIFY).map((r) => r.body)).toEqual([{ challengeId: 'ch-1', code: '123456' }]);
  });

  it('locked: field and Submit disabled with the opening time, re-enabled by themselves when it passes', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], shouldAdvanceTime: true });
    server.route(`POST ${VERIFY}`, () => ({ status: 423, body: apiError('VERIFY_LOCKED', { until: LOCK_UNTIL }) }));
    const { user, dialog } = await toQrStep();
    const code = within(dialog).getByRole('textbox', { name: 'Verification code' });
    await user.type(code, '654321');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    const lock = await within(dialog).findByTestId('verify-locked');
    expect(lock).toHaveTextContent(`Too many wrong codes: code entry is locked until ${formatWhen(LOCK_UNTIL, 'en')}.`);
    expect(within(dialog).getByTestId('qr-refresh')).toBeDisabled(); // no new QR code while it could not be used
    expect(code).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Submit' })).toBeDisabled();
    // The QR would have expired by then as well: refresh to get a new one, as an admin would.
    act(() => vi.advanceTimersByTime(15 * 60_000 + 1_000));
    await waitFor(() => expect(code).toBeEnabled());
    expect(within(dialog).queryByTestId('verify-locked')).toBeNull();
    expect(within(dialog).getByTestId('verify-unlocked')).toHaveTextContent('The lock has opened; you can enter a code again.');
    expect(within(dialog).getByTestId('verify-unlocked')).toHaveAttribute('role', 'status');
  });

  it('disabled (100 wrong codes): code entry off, with the troubleshooting', async () => {
    current = containerState('verification-needed', localContainer({ gate: { kind: 'disabled', failures: 100 } }));
    const { dialog } = await openLocal();
    const box = await within(dialog).findByTestId('verify-disabled');
    expect(box).toHaveTextContent('100 wrong codes in a row: code entry is disabled.');
    expect(box).toHaveTextContent(catalogue('VERIFY_DISABLED', 'en').troubleshooting[0] ?? '');
    expect(within(dialog).getByRole('textbox', { name: 'Verification code' })).toBeDisabled();
  });

  it('expired QR: says so, and Refresh asks for a new challenge whose image replaces the old one', async () => {
    server.route(`POST ${CHALLENGE}`, () => ({ status: 201, body: challenge(++challenges, challenges === 1 ? -1_000 : 5 * 60_000) }));
    const { user, dialog, img } = await toQrStep();
    expect(within(dialog).getByTestId('qr-expired')).toHaveTextContent('QR code expired — refresh it.');
    expect(within(dialog).getByRole('button', { name: 'Submit' })).toBeDisabled();
    const before = img.getAttribute('src');
    await user.click(within(dialog).getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(within(dialog).getByRole('img', { name: /Verification QR code/ }).getAttribute('src')).not.toBe(before));
    expect(sent(CHALLENGE)).toHaveLength(2);
    expect(decodeSrc(within(dialog).getByRole('img', { name: /Verification QR code/ }))).toBe(challenge(2).svg);
    expect(within(dialog).queryByTestId('qr-expired')).toBeNull();
    expect(within(dialog).getByRole('timer')).toHaveTextContent(/expires in/);
  });

  it('QR_EXPIRED from the server also prompts a refresh', async () => {
    server.route(`POST ${VERIFY}`, () => ({ status: 422, body: apiError('QR_EXPIRED') }));
    const { user, dialog } = await toQrStep();
    await user.type(within(dialog).getByRole('textbox', { name: 'Verification code' }), '123456');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    expect(await within(dialog).findByTestId('qr-expired')).toHaveTextContent('QR code expired — refresh it.');
  });

  it('right code: the dialog closes, the status card says Registered and Version Information shows the lic grant', async () => {
    server.route(`POST ${VERIFY}`, () => {
      current = containerState('registered');
      return { status: 200, body: { registered: true, grant: containerGrant() } };
    });
    const { user, dialog } = await toQrStep();
    await user.type(within(dialog).getByRole('textbox', { name: 'Verification code' }), '123456');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText('Registration succeeded')).toBeInTheDocument();
    await waitFor(() => expect(document.querySelector('[data-status]')).toHaveAttribute('data-status', 'registered'));
    const fields = screen.getByText('Max nodes').closest('dl') as HTMLElement;
    for (const text of ['Acme Data Ltd.', 'Demo project', 'webroot', '11.0', 'Reports, Dashboards', 'Max nodes', 'App name']) {
      expect(fields).toHaveTextContent(text);
    }
    expect(fields).not.toHaveTextContent('Allowed domains');
  });

  it('verification needed: the status card opens Register Now at the QR step, no upload', async () => {
    current = containerState('verification-needed');
    const user = userEvent.setup();
    renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale: 'en' });
    await screen.findByRole('button', { name: 'Register Now' });
    const card = document.querySelector<HTMLElement>('[data-status="verification-needed"]') as HTMLElement;
    expect(card).toHaveTextContent('Verification needed');
    expect(card).toHaveTextContent('the lic is kept');
    await user.click(within(card).getByRole('button', { name: 'Scan the QR code again' }));
    const dialog = await screen.findByRole('dialog', { name: 'Register Now' });
    expect(within(dialog).getByRole('radio', { name: 'Local Container' })).toBeChecked();
    await within(dialog).findByRole('img', { name: /Verification QR code/ });
    expect(within(dialog).queryByRole('button', { name: 'Upload lic' })).toBeNull();
    expect(sent(LIC)).toHaveLength(0);
  });

  it('a stored lic with a lock: opens locked with the time from the state gate', async () => {
    current = containerState('verification-needed', localContainer({ gate: { kind: 'locked', until: LOCK_UNTIL } }));
    const { dialog } = await openLocal();
    expect(await within(dialog).findByTestId('verify-locked')).toHaveTextContent(formatWhen(LOCK_UNTIL, 'en'));
    expect(within(dialog).getByRole('textbox', { name: 'Verification code' })).toBeDisabled();
  });

  it('zh-CN: the Local Container texts', async () => {
    server.route(`POST ${LIC}`, () => ({ status: 201, body: { accepted: true, grant: containerGrant() } }));
    server.route(`POST ${VERIFY}`, () => ({ status: 422, body: apiError('VERIFY_CODE_ERROR', { attemptsLeft: 2 }) }));
    const { user, dialog } = await openLocal('zh-CN');
    expect(within(dialog).getByRole('button', { name: '上传lic' })).toBeEnabled();
    await user.upload(within(dialog).getByTestId('lic-file-input'), licFile());
    await within(dialog).findByRole('img', { name: /验证二维码/ });
    expect(within(dialog).getByRole('timer')).toHaveTextContent(/二维码 (5:00|4:5\d) 后过期/);
    expect(within(dialog).getByRole('button', { name: '刷新' })).toBeEnabled();
    await user.type(within(dialog).getByRole('textbox', { name: '验证码' }), '123456');
    await user.click(within(dialog).getByRole('button', { name: '提交' }));
    expect(await within(dialog).findByTestId('verify-attempts-left')).toHaveTextContent('验证码错误，还可以尝试 2 次。');
  });
});
