import { Hono } from 'hono';
import { privateCloudRequestSchema } from '@registration/protocol/bff-api';
import type { BffEnv } from '../env.ts';
import { validJson } from '../middleware/validate.ts';
import type { RegistrationService } from '../registration/service.ts';

/** `/api/registration`: state, Private Cloud submit and test, deregister (Re-register). */
export function registrationRoutes(service: RegistrationService) {
  return new Hono<BffEnv>()
    .get('/', async (c) => c.json(await service.state(), 200))
    .post('/private-cloud', validJson(privateCloudRequestSchema), async (c) => {
      const { serverUrl, registrationKey } = c.req.valid('json');
      // Refusals are an answer, not an error: 200 with ok:false and every node's reasons.
      return c.json(await service.registerPrivateCloud(serverUrl, c.get('user').sub, registrationKey ?? null), 200);
    })
    .post('/private-cloud/test', validJson(privateCloudRequestSchema), async (c) => {
      const { serverUrl } = c.req.valid('json');
      return c.json(await service.testConnection(serverUrl), 200);
    })
    .delete('/', async (c) => c.json(await service.deregister(c.get('user').sub), 200));
}
