import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from './app.ts';
import { NODE_PROOF_HEADER } from '@registration/protocol/license-server-api';
import { createFixture, nodeKeyOf, proven, registerBody, startServer, type Fixture } from './test-harness.ts';

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

/** POSTs `chunks` either with a content-length or chunked (no declared length), over the real HTTPS server. */
function post(path: string, body: { chunks: string[]; proof: string }, framing: 'declared' | 'chunked'): Promise<{ status: number; body: { [key: string]: unknown } }> {
  const { chunks, proof } = body;
  const length = chunks.reduce((n, chunk) => n + Buffer.byteLength(chunk), 0);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, s.url),
      {
        method: 'POST',
        agent: fx.agent,
        headers: { 'content-type': 'application/json', [NODE_PROOF_HEADER]: proof, ...(framing === 'declared' ? { 'content-length': String(length) } : {}) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString('utf8')) as { [key: string]: unknown } }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

// A valid register body padded with spaces (still valid JSON) to `size` bytes, signed, sent in pieces.
function padded(nodeId: string, size: number): { chunks: string[]; proof: string } {
  const json = JSON.stringify(registerBody(nodeId));
  const text = `${json.slice(0, -1)}${' '.repeat(size - json.length)}}`;
  return signedText(text, nodeId);
}

function pieces(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 16 * 1024) out.push(text.slice(i, i + 16 * 1024));
  return out;
}

/** A body sent as these exact bytes, signed with its node's key. */
function signedText(text: string, nodeId = 'x'): { chunks: string[]; proof: string } {
  return { chunks: pieces(text), proof: proven('register', text, nodeKeyOf(nodeId)).headers[NODE_PROOF_HEADER] ?? '' };
}

describe('64 KB body limit', () => {
  it('refuses a declared or a chunked body over the limit with 413 and takes one at the limit either way', async () => {
    for (const framing of ['declared', 'chunked'] as const) {
      const over = await post('/api/v1/register', padded(`over-${framing}`, BODY_LIMIT_BYTES + 1), framing);
      expect(over.status).toBe(413);
      expect(over.body).toMatchObject({ code: 41300, name: 'PAYLOAD_TOO_LARGE' });
      expect(s.store.state.leases.get(`over-${framing}`)).toBeUndefined();

      const atLimit = await post('/api/v1/register', padded(`ok-${framing}`, BODY_LIMIT_BYTES), framing);
      expect(atLimit.status).toBe(200);
      expect(atLimit.body).toMatchObject({ ok: true });
      expect(s.store.state.leases.get(`ok-${framing}`)).toBeDefined();
    }
  });

  it('still tells unparsable JSON (10000) from invalid fields (10001) for a chunked body', async () => {
    const broken = await post('/api/v1/register', signedText('{"nodeId": '), 'chunked');
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ ok: false, reasons: [{ code: 10000, name: 'JSON_PARSER_ERROR' }] });
    const invalid = await post('/api/v1/register', signedText(JSON.stringify(registerBody('', { nonce: 'short' }))), 'chunked');
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ ok: false, reasons: [{ code: 10001, name: 'PARAM_INPUT_ERROR', params: { fields: 'nodeId, nonce' } }] });
  });
});
