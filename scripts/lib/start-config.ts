import path from 'node:path';
import { z } from 'zod';
import { ROOT } from './processes.ts';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const schema = z.object({
  DEMO_DIR: z.string().min(1).default(path.join(ROOT, '.demo')),
  HOST: z.string().min(1).default('127.0.0.1'),
  LS_PORT: port(8081),
  BFF_PORT: port(8080),
  SHELL_PORT: port(5173),
  VENDOR_PORT: port(8090),
  LS_LANGUAGE: z.enum(['zh-CN', 'en']).default('zh-CN'),
  BFF_DATABASE_URL: z.string().url().optional(),
  // What QR codes point to; a real phone needs this machine's LAN address here (and HOST=0.0.0.0).
  PHONE_PAGE_URL: z.string().url().optional(),
  // More origins the BFF accepts (CSRF) and answers with CORS: a host console on another origin that
  // calls the BFF directly, e.g. ALLOWED_ORIGINS=https://console.example:8443. The shell's are always in.
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.url().refine((u) => new URL(u).origin === u.replace(/\/$/, ''), 'must be an origin: scheme://host[:port]'))),
});

/** The start script's configuration from the environment; a bad value stops it, naming the variable. */
export function readStartConfig(env: NodeJS.ProcessEnv) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.error(`Invalid configuration: ${String(issue?.path[0])}: ${issue?.message}`);
    process.exit(2);
  }
  const e = parsed.data;
  return {
    demoDir: path.resolve(e.DEMO_DIR),
    host: e.HOST,
    licenseServerPort: e.LS_PORT,
    bffPort: e.BFF_PORT,
    shellPort: e.SHELL_PORT,
    vendorPort: e.VENDOR_PORT,
    phonePageUrl: (e.PHONE_PAGE_URL ?? `http://${e.HOST}:${e.VENDOR_PORT}`).replace(/\/+$/, ''),
    licenseServerLanguage: e.LS_LANGUAGE,
    bffDatabaseUrl: e.BFF_DATABASE_URL,
    extraAllowedOrigins: e.ALLOWED_ORIGINS.map((o) => new URL(o).origin),
  };
}
