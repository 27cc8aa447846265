import { createContext, useContext } from 'react';

/** The element inside the module's container that dialogs portal into (never document.body). */
export const PortalTargetContext = createContext<Element | null>(null);

export function usePortalTarget(): Element {
  const target = useContext(PortalTargetContext);
  if (!target) throw new Error('usePortalTarget outside <AppProvider>');
  return target;
}
