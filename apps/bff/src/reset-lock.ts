import { existsSync } from 'node:fs';
import path from 'node:path';
import { resetLockState } from '@registration/licensing/lockout';
import { createPgliteStore } from './store/pglite-store.ts';
import { createPostgresStore } from './store/postgres-store.ts';
import type { RegistrationStore } from './store/types.ts';

/**
 * `reset-lock`: clears the Local Container code lock of the stored Container.lic (after 100 wrong codes in
 * a row code entry is disabled until an operator runs this). Uses the node's store: `DATABASE_URL`
 * (a cluster; nodes may keep running) or the embedded `DATA_DIR` (stop the BFF first: PGlite is
 * single-process). Prints what it did; exit 1 when there is no lic to reset.
 */
export async function resetLock(store: RegistrationStore, now: Date): Promise<{ licenseId: string } | null> {
  return store.transaction(async (tx) => {
    const stored = await tx.getContainerLicense();
    if (!stored) return null;
    await tx.lockVerification(stored.license.licenseId); // wait for a code check in flight on another node
    await tx.setVerificationLock(stored.license.licenseId, resetLockState(), now);
    return { licenseId: stored.license.licenseId };
  });
}

/**
 * Whether `dir` holds the BFF's embedded store. Opening PGlite on any other folder would create an empty
 * database there and report "no Container.lic is stored" about the wrong place.
 */
export function holdsStore(dir: string): boolean {
  return existsSync(path.join(dir, 'PG_VERSION'));
}

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  const dir = path.resolve(process.env.DATA_DIR ?? '.data/bff');
  if (!url && !holdsStore(dir)) {
    console.error(
      `reset-lock: ${dir} holds no BFF store (no PG_VERSION there); set DATA_DIR to the node's data folder ` +
        '(`pnpm start` keeps it in .demo/bff/data) or DATABASE_URL for a cluster. Nothing was created or changed.',
    );
    return 2;
  }
  const store = url ? await createPostgresStore({ connectionString: url }) : await createPgliteStore(dir);
  try {
    const done = await resetLock(store, new Date());
    if (!done) {
      console.error('reset-lock: no Container.lic is stored; nothing to reset');
      return 1;
    }
    console.log(`reset-lock: code entry for Container.lic ${done.licenseId} is open again (5 attempts)`);
    return 0;
  } finally {
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`reset-lock: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
