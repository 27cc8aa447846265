import { join } from 'node:path';
import type { Locale } from '@registration/protocol/catalogue';
import { DESTROY_RECEIPT_FILE, type DestroyReceiptFile, type DestroyReceiptPayload } from '@registration/protocol/destroy-receipt';
import { loadBundle, type LoadedBundle } from './bundle.ts';
import { commandLogger, openForCommand, type CommandIo } from './commands.ts';
import type { LicenseServerConfig } from './config.ts';
import { liveLeases } from './lease-book.ts';
import { LeaseTable } from './lease-table.ts';
import { message } from './messages.ts';
import { issueDestroyReceipt, moveAside, readExistingReceipt, receiptLeases, writeReceiptFile } from './receipt.ts';
import type { Mutation } from './store.ts';

/**
 * `license-server destroy` (DESIGN.md §3.1 step 7; the private-cloud manual's `server -destroy`).
 *
 * Order matters for a crash at any moment: the receipt is written durably FIRST, then privateConfig is
 * marked destroyed with the receipt's own `destroyedAt`. A crash in between leaves a receipt and a live
 * state, and the next `destroy` completes it with that same time; a second `destroy` after success only
 * reprints. `destroyedAt` is therefore decided once and never rewritten.
 */

/** Marks the state destroyed: no leases, no pending rescans (every node must now meet 30002), time kept if already set. */
export function markDestroyed(destroyedAt: string): Mutation<string> {
  return (state) => {
    if (state.destroyedAt !== null) return { result: state.destroyedAt };
    return {
      next: { ...state, destroyedAt, leases: LeaseTable.EMPTY, activation: { ...state.activation, challenge: null, rescanRequired: {} } },
      result: destroyedAt,
    };
  };
}

/** How a destroy run ended. */
export type DestroyOutcome = 'destroyed' | 'completed' | 'already' | 'reissued';

const SHOWN_LEASES = 20;

function printReceipt(language: Locale, out: (text: string) => void, bundle: LoadedBundle, path: string, payload: DestroyReceiptPayload, file: DestroyReceiptFile): void {
  const leases = payload.leasesInUse === null ? message(language, 'receiptLeasesUnknown') : String(payload.leasesInUse);
  const lines = [
    message(language, 'receiptFacts', {
      licenseId: payload.licenseId,
      company: bundle.license.company,
      instanceId: payload.instanceId,
      fingerprint: payload.fingerprint,
      destroyedAt: payload.destroyedAt,
      leases,
      path,
    }),
    ...file.leases.slice(0, SHOWN_LEASES).map((l) => message(language, 'receiptLease', { ...l })),
  ];
  if (file.leases.length > SHOWN_LEASES) lines.push(message(language, 'receiptMoreLeases', { n: file.leases.length - SHOWN_LEASES }));
  out(lines.join('\n'));
}

/** Runs `destroy` on a stopped server's config dir; prints the receipt's facts in the configured language. */
export async function destroyLicenseServer(config: LicenseServerConfig, io: CommandIo): Promise<DestroyOutcome> {
  const language = config.language;
  const bundle = await loadBundle(config.bundle);
  const logger = commandLogger(config.logDir);
  const store = await openForCommand(config, { licenseId: bundle.license.licenseId, now: io.now, logger });
  const path = join(config.uninstallDir, DESTROY_RECEIPT_FILE);
  try {
    const state = store.state;
    let existing = await readExistingReceipt(path, bundle, state.instanceId);
    if (existing.kind === 'foreign') {
      // Someone else's receipt (an earlier installation, another license): kept, never overwritten.
      const aside = await moveAside(path, io.now());
      io.out(message(language, 'receiptMovedAside', { path, why: existing.why, aside }));
      existing = { kind: 'missing' };
    }

    if (state.destroyedAt !== null) {
      if (existing.kind === 'ours' && existing.payload.destroyedAt === state.destroyedAt) {
        io.out(message(language, 'destroyAlready', { destroyedAt: state.destroyedAt }));
        printReceipt(language, io.out, bundle, path, existing.payload, existing.file);
        return 'already';
      }
      // The receipt was lost (or is from a destroy that a restored backup undid): sign the recorded facts again.
      const file = await issueDestroyReceipt({ bundle, state, destroyedAt: state.destroyedAt, leases: null, reissuedAt: io.now().toISOString() });
      await writeReceiptFile(path, config.uninstallDir, file);
      const reread = await readExistingReceipt(path, bundle, state.instanceId);
      if (reread.kind !== 'ours') throw new Error(`the receipt just written to ${path} does not read back`);
      logger.info({ licenseId: state.licenseId, destroyedAt: state.destroyedAt, receipt: path }, 'destroy receipt re-issued');
      io.out(message(language, 'destroyReissued', { destroyedAt: state.destroyedAt }));
      printReceipt(language, io.out, bundle, path, reread.payload, reread.file);
      io.out(message(language, 'destroyNext', { path }));
      return 'reissued';
    }

    let outcome: DestroyOutcome;
    let payload: DestroyReceiptPayload;
    let file: DestroyReceiptFile;
    if (existing.kind === 'ours') {
      // A destroy that stopped between writing the receipt and marking the state: finish it with that receipt.
      ({ payload, file } = existing);
      outcome = 'completed';
    } else {
      const now = io.now();
      file = await issueDestroyReceipt({ bundle, state, destroyedAt: now.toISOString(), leases: receiptLeases(liveLeases(state, now)) });
      await writeReceiptFile(path, config.uninstallDir, file);
      const written = await readExistingReceipt(path, bundle, state.instanceId);
      if (written.kind !== 'ours') throw new Error(`the receipt just written to ${path} does not read back`);
      payload = written.payload;
      outcome = 'destroyed';
    }
    await store.update(markDestroyed(payload.destroyedAt));
    logger.info({ licenseId: payload.licenseId, instanceId: payload.instanceId, destroyedAt: payload.destroyedAt, leasesInUse: payload.leasesInUse, receipt: path }, 'destroyed');
    io.out(message(language, 'destroyDone', { licenseId: payload.licenseId }));
    if (outcome === 'completed') io.out(message(language, 'destroyCompleted'));
    printReceipt(language, io.out, bundle, path, payload, file);
    io.out(message(language, 'destroyNext', { path }));
    return outcome;
  } finally {
    await store.close();
  }
}
