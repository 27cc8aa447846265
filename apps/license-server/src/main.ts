import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Locale } from '@registration/protocol/catalogue';
import { createLicenseServerApp } from './app.ts';
import { loadBundle } from './bundle.ts';
import { loadConfig } from './config.ts';
import { startHttpsServer } from './https-server.ts';
import { liveLeases } from './lease-book.ts';
import { createLogger } from './logger.ts';
import { message, StartupError } from './messages.ts';
import { StateStore } from './store.ts';
import { loadOrCreateTls } from './tls.ts';

/** Starts the license server from flags and LS_* variables; resolves with a `stop` for tests and signals. */
export async function startLicenseServer(argv: string[], env: NodeJS.ProcessEnv) {
  const config = loadConfig(argv, env);
  const language = config.language;
  const { logger, flush } = createLogger(config.logDir);
  const clock = () => new Date();
  const say = (line: string) => process.stdout.write(`${line}\n`);

  const bundle = await loadBundle(config.bundle);
  const tls = await loadOrCreateTls(config.tlsDir);
  if (tls.generated) say(message(language, 'tlsGenerated', { dir: config.tlsDir }));
  const store = await StateStore.open({ dir: config.configDir, licenseId: bundle.license.licenseId, now: clock, logger });
  try {
    const app = createLicenseServerApp({ bundle, store, clock, logger, language, phonePageUrl: config.phonePageUrl });
    const running = await startHttpsServer({ app, host: config.host, port: config.port, tls });
    const { license } = bundle;
    logger.info({ url: running.url, licenseId: license.licenseId, configDir: config.configDir }, 'listening');
    // Scripts wait for exactly this line; keep it stable and unlocalised.
    say(`license-server listening on ${running.url}`);
    const inUse = Object.keys(liveLeases(store.state, clock())).length;
    say(message(language, 'licenseSummary', { licenseId: license.licenseId, company: license.company, max: license.maxConnections, inUse, expiresAt: license.expiresAt }));
    if (Date.parse(license.expiresAt) <= clock().getTime()) say(message(language, 'licenseExpired', { expiresAt: license.expiresAt }));

    let stopping: Promise<void> | null = null;
    const stop = (reason: string) => {
      stopping ??= (async () => {
        logger.info({ reason }, 'stopping');
        await running.close();
        // Writes pending write-behind renewals before the lock is released; a failure is already logged.
        await store.close().catch(() => undefined);
        flush();
      })();
      return stopping;
    };
    return { url: running.url, port: running.port, language, stop };
  } catch (error) {
    logger.error({ err: error }, 'start failed');
    await store.close().catch(() => undefined);
    flush();
    throw error;
  }
}

function languageHint(argv: string[], env: NodeJS.ProcessEnv): Locale {
  const i = argv.indexOf('--language');
  const value = (i >= 0 ? argv[i + 1] : undefined) ?? argv.find((a) => a.startsWith('--language='))?.slice(11) ?? env.LS_LANGUAGE;
  return value === 'en' ? 'en' : 'zh-CN';
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  try {
    const server = await startLicenseServer(argv, process.env);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        process.stdout.write(`${message(server.language, 'stopping', { signal })}\n`);
        void server.stop(signal).then(() => process.exit(0));
      });
    }
  } catch (error) {
    const language = languageHint(argv, process.env);
    const detail = error instanceof StartupError ? error.render(language) : error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message(language, 'startFailed', { detail })}\n`);
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
