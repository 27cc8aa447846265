import { connect as netConnect } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverInfoSchema } from '@registration/protocol/license-server-api';
import { addressKey, RateLimiter, RATE_WINDOW_MS } from '@registration/licensing/rate-limit';
import { NO_RATE_LIMITS } from './rate-limit.ts';
import { call, createFixture, manualClock, proven, registerBody, startServer, T0, TestNode, type Fixture } from './test-harness.ts';

// What a client inside the license's IP range, with no credential, can and cannot do to the slots.

let fx: Fixture;
const servers: { stop(): Promise<void> }[] = [];
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await fx.cleanup();
});

async function server(options: Omit<Parameters<typeof startServer>[1], 'bundle'> & { maxConnections?: number } = {}) {
  const { maxConnections, ...rest } = options;
  // The whole loopback range is in the license, so that addresses 127.0.0.x are judged by the limits alone.
  const s = await startServer(fx, { bundle: await fx.bundle({ ipRanges: '127.0.0.0/8', ...(maxConnections === undefined ? {} : { maxConnections }) }), ...rest });
  servers.push(s);
  return s;
}

describe('requests a web page could send', () => {
  it('a cross-site text/plain register (no preflight) is 415 and grants nothing; a browser-marked JSON one is 403', async () => {
    const s = await server();
    const { raw, headers } = proven('register', registerBody('node-x'));
    const simple = await call(fx, s.url, '/api/v1/register', {
      raw,
      headers: { ...headers, 'content-type': 'text/plain;charset=UTF-8', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(simple.status).toBe(415);
    expect(simple.body).toEqual({ ok: false, reasons: [{ code: 41500, name: 'UNSUPPORTED_MEDIA_TYPE', params: { contentType: 'text/plain' } }] });
    const browserMarks: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'http://evil.example' }];
    for (const marks of browserMarks) {
      const res = await call(fx, s.url, '/api/v1/register', { raw, headers: { ...headers, ...marks } });
      expect(res.status, JSON.stringify(marks)).toBe(403);
      expect(res.body.reasons[0]).toMatchObject({ code: 40301, name: 'BROWSER_REQUEST_REFUSED' });
    }
    // The preflight a browser would need for JSON gets no CORS permission.
    const preflight = await call(fx, s.url, '/api/v1/register', { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(s.store.state.leases.size).toBe(0);
    // A report server's own request (no browser marks) still works.
    expect((await call(fx, s.url, '/api/v1/register', { raw, headers })).status).toBe(200);
  });
});

describe('per-address rate limits', () => {
  it('200 registers with made-up node ids from one address: 429 with Retry-After after the limit, counted per address', async () => {
    const clock = manualClock();
    const s = await server({ clock: clock.now, maxConnections: 1000, rateLimits: { ...NO_RATE_LIMITS, register: 60 } });
    const answers: number[] = [];
    for (let i = 0; i < 200; i += 1) answers.push((await new TestNode(`squat-${i}`).register(fx, s.url, { call: { localAddress: '127.0.0.9' } })).status);
    expect(answers.filter((status) => status === 200)).toHaveLength(60);
    expect(answers.slice(60).every((status) => status === 429)).toBe(true);
    const limited = await new TestNode('squat-more').register(fx, s.url, { call: { localAddress: '127.0.0.9' } });
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.body.reasons).toEqual([{ code: 42900, name: 'RATE_LIMITED', params: { peer: '127.0.0.9', limit: 60, retryAfter: 60 } }]);
    // Another address has its own allowance; the first one's comes back with the next window.
    expect((await new TestNode('real-node').register(fx, s.url, { call: { localAddress: '127.0.0.10' } })).status).toBe(200);
    clock.advance(RATE_WINDOW_MS);
    expect((await new TestNode('squat-later').register(fx, s.url, { call: { localAddress: '127.0.0.9' } })).status).toBe(200);
  });

  it('limits heartbeats and deregistrations per address too', async () => {
    const s = await server({ rateLimits: { ...NO_RATE_LIMITS, heartbeat: 5 } });
    const node = new TestNode('node-1');
    await node.register(fx, s.url);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await node.heartbeat(fx, s.url)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect((await node.deregister(fx, s.url)).status).toBe(429);
  });

  it('limits activation attempts per address, on the page (HTML) and in JSON', async () => {
    const s = await server({ activated: false, rateLimits: { ...NO_RATE_LIMITS, activation: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await call(fx, s.url, '/license/activate', { json: { code: '000000' } })).status);
    expect(statuses.slice(0, 3).every((status) => status !== 429)).toBe(true);
    expect(statuses[3]).toBe(429);
    const page = await call(fx, s.url, '/license/activate', { raw: 'code=123456', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url } });
    expect(page.status).toBe(429);
    expect(String(page.body)).toContain('Too many requests');
  });

  it('counts IPv4 addresses one by one and IPv6 ones by /64; forgets the oldest windows beyond its bound', () => {
    expect(addressKey('10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 60]);
    now = 30_000;
    expect(limiter.take('a')).toBe(30);
    now = 60_000;
    expect(limiter.take('a')).toBe(0);
    for (let i = 0; i < 60_000; i += 1) limiter.take(`k${i}`);
    expect(limiter.size).toBeLessThanOrEqual(50_000);
  });
});

describe('the registration key', () => {
  it('when set, a register without it or with a wrong one takes nothing; with it, it registers; /info says so', async () => {
    const s = await server({ registrationKey: 'correct-horse-battery-staple', maxConnections: 5 });
    expect(serverInfoSchema.parse((await call(fx, s.url, '/api/v1/info')).body).registrationKeyRequired).toBe(true);
    const none = await new TestNode('a').register(fx, s.url);
    expect(none.status).toBe(403);
    expect(none.body.reasons).toEqual([{ code: 30012, name: 'REGISTRATION_KEY_REQUIRED' }]);
    const wrong = await new TestNode('a').register(fx, s.url, { registrationKey: 'correct-horse-battery-stapl' });
    expect(wrong.body.reasons).toEqual([{ code: 30013, name: 'REGISTRATION_KEY_INVALID' }]);
    expect(s.store.state.leases.size).toBe(0);
    const node = new TestNode('a');
    expect((await node.register(fx, s.url, { registrationKey: 'correct-horse-battery-staple' })).status).toBe(200);
    // Renewals are proven with the lease's key and need no registration key.
    expect((await node.heartbeat(fx, s.url)).status).toBe(200);
  });

  it('200 made-up node ids without the key take 0 slots', async () => {
    const s = await server({ registrationKey: 'k'.repeat(32), maxConnections: 1000 });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => new TestNode(`squat-${i}`).register(fx, s.url)));
    expect(answers.every((a) => a.status === 403 && a.body.reasons[0].code === 30012)).toBe(true);
    expect(s.store.state.leases.ids()).toHaveLength(0);
  });
});

describe('connections', () => {
  /** A TLS connection from 127.0.0.11; one the server drops at once ends before or during its handshake. */
  function open(url: string): Promise<{ socket: TLSSocket; closed: Promise<void> }> {
    const { port } = new URL(url);
    return new Promise((resolve) => {
      const tcp = netConnect({ host: '127.0.0.1', port: Number(port), localAddress: '127.0.0.11' });
      const socket = connect({ socket: tcp, ca: fx.tls.cert, servername: 'localhost' });
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      socket.once('secureConnect', () => resolve({ socket, closed }));
      socket.once('error', () => resolve({ socket, closed }));
    });
  }

  it('one address holds at most its share of connections; more are closed at once; others are not affected', async () => {
    const s = await server({ maxConnectionsPerAddress: 4 });
    const held = await Promise.all(Array.from({ length: 4 }, () => open(s.url)));
    const extra = await open(s.url);
    await extra.closed;
    expect(extra.socket.destroyed).toBe(true);
    expect(held.every((h) => !h.socket.destroyed)).toBe(true);
    // Another address still gets in.
    expect((await call(fx, s.url, '/api/v1/info', { localAddress: '127.0.0.12' })).status).toBe(200);
    // A freed connection makes room again (once the server has seen it close).
    held[0]?.socket.destroy();
    await held[0]?.closed;
    let again = await open(s.url);
    for (let i = 0; i < 50 && again.socket.destroyed; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      again = await open(s.url);
    }
    expect(again.socket.destroyed).toBe(false);
    for (const h of [...held, again]) h.socket.destroy();
  });

  it('a client that sends its headers too slowly is cut off (slowloris)', async () => {
    const s = await server({ timeouts: { headersMs: 300, requestMs: 600, checkMs: 100 } });
    const { socket, closed } = await open(s.url);
    socket.write('POST /api/v1/register HTTP/1.1\r\nHost: localhost\r\n');
    const started = Date.now();
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    await closed;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await answer).toMatch(/^HTTP\/1\.1 408|^$/);
  });
});

describe('time of the node is its own', () => {
  it('a node whose clock is far off still registers and renews: only the order of its own requests counts', async () => {
    const s = await server();
    const node = new TestNode('skewed');
    expect((await node.register(fx, s.url, { time: new Date(T0.getTime() - 3 * 365 * 864e5) })).status).toBe(200);
    expect((await node.heartbeat(fx, s.url, { time: new Date(T0.getTime() - 3 * 365 * 864e5 + 1000) })).status).toBe(200);
  });
});
