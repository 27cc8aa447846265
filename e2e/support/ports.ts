import net from 'node:net';

const handedOut = new Set<number>();

function probe(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A TCP port that is free on 127.0.0.1 right now (the OS picks it), never one this run already handed
 * out: the OS may offer a just-closed port again before the first taker has bound it.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await probe();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no fresh free port in 20 tries');
}
