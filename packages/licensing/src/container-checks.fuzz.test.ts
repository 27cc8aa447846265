import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '@registration/protocol/catalogue';
import { DOC_TYPES } from '@registration/protocol/license';
import { reasonSchema } from '@registration/protocol/reason';
import { SERVER_BUNDLE_FORMAT } from '@registration/protocol/server-bundle';
import { checkContainerLicense } from './container-checks.ts';
import { generateEd25519KeyPair, signDocument } from './jws.ts';
import { containerLicensePayload, leasePayload, NOW, serverLicensePayload } from './test-fixtures.ts';

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its index. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/{}":, \n\u0000é工';
const b64 = (value: string) => Buffer.from(value).toString('base64url');

const ITERATIONS = 10_000;
const ALLOWED = new Set(['LICENSE_EXPIRED', 'REPORT_VERSION_ERROR', 'LICENSE_APPNAME_ERROR', 'PROJECT_CONTENT_MISMATCH', 'CLUSTER_NODES_EXCEEDED', 'LIC_TYPE_MISMATCH', 'LICENSE_CONTENT_ERROR']);

describe('checkContainerLicense fuzz', () => {
  let seeds: string[] = [];
  let vendor: Awaited<ReturnType<typeof generateEd25519KeyPair>>;
  let vendorKey: typeof vendor.publicJwk;
  const signedPayloads = new Map<string, string>();

  beforeAll(async () => {
    vendor = await generateEd25519KeyPair();
    const server = await generateEd25519KeyPair();
    vendorKey = vendor.publicJwk;
    const variants = [
      containerLicensePayload(),
      containerLicensePayload({ maxNodes: 1, appName: 'x' }),
      containerLicensePayload({ expiresAt: '2020-01-01T00:00:00.000Z' }),
    ];
    const lics = await Promise.all(variants.map((p) => signDocument(p, vendor.privateJwk, DOC_TYPES.containerLicense)));
    lics.forEach((lic, i) => signedPayloads.set(JSON.stringify(variants[i]), lic));
    seeds = [
      ...lics,
      await signDocument(serverLicensePayload(server.publicJwk), vendor.privateJwk, DOC_TYPES.serverLicense),
      await signDocument(leasePayload(), server.privateJwk, DOC_TYPES.lease),
      await signDocument(containerLicensePayload(), server.privateJwk, DOC_TYPES.containerLicense),
      JSON.stringify({ format: SERVER_BUNDLE_FORMAT, version: 1, serverLicense: lics[0] }),
    ];
  });

  it(`never throws on ${ITERATIONS} random and mutated files, and answers only catalogue reasons`, async () => {
    const rand = prng(0x5eed);
    const randomText = (n: number) => Array.from({ length: n }, () => rand.pick([...ALPHABET])).join('');
    const mutate = (text: string): string => {
      const i = rand.int(text.length + 1);
      switch (rand.int(7)) {
        case 0: return text.slice(0, i) + rand.pick([...ALPHABET]) + text.slice(i + 1); // replace one character
        case 1: return text.slice(0, i) + text.slice(i + 1 + rand.int(20)); // delete a run
        case 2: return text.slice(0, i) + randomText(1 + rand.int(10)) + text.slice(i); // insert
        case 3: return text.slice(0, i); // truncate
        case 4: { const [h = '', p = '', s = ''] = text.split('.'); return rand.pick([`${p}.${h}.${s}`, `${h}.${s}.${p}`, `${h}..${s}`, `${h}.${p}`]); } // shuffle segments
        case 5: { const [h = '', , s = ''] = text.split('.'); return `${h}.${b64(randomText(rand.int(300)))}.${s}`; } // new payload
        default: return `${b64(JSON.stringify({ alg: rand.pick(['EdDSA', 'none', 'HS256', 'ES256']), typ: rand.pick(Object.values(DOC_TYPES)) }))}.${text.split('.')[1] ?? ''}.${b64(randomText(rand.int(90)))}`;
      }
    };

    // Vendor-signed payloads with random field values, so the schema and content rules are reached too.
    const FIELD_VALUES: Record<string, readonly unknown[]> = {
      type: ['container', 'license-server', 'lease', 1],
      productVersion: ['11.0', '10.0', '', '11', '11.0.18.1', 7],
      appName: ['webroot', 'WebRoot', '', null],
      project: ['Demo project', ' Demo  project', 'Other', ''],
      projectFingerprint: [undefined, 'p1', ''],
      expiresAt: ['2027-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 'tomorrow', 0],
      maxNodes: [1, 2, 3, 0, -1, 1.5, '2', 1e9],
      activationKey: [Buffer.alloc(32, 1).toString('base64url'), 'short', ''],
      features: [[], ['a'], 'a'],
    };
    const randomSigned = async () => {
      const payload: Record<string, unknown> = { ...containerLicensePayload() };
      for (const [field, values] of Object.entries(FIELD_VALUES)) if (rand.int(3) === 0) payload[field] = rand.pick(values);
      const jws = await signDocument(payload, vendor.privateJwk, DOC_TYPES.containerLicense);
      signedPayloads.set(JSON.stringify(payload), jws);
      return jws;
    };

    const counts = new Map<string, number>();
    for (let i = 0; i < ITERATIONS; i += 1) {
      const kind = rand.int(5);
      const seed = rand.pick(seeds);
      const input: string | Uint8Array =
        kind === 0 ? Uint8Array.from({ length: rand.int(600) }, () => rand.int(256))
        : kind === 1 ? randomText(rand.int(600))
        : kind === 2 ? mutate(seed)
        : kind === 3 ? mutate(mutate(mutate(seed)))
        : await randomSigned();

      let result;
      try {
        result = await checkContainerLicense({ jwsText: input, vendorKey, local: { productVersion: '11.0.18', appName: 'webroot', project: { name: 'Demo project' }, nodes: 2 }, now: NOW });
      } catch (error) {
        throw new Error(`case ${i} threw: ${String(error)}`);
      }
      if (result.ok) {
        // A harmless mutation (e.g. an unused trailing base64 bit) may still verify, but only with signed content.
        expect(signedPayloads.has(JSON.stringify(result.license)), `case ${i}`).toBe(true);
        counts.set('ok', (counts.get('ok') ?? 0) + 1);
        continue;
      }
      expect(result.reasons.length, `case ${i}`).toBeGreaterThan(0);
      for (const reason of result.reasons) {
        expect(reasonSchema.parse(reason)).toEqual(reason);
        expect(ERROR_NAMES).toContain(reason.name);
        expect(ALLOWED.has(reason.name), `case ${i}: ${reason.name}`).toBe(true);
        counts.set(reason.name, (counts.get(reason.name) ?? 0) + 1);
      }
    }
    // The generator reached the signature check and the type detection, not only the format check.
    expect(counts.get('LICENSE_CONTENT_ERROR')).toBeGreaterThan(1000);
    expect(counts.get('LIC_TYPE_MISMATCH')).toBeGreaterThan(10);
    for (const name of ['LICENSE_EXPIRED', 'REPORT_VERSION_ERROR', 'LICENSE_APPNAME_ERROR', 'PROJECT_CONTENT_MISMATCH', 'CLUSTER_NODES_EXCEEDED']) {
      expect(counts.get(name), name).toBeGreaterThan(10);
    }
    expect(counts.get('ok')).toBeGreaterThan(10);
  }, 120_000);
});
