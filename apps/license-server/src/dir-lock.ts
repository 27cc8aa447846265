import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StartupError } from './messages.ts';

/** An exclusive claim on a state directory, released on shutdown. */
export interface DirLock {
  readonly path: string;
  release(): Promise<void>;
}

// Directories this process holds: a second store in the same process must be refused too, and a lock
// file holding our own pid that is NOT in here is stale (a container restarts with the same pid 1).
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function create(path: string): Promise<boolean> {
  try {
    const file = await open(path, 'wx', 0o644);
    try {
      await file.writeFile(`${process.pid}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Removes a stale lock without racing another process doing the same: the rename is atomic, so only one
 * of them moves the file; whoever moved a lock that is not the stale one (a fresh, live lock) puts it back.
 */
async function takeOverStale(path: string, staleText: string, dir: string): Promise<void> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else moved it first: just try again
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) {
    await link(aside, path).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    throw new StartupError('lockHeld', { dir, pid: moved.trim() });
  }
  await unlink(aside).catch(() => undefined);
}

/**
 * Takes `<dir>/.lock` (created exclusively, holding our pid). A lock whose process is alive refuses; a lock
 * left by a dead process is taken over, so a crash never needs manual clean-up.
 */
export async function acquireDirLock(dir: string): Promise<DirLock> {
  const key = resolve(dir);
  const path = join(key, '.lock');
  if (heldHere.has(key)) throw new StartupError('lockHeld', { dir: key, pid: process.pid });
  // Bounded: each round either takes the lock, refuses, or removes one stale lock file.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await create(path)) {
      heldHere.add(key);
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          heldHere.delete(key);
          await unlink(path).catch(() => undefined);
        },
      };
    }
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text === null) continue; // removed in between: try again
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new StartupError('lockUnreadable', { path, dir: key });
    if (pid !== process.pid && alive(pid)) throw new StartupError('lockHeld', { dir: key, pid });
    await takeOverStale(path, text, key);
  }
  throw new StartupError('lockHeld', { dir: key, pid: '?' });
}
