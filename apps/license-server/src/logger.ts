import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

export const LOG_FILE = 'license-server.log';

/** JSON logs to stdout and `<logDir>/license-server.log`; `flush` before exit so nothing is lost. */
export function createLogger(logDir: string, level = 'info'): { logger: Logger; flush(): void } {
  mkdirSync(logDir, { recursive: true });
  const file = pino.destination({ dest: join(logDir, LOG_FILE), mkdir: true, sync: false });
  const stdout = pino.destination({ dest: 1, sync: false });
  const logger = pino({ level, base: { service: 'license-server' } }, pino.multistream([{ stream: stdout, level: 'trace' }, { stream: file, level: 'trace' }]));
  return {
    logger,
    flush() {
      file.flushSync();
      stdout.flushSync();
    },
  };
}
