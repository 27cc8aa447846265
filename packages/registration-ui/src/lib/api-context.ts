import { createContext, useContext } from 'react';
import type { ApiClient } from './api-client.ts';

/** The mount's BFF client. */
export const ApiClientContext = createContext<ApiClient | null>(null);

/** The mount's BFF client; throws outside the module's provider (a wiring bug, not a user error). */
export function useApiClient(): ApiClient {
  const client = useContext(ApiClientContext);
  if (!client) throw new Error('useApiClient outside <AppProvider>');
  return client;
}
