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
  /** Refetches everything now; the token is asked of the host's getter again. */
  refresh(): Promise<void>;
  unmount(): void;
}

let sequence = 0;

/** Mounts the module into `props.container`: its own DOM wrapper, React root, QueryClient and i18next. */
export function createInstance(props: HostProps): Instance {
  let current = props;
  const dom = createHostDom(props.container, props.isolation);
  const i18n = createI18n(props.locale);
  const queryClient = createQueryClient();
  // useId prefixes keep ids unique when several instances share one document.
  const root = createRoot(dom.mountPoint, { identifierPrefix: `frr${++sequence}-` });

  // The host hears of refused tokens once per episode: a poll every few seconds would otherwise call
  // it over and over (a host that opens a login dialog would open it again and again). Any answer that
  // is not a 401 ends the episode, and so does the host itself by `refresh()` or a new token getter.
  let refused = false;
  const makeApi = (): ApiClient =>
    createApiClient({
      baseUrl: current.apiBaseUrl,
      // Token and handler are read at call time, so update() can swap them without a new client.
      getAccessToken: () => current.getAccessToken(),
      onUnauthorized: () => {
        if (refused) return;
        refused = true;
        current.onUnauthorized();
      },
      onAuthorized: () => {
        refused = false;
      },
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

  const refresh = () => {
    refused = false;
    return queryClient.invalidateQueries();
  };

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
      } else if (next.getAccessToken !== previous.getAccessToken) {
        void refresh(); // a new token getter: what the old token could not read is worth asking again
      }
      dom.applyTheme(next.theme);
      render();
    },
    refresh,
    unmount() {
      root.unmount();
      queryClient.clear();
      dom.destroy();
    },
  };
}
