import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { documentDetail, verifyDocument } from '@registration/licensing/jws';
import { detail } from '@registration/protocol/details';
import { DOC_TYPES, serverLicensePayloadSchema, type ServerLicensePayload } from '@registration/protocol/license';
import { serverBundleSchema, type ServerBundle } from '@registration/protocol/server-bundle';
import { StartupError } from './messages.ts';

/** A bundle that passed the start-up checks, with its decoded license. */
export interface LoadedBundle {
  bundle: ServerBundle;
  license: ServerLicensePayload;
}

// The public half derived from `d`, so a bundle cannot pair the certified `x` with some other secret.
function derivedPublicX(bundle: ServerBundle): string | undefined {
  const { kty, crv, x, d } = bundle.serverPrivateKey;
  try {
    return createPublicKey(createPrivateKey({ key: { kty, crv, x, d }, format: 'jwk' })).export({ format: 'jwk' }).x;
  } catch {
    return undefined;
  }
}

/**
 * Checks a bundle against the vendor key embedded in it: the server license's signature and that the
 * bundled private key is the certified server key. Nodes check the chain against the vendor key THEY
 * trust; this only stops a damaged or mismatched bundle from serving leases nobody can verify.
 */
export async function checkBundle(json: unknown, path: string): Promise<LoadedBundle> {
  // Format 1 carried the activation secret in the file: whoever held it could compute every code.
  if (typeof json === 'object' && json !== null && (json as { version?: unknown }).version === 1) {
    throw new StartupError('bundleRefused', { path, ...detail('bundle.v1') });
  }
  const parsed = serverBundleSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
    throw new StartupError('bundleRefused', { path, ...detail('bundle.notBundle', { fields }) });
  }
  const bundle = parsed.data;
  let license: ServerLicensePayload;
  try {
    license = await verifyDocument(bundle.serverLicense, bundle.vendorPublicKey, DOC_TYPES.serverLicense, serverLicensePayloadSchema);
  } catch (error) {
    throw new StartupError('bundleRefused', { path, ...documentDetail(error) });
  }
  const x = derivedPublicX(bundle);
  if (x === undefined || x !== license.serverKey.x || bundle.serverPrivateKey.x !== license.serverKey.x) {
    throw new StartupError('bundleRefused', { path, ...detail('bundle.keyMismatch') });
  }
  return { bundle, license };
}

/** Reads and checks the bundle file given by --bundle / LS_BUNDLE. */
export async function loadBundle(path: string): Promise<LoadedBundle> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StartupError('bundleRefused', { path, ...(code === 'ENOENT' ? detail('file.notFound') : detail('file.unreadable', { errno: String(code) })) });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StartupError('bundleRefused', { path, ...detail('file.notJson') });
  }
  return checkBundle(json, path);
}
