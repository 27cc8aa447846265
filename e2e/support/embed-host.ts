import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT } from '../../scripts/lib/processes.ts';

const IIFE = path.join(ROOT, 'packages/registration-ui/dist/iife/registration-ui.iife.js');
const HOSTS = path.join(ROOT, 'e2e/hosts');

/** Builds the module's IIFE from the current source (what a host downloads). */
export function buildModule(): void {
  execFileSync('pnpm', ['--filter', '@registration/ui', 'exec', 'vite', 'build', '--mode', 'iife', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

export interface EmbedHost {
  origin: string;
  close(): Promise<void>;
}

/**
 * A host's web server on its own origin: its pages (e2e/hosts), qiankun's UMD build from npm, the
 * module's IIFE under /frr/, and /api/* passed to the BFF as a same-origin reverse proxy would.
 */
export async function startEmbedHost(port: number, bffUrl: string): Promise<EmbedHost> {
  const qiankun = createRequire(path.join(ROOT, 'package.json')).resolve('qiankun/dist/index.umd.min.js');
  const files: Record<string, () => Promise<[string, Buffer]>> = {
    '/qiankun.js': async () => ['text/javascript', await readFile(qiankun)],
    '/frr/registration-ui.iife.js': async () => ['text/javascript', await readFile(IIFE)],
    '/frr/micro-app.html': async () => ['text/html', await readFile(path.join(HOSTS, 'micro-app.html'))],
    '/qiankun.html': async () => ['text/html', await readFile(path.join(HOSTS, 'qiankun.html'))],
    '/script.html': async () => ['text/html', await readFile(path.join(HOSTS, 'script.html'))],
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname.startsWith('/api/')) {
      const target = new URL(url.pathname + url.search, bffUrl);
      const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => {
        res.writeHead(502).end();
      });
      req.pipe(upstream);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = files[url.pathname];
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    // ?csp=strict: a host whose Content-Security-Policy forbids eval and new Function.
    const csp = url.searchParams.get('csp') === 'strict' ? { 'content-security-policy': "script-src 'self' 'unsafe-inline'" } : {};
    file().then(
      ([type, body]) => res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', ...csp }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An admin's access token from the shell's login endpoint (the platform's own sign-in). */
export async function adminToken(shellUrl: string): Promise<string> {
  const res = await fetch(`${shellUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'admin' }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
