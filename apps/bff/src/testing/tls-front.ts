import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import type { LoopbackServer } from './servers.ts';

/** A TLS endpoint whose certificate can be replaced while it runs. */
export interface TlsFront extends LoopbackServer {
  /** Serves `material` to every later handshake (what re-mounting `tls/` and restarting does). */
  setCertificate(material: { cert: string; key: string }): void;
}

/**
 * The license server's HTTPS endpoint with a certificate the test chooses: terminates TLS on
 * 127.0.0.1:0 and relays the bytes to the real license server at `target` over verified TLS, so that
 * everything above TLS (register, lease, nonce) is the real server's.
 */
export function startTlsFront(options: { target: string; targetCa: string; tls: { cert: string; key: string } }): Promise<TlsFront> {
  const target = new URL(options.target);
  const sockets = new Set<Socket>();
  const keep = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server = tls.createServer({ cert: options.tls.cert, key: options.tls.key }, (client) => {
    keep(client);
    const upstream = tls.connect({ host: target.hostname, port: Number(target.port), ca: options.targetCa });
    keep(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.pipe(upstream).pipe(client);
  });
  // A client that gives up mid-handshake (the BFF refusing a certificate) is not the test's failure.
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `https://127.0.0.1:${port}`,
        port,
        setCertificate: (m) => server.setSecureContext({ cert: m.cert, key: m.key }),
        close: () =>
          new Promise<void>((done) => {
            sockets.forEach((s) => s.destroy());
            server.close(() => done());
          }),
      });
    });
  });
}
