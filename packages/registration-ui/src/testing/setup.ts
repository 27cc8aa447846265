import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import './dom-matchers.ts';
import { installDialogPolyfill } from './dialog-polyfill.ts';
import { removeRendered } from './render.tsx';

installDialogPolyfill();

// Vitest runs without globals, so testing-library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  removeRendered();
});
