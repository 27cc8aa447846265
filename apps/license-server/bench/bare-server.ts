/**
 * The benchmark's baseline: a bare Hono endpoint over HTTPS with the same certificate and the same
 * node server adapter as the license server, answering a small JSON body. No signing, no disk.
 */
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { startHttpsServer } from '../src/https-server.ts';

const [tlsDir = '', port = '0'] = process.argv.slice(2);
const app = new Hono().post('/bare', async (c) => {
  await c.req.json();
  return c.json({ ok: true }, 200);
});
const running = await startHttpsServer({
  app,
  host: '127.0.0.1',
  port: Number(port),
  tls: { cert: await readFile(`${tlsDir}/cert.pem`, 'utf8'), key: await readFile(`${tlsDir}/key.pem`, 'utf8') },
});
console.log(`bare listening on ${running.url}`);
process.on('SIGTERM', () => void running.close(100).then(() => process.exit(0)));
