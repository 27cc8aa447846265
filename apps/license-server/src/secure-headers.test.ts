import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURED_JSON_HEADERS } from './lease-routes.ts';
import { heartbeatRequest, registerRequest } from '@registration/licensing/node-requests';
import { NODE_PROOF_HEADER } from '@registration/protocol/license-server-api';
import { createFixture, startServer, TestNode, type Fixture } from './test-harness.ts';

let fx: Fixture;
let s: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  fx = await createFixture();
  s = await startServer(fx, { bundle: await fx.bundle() });
});
afterAll(async () => {
  await s.stop();
  await fx.cleanup();
});

// Added by Node per response whatever the app does.
const PER_RESPONSE = new Set(['content-length', 'date', 'connection', 'keep-alive']);

/** The response's header lines as sent, in order, without the per-response ones. */
function headerLines(method: string, path: string, body?: { body: string; proof?: string }): Promise<{ status: number; lines: [string, string][] }> {
  const payload = body?.body;
  const headers = { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...(body?.proof === undefined ? {} : { [NODE_PROOF_HEADER]: body.proof }) };
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.url), { method, agent: fx.agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        const lines: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i] as string;
          if (!PER_RESPONSE.has(name.toLowerCase())) lines.push([name, res.rawHeaders[i + 1] as string]);
        }
        resolve({ status: res.statusCode ?? 0, lines });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('security headers', () => {
  it('a lease grant carries exactly the header lines secureHeaders gives the other JSON answers', async () => {
    const info = await headerLines('GET', '/api/v1/info');
    const missing = await headerLines('GET', '/api/v2/nothing');
    const refused = await headerLines('POST', '/api/v1/register', { body: JSON.stringify({ nope: true }) });
    expect([info.status, missing.status, refused.status]).toEqual([200, 404, 400]);
    expect(missing.lines).toEqual(info.lines);
    expect(refused.lines).toEqual(info.lines);
    // The list the grants use is that same list, byte for byte and in the same order.
    expect(Object.entries(SECURED_JSON_HEADERS)).toEqual(info.lines);

    const node = new TestNode('node-h');
    const facts = { nodeId: 'node-h', productVersion: '11.0.18', appName: 'webroot', domain: 'localhost' };
    const registered = await headerLines('POST', '/api/v1/register', registerRequest({ node: facts, key: node.key, time: new Date() }));
    expect(registered.status).toBe(200);
    expect(registered.lines).toEqual(info.lines);
    await node.register(fx, s.url); // the same key replaces that lease, and this time the test keeps its key
    const lease = node.lease;
    if (!lease) throw new Error('no lease');
    const heartbeat = await headerLines('POST', '/api/v1/heartbeat', heartbeatRequest({ node: facts, lease, time: new Date() }));
    expect(heartbeat.status).toBe(200);
    expect(heartbeat.lines).toEqual(info.lines);
  });
});
