import { useCallback, useSyncExternalStore } from 'react';

// Hash routing (`/#/system/registration`) keeps the demo servable by any static host.
function readPath(): string {
  const raw = window.location.hash.replace(/^#/, '');
  return raw.startsWith('/') ? raw : '/';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current hash path and a way to go somewhere else (`replace` keeps history clean for redirects). */
export function useHashRoute(): [string, (path: string, options?: { replace?: boolean }) => void] {
  const path = useSyncExternalStore(subscribe, readPath);
  const navigate = useCallback((to: string, options?: { replace?: boolean }) => {
    const target = to.startsWith('/') ? to : `/${to}`;
    if (target === readPath()) return;
    if (options?.replace) {
      const url = new URL(window.location.href);
      url.hash = target;
      window.history.replaceState(window.history.state, '', url);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } else {
      window.location.hash = target;
    }
  }, []);
  return [path, navigate];
}

/** Whether `path` is `base` or below it. */
export function isUnder(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}
