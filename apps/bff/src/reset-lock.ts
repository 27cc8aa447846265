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

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  const store = url ? await createPostgresStore({ connectionString: url }) : await createPgliteStore(process.env.DATA_DIR ?? '.data/bff');
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
