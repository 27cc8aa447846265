import { QueryClient } from '@tanstack/react-query';
import { ApiRequestError } from '../lib/api-error.ts';

/** Transient failures (no answer, 5xx) are worth a retry; a catalogue refusal (4xx) will not change. */
function isTransient(error: unknown): boolean {
  return error instanceof ApiRequestError && (error.kind === 'network' || (error.status ?? 0) >= 500);
}

/** A fresh QueryClient per mount, so two instances never share a cache. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 10_000, retry: (failures, error) => failures < 2 && isTransient(error) },
      mutations: { retry: false },
    },
  });
}
