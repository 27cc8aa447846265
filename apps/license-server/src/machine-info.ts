import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { arch, hostname, networkInterfaces, platform } from 'node:os';
import { join } from 'node:path';
import {
  canonicalMachineFacts,
  MACHINE_INFO_FILE,
  MACHINE_INFO_FORMAT,
  machineFactsSchema,
  type MachineFacts,
  type MachineInfoFile,
} from '@registration/protocol/machine-info';
import type { ServerLicensePayload } from '@registration/protocol/license';
import { writeFileAtomic } from '@registration/licensing/files';
import { StartupError } from './messages.ts';

/**
 * The legacy machine-bound mode (FR 10, private-cloud-authentication manual): `machine-info` writes
 * `require/MachineInfo.rif`, the vendor binds the server license to its digest, and `start` refuses to
 * run a bound license anywhere else.
 */

/**
 * TESTS ONLY: a JSON file of machine facts (`{ hostname, platform, arch, machineId, macs }`) read instead
 * of this machine's, so a test can play "another machine". Never set it in production: it defeats the binding.
 */
export const MACHINE_INFO_OVERRIDE_ENV = 'LS_MACHINE_INFO_OVERRIDE';

// Interfaces that come and go with containers, VMs and VPNs on the same machine: binding them would make
// the digest change whenever a container starts. Physical NICs keep their names (eth*, en*, wl*, …).
const VIRTUAL_INTERFACE = /^(?:veth|docker|br-|virbr|vnet|vmnet|cni|flannel|cali|weave|kube|lxc|lxd|podman|tun|tap|wg|zt|tailscale|utun|awdl|llw|bridge|vboxnet)/i;
const ZERO_MAC = /^(?:00:)+00$/;

/** This machine's facts as the OS reports them. */
export async function readMachineFacts(machineIdPath = '/etc/machine-id'): Promise<MachineFacts> {
  const macs = new Set<string>();
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (VIRTUAL_INTERFACE.test(name)) continue;
    for (const address of addresses ?? []) {
      const mac = address.mac.toLowerCase();
      if (!address.internal && !ZERO_MAC.test(mac)) macs.add(mac);
    }
  }
  const machineId = await readFile(machineIdPath, 'utf8').then(
    (text) => text.trim() || null,
    () => null,
  );
  return machineFactsSchema.parse({ hostname: hostname(), platform: platform(), arch: arch(), machineId, macs: [...macs].sort() });
}

/** Lower-case hex SHA-256 of the canonical facts: what a server license binds (`machineInfoHash`). */
export function machineDigest(facts: MachineFacts): string {
  return createHash('sha256').update(canonicalMachineFacts(facts)).digest('hex');
}

/** The facts `start` and `machine-info` use: this machine's, or the test override's (and then which file). */
export async function currentMachine(env: NodeJS.ProcessEnv): Promise<{ facts: MachineFacts; digest: string; override: string | null }> {
  const override = env[MACHINE_INFO_OVERRIDE_ENV];
  if (override === undefined || override === '') {
    const facts = await readMachineFacts();
    return { facts, digest: machineDigest(facts), override: null };
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(override, 'utf8'));
  } catch (error) {
    const problem = error instanceof SyntaxError ? 'notJson' : 'unreadable';
    throw new StartupError('configInvalid', { setting: MACHINE_INFO_OVERRIDE_ENV, value: override, problem });
  }
  const parsed = machineFactsSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
    throw new StartupError('configInvalid', { setting: MACHINE_INFO_OVERRIDE_ENV, value: override, problem: 'notMachineFacts', fields });
  }
  return { facts: parsed.data, digest: machineDigest(parsed.data), override };
}

/** `MachineInfo.rif` for these facts. */
export function machineInfoDocument(facts: MachineFacts, now: Date): MachineInfoFile {
  return { format: MACHINE_INFO_FORMAT, version: 1, collectedAt: now.toISOString(), ...facts, digest: machineDigest(facts) };
}

/** Writes `<requireDir>/MachineInfo.rif` (atomically, readable: it holds nothing secret) and returns its path. */
export async function writeMachineInfo(requireDir: string, document: MachineInfoFile): Promise<string> {
  await mkdir(requireDir, { recursive: true });
  const path = join(requireDir, MACHINE_INFO_FILE);
  await writeFileAtomic(path, `${JSON.stringify(document, null, 2)}\n`, 0o644);
  return path;
}

/**
 * The start-up gate of a machine-bound license: passes for an unbound license or a matching machine,
 * otherwise refuses naming both digests (the admin compares them with the .rif they sent the vendor).
 */
export async function checkMachineBinding(license: ServerLicensePayload, env: NodeJS.ProcessEnv): Promise<{ bound: boolean; digest: string | null; override: string | null }> {
  if (license.machineInfoHash === undefined) return { bound: false, digest: null, override: null };
  const machine = await currentMachine(env);
  if (machine.digest !== license.machineInfoHash) {
    throw new StartupError('machineMismatch', {
      expected: license.machineInfoHash,
      actual: machine.digest,
      hostname: machine.facts.hostname || '?',
      licenseId: license.licenseId,
    });
  }
  return { bound: true, digest: machine.digest, override: machine.override };
}
