/** Files written so that a crash leaves the old or the new one, and files that may not exist yet: one home for the servers and the vendor's tools. */
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TMP_SUFFIX = '.tmp';

/**
 * Replaces `path` with `data` so that a crash at any moment leaves either the old or the new file, never a
 * mix: write a temp file in the same directory, fsync it, rename it over, then fsync the directory so the
 * rename itself is on disk before we tell anyone the write happened.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}${TMP_SUFFIX}`);
  const file = await open(tmp, 'wx', mode);
  try {
    await file.writeFile(data, 'utf8');
    await file.sync();
  } catch (error) {
    await file.close();
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await file.close();
  try {
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** Deletes temp files a crashed `writeFileAtomic(path)` left behind; only call while holding the directory lock. */
export async function removeStaleTempFiles(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname(path));
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix) && name.endsWith(TMP_SUFFIX))
      .map((name) => unlink(join(dirname(path), name)).catch(() => undefined)),
  );
}

/** The text of `path`, or null when there is no such file; any other error (a permission, a directory) is thrown. */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
