import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '@registration/protocol/catalogue';
import { CONTAINER_LIC_MAX_BYTES } from '@registration/protocol/container-license';
import { apiErrorSchema } from '@registration/protocol/reason';
import { containerLicAcceptedSchema } from '@registration/protocol/bff-api';
import { issueContainerLicense } from '../../../vendor/src/container-license.ts';
import { issueServerBundle } from '../../../vendor/src/server-bundle.ts';
import { startBff, testClock } from '../testing/bff.ts';
import { demoTerms } from '../testing/license-server.ts';
import { useBffSuite } from '../testing/suite.ts';

const clock = testClock();
const suite = useBffSuite();
const RUNS = 10_000;

/** mulberry32: a seeded generator, so a failing case can be replayed from its seed and index. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Container.lic upload fuzz', () => {
  it(`answers ${RUNS} random and mutated uploads with a catalogue code, never 5xx`, { timeout: 60_000 }, async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261123);
    const rnd = prng(seed);
    const int = (n: number) => Math.floor(rnd() * n);
    const config = suite.config({ projectName: 'Demo Project' });
    const bff = await startBff({ clock, config });
    suite.defer(() => bff.close());
    const token = await suite.platform.token('admin', { now: clock(), ttlSeconds: 3600 });
    const issuedAt = new Date(clock().getTime() - 60_000);
    const terms = { company: 'ACME', project: 'Demo Project', appName: 'webroot', productVersion: '11.0', maxNodes: 2, features: ['report'] };
    const good = await issueContainerLicense({ vendor: suite.vendor, issuedAt, expiresAt: new Date(clock().getTime() + 86_400_000), ...terms });
    const expired = await issueContainerLicense({ vendor: suite.vendor, issuedAt: new Date(issuedAt.getTime() - 9e9), expiresAt: issuedAt, ...terms, appName: 'x' });
    const bundle = JSON.stringify((await issueServerBundle({ vendor: suite.vendor, issuedAt, ...demoTerms(clock()) })).bundle);
    const seeds = [good.lic, expired.lic, bundle];
    const enc = new TextEncoder();

    const mutate = (text: string): Uint8Array<ArrayBuffer> => {
      const bytes = enc.encode(text);
      const out = new Uint8Array(bytes);
      const kind = int(6);
      if (kind === 0) for (let i = 0; i < 1 + int(4); i++) out[int(out.length)] = int(256); // random bytes
      if (kind === 1) return out.slice(0, int(out.length)); // truncated
      if (kind === 2) {
        const parts = text.split('.');
        const i = int(parts.length);
        parts[i] = Buffer.from(Array.from({ length: int(64) }, () => int(256))).toString('base64url');
        return enc.encode(parts.join('.'));
      }
      if (kind === 3) {
        const parts = text.split('.');
        return enc.encode([parts[2], parts[1], parts[0]].join('.')); // segments swapped
      }
      if (kind === 4) {
        const i = int(out.length);
        out[i] = (out[i] ?? 0) ^ (1 << int(8)); // one bit flipped
      }
      return out;
    };

    const sample = (): Uint8Array<ArrayBuffer> => {
      const pick = int(100);
      if (pick < 2) return enc.encode(good.lic);
      if (pick < 4) return enc.encode(seeds[int(seeds.length)] ?? '');
      if (pick < 70) return mutate(seeds[int(seeds.length)] ?? '');
      if (pick < 72) return new Uint8Array(CONTAINER_LIC_MAX_BYTES + 1 + int(4096)); // too large
      return Uint8Array.from({ length: int(pick < 90 ? 64 : 2048) }, () => int(256)); // noise
    };

    const statuses = new Map<number, number>();
    for (let i = 0; i < RUNS; i++) {
      const form = new FormData();
      form.append('file', new Blob([sample()]), 'Container.lic');
      const res = await bff.app.request('/api/registration/local-container/lic', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, origin: 'http://localhost:5173' },
        body: form,
      });
      const body: unknown = await res.json();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 201) {
        containerLicAcceptedSchema.parse(body);
        continue;
      }
      const error = apiErrorSchema.safeParse(body);
      if (res.status >= 500 || !error.success || CATALOGUE[error.data.name].code !== error.data.code) {
        expect.fail(`seed ${seed} case ${i}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      }
    }
    // The run exercised acceptance, content refusals and the size limit.
    expect(statuses.get(201)).toBeGreaterThan(0);
    expect(statuses.get(422)).toBeGreaterThan(RUNS / 2);
    expect(statuses.get(413)).toBeGreaterThan(0);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  });
});
