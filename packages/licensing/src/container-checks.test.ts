import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { describe as describeReason } from '@registration/protocol/catalogue';
import type { ContainerLicensePayload } from '@registration/protocol/container-license';
import { DOC_TYPES, serverLicensePayloadSchema } from '@registration/protocol/license';
import { reasonSchema } from '@registration/protocol/reason';
import { SERVER_BUNDLE_FORMAT } from '@registration/protocol/server-bundle';
import {
  checkContainerLicense,
  projectFingerprint,
  projectMatches,
  type ContainerLicenseCheck,
  type ContainerLicenseCheckInput,
} from './container-checks.ts';
import { DocumentError, generateEd25519KeyPair, signDocument, verifyDocument } from './jws.ts';
import { containerLicensePayload, leasePayload, NOW, rawSign, serverLicensePayload } from './test-fixtures.ts';

type KeyPair = Awaited<ReturnType<typeof generateEd25519KeyPair>>;
let vendor: KeyPair;
let stranger: KeyPair;
let lic: string;

beforeAll(async () => {
  vendor = await generateEd25519KeyPair('vendor-1');
  stranger = await generateEd25519KeyPair();
  lic = await signDocument(containerLicensePayload(), vendor.privateJwk, DOC_TYPES.containerLicense);
});

const local = { productVersion: '11.0.18', appName: 'webroot', project: { name: 'Demo project' }, nodes: 2 };
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const parts = (jws: string) => jws.split('.') as [string, string, string];

async function check(jwsText: ContainerLicenseCheckInput['jwsText'], over: Partial<ContainerLicenseCheckInput> = {}): Promise<ContainerLicenseCheck> {
  const result = await checkContainerLicense({ jwsText, vendorKey: vendor.publicJwk, local, now: NOW, ...over });
  if (!result.ok) for (const r of result.reasons) expect(reasonSchema.parse(r)).toEqual(r);
  return result;
}
const signed = (overrides: Partial<ContainerLicensePayload>) =>
  signDocument(containerLicensePayload(overrides), vendor.privateJwk, DOC_TYPES.containerLicense);
const reasonsOf = (result: ContainerLicenseCheck) => (result.ok ? [] : result.reasons);

describe('checkContainerLicense: accepted', () => {
  it('accepts the vendor-signed lic and returns its verified content', async () => {
    expect(await check(lic)).toEqual({ ok: true, license: containerLicensePayload() });
  });

  it('accepts the file as bytes, with a BOM and a trailing newline from an editor', async () => {
    expect((await check(Buffer.from(`\uFEFF${lic}\r\n`, 'utf8'))).ok).toBe(true);
  });
});

describe('checkContainerLicense: each reason alone, with its specifics', () => {
  it.each([
    ['expired', { expiresAt: '2026-05-31T00:00:00.000Z' }, {}, { code: 30000, name: 'LICENSE_EXPIRED', params: { expiresAt: '2026-05-31T00:00:00.000Z' } }],
    ['expiring exactly now', { expiresAt: NOW.toISOString() }, {}, { name: 'LICENSE_EXPIRED' }],
    ['another version', { productVersion: '10.0' }, {}, { code: 30001, name: 'REPORT_VERSION_ERROR', params: { certified: '10.0', local: '11.0.18' } }],
    [
      'another app name',
      { appName: 'ReportServer' },
      {},
      { code: 30005, name: 'LICENSE_APPNAME_ERROR', params: { certified: 'ReportServer', local: 'webroot', appName: 'webroot', allowed: ['ReportServer'] } },
    ],
    ['another project', { project: 'Other project' }, {}, { code: 32001, name: 'PROJECT_CONTENT_MISMATCH', params: { certified: 'Other project', local: 'Demo project' } }],
    [
      'another project id',
      { projectFingerprint: 'proj-42' },
      { project: { name: 'Demo project', id: 'proj-7' } },
      { name: 'PROJECT_CONTENT_MISMATCH', params: { certified: 'Demo project (proj-42)', local: 'Demo project (proj-7)' } },
    ],
    ['more nodes than licensed', { maxNodes: 1 }, {}, { code: 32002, name: 'CLUSTER_NODES_EXCEEDED', params: { max: 1, nodes: 2 } }],
  ] as const)('%s', async (_, lic, localOver, expected) => {
    const result = await check(await signed(lic), { local: { ...local, ...localOver } });
    expect(reasonsOf(result)).toEqual([expect.objectContaining(expected)]);
  });

  it('returns all five together, in catalogue order', async () => {
    const bad = await signed({ expiresAt: '2026-01-02T00:00:00.000Z', productVersion: '10.0', appName: 'x', project: 'y', maxNodes: 1 });
    expect(reasonsOf(await check(bad)).map((r) => r.code)).toEqual([30000, 30001, 30005, 32001, 32002]);
  });

  it('renders the app name reason with both the shared 30005 text and certified/local params', async () => {
    const [appName] = reasonsOf(await check(await signed({ appName: 'ReportServer' })));
    const text = describeReason('LICENSE_APPNAME_ERROR', 'en', appName?.params);
    expect(text.explanation).toBe('This node’s app name webroot is not among the allowed app names ReportServer.');
  });
});

