import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { containerVerifyRequestSchema } from '@registration/protocol/bff-api';
import { CONTAINER_LIC_MAX_BYTES } from '@registration/protocol/container-license';
import { detail } from '@registration/protocol/details';
import type { BffEnv } from '../env.ts';
import { apiError, CatalogueError, reason } from '../errors.ts';
import { ChallengeElsewhere, type LocalContainerService } from '../local-container/service.ts';
import { validJson } from '../middleware/validate.ts';
import { actorOf, type History } from '../registration/history.ts';

/** Path of the upload, which takes a multipart body larger than the JSON limit. */
export const CONTAINER_LIC_UPLOAD_PATH = '/api/registration/local-container/lic';
/** Room for the multipart boundaries and headers around a file of the largest accepted size. */
const MULTIPART_OVERHEAD_BYTES = 8 * 1024;

const tooLarge = () => new CatalogueError('PAYLOAD_TOO_LARGE', { limit: CONTAINER_LIC_MAX_BYTES });
const badInput = (issue: string) => new CatalogueError('PARAM_INPUT_ERROR', { fields: 'file' }, { issues: [issue] });

/**
 * `/api/registration/local-container`: upload a Container.lic (every refusal reason, nothing stored on
 * refusal), get a QR challenge, submit the code.
 */
export function localContainerRoutes(service: LocalContainerService, history: History) {
  return new Hono<BffEnv>()
    .post(
      '/lic',
      bodyLimit({
        maxSize: CONTAINER_LIC_MAX_BYTES + MULTIPART_OVERHEAD_BYTES,
        onError: () => {
          throw tooLarge();
        },
      }),
      async (c) => {
        if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
          throw badInput('send the file as multipart/form-data in the field "file"');
        }
        let form: FormData;
        try {
          form = await c.req.formData();
        } catch {
          throw badInput('the multipart body cannot be read');
        }
        const files = form.getAll('file');
        const file = files[0];
        if (files.length !== 1 || file === undefined || typeof file === 'string') throw badInput('exactly one file in the field "file"');
        if (file.size > CONTAINER_LIC_MAX_BYTES) throw tooLarge();
        const bytes = new Uint8Array(await file.arrayBuffer());
        const user = c.get('user');
        const result = await service.upload(bytes, user.sub);
        await history.record({ kind: 'lic-uploaded', actor: actorOf(user), params: { file: file.name.slice(0, 128) }, ...(result.ok ? { outcome: 'ok' } : { outcome: 'refused', reasons: result.reasons }) });
        if (!result.ok) {
          const first = result.reasons[0] ?? reason('LICENSE_CONTENT_ERROR', detail('document.unverifiable'));
          c.get('logger').info({ reasons: result.reasons.map((r) => r.name), by: user.sub }, 'Container.lic refused');
          // 422 for every refusal (the file's content); details carry every reason with its specifics.
          return c.json(apiError(first.name, first.params, { reasons: result.reasons }), 422);
        }
        return c.json({ accepted: true as const, grant: result.grant }, 201);
      },
    )
    .post('/challenge', async (c) => c.json(await service.challenge(), 201))
    .post('/verify', validJson(containerVerifyRequestSchema), async (c) => {
      const body = c.req.valid('json');
      const forwarded = c.req.header(FORWARDED_HEADER) !== undefined;
      try {
        // Recorded where the code is checked: a code passed on to the node of the QR code (ChallengeElsewhere) is
        // recorded there, with the same administrator (the token goes with it).
        const { grant } = await history.audit({ kind: 'code-entered', actor: actorOf(c.get('user')) }, () => service.verify(body, c.get('user').sub, { forwarded }));
        return c.json({ registered: true as const, grant }, 200);
      } catch (error) {
        if (!(error instanceof ChallengeElsewhere)) throw error;
        return forwardVerify(c, error, body);
      }
    });
}

/** Marks a verify passed on by another node: it is checked where it arrives, never passed on again. */
export const FORWARDED_HEADER = 'x-fr-forwarded-by';
const FORWARD_TIMEOUT_MS = 10_000;

/**
 * Passes a code to the node that made the QR code (it alone holds the challenge's key), with the caller's
 * token and origin, and answers what it answers. A node that cannot be reached makes the QR code useless:
 * QR_EXPIRED, and a new one (made here) is a click away.
 */
async function forwardVerify(c: Context<BffEnv>, to: ChallengeElsewhere, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', [FORWARDED_HEADER]: c.get('user').sub };
  for (const name of ['authorization', 'origin']) {
    const value = c.req.header(name);
    if (value !== undefined) headers[name] = value;
  }
  try {
    const answer = await fetch(`http://${to.address}/api/registration/local-container/verify`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      redirect: 'error',
    });
    const text = await answer.text();
    c.get('logger').info({ to: to.nodeId, status: answer.status }, 'Local Container code passed to the node that made the QR code');
    return new Response(text, { status: answer.status, headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json' } });
  } catch (error) {
    c.get('logger').warn({ to: to.nodeId, address: to.address, err: error }, 'the node that made the QR code does not answer');
    throw new CatalogueError('QR_EXPIRED', undefined, { reasons: [reason('QR_EXPIRED', { node: to.nodeId })] });
  }
}
