import { readFile, writeFile, chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ServerBundle } from '@registration/protocol/server-bundle';
import { BundleError } from './server-bundle.ts';

/** Writes a bundle file (mode 0600: it holds the server's private key); keeps an existing file unless `force`. */
export async function writeServerBundle(path: string, bundle: ServerBundle, options: { force?: boolean } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o600, flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BundleError(`${path} already exists; pass --force to replace it`);
    }
    throw error;
  }
  if (options.force) await chmod(path, 0o600);
}

/** Reads a bundle file as JSON; the content is checked by `verifyServerBundle` (or only displayed by `print`). */
export async function readServerBundleJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BundleError(`${path} does not exist`);
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BundleError(`${path} is not valid JSON`);
  }
}
