import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the test server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string's parameters. */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** An answer; `body` is sent as JSON unless `raw` is given. */
export interface Answer {
  status: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export type Route = (req: RecordedRequest) => Answer | Promise<Answer>;

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  /** Sets (or replaces) the answer for `METHOD /path`. */
  route(key: string, route: Route): void;
  close(): Promise<void>;
}

/** JSON bodies parsed; anything else (a multipart upload) kept as raw text. */
function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * A tiny real HTTP server on 127.0.0.1 (ephemeral port) standing in for the BFF, so the UI's whole
 * data layer (hc client, fetch, schema parsing, error mapping) runs for real in component tests.
 */
export async function startTestServer(routes: Record<string, Route> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: parseBody(text),
      };
      const cors = {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-allow-methods': 'GET, POST, DELETE',
      };
      if (recorded.method === 'OPTIONS') {
        res.writeHead(204, cors).end();
        return;
      }
      requests.push(recorded);
      const route = table.get(`${recorded.method} ${path}`);
      const answer = route
        ? Promise.resolve(route(recorded))
        : Promise.resolve<Answer>({ status: 404, body: { code: 40400, name: 'NOT_FOUND', message: 'Not found' } });
      answer.then(
        (a) => {
          const headers = { ...cors, 'content-type': 'application/json', ...a.headers };
          res.writeHead(a.status, headers).end(a.raw ?? JSON.stringify(a.body ?? null));
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (key, route) => table.set(key, route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A promise the test resolves by hand: holds an answer back to observe pending states without sleeping. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
