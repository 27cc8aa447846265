import { createRoot } from 'react-dom/client';
import { RegistrationPage } from '../features/registration/components/registration-page.tsx';
import type { HostProps } from '../host-props.ts';
import { createApiClient, type ApiClient } from '../lib/api-client.ts';
import { createI18n } from '../lib/i18n.ts';
import { createHostDom } from './host-dom.ts';
import { AppProvider } from './provider.tsx';
import { createQueryClient } from './query-client.ts';

/** One mounted module in one container. */
export interface Instance {
  update(props: HostProps): void;
  unmount(): void;
}

let sequence = 0;

/** Mounts the module into `props.container`: its own DOM wrapper, React root, QueryClient and i18next. */
export function createInstance(props: HostProps): Instance {
  let current = props;
  const dom = createHostDom(props.container);
  const i18n = createI18n(props.locale);
  const queryClient = createQueryClient();
  // useId prefixes keep ids unique when several instances share one document.
  const root = createRoot(dom.mountPoint, { identifierPrefix: `frr${++sequence}-` });

  // Token and 401 handler are read at call time, so update() can swap them without a new client.
  const makeApi = (): ApiClient =>
    createApiClient({
      baseUrl: current.apiBaseUrl,
      getAccessToken: () => current.getAccessToken(),
      onUnauthorized: () => current.onUnauthorized(),
    });
  let api = makeApi();

  const render = () =>
    root.render(
      <AppProvider i18n={i18n} queryClient={queryClient} api={api} portalTarget={dom.layer}>
        <RegistrationPage />
      </AppProvider>,
    );

  dom.setLocale(props.locale);
  dom.applyTheme(props.theme);
  render();

  return {
    update(next) {
      const previous = current;
      current = next;
      if (next.locale !== previous.locale) {
        void i18n.changeLanguage(next.locale);
        dom.setLocale(next.locale);
      }
      if (next.apiBaseUrl !== previous.apiBaseUrl) {
        api = makeApi();
        queryClient.clear(); // answers of another BFF must not show under this one
      }
      dom.applyTheme(next.theme);
      render();
    },
    unmount() {
      root.unmount();
      queryClient.clear();
      dom.destroy();
    },
  };
}
