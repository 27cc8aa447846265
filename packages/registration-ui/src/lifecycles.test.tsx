import { act, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unregistered } from './testing/fixtures.ts';
import { startTestServer, type TestServer } from './testing/test-server.ts';
import { bootstrap, createLifecycles, mount, refresh, unmount, update } from './lifecycles.ts';
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

function props(el: Element | ShadowRoot, overrides: Partial<HostPropsInput> = {}): HostPropsInput {
  return {
    container: el,
    locale: 'zh-CN',
    apiBaseUrl: server.url,
    getAccessToken: () => 'tok',
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
    ['onUnauthorized', { onUnauthorized: 'logout' }],
    ['isolation', { isolation: 'iframe' }],
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

  it('needs only container and getAccessToken: same-origin API, zh-CN, no navigation, nothing else asked', async () => {
    const el = container();
    const set = createLifecycles();
    // jsdom's page origin is not the test server's, so point the same-origin default at it via <base>.
    await act(() => set.mount({ container: el, getAccessToken: () => 'tok', apiBaseUrl: server.url }));
    expect(await within(el).findByRole('button', { name: '立即注册' })).toBeInTheDocument();
    await act(() => set.unmount({ container: el }));
    await expect(set.mount({ container: el } as unknown as HostPropsInput)).rejects.toThrow(/getAccessToken: must be a function/);
  });

  it('update, refresh and unmount without a container reach the only instance of their set (as qiankun calls them)', async () => {
    const el = container();
    const set = createLifecycles();
    await act(() => set.mount(props(el)));
    await within(el).findByRole('button', { name: '立即注册' });
    await act(() => set.update({ locale: 'en' }));
    expect(await within(el).findByRole('button', { name: 'Register Now' })).toBeInTheDocument();
    const before = server.requests.length;
    await act(() => set.refresh());
    expect(server.requests.length).toBeGreaterThan(before);
    await act(() => set.unmount());
    expect(el.childElementCount).toBe(0);
    await act(() => set.unmount()); // nothing mounted: a no-op
  });

  it('refuses update without a container when two instances are mounted, naming the fix', async () => {
    const set = createLifecycles();
    const a = container();
    const b = container();
    await act(() => set.mount(props(a)));
    await act(() => set.mount(props(b)));
    await expect(set.update({ locale: 'en' })).rejects.toThrow(/2 instances are mounted; pass the container/);
    await act(() => set.unmount({ container: a }));
    await act(() => set.unmount({ container: b }));
  });

  it('mounts into a ShadowRoot (qiankun strictStyleIsolation), styles inside it, dialogs too', async () => {
    const host = container();
    const shadow = host.attachShadow({ mode: 'open' });
    await act(() => mount(props(shadow)));
    const button = await within(shadow as unknown as HTMLElement).findByRole('button', { name: '立即注册' });
    expect(shadow.querySelector('style')?.textContent).toContain('.frr-root');
    expect(host.childElementCount).toBe(0); // nothing in the light DOM
    await act(async () => button.click());
    const dialog = await within(shadow as unknown as HTMLElement).findByRole('dialog', { name: '立即注册' });
    expect(shadow.contains(dialog)).toBe(true);
    await act(() => unmount({ container: shadow }));
    expect(shadow.childElementCount).toBe(0);
  });

  it("isolation: 'shadow' renders into a shadow root of the container's own; a <table> container is refused clearly", async () => {
    const el = container();
    await act(() => mount(props(el, { isolation: 'shadow' })));
    expect(el.shadowRoot).not.toBeNull();
    expect((await within(el.shadowRoot as unknown as HTMLElement).findByRole('button', { name: '立即注册' })).isConnected).toBe(true);
    expect(el.querySelector('.frr-root')).toBeNull();
    await act(() => unmount({ container: el }));
    expect(el.shadowRoot?.childElementCount).toBe(0);

    const table = document.createElement('table');
    document.body.appendChild(table);
    containers.push(table);
    await expect(mount(props(table, { isolation: 'shadow' }))).rejects.toThrow(/<table> cannot hold a shadow root/);
  });

  it("applies locale and theme from qiankun's global state live, and ignores what is not ours", async () => {
    const el = container();
    let listener: ((state: Record<string, unknown>) => void) | undefined;
    const onGlobalStateChange = (cb: (state: Record<string, unknown>) => void, fire?: boolean) => {
      listener = cb;
      if (fire) cb({ user: 'x' });
    };
    await act(() => mount(props(el, { onGlobalStateChange })));
    await within(el).findByRole('button', { name: '立即注册' });
    await act(async () => listener?.({ locale: 'en', theme: { '--frr-primary': '#123456' }, other: 1 }));
    expect(await within(el).findByRole('button', { name: 'Register Now' })).toBeInTheDocument();
    expect((el.querySelector('.frr-root') as HTMLElement).style.getPropertyValue('--frr-primary')).toBe('#123456');
    await act(async () => listener?.({ locale: 'fr' })); // not a locale of ours: ignored, nothing breaks
    expect(within(el).getByRole('button', { name: 'Register Now' })).toBeInTheDocument();
  });

  it('calls onUnauthorized once per episode of refused tokens, not on every poll; refresh with a new token ends it', async () => {
    let token = 'old';
    server.route('GET /api/registration', (req) =>
      req.headers.authorization === 'Bearer new'
        ? { status: 200, body: unregistered() }
        : { status: 401, body: { code: 40100, name: 'UNAUTHORIZED', message: 'x' } },
    );
    const el = container();
    let calls = 0;
    await act(() => mount(props(el, { getAccessToken: () => token, onUnauthorized: () => calls++ })));
    await within(el).findByRole('alert');
    // Two more polls (every 3 s) meet the same refusal.
    await act(() => new Promise((r) => setTimeout(r, 6_500)));
    expect(server.requests.filter((r) => r.path === '/api/registration').length).toBeGreaterThanOrEqual(3);
    expect(calls).toBe(1);
    token = 'new';
    await act(() => refresh({ container: el }));
    expect(await within(el).findByRole('button', { name: '立即注册' })).toBeInTheDocument();
    expect(calls).toBe(1);
  }, 15_000);
});
