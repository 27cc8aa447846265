import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';
import { authPlugin } from './src/server/auth-plugin.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${name} must be a port number (1-65535), got "${raw}"`);
  }
  return n;
}

function url(name: string, fallback: string): string {
  const raw = process.env[name] || fallback;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    throw new Error(`${name} must be an http(s) URL, got "${raw}"`);
  }
  return raw;
}

const host = process.env.SHELL_HOST || 'localhost';
const demoDir = process.env.DEMO_DIR ? resolve(process.env.DEMO_DIR) : resolve(repoRoot, '.demo');
const privateKeyPath = process.env.AUTH_PRIVATE_KEY
  ? resolve(process.env.AUTH_PRIVATE_KEY)
  : resolve(demoDir, 'platform/platform.secret.jwk.json');
const bffUrl = url('BFF_URL', 'http://127.0.0.1:8080');

// changeOrigin stays false: the browser's Origin (http://localhost:5173 by default) reaches the
// BFF untouched, and that is what its CSRF check compares with ALLOWED_ORIGINS.
const proxy = { '/api': { target: bffUrl, changeOrigin: false } };

export default defineConfig({
  plugins: [react(), authPlugin({ privateKeyPath })],
  // Workspace packages export their TypeScript source under the `source` condition (consumers get dist).
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: { host, port: port('SHELL_PORT', 5173), strictPort: true, proxy },
  preview: { host, port: port('SHELL_PORT', 5173), strictPort: true, proxy },
});
