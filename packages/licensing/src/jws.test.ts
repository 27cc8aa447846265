import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DOC_TYPES, leasePayloadSchema, serverLicensePayloadSchema } from '@registration/protocol/license';
import { decodeDocumentUnverified, DocumentError, generateEd25519KeyPair, signDocument, verifyDocument } from './jws.ts';
import { rawSign, serverLicensePayload } from './test-fixtures.ts';

type KeyPair = Awaited<ReturnType<typeof generateEd25519KeyPair>>;
let vendor: KeyPair;
let stranger: KeyPair;
let token: string;

beforeAll(async () => {
  vendor = await generateEd25519KeyPair('vendor-1');
  stranger = await generateEd25519KeyPair();
  token = await signDocument(serverLicensePayload(stranger.publicJwk), vendor.privateJwk, DOC_TYPES.serverLicense);
});

const verifyLicense = (jws: string) =>
  verifyDocument(jws, vendor.publicJwk, DOC_TYPES.serverLicense, serverLicensePayloadSchema);

async function kindOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentError);
  return (error as DocumentError).kind;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const parts = (jws: string) => jws.split('.') as [string, string, string];

describe('generateEd25519KeyPair', () => {
  it('returns a public JWK without the private part and a private JWK with it', () => {
    expect(vendor.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'vendor-1' });
    expect(vendor.publicJwk).not.toHaveProperty('d');
    expect(typeof vendor.privateJwk.d).toBe('string');
    expect(stranger.publicJwk).not.toHaveProperty('kid');
  });
});

describe('signDocument / verifyDocument', () => {
  it('round-trips a payload with header alg EdDSA, typ and kid', async () => {
    expect(await verifyLicense(token)).toEqual(serverLicensePayload(stranger.publicJwk));
    expect(decodeDocumentUnverified(token).header).toEqual({ alg: 'EdDSA', typ: DOC_TYPES.serverLicense, kid: 'vendor-1' });
  });

  it('refuses a public key as signing key', async () => {
    await expect(signDocument({}, vendor.publicJwk, DOC_TYPES.lease)).rejects.toThrow(TypeError);
  });

  it('rejects a flipped payload byte and a flipped signature byte as signature failures', async () => {
    const [header, payload, signature] = parts(token);
    const body = Buffer.from(payload, 'base64url');
    body[10] = body[10]! ^ 0x01;
    expect(await kindOf(verifyLicense(`${header}.${b64(body)}.${signature}`))).toBe('signature');
    const sig = Buffer.from(signature, 'base64url');
    sig[5] = sig[5]! ^ 0x80;
    expect(await kindOf(verifyLicense(`${header}.${payload}.${b64(sig)}`))).toBe('signature');
  });

  it('rejects a document signed by another key', async () => {
    const forged = await signDocument(serverLicensePayload(stranger.publicJwk), stranger.privateJwk, DOC_TYPES.serverLicense);
    expect(await kindOf(verifyLicense(forged))).toBe('signature');
  });

  it('rejects an unsigned alg "none" token', async () => {
    const [, payload] = parts(token);
    const unsigned = `${b64(JSON.stringify({ alg: 'none', typ: DOC_TYPES.serverLicense }))}.${payload}.`;
    expect(['algorithm', 'signature']).toContain(await kindOf(verifyLicense(unsigned)));
  });

  it('rejects an HS256 token keyed with the vendor public key (algorithm confusion)', async () => {
    const [, payload] = parts(token);
    const header = b64(JSON.stringify({ alg: 'HS256', typ: DOC_TYPES.serverLicense }));
    for (const secret of [Buffer.from(vendor.publicJwk.x, 'base64url'), Buffer.from(JSON.stringify(vendor.publicJwk))]) {
      const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      expect(['algorithm', 'signature']).toContain(await kindOf(verifyLicense(`${header}.${payload}.${mac}`)));
    }
  });

  it('never takes the key from the document (jwk, jku, x5u) and refuses crit', async () => {
    const payload = serverLicensePayload(stranger.publicJwk);
    const base = { alg: 'EdDSA', typ: DOC_TYPES.serverLicense };
    const variants = [
      { ...base, jwk: stranger.publicJwk },
      { ...base, jku: 'https://attacker.example/jwks.json' },
      { ...base, x5u: 'https://attacker.example/cert.pem' },
      { ...base, crit: ['exp'], exp: 1 },
    ];
    for (const header of variants) {
      // Signed with the genuine vendor key: refused for the header alone.
      expect(await kindOf(verifyLicense(rawSign(header, payload, vendor.privateJwk)))).toBe('algorithm');
    }
  });

  it('rejects a valid signature over the wrong typ, or none', async () => {
    const payload = serverLicensePayload(stranger.publicJwk);
    const asLease = await signDocument(payload, vendor.privateJwk, DOC_TYPES.lease);
    expect(await kindOf(verifyLicense(asLease))).toBe('type');
    const untyped = rawSign({ alg: 'EdDSA' }, payload, vendor.privateJwk);
    expect(await kindOf(verifyLicense(untyped))).toBe('type');
  });

  it('rejects a valid signature over a payload that fails the schema or is not JSON', async () => {
    const wrong = await signDocument({ ...serverLicensePayload(stranger.publicJwk), maxConnections: 0 }, vendor.privateJwk, DOC_TYPES.serverLicense);
    expect(await kindOf(verifyLicense(wrong))).toBe('payload');
    const lease = await signDocument({ type: 'lease' }, vendor.privateJwk, DOC_TYPES.lease);
    expect(await kindOf(verifyDocument(lease, vendor.publicJwk, DOC_TYPES.lease, leasePayloadSchema))).toBe('payload');
    const notJson = rawSign({ alg: 'EdDSA', typ: DOC_TYPES.serverLicense }, 'not json{', vendor.privateJwk);
    expect(await kindOf(verifyLicense(notJson))).toBe('payload');
  });

  it.each([
    ['empty', ''],
    ['one part', 'abc'],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['bad characters', 'a+b.c/d.e=='],
    ['header not JSON', `${b64('hello')}.${b64('{}')}.AAAA`],
    ['header an array', `${b64('[1]')}.${b64('{}')}.AAAA`],
    ['whitespace', ` ${'x'}.y.z `],
  ])('rejects a malformed document (%s)', async (_label, jws) => {
    expect(await kindOf(verifyLicense(jws))).toBe('malformed');
  });

  it('rejects a non-string document as malformed', async () => {
    expect(await kindOf(verifyLicense(42 as unknown as string))).toBe('malformed');
  });

  it('refuses a verification key that is not an Ed25519 public JWK', async () => {
    const rsaLike = { kty: 'RSA', n: 'x', e: 'AQAB' } as unknown as typeof vendor.publicJwk;
    await expect(verifyDocument(token, rsaLike, DOC_TYPES.serverLicense, serverLicensePayloadSchema)).rejects.toThrow(TypeError);
  });
});

describe('decodeDocumentUnverified', () => {
  it('shows header and payload of any document without checking it', async () => {
    const forged = rawSign({ alg: 'EdDSA', typ: 'x' }, { hello: 'world' }, stranger.privateJwk);
    expect(decodeDocumentUnverified(forged)).toEqual({ header: { alg: 'EdDSA', typ: 'x' }, payload: { hello: 'world' } });
  });

  it('throws a malformed DocumentError for garbage', () => {
    expect(() => decodeDocumentUnverified('garbage')).toThrow(DocumentError);
  });
});
