/** Query keys of the registration feature, all rooted at `['registration']` so one invalidation refreshes all. */
export const registrationKeys = {
  all: ['registration'] as const,
  state: () => ['registration', 'state'] as const,
  history: (filters: { kind?: string; node?: string }) => ['registration', 'history', filters] as const,
};
