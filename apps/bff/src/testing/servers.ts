import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';

/** A server on an ephemeral loopback port, closed with every connection it still has. */
export interface LoopbackServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function listen(server: net.Server, scheme: string, closeAll: () => void, port = 0): Promise<LoopbackServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `${scheme}://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            closeAll();
            server.close(() => done());
          }),
      });
    });
  });
}

/** HTTPS on 127.0.0.1 with the given certificate, on `port` (default: any free one). */
export function listenHttps(tls: { cert: string; key: string }, handler: http.RequestListener, port = 0): Promise<LoopbackServer> {
  const server = https.createServer({ cert: tls.cert, key: tls.key }, handler);
  return listen(server, 'https', () => server.closeAllConnections(), port);
}

/** Plain HTTP on 127.0.0.1:0 (what an admin hits when the port belongs to a web app). */
export function listenHttp(handler: http.RequestListener): Promise<LoopbackServer> {
  const server = http.createServer(handler);
  return listen(server, 'http', () => server.closeAllConnections());
}

/** Accepts TCP connections and never says a word (a firewall that swallows, a hung process). */
export function listenSilent(): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  return listen(server, 'https', () => sockets.forEach((s) => s.destroy()));
}

/** A port that was free a moment ago: nothing listens there now. */
export async function closedPort(): Promise<number> {
  const s = await listenSilent();
  await s.close();
  return s.port;
}

/** Reads a request body as text. */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Sends a JSON answer. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
