import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registrationStateSchema } from '@registration/protocol/bff-api';
import { getRegistration } from '../features/registration/api/get-registration.ts';
import { registerPrivateCloud } from '../features/registration/api/register-private-cloud.ts';
import { uploadContainerLic } from '../features/registration/api/upload-container-lic.ts';
import { containerGrant, registered } from '../testing/fixtures.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { createApiClient, type ApiClient } from './api-client.ts';
import { ApiRequestError } from './api-error.ts';

let server: TestServer;
let unauthorized: number;
let token: () => string | Promise<string>;
let api: ApiClient;

beforeEach(async () => {
  server = await startTestServer();
  unauthorized = 0;
  token = () => 'tok-1';
  api = createApiClient({ baseUrl: server.url, getAccessToken: () => token(), onUnauthorized: () => unauthorized++ });
});
afterEach(() => server.close());

async function failure(promise: Promise<unknown>): Promise<ApiRequestError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiRequestError);
  return err as ApiRequestError;
}

describe('api client against a real HTTP server', () => {
  it('sends the bearer token from getAccessToken and answers the parsed state', async () => {
    const body = registered();
    server.route('GET /api/registration', () => ({ status: 200, body }));
    token = async () => 'tok-async';
    const result = await getRegistration(api, new AbortController().signal);
    expect(result).toEqual(registrationStateSchema.parse(body));
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok-async');
  });

  it('posts the server address as JSON', async () => {
    const s = registered();
    server.route('POST /api/registration/private-cloud', () => ({ status: 200, body: { ok: true, failures: [], state: s } }));
    const result = await registerPrivateCloud(api, { serverUrl: 'https://127.0.0.1:8081' });
    expect(result.ok).toBe(true);
    expect(server.requests[0]?.body).toEqual({ serverUrl: 'https://127.0.0.1:8081' });
  });

  it('rejects a 200 answer the protocol schema does not accept (never rendered as is)', async () => {
    server.route('GET /api/registration', () => ({ status: 200, body: { status: 'registered', product: 'x' } }));
    const err = await failure(getRegistration(api));
    expect(err.kind).toBe('invalid-response');
    expect(err.reasons).toEqual([]);
  });

  it('maps an error body to its catalogue reasons, preferring details.reasons', async () => {
    server.route('POST /api/registration/private-cloud', () => ({
      status: 502,
      body: {
        code: 31000,
        name: 'CONNECTION_FAILED',
        message: 'raw English text that must not reach a screen',
        details: { reasons: [{ code: 31002, name: 'CONNECTION_REFUSED', params: { host: '10.0.0.9', port: 8081 } }] },
      },
    }));
    const err = await failure(registerPrivateCloud(api, { serverUrl: 'https://10.0.0.9:8081' }));
    expect(err.kind).toBe('api');
    expect(err.status).toBe(502);
    expect(err.reasons).toEqual([{ code: 31002, name: 'CONNECTION_REFUSED', params: { host: '10.0.0.9', port: 8081 } }]);
  });

  it('keeps the request id of an internal error for the catalogue text', async () => {
    server.route('GET /api/registration', () => ({
      status: 500,
      headers: { 'x-request-id': 'req-42' },
      body: { code: 50000, name: 'INTERNAL_ERROR', message: 'Something went wrong' },
    }));
    const err = await failure(getRegistration(api));
    expect(err.reasons).toEqual([{ code: 50000, name: 'INTERNAL_ERROR', params: { requestId: 'req-42' } }]);
  });

  it('calls onUnauthorized on 401', async () => {
    server.route('GET /api/registration', () => ({ status: 401, body: { code: 40100, name: 'UNAUTHORIZED', message: 'no token' } }));
    const err = await failure(getRegistration(api));
    expect(err.reasons[0]?.name).toBe('UNAUTHORIZED');
    expect(unauthorized).toBe(1);
  });

  it('treats a failing getAccessToken as not signed in, without calling the server', async () => {
    token = () => Promise.reject(new Error('session gone'));
    const err = await failure(getRegistration(api));
    expect(err.reasons[0]?.name).toBe('UNAUTHORIZED');
    expect(unauthorized).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  it('maps an unparseable 403 to FORBIDDEN and an unparseable 502 to "no answer"', async () => {
    server.route('GET /api/registration', () => ({ status: 403, raw: '<html>denied</html>' }));
    expect((await failure(getRegistration(api))).reasons[0]?.name).toBe('FORBIDDEN');
    server.route('GET /api/registration', () => ({ status: 502, raw: 'Bad Gateway' }));
    const err = await failure(getRegistration(api));
    expect(err.kind).toBe('network');
    expect(err.reasons).toEqual([]);
  });

  it('reports a closed port as a network failure', async () => {
    await server.close();
    const err = await failure(getRegistration(api));
    expect(err.kind).toBe('network');
  });

  describe('upload (XMLHttpRequest, for progress)', () => {
    const file = () => new File(['lic-bytes'], 'Container.lic');

    it('sends multipart with the bearer token, reports progress, answers the parsed body', async () => {
      server.route('POST /api/registration/local-container/lic', () => ({ status: 201, body: { accepted: true, grant: containerGrant() } }));
      const progress: number[] = [];
      const answer = await uploadContainerLic(api, { file: file(), onProgress: (f) => progress.push(f) });
      expect(answer.grant.company).toBe('Acme Data Ltd.');
      const [req] = server.requests;
      expect(req?.headers.authorization).toBe('Bearer tok-1');
      expect(String(req?.body)).toContain('lic-bytes');
      expect(progress.every((f) => f >= 0 && f <= 1)).toBe(true);
    });

    it('maps a 413 without a JSON body to PAYLOAD_TOO_LARGE, a failed token to UNAUTHORIZED', async () => {
      server.route('POST /api/registration/local-container/lic', () => ({ status: 413, raw: '<html>too big</html>', headers: { 'x-request-id': 'r-9' } }));
      const err = await failure(uploadContainerLic(api, { file: file() }));
      expect(err.kind).toBe('api');
      expect(err.reasons.map((r) => r.name)).toEqual(['PAYLOAD_TOO_LARGE']);
      token = () => Promise.reject(new Error('no session'));
      const denied = await failure(uploadContainerLic(api, { file: file() }));
      expect(denied.reasons.map((r) => r.name)).toEqual(['UNAUTHORIZED']);
      expect(unauthorized).toBe(1);
    });

    it('no answer at all is a network failure', async () => {
      await server.close();
      const err = await failure(uploadContainerLic(api, { file: file() }));
      expect(err.kind).toBe('network');
    });
  });
});
