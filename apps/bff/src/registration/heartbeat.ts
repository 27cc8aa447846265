import type { Logger } from 'pino';
import type { RegistrationService } from './service.ts';

/** The scheduling half of a timer API, injectable so tests drive the loop by hand. */
export interface Timer {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimer: Timer = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref(); // the HTTP server keeps the process alive, not the heartbeat
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface Heartbeat {
  /** Resolves when the beat in flight, if any, has finished and the next one is scheduled. */
  settled(): Promise<void>;
  /** Stops scheduling and waits for a beat in flight. */
  stop(): Promise<void>;
}

/**
 * Renews this node's registration now and then every `intervalMs`: a restarted node picks its lease
 * up again at once, and a node that lost the server reconnects by itself. A beat never overlaps the next.
 */
export function startHeartbeat(options: {
  service: RegistrationService;
  intervalMs: number;
  logger: Logger;
  timer?: Timer;
}): Heartbeat {
  const timer = options.timer ?? realTimer;
  let handle: unknown = null;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();

  const beat = () => {
    handle = null;
    inFlight = options.service
      .renew()
      .catch((err: unknown) => options.logger.error({ err }, 'heartbeat failed'))
      .finally(() => {
        if (!stopped) handle = timer.setTimeout(beat, options.intervalMs);
      });
  };
  beat();

  return {
    settled: () => inFlight,
    async stop() {
      stopped = true;
      if (handle !== null) timer.clearTimeout(handle);
      await inFlight;
    },
  };
}
