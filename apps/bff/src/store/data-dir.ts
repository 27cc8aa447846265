import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Modes of the embedded store's files: nobody but the BFF's own user reads or writes its state. */
export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/**
 * Makes `dir` (created if missing) and everything under it private: folders 0700, files 0600. PGlite
 * creates its files 0666 whatever the umask, and an earlier version left them so; this runs when the
 * store opens and again when it closes. Symbolic links are left alone (never followed out of `dir`).
 * Answers how many entries it had to tighten.
 */
export async function tightenDataDir(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true, mode: DATA_DIR_MODE });
  let tightened = 0;
  const visit = async (path: string): Promise<void> => {
    let info;
    try {
      info = await lstat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // gone meanwhile (a temp file)
      throw error;
    }
    if (info.isSymbolicLink()) return;
    const want = info.isDirectory() ? DATA_DIR_MODE : DATA_FILE_MODE;
    if ((info.mode & 0o777) !== want) {
      await chmod(path, want);
      tightened += 1;
    }
    if (info.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(dir);
  return tightened;
}