describe('project content', () => {
  it.each([
    [{ project: 'Demo project' }, { name: '  Demo   project ' }, true],
    [{ project: 'Demo project' }, { name: 'demo project' }, false],
    [{ project: '工程 甲' }, { name: '工程 甲' }, true],
    [{ project: 'Demo project', projectFingerprint: 'p1' }, { name: 'Demo project', id: 'p1' }, true],
    [{ project: 'Demo project', projectFingerprint: 'p1' }, { name: 'Demo project' }, false],
    [{ project: 'Demo project' }, { name: 'Demo project', id: 'p9' }, true],
  ])('%j vs local %j → %s', (license, project, expected) => {
    expect(projectMatches(license, project)).toBe(expected);
  });

  it('fingerprints a project stably and tells projects apart', () => {
    const a = projectFingerprint({ name: 'Demo project', id: 'p1' });
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(projectFingerprint({ name: ' Demo project ', id: 'p1' })).toBe(a);
    expect(projectFingerprint({ name: 'Demo project', id: 'p2' })).not.toBe(a);
    expect(projectFingerprint({ name: 'Demo project' })).not.toBe(a);
  });
});

describe('checkContainerLicense: tampering and foreign keys → LICENSE_CONTENT_ERROR', () => {
  const contentError = (detail: string, extra: Record<string, unknown> = {}) => [expect.objectContaining({ code: 31010, name: 'LICENSE_CONTENT_ERROR', params: { detail, ...extra } })];

  it('refuses a lic whose content was changed after signing (more nodes, later expiry)', async () => {
    const [h, , s] = parts(lic);
    for (const change of [{ maxNodes: 500 }, { expiresAt: '2099-01-01T00:00:00.000Z' }]) {
      const forged = `${h}.${b64(JSON.stringify(containerLicensePayload(change)))}.${s}`;
      expect(reasonsOf(await check(forged))).toEqual(contentError('document.signature.vendor'));
    }
  });

  it('refuses a lic signed by another key (another vendor)', async () => {
    const foreign = await signDocument(containerLicensePayload(), stranger.privateJwk, DOC_TYPES.containerLicense);
    expect(reasonsOf(await check(foreign))).toEqual(contentError('document.signature.vendor'));
  });

  it.each([
    ['alg none', () => `${b64(JSON.stringify({ alg: 'none', typ: DOC_TYPES.containerLicense }))}.${b64(JSON.stringify(containerLicensePayload()))}.`],
    [
      'HS256 keyed with the public key',
      () => {
        const input = `${b64(JSON.stringify({ alg: 'HS256', typ: DOC_TYPES.containerLicense }))}.${b64(JSON.stringify(containerLicensePayload()))}`;
        return `${input}.${createHmac('sha256', vendor.publicJwk.x).update(input).digest('base64url')}`;
      },
    ],
    ['an embedded key', () => rawSign({ alg: 'EdDSA', typ: DOC_TYPES.containerLicense, jwk: stranger.publicJwk }, containerLicensePayload(), stranger.privateJwk)],
  ])('refuses %s', async (_, make) => {
    expect(reasonsOf(await check(make()))).toEqual(contentError('document.algorithm'));
  });

  it('names the fields of a vendor-signed lic whose content does not fit the format, not their values', async () => {
    const odd = rawSign({ alg: 'EdDSA', typ: DOC_TYPES.containerLicense }, { ...containerLicensePayload(), maxNodes: 0, activationKey: 'short' }, vendor.privateJwk);
    expect(reasonsOf(await check(odd))).toEqual(contentError('document.payload', { fields: expect.stringMatching(/^(maxNodes, activationKey|activationKey, maxNodes)$/) }));
    // A genuine lic of the format that carried its activation secret: re-issue, not "content incorrect".
    const { activationKey: _key, ...rest } = containerLicensePayload();
    const old = rawSign({ alg: 'EdDSA', typ: DOC_TYPES.containerLicense }, { ...rest, activationSecret: Buffer.alloc(32, 7).toString('base64url') }, vendor.privateJwk);
    expect(reasonsOf(await check(old))).toEqual([{ code: 32009, name: 'LIC_REISSUE_REQUIRED', params: { licenseId: 'clic-0001' } }]);
    // The same, not signed by the vendor, is refused for its signature as before.
    const forgedOld = rawSign({ alg: 'EdDSA', typ: DOC_TYPES.containerLicense }, { ...rest, activationSecret: 'x' }, (await generateEd25519KeyPair()).privateJwk);
    expect((await check(forgedOld)).ok ? [] : reasonsOf(await check(forgedOld)).map((r) => r.name)).toEqual(['LICENSE_CONTENT_ERROR']);
  });

  it.each([
    ['empty', '', 'file.empty'],
    ['blank', ' \n ', 'file.empty'],
    ['binary', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]), 'file.notText'],
    ['plain text', 'hello', 'document.malformed'],
    ['another JSON', '{"hello":1}', 'document.malformed'],
    ['too large', 'A'.repeat(64 * 1024 + 1), 'file.tooLarge'],
  ])('refuses %s', async (_, file, detail) => {
    expect(reasonsOf(await check(file))).toEqual(contentError(detail, detail === 'file.tooLarge' ? { limit: 65536 } : {}));
  });

  it('refuses a JWS whose payload was swapped for bytes that are not JSON', async () => {
    const [h, , sig] = parts(lic);
    expect(reasonsOf(await check(`${h}.${b64('\u0000\u0001')}.${sig}`))).toEqual(contentError('document.signature.vendor'));
  });

  it('throws for a vendor key that is not an Ed25519 public JWK: configuration, not input', async () => {
    const vendorKey = { kty: 'RSA' } as unknown as ContainerLicenseCheckInput['vendorKey'];
    await expect(checkContainerLicense({ jwsText: lic, vendorKey, local, now: NOW })).rejects.toThrow(TypeError);
  });
});

