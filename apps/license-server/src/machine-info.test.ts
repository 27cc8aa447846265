import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineFactsSchema, machineInfoFileSchema, type MachineFacts } from '@registration/protocol/machine-info';
import type { ServerLicensePayload } from '@registration/protocol/license';
import { checkMachineBinding, currentMachine, machineDigest, machineInfoDocument, readMachineFacts, writeMachineInfo } from './machine-info.ts';
import { StartupError } from './messages.ts';
import { T0 } from './test-harness.ts';

const A: MachineFacts = { hostname: 'ls-a', platform: 'linux', arch: 'x64', machineId: '0123456789abcdef0123456789abcdef', macs: ['00:1a:2b:3c:4d:5e', '00:1a:2b:3c:4d:5f'] };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'machine-info-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// Only the field the gate reads matters here; the rest of a license is checked elsewhere.
const license = (machineInfoHash?: string) => ({ licenseId: 'L-1', ...(machineInfoHash === undefined ? {} : { machineInfoHash }) }) as ServerLicensePayload;

describe('machine facts and their digest', () => {
  it('reads this machine: schema-valid facts, sorted MACs without repeats', async () => {
    const facts = await readMachineFacts();
    expect(machineFactsSchema.parse(facts)).toEqual(facts);
    expect([...facts.macs].sort()).toEqual(facts.macs);
    expect(new Set(facts.macs).size).toBe(facts.macs.length);
    expect(machineDigest(facts)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same machine reported differently, and differs for another machine', () => {
    const same = { ...A, hostname: 'LS-A', macs: ['00:1a:2b:3c:4d:5f', '00:1a:2b:3c:4d:5e', '00:1a:2b:3c:4d:5e'] };
    expect(machineDigest(same)).toBe(machineDigest(A));
    expect(machineDigest({ ...A, machineId: 'ffffffffffffffffffffffffffffffff' })).not.toBe(machineDigest(A));
    expect(machineDigest({ ...A, macs: ['00:1a:2b:3c:4d:5e'] })).not.toBe(machineDigest(A));
    expect(machineDigest({ ...A, machineId: null })).not.toBe(machineDigest(A));
  });

  it('writes require/MachineInfo.rif with the facts and their digest', async () => {
    const path = await writeMachineInfo(join(dir, 'require'), machineInfoDocument(A, T0));
    expect(path).toBe(join(dir, 'require', 'MachineInfo.rif'));
    const rif = machineInfoFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    expect(rif).toEqual({ format: 'fr-machine-info', version: 1, collectedAt: T0.toISOString(), ...A, digest: machineDigest(A) });
  });
});

describe('the start-up gate of a machine-bound license', () => {
  it('passes an unbound license without looking at the machine', async () => {
    expect(await checkMachineBinding(license(), { LS_MACHINE_INFO_OVERRIDE: join(dir, 'missing.json') })).toEqual({ bound: false, digest: null, override: null });
  });

  it('passes on the bound machine and refuses on another, naming both digests', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await writeFile(a, JSON.stringify(A));
    await writeFile(b, JSON.stringify({ ...A, hostname: 'ls-b', machineId: 'fedcba9876543210fedcba9876543210' }));
    const bound = license(machineDigest(A));
    expect(await checkMachineBinding(bound, { LS_MACHINE_INFO_OVERRIDE: a })).toEqual({ bound: true, digest: machineDigest(A), override: a });

    const error = (await checkMachineBinding(bound, { LS_MACHINE_INFO_OVERRIDE: b }).catch((e: unknown) => e)) as StartupError;
    expect(error).toBeInstanceOf(StartupError);
    expect(error.key).toBe('machineMismatch');
    const other = (await currentMachine({ LS_MACHINE_INFO_OVERRIDE: b })).digest;
    expect(error.render('en')).toContain(`issued for machine digest ${machineDigest(A)}, but this machine (ls-b) has digest ${other}`);
    expect(error.render('zh-CN')).toContain(`签发给机器摘要 ${machineDigest(A)}，而本机（ls-b）的摘要为 ${other}`);
  });

  it('refuses an override file that is not machine facts, naming the variable', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ hostname: 'x' }));
    const error = (await currentMachine({ LS_MACHINE_INFO_OVERRIDE: bad }).catch((e: unknown) => e)) as StartupError;
    expect(error.render('en')).toMatch(/^Invalid setting LS_MACHINE_INFO_OVERRIDE = ".*bad\.json": the file holds no machine facts \(fields: platform, arch, machineId, macs\)$/);
  });
});
