import { act, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unregistered } from './testing/fixtures.ts';
import { startTestServer, type TestServer } from './testing/test-server.ts';
import { defineRegistrationElement, ELEMENT_EVENTS } from './custom-element.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ 'GET /api/registration': () => ({ status: 200, body: unregistered() }) });
  defineRegistrationElement();
});
afterEach(() => server.close());

type RegistrationElement = HTMLElement & { getAccessToken?: () => string; theme?: Record<string, string> };

describe('<fr-registration>', () => {
  it('mounts when connected with a token getter, follows attribute changes, unmounts when removed', async () => {
    const el = document.createElement('fr-registration') as RegistrationElement;
    el.setAttribute('api-base-url', server.url);
    el.setAttribute('locale', 'en');
    el.getAccessToken = () => 'element-token'; // set before connecting: kept and used once connected
    await act(async () => document.body.appendChild(el));
    expect(await within(el).findByRole('button', { name: 'Register Now' })).toBeInTheDocument();
    expect(server.requests[0]?.headers.authorization).toBe('Bearer element-token');

    await act(async () => el.setAttribute('locale', 'zh-CN'));
    expect(await within(el).findByRole('button', { name: '立即注册' })).toBeInTheDocument();

    await act(async () => el.remove());
    await act(async () => {}); // unmount lets the host's commit finish first
    expect(el.childElementCount).toBe(0);
  });

  it('waits for getAccessToken, and reports invalid attributes as an event instead of throwing', async () => {
    const el = document.createElement('fr-registration') as RegistrationElement;
    el.setAttribute('api-base-url', server.url);
    el.setAttribute('locale', 'fr');
    const errors: string[] = [];
    el.addEventListener(ELEMENT_EVENTS.error, (e) => errors.push((e as CustomEvent<{ message: string }>).detail.message));
    await act(async () => document.body.appendChild(el));
    expect(el.childElementCount).toBe(0); // no token getter yet: nothing mounted, nothing fetched
    expect(server.requests).toHaveLength(0);
    await act(async () => {
      el.getAccessToken = () => 't';
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/locale/);
    await act(async () => el.setAttribute('locale', 'en'));
    expect(await within(el).findByRole('button', { name: 'Register Now' })).toBeInTheDocument();
    await act(async () => el.remove());
  });

  it('without an onUnauthorized property, a 401 becomes a bubbling event', async () => {
    server.route('GET /api/registration', () => ({ status: 401, body: { code: 40100, name: 'UNAUTHORIZED', message: 'x' } }));
    const el = document.createElement('fr-registration') as RegistrationElement;
    el.setAttribute('api-base-url', server.url);
    let events = 0;
    document.addEventListener(ELEMENT_EVENTS.unauthorized, () => events++);
    el.getAccessToken = () => 't';
    await act(async () => document.body.appendChild(el));
    expect(await within(el).findByRole('alert')).toHaveTextContent('未登录');
    expect(events).toBe(1);
    await act(async () => el.remove());
  });

  it('isolation="shadow" renders into a shadow root of the element; refresh() asks the BFF again at once', async () => {
    const el = document.createElement('fr-registration') as RegistrationElement & { refresh(): Promise<void> };
    el.setAttribute('api-base-url', server.url);
    el.setAttribute('locale', 'en');
    el.setAttribute('isolation', 'shadow');
    el.getAccessToken = () => 't';
    await act(async () => document.body.appendChild(el));
    const shadow = el.shadowRoot as unknown as HTMLElement;
    expect(shadow).not.toBeNull();
    expect((await within(shadow).findByRole('button', { name: 'Register Now' })).isConnected).toBe(true);
    expect(el.querySelector('.frr-root')).toBeNull(); // nothing in the light DOM
    const before = server.requests.length;
    await act(() => el.refresh());
    expect(server.requests.length).toBeGreaterThan(before);
    await act(async () => el.remove());
  });
});
