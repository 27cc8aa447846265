import type { Logger } from 'pino';
import { nextHeartbeatDelay } from '@registration/licensing/lease-timing';
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
 * Renews this node's registration now and then about every `intervalMs` (±10 % jitter, so a cluster's
 * nodes do not beat in step): a restarted node picks its lease up again at once, and a node that lost the
 * server reconnects by itself. After a failed beat it retries sooner — 1 min, 2 min, 4 min … never later
 * than the interval — and returns to the interval after the first success. A beat never overlaps the next.
 */
export function startHeartbeat(options: {
  service: RegistrationService;
  intervalMs: number;
  logger: Logger;
  timer?: Timer;
  /** Where in the jitter range each delay falls, in [0, 1); injectable so tests get exact delays. */
  random?: () => number;
  /**
   * When set, also write this node's liveness that often (`service.touch`) and beat at once when it asks
   * to: a configuration submitted on another node is followed within one interval, not at the next renewal.
   */
  livenessIntervalMs?: number;
}): Heartbeat {
  const timer = options.timer ?? realTimer;
  const random = options.random ?? Math.random;
  let handle: unknown = null;
  let stopped = false;
  let failures = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let beating = false;
  let livenessHandle: unknown = null;
  let touching: Promise<void> = Promise.resolve();

  const beat = () => {
    handle = null;
    beating = true;
    inFlight = options.service
      .renew()
      .then(
        (outcome) => {
          failures = outcome === 'failed' ? failures + 1 : 0;
        },
        (err: unknown) => {
          // A bug or a store outage: back off like any failed beat rather than hammer it.
          failures += 1;
          options.logger.error({ err }, 'heartbeat failed');
        },
      )
      .finally(() => {
        beating = false;
        if (stopped) return;
        const delay = nextHeartbeatDelay({ consecutiveFailures: failures, intervalMs: options.intervalMs, jitter: random() });
        if (failures > 0) options.logger.info({ failures, retryInMs: delay }, 'heartbeat will retry');
        handle = timer.setTimeout(beat, delay);
      });
  };
  beat();

  const touch = () => {
    livenessHandle = null;
    touching = options.service
      .touch()
      .then(
        (beatNow) => {
          // A beat in flight already reads the newest configuration when it is done; otherwise beat now
          // instead of at the scheduled time (the schedule restarts from this beat).
          if (beatNow && !beating && !stopped && handle !== null) {
            timer.clearTimeout(handle);
            beat();
          }
        },
        (err: unknown) => options.logger.warn({ err }, 'liveness write failed'),
      )
      .finally(() => {
        if (!stopped && options.livenessIntervalMs !== undefined) livenessHandle = timer.setTimeout(touch, options.livenessIntervalMs);
      });
  };
  if (options.livenessIntervalMs !== undefined) livenessHandle = timer.setTimeout(touch, options.livenessIntervalMs);

  return {
    settled: () => inFlight,
    async stop() {
      stopped = true;
      if (handle !== null) timer.clearTimeout(handle);
      if (livenessHandle !== null) timer.clearTimeout(livenessHandle);
      await Promise.all([inFlight, touching]);
    },
  };
}
