import { Agent } from 'node:https';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePhonePageUrl } from '@registration/licensing/challenge';
import { lockDurationMs } from '@registration/licensing/lockout';
import { CODE_ATTEMPTS_PER_MINUTE } from './activation-routes.ts';
import { call, createFixture, manualClock, startServer, T0, type Fixture } from './test-harness.ts';

// Issue 3: 10,000 wrong codes from many client addresses while the QR code is refreshed must get nowhere.

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => {
  await fx.cleanup();
});

const ATTEMPTS = 10_000;
const BATCH = 50;
const ADDRESSES = 40; // 127.0.0.2 … 127.0.0.41: Linux answers for all of 127/8
const MINUTES_PER_BATCH = 1; // 200 batches: 200 simulated minutes

it('10,000 wrong codes from 40 addresses with QR refreshes: no success, only 5 counted per lock window, the lock escalates, at most 10 checked a minute', async () => {
  const clock = manualClock();
  const bundle = await fx.bundle();
  const s = await startServer(fx, { bundle, clock: clock.now, activated: false });
  // One keep-alive pool per source address, so each guesser keeps its own connections.
  const agents = Array.from({ length: ADDRESSES }, (_, i) => new Agent({ ca: fx.tls.cert, keepAlive: true, localAddress: `127.0.0.${2 + i}` }));
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const tally = new Map<string, number>();
  let rightCodesTriedWhileLocked = 0;
  const started = performance.now();
  try {
    for (let sent = 0, batch = 0; sent < ATTEMPTS; batch++) {
      // A fresh QR code for every batch, as a guesser reloading the page would get.
      const challenge = await call(fx, s.url, '/license/challenge', { json: {} });
      const scanned = parsePhonePageUrl(challenge.body.challenge.url);
      const right = fx.phoneCode(challenge.body.challenge.url);
      const requests = Array.from({ length: BATCH }, (_, i) => {
        // Every guess is wrong, except that the right code is slipped in whenever the gate is closed.
        const locked = s.store.state.activation.lock.lockedUntil !== null && Date.parse(s.store.state.activation.lock.lockedUntil) > clock.now().getTime();
        let code = String(Math.floor(random() * 1e6)).padStart(6, '0');
        if (code === right) code = String((Number(code) + 1) % 1e6).padStart(6, '0');
        if (locked && i === 0) {
          code = right;
          rightCodesTriedWhileLocked += 1;
        }
        const agent = agents[(sent + i) % ADDRESSES];
        return call(fx, s.url, '/license/activate', { json: { challengeId: scanned.challengeId, code }, ...(agent ? { agent } : {}) });
      });
      const answers = await Promise.all(requests);
      for (const a of answers) {
        const name = a.status === 200 ? 'SUCCESS' : String(a.body.reasons?.[0]?.name ?? a.status);
        tally.set(name, (tally.get(name) ?? 0) + 1);
      }
      sent += BATCH;
      clock.advance(MINUTES_PER_BATCH * 60_000);
    }
  } finally {
    for (const agent of agents) agent.destroy();
    await s.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`brute force: ${ATTEMPTS} attempts in ${seconds.toFixed(1)} s, answers ${JSON.stringify(Object.fromEntries(tally))}`);

  expect(tally.get('SUCCESS') ?? 0).toBe(0);
  expect(s.store.state.activatedAt).toBeNull();
  // Windows over 200 minutes: t=0 (locks 15), t=15 (locks 30 → 45), t=45 (locks 60 → 105), t=105 (locks 120 → 225).
  const lock = s.store.state.activation.lock;
  expect(lock.lockouts).toBe(4);
  expect(lock.consecutiveFailures).toBe(20);
  expect(Date.parse(lock.lockedUntil ?? '')).toBe(T0.getTime() + 105 * 60_000 + lockDurationMs(4));
  // At most CODE_ATTEMPTS_PER_MINUTE a minute reach the gate, whatever the address; of those, only the
  // guesses inside open windows were checked at all; every other one met the closed gate.
  const minutes = ATTEMPTS / BATCH;
  expect(tally.get('RATE_LIMITED')).toBe(ATTEMPTS - minutes * CODE_ATTEMPTS_PER_MINUTE);
  expect((tally.get('VERIFY_CODE_ERROR') ?? 0) + (tally.get('VERIFY_LOCKED') ?? 0)).toBe(minutes * CODE_ATTEMPTS_PER_MINUTE);
  expect(tally.get('VERIFY_CODE_ERROR')).toBe(16);
  expect(rightCodesTriedWhileLocked).toBeGreaterThan(150);
}, 120_000);
