import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { runnerImport, type Plugin } from 'vite';
import type { AuthHandler, AuthOptions, Next } from './login-handler.ts';
import type * as LoginHandlerModule from './login-handler.ts';

export type { AuthOptions } from './login-handler.ts';

// Vite bundles vite.config.ts and its relative imports, but leaves bare imports to Node. Our
// workspace packages export TypeScript source, which Node 20 cannot load, so the handler (which
// needs @registration/protocol) is loaded through Vite's module runner instead, on first use.
const HANDLER_FILE = fileURLToPath(new URL('./login-handler.ts', import.meta.url));

/** Connect middleware serving `POST /auth/login`; loads the handler lazily. */
export function createAuthMiddleware(options: AuthOptions): AuthHandler {
  let handler: Promise<AuthHandler> | undefined;
  const load = () => {
    handler ??= runnerImport<typeof LoginHandlerModule>(HANDLER_FILE, { logLevel: 'error' }).then(({ module }) =>
      module.createLoginHandler(options),
    );
    handler.catch(() => (handler = undefined)); // retry on the next request rather than stay broken
    return handler;
  };
  return (req: IncomingMessage, res: ServerResponse, next: Next) => {
    // Only the login route pays for loading; everything else goes straight on.
    if ((req.url ?? '').split('?')[0] !== '/auth/login') return next();
    load().then(
      (h) => h(req, res, next),
      (err: unknown) => next(err),
    );
  };
}

/** Vite plugin: the demo platform's login endpoint, in `vite` (dev) and `vite preview`. */
export function authPlugin(options: AuthOptions): Plugin {
  const middleware = createAuthMiddleware(options);
  return {
    name: 'decision-platform-auth',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}