describe('type confusion', () => {
  it('a Container.lic where a server license is expected fails verifyDocument with kind "type"', async () => {
    const error = await verifyDocument(lic, vendor.publicJwk, DOC_TYPES.serverLicense, serverLicensePayloadSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentError);
    expect((error as DocumentError).kind).toBe('type');
  });

  const mismatch = (actual: string) => [{ code: 32000, name: 'LIC_TYPE_MISMATCH', params: { expected: 'Container.lic', actual } }];

  it('a vendor-signed server license given as Container.lic → LIC_TYPE_MISMATCH', async () => {
    const serverLicense = await signDocument(serverLicensePayload(stranger.publicJwk), vendor.privateJwk, DOC_TYPES.serverLicense);
    expect(reasonsOf(await check(serverLicense))).toEqual(mismatch('license-server license'));
  });

  it('a lease (signed by a license server) given as Container.lic → LIC_TYPE_MISMATCH', async () => {
    const lease = await signDocument(leasePayload(), stranger.privateJwk, DOC_TYPES.lease);
    expect(reasonsOf(await check(lease))).toEqual(mismatch('lease'));
  });

  it('a license-server bundle file given as Container.lic → LIC_TYPE_MISMATCH', async () => {
    const bundle = JSON.stringify({ format: SERVER_BUNDLE_FORMAT, version: 1, serverLicense: 'x' }, null, 2);
    expect(reasonsOf(await check(bundle))).toEqual(mismatch('license-server bundle'));
  });

  it('a server-license payload under the Container.lic type is refused as content, not trusted as a type', async () => {
    const swapped = await signDocument(serverLicensePayload(stranger.publicJwk), vendor.privateJwk, DOC_TYPES.containerLicense);
    expect(reasonsOf(await check(swapped))).toEqual([expect.objectContaining({ name: 'LICENSE_CONTENT_ERROR' })]);
  });

  it('a document of unknown type signed by the vendor is refused as content', async () => {
    const unknown = await signDocument(containerLicensePayload(), vendor.privateJwk, 'fr-something-else+jws');
    expect(reasonsOf(await check(unknown))).toEqual([expect.objectContaining({ name: 'LICENSE_CONTENT_ERROR', params: { detail: 'document.type' } })]);
  });
});
