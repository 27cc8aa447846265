import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One fixed answer: every GET of its path gets these bytes. */
export interface FixedAnswer {
  contentType: string;
  body: string | Buffer;
}

export interface PageServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests that had no fixed answer (`GET /api/x` → count), so the bench can say what it did not serve. */
  unanswered: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A static HTTP server on 127.0.0.1 (ephemeral port) that serves fixed answers from memory, so the
 * scripts and API answers of every page cost the same network and no disk. `no-store` everywhere: each
 * load fetches and compiles its script afresh. Anything else is a 404, counted in `unanswered`.
 */
export async function startPageServer(answers: Record<string, FixedAnswer>): Promise<PageServer> {
  const unanswered = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const answer = req.method === 'GET' ? answers[pathname] : undefined;
    if (answer) {
      res.writeHead(200, { 'content-type': answer.contentType, 'cache-control': 'no-store' });
      res.end(answer.body);
      return;
    }
    if (pathname !== '/favicon.ico') {
      const key = `${req.method ?? '?'} ${pathname}`;
      unanswered.set(key, (unanswered.get(key) ?? 0) + 1);
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('not served by the page-load bench');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    unanswered,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive sockets would hold close() open
      }),
  };
}
