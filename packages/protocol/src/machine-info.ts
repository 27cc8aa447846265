import { z } from 'zod';

/**
 * The legacy machine-bound mode (FR 10 private cloud): `license-server machine-info` describes the
 * machine in `require/MachineInfo.rif`, the vendor binds the server license to its digest
 * (`machineInfoHash`), and a bound license server refuses to start on any other machine.
 */

export const MACHINE_INFO_FORMAT = 'fr-machine-info';
export const MACHINE_INFO_FILE = 'MachineInfo.rif';

const mac = z.string().regex(/^[0-9a-f]{2}(?::[0-9a-f]{2}){5,19}$/, 'must be a lower-case MAC address like 00:1a:2b:3c:4d:5e');

/** What identifies a machine: the fields the digest covers. */
export const machineFactsSchema = z.object({
  hostname: z.string().max(255),
  /** `process.platform` / `os.platform()`: linux, darwin, win32, … */
  platform: z.string().min(1).max(32),
  /** `os.arch()`: x64, arm64, ia32, arm, … */
  arch: z.string().min(1).max(32),
  /** `/etc/machine-id` (systemd), trimmed; null where the system has none. */
  machineId: z.string().min(1).max(128).nullable(),
  /** MAC addresses of the physical, non-internal interfaces, sorted and without repeats. */
  macs: z.array(mac).max(256),
});
export type MachineFacts = z.infer<typeof machineFactsSchema>;

/** `MachineInfo.rif`: the facts, when they were read, and their digest (unsigned: it only describes). */
export const machineInfoFileSchema = machineFactsSchema.extend({
  format: z.literal(MACHINE_INFO_FORMAT),
  version: z.literal(1),
  collectedAt: z.iso.datetime({ offset: true }),
  /** Lower-case hex SHA-256 of `canonicalMachineFacts(facts)`: what a server license binds. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
});
export type MachineInfoFile = z.infer<typeof machineInfoFileSchema>;

/**
 * The exact text the machine digest covers. Order-independent for MACs and case-independent for the
 * host name, so the same machine always gives the same digest; both sides (license server and vendor)
 * hash this string with SHA-256.
 */
export function canonicalMachineFacts(facts: MachineFacts): string {
  const macs = [...new Set(facts.macs.map((m) => m.toLowerCase()))].sort();
  return JSON.stringify([`${MACHINE_INFO_FORMAT}/1`, facts.hostname.toLowerCase(), facts.platform, facts.arch, facts.machineId, macs]);
}
