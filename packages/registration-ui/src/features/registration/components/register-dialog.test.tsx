import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionTestResultSchema } from '@registration/protocol/bff-api';
import { describe as catalogue } from '@registration/protocol/catalogue';
import { failedCluster, reason, registerAnswer, registered, unregistered } from '../../../testing/fixtures.ts';
import { renderInApp } from '../../../testing/render.tsx';
import { deferred, startTestServer, type Answer, type TestServer } from '../../../testing/test-server.ts';
import { RegistrationPage } from './registration-page.tsx';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ 'GET /api/registration': () => ({ status: 200, body: unregistered() }) });
});
afterEach(() => server.close());

async function openRegisterNow(locale: 'zh-CN' | 'en' = 'en') {
  const user = userEvent.setup();
  const view = renderInApp(<RegistrationPage />, { apiBaseUrl: server.url, locale });
  const label = locale === 'en' ? 'Register Now' : '立即注册';
  await user.click(await screen.findByRole('button', { name: label }));
  const dialog = await screen.findByRole('dialog', { name: label });
  return { user, view, dialog };
}

const posts = () => server.requests.filter((r) => r.method === 'POST');

describe('Register Now dialog', () => {
  it('idle: Private Cloud chosen, Local Container offered, address empty with the example as placeholder', async () => {
    const { dialog, view } = await openRegisterNow();
    expect(view.dom.layer.contains(dialog)).toBe(true); // portalled inside the module, not document.body's top
    // The platform's modal dialog, opened with showModal() (the top layer: no host stacking context covers it).
    expect(dialog.tagName).toBe('DIALOG');
    expect(dialog).toHaveAttribute('open');
    expect(within(dialog).getByRole('radio', { name: 'Private Cloud' })).toBeChecked();
    const local = within(dialog).getByRole('radio', { name: 'Local Container' });
    expect(local).toBeEnabled();
    expect(local).not.toBeChecked();
    const input = within(dialog).getByRole('textbox', { name: 'Server Address' });
    expect(input).toHaveValue('');
    expect(input).toHaveAttribute('placeholder', 'https://172.16.63.131:49155');
    expect(input).toHaveFocus();
    expect(within(dialog).getByRole('button', { name: 'Submit' })).toBeEnabled();
    expect(within(dialog).getByRole('button', { name: 'Test Connection' })).toBeEnabled();
  });

  it('invalid address: inline error from the protocol schema, nothing sent', async () => {
    const { user, dialog } = await openRegisterNow();
    const input = within(dialog).getByRole('textbox', { name: 'Server Address' });
    await user.type(input, '172.16.63.131:49155');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Enter an address like https://host:port.');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(/Enter an address like https:\/\/host:port\./);
    expect(posts()).toHaveLength(0);
    // Fixing the address clears the message as you type.
    await user.clear(input);
    await user.type(input, 'https://172.16.63.131:49155');
    expect(input).toHaveAttribute('aria-invalid', 'false');
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });

  it('pending: Submit and Test Connection unavailable but focusable (focus stays put) while the BFF has not answered', async () => {
    const gate = deferred<Answer>();
    server.route('POST /api/registration/private-cloud', () => gate.promise);
    const { user, dialog } = await openRegisterNow();
    await user.type(within(dialog).getByRole('textbox', { name: 'Server Address' }), 'https://127.0.0.1:8081');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    const submit = within(dialog).getByRole('button', { name: 'Submit' });
    await waitFor(() => expect(submit).toHaveAttribute('aria-disabled', 'true'));
    expect(submit).toHaveFocus(); // aria-disabled, not disabled: focus does not fall to <body>
    expect(within(dialog).getByRole('status')).toHaveTextContent('Submitting…');
    const test = within(dialog).getByRole('button', { name: 'Test Connection' });
    expect(test).toHaveAttribute('aria-disabled', 'true');
    await user.click(submit); // a second click while pending sends nothing
    await user.click(test); // nor does Test Connection
    expect(posts()).toHaveLength(1);
    server.route('GET /api/registration', () => ({ status: 200, body: registered() }));
    gate.resolve({ status: 200, body: registerAnswer(registered()) });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('success: dialog closes, the page shows what the license grants and offers Re-register', async () => {
    const done = registered();
    server.route('POST /api/registration/private-cloud', () => ({ status: 200, body: registerAnswer(done) }));
    const { user, dialog } = await openRegisterNow();
    server.route('GET /api/registration', () => ({ status: 200, body: done }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Server Address' }), 'https://127.0.0.1:8081');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(posts()[0]?.body).toEqual({ serverUrl: 'https://127.0.0.1:8081' });
    expect(screen.getByText('Registration succeeded')).toBeInTheDocument();
    expect(screen.getByText('Acme Data Ltd.')).toBeInTheDocument();
    expect(screen.getByText('reports.acme.example')).toBeInTheDocument();
    expect(screen.getByText('10 / 3')).toBeInTheDocument();
    const reRegister = screen.getByRole('button', { name: 'Re-register' });
    expect(reRegister).toHaveFocus(); // focus returned to the page's action button
  });

  it('"Registration succeeded" lasts while registered and goes once the state moves on (e.g. a restart that needs a scan)', async () => {
    const done = registered();
    server.route('POST /api/registration/private-cloud', () => ({ status: 200, body: registerAnswer(done) }));
    const { user, dialog, view } = await openRegisterNow();
    server.route('GET /api/registration', () => ({ status: 200, body: done }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Server Address' }), 'https://127.0.0.1:8081');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    expect(await screen.findByText('Registration succeeded')).toBeInTheDocument();
    await view.queryClient.refetchQueries(); // still registered: the notice stays
    expect(screen.getByText('Registration succeeded')).toBeInTheDocument();
    server.route('GET /api/registration', () => ({ status: 200, body: failedCluster() }));
    await view.queryClient.refetchQueries();
    await waitFor(() => expect(screen.queryByText('Registration succeeded')).toBeNull());
    expect(document.querySelector('[data-status]')).toHaveTextContent('Registration failed');
    // And it does not come back when the node is registered again by someone else's action.
    server.route('GET /api/registration', () => ({ status: 200, body: done }));
    await view.queryClient.refetchQueries();
    await waitFor(() => expect(document.querySelector('[data-status]')).toHaveTextContent('Registered'));
    expect(screen.queryByText('Registration succeeded')).toBeNull();
  });

  it('failure: a pop-up lists every node and every reason, the first prominent, Details opens troubleshooting', async () => {
    const refused = failedCluster();
    server.route('POST /api/registration/private-cloud', () => ({ status: 200, body: registerAnswer(refused) }));
    const { user, dialog } = await openRegisterNow();
    server.route('GET /api/registration', () => ({ status: 200, body: refused }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Server Address' }), 'https://127.0.0.1:8081');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));

    const popup = await screen.findByRole('alertdialog', { name: 'Registration failed' });
    expect(within(popup).getByRole('heading', { name: 'Node node-a (10.0.0.11:8080)' })).toBeInTheDocument();
    expect(within(popup).getByRole('heading', { name: 'Node node-b (10.0.0.12:8080)' })).toBeInTheDocument();
    const items = within(popup).getAllByRole('listitem');
    expect(items.map((li) => li.dataset.reason)).toEqual([
      'LICENSE_IP_ERROR',
      'REPORT_VERSION_ERROR',
      'REGISTER_OUT_OF_LIMIT',
      'LICENSE_APPNAME_ERROR',
    ]);
    const [first, second] = items as [HTMLElement, HTMLElement];
    expect(first).toHaveClass('frr-reason--primary');
    expect(second).not.toHaveClass('frr-reason--primary');
    expect(first).toHaveTextContent('Disallowed IP address');
    expect(first).toHaveTextContent('30003 LICENSE_IP_ERROR');
    expect(first).toHaveTextContent(
      'The license server sees this node as 10.0.0.11, which is outside the allowed ranges 192.168.100.25-192.168.100.26, 192.168.0.1.',
    );
    expect(second).toHaveTextContent('Version mismatch');

    const details = within(first).getByRole('button', { name: 'Details' });
    expect(details).toHaveAttribute('aria-expanded', 'false');
    await user.click(details);
    expect(within(first).getByRole('button', { name: 'Hide details' })).toHaveAttribute('aria-expanded', 'true');
    for (const step of catalogue('LICENSE_IP_ERROR', 'en').troubleshooting) expect(within(first).getByText(step)).toBeInTheDocument();
    expect(within(first).getByText('Address the license server saw')).toBeInTheDocument();

    // Back returns to Register Now with the address as it was typed, to correct it.
    await user.click(within(popup).getByRole('button', { name: 'Back' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    const back = await screen.findByRole('dialog', { name: 'Register Now' });
    expect(within(back).getByRole('textbox', { name: 'Server Address' })).toHaveValue('https://127.0.0.1:8081');
    await user.click(within(back).getByRole('button', { name: 'Cancel' }));
    const row = screen.getByRole('row', { name: /node-a/ });
    expect(row).toHaveTextContent('Disallowed IP address +2 more');
    expect(within(row).getByRole('button', { name: /View Error Details/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Register Now' })).toHaveFocus();

    // Register Now again: the address of the failed attempt is kept for correction.
    await user.click(screen.getByRole('button', { name: 'Register Now' }));
    const again = await screen.findByRole('dialog', { name: 'Register Now' });
    expect(within(again).getByRole('textbox', { name: 'Server Address' })).toHaveValue('https://127.0.0.1:8081');
  });

  it('a catalogue error on Submit shows catalogue text in place, never the raw message', async () => {
    server.route('POST /api/registration/private-cloud', () => ({
      status: 403,
      body: { code: 40300, name: 'FORBIDDEN', message: 'RAW forbidden message' },
    }));
    const { user, dialog } = await openRegisterNow('zh-CN');
    await user.type(within(dialog).getByRole('textbox', { name: '服务器地址' }), 'https://127.0.0.1:8081');
    await user.click(within(dialog).getByRole('button', { name: '提交' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent(catalogue('FORBIDDEN', 'zh-CN').title);
    expect(alert).toHaveTextContent('只有管理员可以管理注册。');
    expect(dialog).not.toHaveTextContent('RAW forbidden message');
    expect(dialog).not.toHaveTextContent('[object Object]');
  });

  it('Test Connection: latency and fingerprint when it works, the reasons when it does not', async () => {
    const fingerprint = 'AB:CD:EF:01';
    server.route('POST /api/registration/private-cloud/test', (req) => {
      const url = (req.body as { serverUrl: string }).serverUrl;
      const ok = url === 'https://127.0.0.1:8081';
      const refusal = url === 'https://127.0.0.1:8082' ? reason('SERVER_NOT_ACTIVATED') : reason('CONNECTION_REFUSED', { host: '127.0.0.1', port: 9 });
      return {
        status: 200,
        body: connectionTestResultSchema.parse({
          ok,
          serverUrl: url,
          reasons: ok ? [] : [refusal],
          fingerprint: ok ? fingerprint : null,
          latencyMs: ok ? 12 : null,
        }),
      };
    });
    const { user, dialog } = await openRegisterNow();
    const input = within(dialog).getByRole('textbox', { name: 'Server Address' });
    await user.type(input, 'https://127.0.0.1:8081');
    await user.click(within(dialog).getByRole('button', { name: 'Test Connection' }));
    expect(await within(dialog).findByText('Connected in 12 ms.')).toBeInTheDocument();
    expect(within(dialog).getByText(`Certificate fingerprint (SHA-256): ${fingerprint}`)).toBeInTheDocument();

    await user.clear(input);
    await user.type(input, 'https://127.0.0.1:9');
    await user.click(within(dialog).getByRole('button', { name: 'Test Connection' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Could not connect to the license server');
    expect(alert).toHaveTextContent('Connection refused');
    expect(alert).toHaveTextContent('127.0.0.1:9 refused the connection');

    // A server that answers and refuses is not a connection problem: it must not read like one.
    await user.clear(input);
    await user.type(input, 'https://127.0.0.1:8082');
    await user.click(within(dialog).getByRole('button', { name: 'Test Connection' }));
    await waitFor(() => expect(within(dialog).getByRole('alert')).toHaveTextContent('Connected, but the license server refuses this report server'));
    expect(within(dialog).getByRole('alert')).not.toHaveTextContent('Could not connect');
  });

  it('registration key: asked for only when the server wants one; typed once, sent with the Submit', async () => {
    const refusedForKey = (key: string | undefined) => {
      const answer = registerAnswer(unregistered());
      const name = key === undefined ? 'REGISTRATION_KEY_REQUIRED' : 'REGISTRATION_KEY_INVALID';
      return { ...answer, ok: false, failures: [{ nodeId: 'node-a', address: '10.0.0.11:8080', reasons: [reason(name)] }] };
    };
    const done = registered();
    server.route('POST /api/registration/private-cloud', (req) => {
      const key = (req.body as { registrationKey?: string }).registrationKey;
      return { status: 200, body: key === 'the-right-key-0123456789' ? registerAnswer(done) : refusedForKey(key) };
    });
    const { user, dialog } = await openRegisterNow();
    expect(within(dialog).queryByLabelText('Registration key')).toBeNull();
    await user.type(within(dialog).getByRole('textbox', { name: 'Server Address' }), 'https://127.0.0.1:8081');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    const field = await within(dialog).findByLabelText('Registration key');
    await waitFor(() => expect(field).toHaveFocus());
    expect(field).toHaveAttribute('type', 'password');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Registration key required');
    expect(posts()[0]?.body).toEqual({ serverUrl: 'https://127.0.0.1:8081' });
    // Too short: refused in place by the protocol schema, nothing sent.
    await user.type(field, 'short');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    expect(await within(dialog).findByText('Enter the key as the operator gave it: 16 to 256 characters, no spaces.')).toBeInTheDocument();
    expect(posts()).toHaveLength(1);
    await user.clear(field);
    await user.type(field, 'the-wrong-key-0123456789');
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    expect(await within(dialog).findByText('Wrong registration key')).toBeInTheDocument();
    await user.clear(field);
    await user.type(field, 'the-right-key-0123456789');
    server.route('GET /api/registration', () => ({ status: 200, body: done }));
    await user.click(within(dialog).getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(posts().at(-1)?.body).toEqual({ serverUrl: 'https://127.0.0.1:8081', registrationKey: 'the-right-key-0123456789' });
  });

  it('registration key: Test Connection against a server that wants one shows the field', async () => {
    server.route('POST /api/registration/private-cloud/test', (req) => ({
      status: 200,
      body: connectionTestResultSchema.parse({
        ok: true,
        serverUrl: (req.body as { serverUrl: string }).serverUrl,
        reasons: [],
        fingerprint: 'AB:CD',
        latencyMs: 5,
        registrationKeyRequired: true,
      }),
    }));
    const { user, dialog } = await openRegisterNow('zh-CN');
    await user.type(within(dialog).getByRole('textbox', { name: '服务器地址' }), 'https://127.0.0.1:8081');
    await user.click(within(dialog).getByRole('button', { name: '测试连接' }));
    expect(await within(dialog).findByLabelText('注册密钥')).toBeInTheDocument();
    expect(dialog).toHaveTextContent('该授权服务器只接受持有其注册密钥的报表服务器注册');
  });

  it('Escape closes the dialog and focus returns to Register Now; Tab stays inside', async () => {
    const { user, dialog } = await openRegisterNow();
    const buttons = within(dialog).getAllByRole('button');
    buttons[buttons.length - 1]?.focus(); // Submit, the last focusable
    await user.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('button', { name: 'Register Now' })).toHaveFocus();
  });
});
