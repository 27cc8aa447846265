import { useEffect, useState } from 'react';

/**
 * The server's clock, ticking: the client clock plus `offsetMs` (server minus client, measured from
 * the state's `now`), so countdowns and lock times agree with the BFF however wrong the browser is.
 */
export function useServerNow(offsetMs: number, tickMs = 1000): number {
  const [now, setNow] = useState(() => Date.now() + offsetMs);
  useEffect(() => {
    setNow(Date.now() + offsetMs);
    const id = setInterval(() => setNow(Date.now() + offsetMs), tickMs);
    return () => clearInterval(id);
  }, [offsetMs, tickMs]);
  return now;
}
