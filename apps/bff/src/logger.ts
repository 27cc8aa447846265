import pino, { type Logger } from 'pino';

/** The BFF's logger: JSON lines on stdout; LOG_LEVEL overrides the level (tests pass `silent`). */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: 'bff',
    level,
    // Tokens and keys never belong in a log line.
    redact: ['req.headers.authorization', '*.privateJwk', '*.d'],
  });
}
