import { CompactSign, compactVerify, errors, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { z } from 'zod';
import { detail, type DetailCode } from '@registration/protocol/details';
import { ed25519PublicJwkSchema, type Ed25519PublicJwk } from '@registration/protocol/license';
import type { ReasonParams } from '@registration/protocol/reason';

/** Why a signed document was refused; callers map every kind to a catalogue reason. */
export type DocumentErrorKind = 'malformed' | 'algorithm' | 'signature' | 'type' | 'payload';

/** A signed document that must not be trusted, with the kind of failure. */
export class DocumentError extends Error {
  override readonly name = 'DocumentError';
  constructor(
    readonly kind: DocumentErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DOCUMENT_DETAIL: Record<DocumentErrorKind, DetailCode> = {
  malformed: 'document.malformed',
  algorithm: 'document.algorithm',
  signature: 'document.signature.vendor',
  type: 'document.type',
  payload: 'document.payload',
};

/**
 * The reason params (a detail code) that say why a document was refused, for any error a verify threw;
 * `signer` names whose key the signature was checked with. For a schema failure, which fields (never
 * their values).
 */
export function documentDetail(error: unknown, signer: 'vendor' | 'server' = 'vendor'): ReasonParams {
  if (!(error instanceof DocumentError)) return detail('document.unverifiable');
  if (error.kind === 'signature') return detail(signer === 'server' ? 'document.signature.server' : 'document.signature.vendor');
  if (error.kind !== 'payload' || !(error.cause instanceof z.ZodError)) return detail(DOCUMENT_DETAIL[error.kind]);
  const fields = [...new Set(error.cause.issues.map((issue) => issue.path.join('.') || '(root)'))].slice(0, 5);
  return detail('document.payload', { fields: fields.join(', ') });
}

const ALG = 'EdDSA';
// Headers that would let the document choose its own key or processing rules: never honoured.
const FORBIDDEN_HEADERS = ['crit', 'jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'b64'] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A fresh Ed25519 key pair as JWKs (the private half carries `d`). */
export async function generateEd25519KeyPair(kid?: string): Promise<{ publicJwk: Ed25519PublicJwk; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  const kidPart = kid === undefined ? {} : { kid };
  const publicJwk = ed25519PublicJwkSchema.parse({ ...(await exportJWK(publicKey)), ...kidPart });
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), ...kidPart };
  return { publicJwk, privateJwk };
}

/** Signs `payload` as a JWS compact with header `{ alg: 'EdDSA', typ, kid? }`. */
export async function signDocument(payload: object, privateJwk: JWK, typ: string): Promise<string> {
  if (privateJwk.kty !== 'OKP' || privateJwk.crv !== 'Ed25519' || typeof privateJwk.d !== 'string') {
    throw new TypeError('signDocument needs an Ed25519 private JWK');
  }
  const { kty, crv, x, d } = privateJwk;
  const key = await importJWK({ kty, crv, x, d }, ALG);
  const header = privateJwk.kid === undefined ? { alg: ALG, typ } : { alg: ALG, typ, kid: privateJwk.kid };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
}

/** Imports a trusted public key after checking it really is an Ed25519 public JWK. */
async function importPublicKey(publicJwk: Ed25519PublicJwk) {
  const parsed = ed25519PublicJwkSchema.safeParse(publicJwk);
  if (!parsed.success) throw new TypeError('verification key is not an Ed25519 public JWK');
  const { kty, crv, x } = parsed.data;
  return importJWK({ kty, crv, x }, ALG);
}

function decodeSegment(segment: string, what: string): unknown {
  try {
    return JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')));
  } catch (cause) {
    throw new DocumentError('malformed', `${what} is not base64url JSON`, { cause });
  }
}

function decodeHeader(jws: unknown): Record<string, unknown> {
  if (typeof jws !== 'string' || jws.length > 64 * 1024 || !COMPACT_JWS.test(jws)) {
    throw new DocumentError('malformed', 'not a JWS compact serialisation');
  }
  const header = decodeSegment(jws.slice(0, jws.indexOf('.')), 'protected header');
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new DocumentError('malformed', 'protected header is not a JSON object');
  }
  return header as Record<string, unknown>;
}

/**
 * Verifies a signed document: EdDSA only, no key or `crit` from the document, signature with
 * `publicJwk`, header `typ` equal to `typ`, and only then the payload against `schema`.
 */
export async function verifyDocument<T>(
  jws: string,
  publicJwk: Ed25519PublicJwk,
  typ: string,
  schema: z.core.$ZodType<T>,
): Promise<T> {
  const header = decodeHeader(jws);
  if (header.alg !== ALG) throw new DocumentError('algorithm', `algorithm ${String(header.alg)} is not allowed`);
  const forbidden = FORBIDDEN_HEADERS.find((name) => name in header);
  if (forbidden) throw new DocumentError('algorithm', `header parameter ${forbidden} is not allowed`);

  const key = await importPublicKey(publicJwk);
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(jws, key, { algorithms: [ALG] }));
  } catch (cause) {
    if (cause instanceof errors.JWSSignatureVerificationFailed) {
      throw new DocumentError('signature', 'signature does not verify', { cause });
    }
    if (cause instanceof errors.JOSEAlgNotAllowed || cause instanceof errors.JOSENotSupported) {
      throw new DocumentError('algorithm', 'algorithm is not allowed', { cause });
    }
    throw new DocumentError('malformed', 'not a valid JWS', { cause });
  }

  if (header.typ !== typ) throw new DocumentError('type', `document type ${String(header.typ)} is not ${typ}`);

  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(payloadBytes));
  } catch (cause) {
    throw new DocumentError('payload', 'payload is not JSON', { cause });
  }
  const result = z.safeParse(schema, json);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new DocumentError('payload', `payload does not match the schema: ${fields}`, { cause: result.error });
  }
  return result.data;
}

/** Header and payload WITHOUT any check: for display and diagnosis only, never for trust decisions. */
export function decodeDocumentUnverified(jws: string): { header: Record<string, unknown>; payload: unknown } {
  const header = decodeHeader(jws);
  const payloadSegment = jws.split('.')[1] ?? '';
  return { header, payload: decodeSegment(payloadSegment, 'payload') };
}
