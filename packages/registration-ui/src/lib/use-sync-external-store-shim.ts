// Build alias for `use-sync-external-store/shim` (imported by react-i18next). That shim is CommonJS
// doing `require('react')`, which an ESM bundle with React external cannot run in a browser; React 18+
// has the hook built in, so the shim is only this re-export.
export { useSyncExternalStore } from 'react';
