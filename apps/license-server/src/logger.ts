import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

export const LOG_FILE = 'license-server.log';
/** The log names nodes, addresses and lease ids: the server's user and its group (operators) only. */
export const LOG_FILE_MODE = 0o640;
export const LOG_DIR_MODE = 0o750;

/** `<logDir>/license-server.log`, created (or tightened) 0640 in a 0750 folder before anything is written to it. */
export function logFile(logDir: string): string {
  mkdirSync(logDir, { recursive: true, mode: LOG_DIR_MODE });
  chmodSync(logDir, LOG_DIR_MODE);
  const path = join(logDir, LOG_FILE);
  closeSync(openSync(path, 'a', LOG_FILE_MODE));
  chmodSync(path, LOG_FILE_MODE);
  return path;
}

/** JSON logs to stdout and `<logDir>/license-server.log`; `flush` before exit so nothing is lost. */
export function createLogger(logDir: string, level = 'info'): { logger: Logger; flush(): void } {
  const file = pino.destination({ dest: logFile(logDir), sync: false });
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
