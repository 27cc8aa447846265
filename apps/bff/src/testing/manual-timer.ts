import type { Timer } from '../registration/heartbeat.ts';

/** A timer the test fires by hand: `scheduled` keeps every call in order, `pending` is the live last one. */
export function manualTimer() {
  const scheduled: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const timer: Timer = {
    setTimeout: (fn, ms) => {
      const entry = { fn, ms, cleared: false };
      scheduled.push(entry);
      return entry;
    },
    clearTimeout: (h) => {
      (h as { cleared: boolean }).cleared = true;
    },
  };
  const pending = () => {
    const last = scheduled.at(-1);
    if (!last || last.cleared) throw new Error('no heartbeat scheduled');
    return last;
  };
  return { timer, scheduled, pending };
}
