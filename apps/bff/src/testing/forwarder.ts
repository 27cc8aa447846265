import https from 'node:https';
import { NODE_PROOF_HEADER } from '@registration/protocol/license-server-api';
import { listenHttps, readBody, sendJson, type LoopbackServer } from './servers.ts';

/** Rewrites of a request on its way to the real license server, and of its answer on the way back. */
export interface Rewrites {
  request?: (body: Record<string, unknown>) => Record<string, unknown>;
  answer?: (body: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * A man in the middle on loopback: forwards every request to a real license server and returns its
 * real answer, modified. What a compromised proxy could do, without any key.
 */
export function startForwarder(options: {
  target: string;
  targetCa: string;
  tls: { cert: string; key: string };
  rewrites: Rewrites;
  /** Listen on this port (a relay coming back at the same address); default: any free one. */
  port?: number;
  /** Holds the license server's answer this long (ms) before passing it on: the grant is made, not yet known. */
  delayAnswerMs?: number | (() => number);
}): Promise<LoopbackServer> {
  return listenHttps(options.tls, (req, res) => {
    void (async () => {
      const text = await readBody(req);
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      const forwarded = body && options.rewrites.request ? options.rewrites.request(body) : body;
      const payload = forwarded === undefined ? undefined : JSON.stringify(forwarded);
      const url = new URL(req.url ?? '/', options.target);
      // The node proof travels on: a relay has no key to make a new one for a body it changed.
      const proof = req.headers[NODE_PROOF_HEADER];
      const upstream = https.request(url, {
        method: req.method,
        ca: options.targetCa,
        agent: false,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(typeof proof === 'string' ? { [NODE_PROOF_HEADER]: proof } : {}),
        },
      });
      upstream.on('response', (answer) => {
        void readBody(answer).then(async (answerText) => {
          const delay = typeof options.delayAnswerMs === 'function' ? options.delayAnswerMs() : (options.delayAnswerMs ?? 0);
          if (delay > 0) await new Promise((r) => setTimeout(r, delay));
          if (res.destroyed) return; // the caller is gone (killed)
          const parsed = JSON.parse(answerText) as Record<string, unknown>;
          sendJson(res, answer.statusCode ?? 502, options.rewrites.answer ? options.rewrites.answer(parsed) : parsed);
        });
      });
      upstream.on('error', () => sendJson(res, 502, {}));
      upstream.end(payload);
    })();
  }, options.port);
}

/** A JWS with its payload edited and the original signature kept (so the signature no longer matches). */
export function tamperJws(jws: string, edit: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jws.split('.');
  const decoded = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  edit(decoded);
  return `${header}.${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
}
