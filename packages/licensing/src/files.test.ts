import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTextIfExists, removeStaleTempFiles, writeFileAtomic } from './files.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole, owner-only by default, and leaves no temp file behind', async () => {
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, 'old');
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('fails without touching the old file when the directory is gone', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'x.json'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('removeStaleTempFiles', () => {
  it("deletes only that file's temp files", async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, 'kept');
    await writeFile(join(dir, '.state.json.0a1b2c3d4e5f.tmp'), 'half');
    await writeFile(join(dir, '.other.json.0a1b2c3d4e5f.tmp'), 'not ours');
    await removeStaleTempFiles(path);
    expect((await readdir(dir)).sort()).toEqual(['.other.json.0a1b2c3d4e5f.tmp', 'state.json']);
  });
});

describe('readTextIfExists', () => {
  it('gives the text, null for no file, and throws for anything else', async () => {
    await writeFile(join(dir, 'a.txt'), 'hello');
    expect(await readTextIfExists(join(dir, 'a.txt'))).toBe('hello');
    expect(await readTextIfExists(join(dir, 'none.txt'))).toBeNull();
    await expect(readTextIfExists(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
