import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { containerVerifyRequestSchema } from '@registration/protocol/bff-api';
import { CONTAINER_LIC_MAX_BYTES } from '@registration/protocol/container-license';
import type { BffEnv } from '../env.ts';
import { apiError, CatalogueError, reason } from '../errors.ts';
import type { LocalContainerService } from '../local-container/service.ts';
import { validJson } from '../middleware/validate.ts';

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
export function localContainerRoutes(service: LocalContainerService) {
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
        if (!result.ok) {
          const first = result.reasons[0] ?? reason('LICENSE_CONTENT_ERROR', { detail: 'the file cannot be verified' });
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
      const { grant } = await service.verify(body, c.get('user').sub);
      return c.json({ registered: true as const, grant }, 200);
    });
}
