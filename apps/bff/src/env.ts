import type { Logger } from 'pino';
import type { AccessTokenClaims } from '@registration/protocol/auth';

/** Hono environment of the BFF: what middleware puts on the context. */
export interface BffEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    /** Set by the auth middleware on every /api request. */
    user: AccessTokenClaims;
  };
}
