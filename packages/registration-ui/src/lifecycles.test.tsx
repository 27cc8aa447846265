import { act, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unregistered } from './testing/fixtures.ts';
import { startTestServer, type TestServer } from './testing/test-server.ts';
import { bootstrap, mount, unmount, update } from './lifecycles.ts';
import type { HostPropsInput } from './host-props.ts';

let server: TestServer;
let containers: HTMLElement[];
beforeEach(async () => {
  server = await startTestServer({ 'GET /api/registration': () => ({ status: 200, body: unregistered() }) });
  containers = [];
});
afterEach(async () => {
  for (const container of containers) await act(() => unmount({ container }));
  for (const container of containers) container.remove();
  await server.close();
});

function container(): HTMLElement {
  const el = document.createElement('div');
  document.body.appendChild(el);
  containers.push(el);
  return el;
}

function props(el: Element, overrides: Partial<HostPropsInput> = {}): HostPropsInput {
  return {
    container: el,
    basename: '/admin/registration',
    locale: 'zh-CN',
    apiBaseUrl: server.url,
    getAccessToken: () => 'tok',
    navigate: () => {},
    onUnauthorized: () => {},
    ...overrides,
  };
}

describe('lifecycles', () => {
  it('bootstrap → mount → update (locale switch relabels live) → unmount, twice is a no-op', async () => {
    const el = container();
    await bootstrap();
    await bootstrap();
    await act(() => mount(props(el)));
    expect(await within(el).findByRole('button', { name: '立即注册' })).toBeInTheDocument();
    expect(el.querySelector('.frr-root')?.getAttribute('lang')).toBe('zh-CN');

    await act(() => update({ container: el, locale: 'en' }));
    expect(await within(el).findByRole('button', { name: 'Register Now' })).toBeInTheDocument();
    expect(within(el).getByRole('heading', { name: 'Registration Information' })).toBeInTheDocument();
    expect(el.querySelector('.frr-root')?.getAttribute('lang')).toBe('en');

    await act(() => unmount({ container: el }));
    expect(el.childElementCount).toBe(0);
    await act(() => unmount({ container: el }));
    expect(el.childElementCount).toBe(0);
    await expect(update({ container: el, locale: 'zh-CN' })).rejects.toThrow(/not mounted/);
  });

  it('mounting the same container again updates it instead of mounting twice', async () => {
    const el = container();
    await act(() => mount(props(el)));
    await act(() => mount(props(el, { locale: 'en' })));
    expect(el.querySelectorAll('.frr-root')).toHaveLength(1);
    expect(await within(el).findByRole('button', { name: 'Register Now' })).toBeInTheDocument();
  });

  it('two containers at once: independent languages, caches and dialogs', async () => {
    const a = container();
    const b = container();
    await act(() => mount(props(a, { locale: 'zh-CN' })));
    await act(() => mount(props(b, { locale: 'en' })));
    expect(await within(a).findByRole('button', { name: '立即注册' })).toBeInTheDocument();
    expect(await within(b).findByRole('button', { name: 'Register Now' })).toBeInTheDocument();

    // A dialog opened in b portals into b's own layer, not document.body and not a.
    await act(async () => within(b).getByRole('button', { name: 'Register Now' }).click());
    const dialog = await within(b).findByRole('dialog', { name: 'Register Now' });
    expect(b.querySelector('.frr-layer')?.contains(dialog)).toBe(true);
    expect(within(a).queryByRole('dialog')).toBeNull();

    await act(() => unmount({ container: a }));
    expect(a.childElementCount).toBe(0);
    expect(within(b).getByRole('dialog', { name: 'Register Now' })).toBeInTheDocument();
    await act(() => update({ container: b, locale: 'zh-CN' }));
    expect(await within(b).findByRole('dialog', { name: '立即注册' })).toBeInTheDocument();
  });

  it('theme overrides become CSS variables on the module wrapper and follow update', async () => {
    const el = container();
    await act(() => mount(props(el, { theme: { '--frr-primary': '#0a58ca' } })));
    const wrapper = el.querySelector('.frr-root') as HTMLElement;
    expect(wrapper.style.getPropertyValue('--frr-primary')).toBe('#0a58ca');
    expect(el.querySelector('style')?.textContent).toContain('.frr-root');
    await act(() => update({ container: el, theme: { '--frr-radius': '8px' } }));
    expect(wrapper.style.getPropertyValue('--frr-primary')).toBe('');
    expect(wrapper.style.getPropertyValue('--frr-radius')).toBe('8px');
  });

  it('sends the token of the getter given by the latest update', async () => {
    const el = container();
    await act(() => mount(props(el, { getAccessToken: () => 'first' })));
    await within(el).findByRole('button', { name: '立即注册' });
    await act(() => update({ container: el, getAccessToken: async () => 'second' }));
    await act(async () => within(el).getByRole('button', { name: '立即注册' }).click());
    const dialog = await within(el).findByRole('dialog');
    server.route('POST /api/registration/private-cloud/test', () => ({
      status: 200,
      body: { ok: true, serverUrl: 'https://127.0.0.1:8081', reasons: [], fingerprint: null, latencyMs: 3 },
    }));
    const input = within(dialog).getByRole('textbox') as HTMLInputElement;
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      setter?.call(input, 'https://127.0.0.1:8081');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => within(dialog).getByRole('button', { name: '测试连接' }).click());
    await within(dialog).findByText('连接成功，耗时 3 毫秒。');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer first');
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer second');
  });

  it.each([
    ['container', { container: 'not-an-element' }],
    ['getAccessToken', { getAccessToken: 'token' }],
    ['locale', { locale: 'fr' }],
    ['apiBaseUrl', { apiBaseUrl: 'ftp://x' }],
    ['theme', { theme: { color: 'red' } }],
    ['onUnauthorized', { onUnauthorized: undefined }],
  ])('rejects invalid props naming %s', async (name, bad) => {
    const el = container();
    const input = { ...props(el), ...bad } as unknown as HostPropsInput;
    await expect(mount(input)).rejects.toThrow(new RegExp(`Invalid registration host props: .*${name}`));
    expect(el.childElementCount).toBe(0);
  });

  it('renders nothing into document.body outside the container', async () => {
    const el = container();
    await act(() => mount(props(el)));
    await within(el).findByRole('button', { name: '立即注册' });
    const outside = [...document.body.children].filter((c) => !containers.includes(c as HTMLElement));
    expect(outside).toHaveLength(0);
    expect(screen.getAllByRole('button', { name: '立即注册' })).toHaveLength(1);
  });
});
