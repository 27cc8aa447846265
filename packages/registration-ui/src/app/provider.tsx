import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { i18n as I18n } from 'i18next';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { PortalTargetContext } from '../components/portal-target.ts';
import { ApiClientContext } from '../lib/api-context.ts';
import type { ApiClient } from '../lib/api-client.ts';

export interface AppProviderProps {
  i18n: I18n;
  queryClient: QueryClient;
  api: ApiClient;
  portalTarget: Element;
  children: ReactNode;
}

/** Everything one mount owns, handed down by context: i18n, query cache, BFF client, dialog layer. */
export function AppProvider({ i18n, queryClient, api, portalTarget, children }: AppProviderProps) {
  return (
    <I18nextProvider i18n={i18n} defaultNS="registration">
      <QueryClientProvider client={queryClient}>
        <ApiClientContext.Provider value={api}>
          <PortalTargetContext.Provider value={portalTarget}>{children}</PortalTargetContext.Provider>
        </ApiClientContext.Provider>
      </QueryClientProvider>
    </I18nextProvider>
  );
}
