import type { ProjectIdentity } from '@registration/protocol/project-identity';
import { compareVersions, parseVersion } from './version.ts';

/**
 * Whether a project may resume after a license-server restart without a new QR scan (DESIGN.md §3.1
 * step 8; manual "Registering After Restarting the Authorization Server", FineReport 11.5.11).
 */

/** What identifies a project across a restart; the wire schema is `projectIdentitySchema` in protocol. */
export type { ProjectIdentity };

/** The first product version with the rule. */
export const RESTART_RULE_MIN_VERSION = '11.5.11';
/**
 * Images obtained on or after this day have the rule. The vendor's calendar is China Standard Time,
 * so the day starts at 00:00 UTC+8 (2026-05-19T16:00Z).
 */
export const RESTART_RULE_IMAGE_CUTOFF = new Date('2026-05-20T00:00:00+08:00');

export interface RestartPolicyInput {
  /** The identity recorded before the restart; null when none was recorded. */
  before: ProjectIdentity | null;
  /** The identity the project reports now. */
  after: ProjectIdentity;
  /** The project's product version, e.g. `11.5.11`. */
  productVersion: string;
  /** When the license-server image (its server license) was issued. */
  serverImageIssuedAt: Date;
}

const rescan = (reason: string) => ({ resume: false, reason });
const resume = (reason: string) => ({ resume: true, reason });

// An empty component is unknown, so it never counts as unchanged (the schema refuses it on the wire).
const same = (a: string, b: string) => a !== '' && a === b;

/** resume = true: the pre-restart state is kept, no QR scan; otherwise the QR scan is required. Reason in English. */
export function canResumeWithoutScan(input: RestartPolicyInput): { resume: boolean; reason: string } {
  const { before, after } = input;
  if (parseVersion(input.productVersion) === null) return rescan(`product version ${input.productVersion} is not readable`);
  if (compareVersions(input.productVersion, RESTART_RULE_MIN_VERSION) < 0) {
    return rescan(`product version ${input.productVersion} is older than ${RESTART_RULE_MIN_VERSION}`);
  }
  const issued = input.serverImageIssuedAt.getTime();
  if (!(issued >= RESTART_RULE_IMAGE_CUTOFF.getTime())) {
    return rescan('license server image was obtained before 2026-05-20');
  }
  if (before === null) return rescan('no project identity was recorded before the restart');
  if (before.kind !== after.kind) return rescan(`project configuration changed from ${before.kind} to ${after.kind}`);

  if (before.kind === 'standalone-external-db' && after.kind === 'standalone-external-db') {
    return same(before.configDb, after.configDb)
      ? resume('external configuration database unchanged')
      : rescan('external configuration database changed');
  }
  if (before.kind === 'cluster' && after.kind === 'cluster') {
    const changed = (['configDb', 'stateServer', 'fileServer'] as const).filter((k) => !same(before[k], after[k]));
    if (changed.length <= 1) return resume(changed.length === 0 ? 'cluster components unchanged' : `only ${changed[0]} changed`);
    return rescan(`${changed.join(', ')} changed (two or more)`);
  }
  return rescan('a standalone project with the built-in configuration database always scans again');
}
