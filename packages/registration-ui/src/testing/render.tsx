import { render, type RenderResult } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { Locale } from '@registration/protocol/catalogue';
import { createHostDom, type HostDom } from '../app/host-dom.ts';
import { AppProvider } from '../app/provider.tsx';
import { createQueryClient } from '../app/query-client.ts';
import { createApiClient } from '../lib/api-client.ts';
import { createI18n } from '../lib/i18n.ts';

export interface RenderOptions {
  locale?: Locale;
  /** Base URL of a real (test) server; the default points at a closed port, for components that fetch nothing. */
  apiBaseUrl?: string;
  token?: string;
}

const mounted = new Set<HostDom>();

/**
 * Renders `ui` exactly as a mount would (same providers, i18next instance, QueryClient, hc client and
 * dialog layer inside the container), so component tests see the real data layer and real catalogue.
 */
export function renderInApp(ui: ReactNode, options: RenderOptions = {}) {
  const host = document.createElement('section');
  document.body.appendChild(host);
  const dom = createHostDom(host);
  mounted.add(dom);
  const i18n = createI18n(options.locale ?? 'zh-CN');
  const queryClient = createQueryClient();
  const unauthorized: number[] = [];
  const api = createApiClient({
    baseUrl: options.apiBaseUrl ?? 'http://127.0.0.1:9',
    getAccessToken: () => options.token ?? 'test-token',
    onUnauthorized: () => unauthorized.push(Date.now()),
  });
  const result: RenderResult = render(
    <AppProvider i18n={i18n} queryClient={queryClient} api={api} portalTarget={dom.layer}>
      {ui}
    </AppProvider>,
    { container: dom.mountPoint },
  );
  return { ...result, host, dom, i18n, queryClient, unauthorized };
}

/** Removes what `renderInApp` added to the document (testing-library unmounts the React side). */
export function removeRendered(): void {
  for (const dom of mounted) dom.wrapper.parentElement?.remove();
  mounted.clear();
}
