import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { generateEd25519KeyPair } from '@registration/licensing/jws';
import { ed25519PublicJwkSchema, type Ed25519PublicJwk } from '@registration/protocol/license';
import { ed25519PrivateJwkSchema, type Ed25519PrivateJwk } from '@registration/protocol/server-bundle';
import { privateKeyMatches } from './key-match.ts';

export const VENDOR_PUBLIC_FILE = 'vendor.public.jwk.json';
export const VENDOR_SECRET_FILE = 'vendor.secret.jwk.json';

/** The vendor's signing key pair: the secret half signs every license, the public half is what products trust. */
export interface VendorKeys {
  publicJwk: Ed25519PublicJwk;
  privateJwk: Ed25519PrivateJwk;
}

/** A vendor key problem a CLI user can fix (missing file, refusing to overwrite, mismatched halves). */
export class VendorKeyError extends Error {
  override readonly name = 'VendorKeyError';
}

/** Creates a vendor key pair in `dir`; the secret file is 0600 and existing files are kept unless `force`. */
export async function createVendorKeys(
  dir: string,
  options: { force?: boolean } = {},
): Promise<VendorKeys & { publicPath: string; secretPath: string }> {
  await mkdir(dir, { recursive: true });
  const generated = await generateEd25519KeyPair();
  // kid = RFC 7638 thumbprint: stable, derived from the key, and lets logs tell vendor keys apart.
  const kid = await calculateJwkThumbprint(generated.publicJwk);
  const publicJwk = ed25519PublicJwkSchema.parse({ ...generated.publicJwk, kid });
  const privateJwk = ed25519PrivateJwkSchema.parse({ ...generated.privateJwk, kid });
  const publicPath = join(dir, VENDOR_PUBLIC_FILE);
  const secretPath = join(dir, VENDOR_SECRET_FILE);
  const flag = options.force ? 'w' : 'wx';
  try {
    // Secret first: a half-written pair must never leave a public key whose secret is lost.
    await writeFile(secretPath, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600, flag });
    await writeFile(publicPath, `${JSON.stringify(publicJwk, null, 2)}\n`, { mode: 0o644, flag });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new VendorKeyError(`vendor keys already exist in ${dir}; pass --force to replace them`);
    }
    throw error;
  }
  if (options.force) {
    // writeFile's mode only applies to new files; a replaced secret file must still end up 0600.
    await chmod(secretPath, 0o600);
  }
  return { publicJwk, privateJwk, publicPath, secretPath };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new VendorKeyError(`${path} does not exist`);
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new VendorKeyError(`${path} is not valid JSON`);
  }
}

/** Reads a vendor public key file (an Ed25519 public JWK). */
export async function loadVendorPublicKey(path: string): Promise<Ed25519PublicJwk> {
  const parsed = ed25519PublicJwkSchema.safeParse(await readJson(path));
  if (!parsed.success) throw new VendorKeyError(`${path} is not an Ed25519 public JWK`);
  return parsed.data;
}

/** Loads the key pair written by `createVendorKeys` and checks that both halves belong together. */
export async function loadVendorKeys(dir: string): Promise<VendorKeys> {
  const publicJwk = await loadVendorPublicKey(join(dir, VENDOR_PUBLIC_FILE));
  const secretPath = join(dir, VENDOR_SECRET_FILE);
  const secret = ed25519PrivateJwkSchema.safeParse(await readJson(secretPath));
  if (!secret.success) throw new VendorKeyError(`${secretPath} is not an Ed25519 private JWK`);
  if (!privateKeyMatches(secret.data, publicJwk)) {
    throw new VendorKeyError(`${VENDOR_PUBLIC_FILE} and ${VENDOR_SECRET_FILE} in ${dir} are not one key pair`);
  }
  return { publicJwk, privateJwk: secret.data };
}
