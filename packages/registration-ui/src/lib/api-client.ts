import { hc } from 'hono/client';
import { safeParse, type core } from 'zod/mini';
import type { AppType } from '@registration/bff/app';
import type { ErrorName } from '@registration/protocol/catalogue';
import { apiErrorSchema, reason, type Reason } from '@registration/protocol/reason';
import { ApiRequestError } from './api-error.ts';

/** What the client needs from the host; getters so that `update()` takes effect without a new client. */
export interface ApiClientOptions {
  baseUrl: string;
  getAccessToken: () => string | Promise<string>;
  onUnauthorized: () => void;
  /** Called on every answer of the BFF that is not a 401 (the token was accepted). */
  onAuthorized?: () => void;
}

export type Rpc = ReturnType<typeof hc<AppType>>;

/** The part of a (typed) fetch answer `read` uses. */
export interface AnswerLike {
  ok: boolean;
  status: number;
  headers: Headers;
  json(): Promise<unknown>;
}

/** The typed BFF client plus `read`, the one place where answers are validated and errors mapped. */
export interface ApiClient {
  rpc: Rpc;
  /** Runs a call; its body parsed by `schema`, or throws ApiRequestError carrying catalogue reasons. */
  read<T>(call: () => Promise<AnswerLike>, schema: core.$ZodType<T>): Promise<T>;
  /** The same for an answer that is text (a CSV export): its text, or the mapped error. */
  readText(call: () => Promise<AnswerLike & { text(): Promise<string> }>): Promise<string>;
  /**
   * POSTs a multipart form with upload progress (fetch has none): XMLHttpRequest with the same bearer
   * header, its answer validated and mapped exactly like `read`.
   */
  upload<T>(path: string, form: FormData, schema: core.$ZodType<T>, onProgress?: (fraction: number) => void): Promise<T>;
}

class TokenUnavailable extends Error {}

// Answers without a parseable error body (a proxy's HTML page, an empty 502) still get catalogue text.
const byStatus: Partial<Record<number, ErrorName>> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
};

function reasonOf(name: ErrorName, requestId: string | null): Reason {
  return reason(name, requestId ? { requestId } : undefined);
}

/** Builds the client for one mount. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const rpc = hc<AppType>(options.baseUrl, {
    headers: async () => ({ Authorization: await bearer() }),
  });

  /** The answer of `call`; a missing token or no answer at all throws the error the page shows. */
  async function answer<A extends AnswerLike>(call: () => Promise<A>): Promise<A> {
    let res: A;
    try {
      res = await call();
    } catch (cause) {
      if (cause instanceof TokenUnavailable) {
        options.onUnauthorized();
        throw new ApiRequestError('api', 401, [reasonOf('UNAUTHORIZED', null)], { cause });
      }
      throw new ApiRequestError('network', null, [], { cause });
    }
    // A 5xx may come from a proxy in front of a BFF that never saw the token; anything else did see it.
    if (res.status !== 401 && res.status < 500) options.onAuthorized?.();
    return res;
  }

  async function read<T>(call: () => Promise<AnswerLike>, schema: core.$ZodType<T>): Promise<T> {
    const res = await answer(call);
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) {
      const parsed = safeParse(schema, body);
      if (parsed.success) return parsed.data;
      throw new ApiRequestError('invalid-response', res.status, [], { cause: parsed.error });
    }
    return refused(res, body);
  }

  async function readText(call: () => Promise<AnswerLike & { text(): Promise<string> }>): Promise<string> {
    const res = await answer(call);
    if (res.ok) return res.text();
    return refused(res, await res.json().catch(() => undefined));
  }

  /** The error of an answer that is not ok, with the catalogue reasons it carries. */
  function refused(res: AnswerLike, body: unknown): never {
    if (res.status === 401) options.onUnauthorized();
    const requestId = res.headers.get('x-request-id');
    const error = apiErrorSchema.safeParse(body);
    if (error.success) {
      // The message is the server's English rendering: never shown, the catalogue text is.
      const listed = error.data.details?.reasons ?? [];
      const reasons = listed.length > 0 ? listed : [reasonOf(error.data.name, requestId)];
      throw new ApiRequestError('api', res.status, reasons, { cause: error.data });
    }
    const name = byStatus[res.status];
    if (name) throw new ApiRequestError('api', res.status, [reasonOf(name, requestId)]);
    const kind = res.status >= 502 && res.status <= 504 ? 'network' : 'invalid-response';
    throw new ApiRequestError(kind, res.status, []);
  }

  async function bearer(): Promise<string> {
    try {
      return `Bearer ${await options.getAccessToken()}`;
    } catch (cause) {
      throw new TokenUnavailable('getAccessToken failed', { cause });
    }
  }

  function upload<T>(path: string, form: FormData, schema: core.$ZodType<T>, onProgress?: (fraction: number) => void): Promise<T> {
    const url = `${options.baseUrl.replace(/\/$/, '')}${path}`;
    return read(async () => {
      const authorization = await bearer();
      return new Promise<AnswerLike>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', url);
        xhr.setRequestHeader('Authorization', authorization);
        xhr.upload.addEventListener('progress', (e) => {
          if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
        });
        xhr.addEventListener('load', () => {
          const headers = new Headers();
          const requestId = xhr.getResponseHeader('x-request-id');
          if (requestId) headers.set('x-request-id', requestId);
          const text = xhr.responseText;
          resolve({ ok: xhr.status >= 200 && xhr.status < 300, status: xhr.status, headers, json: async () => JSON.parse(text) as unknown });
        });
        xhr.addEventListener('error', () => reject(new Error('upload failed: no answer')));
        xhr.addEventListener('abort', () => reject(new Error('upload aborted')));
        xhr.send(form);
      });
    }, schema);
  }

  return { rpc, read, readText, upload };
}
