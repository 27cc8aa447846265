import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialLockState } from '@registration/licensing/lockout';
import { ChallengeKeys, vendorCode } from '@registration/licensing/activation-code';
import type { MachineFacts } from '@registration/protocol/machine-info';
import { serverBundleSchema } from '@registration/protocol/server-bundle';
import { runCli } from '../../vendor/src/cli.ts';
import { currentChallenge, submitActivationCode } from './activation.ts';
import { checkBundle } from './bundle.ts';
import { machineDigest } from './machine-info.ts';
import { activateOverHttps, killAll, runMain, spawnMain } from './process-harness.ts';
import { readPrivateConfig, type PrivateConfigFile, PRIVATE_CONFIG_FILE, StateStore } from './store.ts';
import { createFixture, TestNode, type Fixture } from './test-harness.ts';

// The operator commands as an administrator runs them: real processes in an installation directory,
// with the defaults relative to it (config/, uninstall/, require/, log/) like the container's /app.

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(async () => {
  await killAll();
  await fx.cleanup();
});

async function installation(bundleJson?: unknown) {
  const root = join(fx.dir, `install-${randomBytes(4).toString('hex')}`);
  await mkdir(root, { recursive: true });
  const bundle = serverBundleSchema.parse(bundleJson ?? (await fx.bundle()));
  await writeFile(join(root, 'bundle.json'), JSON.stringify(bundle));
  // The fixture's certificate, so the fixture's HTTPS agent trusts the spawned servers.
  const common = ['--tls', join(fx.dir, 'tls')];
  const state = async () => (await readPrivateConfig(join(root, 'config', PRIVATE_CONFIG_FILE)) as PrivateConfigFile);
  return { root, bundle, common, state };
}

const EN = { LS_LANGUAGE: 'en' };

describe('destroy (real processes)', () => {
  it('is refused while the server runs, then destroys the stopped server; a restarted server warns and answers 30002', async () => {
    const inst = await installation();
    const server = spawnMain(['start', '--port', '0', ...inst.common], { cwd: inst.root, env: EN });
    const url = await server.listening;
    await activateOverHttps(fx, url);
    const nodeA = new TestNode('node-a');
    expect((await nodeA.register(fx, url)).status).toBe(200);

    const refused = await runMain(['destroy'], { cwd: inst.root, env: EN });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `license-server destroy failed: license-server destroy needs the license server to be stopped, but one is running (pid ${server.child.pid}) on ${join(inst.root, 'config')}. Stop it first (Ctrl+C, docker stop, or kill ${server.child.pid}), then run the command again.`,
    );

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect((await inst.state()).leases['node-a']?.leaseId).toBe(nodeA.lease?.leaseId);
    const destroyed = await runMain(['destroy'], { cwd: inst.root, env: EN });
    expect(destroyed.stderr).toBe('');
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toMatch(/is destroyed\.\n[\s\S]* {2}leases in use {2}1\n {2}receipt {8}.*uninstall\/receipt\.fr\n {4}node-a {2}127\.0\.0\.1/);
    const destroyedAt = (await inst.state()).destroyedAt as string;
    expect(destroyedAt).not.toBeNull();

    const again = spawnMain(['start', '--port', '0', ...inst.common], { cwd: inst.root, env: EN });
    const url2 = await again.listening;
    const heartbeat = await nodeA.heartbeat(fx, url2);
    expect(heartbeat.status).toBe(403);
    expect(heartbeat.body.reasons).toEqual([{ code: 30002, name: 'ACCOUNT_STATUS_ERROR', params: { state: 'destroyed' } }]);
    const fresh = await new TestNode('node-b').register(fx, url2);
    expect(fresh.body.reasons[0]).toMatchObject({ code: 30002 });
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(again.output().stdout).toContain(`Warning: this license server was destroyed at ${destroyedAt}`);

    // Operations: JSON logs on stdout and in log/license-server.log, the command's audit line in the file.
    const stdoutLogs = again.output().stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line).msg);
    expect(stdoutLogs).toEqual(expect.arrayContaining(['listening', 'serving a destroyed license server: every registration is refused (30002)', 'register refused']));
    const fileLogs = (await readFile(join(inst.root, 'log', 'license-server.log'), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(fileLogs.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['listening', 'destroyed', 'serving a destroyed license server: every registration is refused (30002)', 'stopping']));
    expect(fileLogs.find((entry) => entry.msg === 'destroyed')).toMatchObject({ destroyedAt, leasesInUse: 1 });
  });
});

describe('reset-lock (real process)', () => {
  it('opens code entry again and says what the lock was, in the chosen language', async () => {
    const inst = await installation();
    const { license } = await checkBundle(inst.bundle, 'test');
    const now = new Date();
    const store = await StateStore.open({ dir: join(inst.root, 'config'), licenseId: license.licenseId, now: () => now, logger: pino({ level: 'silent' }) });
    const keys = new ChallengeKeys();
    const challenge = await store.update(currentChallenge(now, true, keys));
    const activationKey = fx.activationKey(inst.bundle);
    const right = vendorCode(activationKey, {
      ...challenge,
      expiresAt: new Date(challenge.expiresAt),
      challengeKey: challenge.exchangeKey ?? '',
      licenseId: license.licenseId,
      kind: 'server',
    });
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) {
      const outcome = await store.update(submitActivationCode({ keys, licenseKey: activationKey.x, challengeId: challenge.challengeId, code: wrong, now }));
      expect(outcome.ok).toBe(false);
    }
    const lockedUntil = store.state.activation.lock.lockedUntil as string;
    expect(lockedUntil).not.toBeNull();
    await store.close();

    const zh = await runMain(['reset-lock', '--language', 'zh-CN'], { cwd: inst.root });
    expect(zh.stderr).toBe('');
    expect(zh.stdout).toBe(
      `已重置 ${join(inst.root, 'config')} 中授权 ${license.licenseId} 的激活验证码锁定。\n  重置前  锁定至 ${lockedUntil}；连续错误 5 次，已锁定 1 次\n  重置后  已开放：再错 5 次才会锁定 15 分钟\n`,
    );
    expect((await inst.state()).activation.lock).toEqual(initialLockState);

    const en = await runMain(['reset-lock', '--language', 'en'], { cwd: inst.root });
    expect(en.stdout).toContain('before  open (5 attempt(s) left before the next lock); 0 wrong code(s) in a row, 0 lock(s) so far');
  });

  it('needs an existing privateConfig', async () => {
    const inst = await installation();
    const result = await runMain(['reset-lock'], { cwd: inst.root, env: EN });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^license-server reset-lock failed: There is no privateConfig in .*config: no license server has run with this --config directory/);
  });
});

describe('machine-bound legacy mode (real processes)', () => {
  it('machine-info → vendor issue-server --machine-info → starts on that machine only; a second server on the same config dir is refused', async () => {
    const machineA: MachineFacts = { hostname: 'ls-a', platform: 'linux', arch: 'x64', machineId: '0123456789abcdef0123456789abcdef', macs: ['00:1a:2b:3c:4d:5e'] };
    const machineB: MachineFacts = { ...machineA, hostname: 'ls-b', macs: ['00:1a:2b:3c:4d:99'] };
    const a = join(fx.dir, 'machine-a.json');
    const b = join(fx.dir, 'machine-b.json');
    await writeFile(a, JSON.stringify(machineA));
    await writeFile(b, JSON.stringify(machineB));

    const inst = await installation();
    const info = await runMain(['machine-info'], { cwd: inst.root, env: { ...EN, LS_MACHINE_INFO_OVERRIDE: a } });
    expect(info.code).toBe(0);
    expect(info.stdout).toContain(`Warning: LS_MACHINE_INFO_OVERRIDE is set, so the machine facts come from ${a}`);
    expect(info.stdout).toContain(`Wrote ${join(inst.root, 'require', 'MachineInfo.rif')} for this machine (ls-a, linux/x64`);

    // The vendor binds the license to the .rif it received.
    const bundlePath = join(inst.root, 'bound-bundle.json');
    const out: string[] = [];
    const issued = await runCli(
      ['issue-server', '--vendor-dir', join(fx.dir, 'vendor'), '--out', bundlePath, '--company', 'Acme Ltd', '--ip-ranges', '127.0.0.1', '--product-version', '11.0',
        '--max-connections', '5', '--days', '30', '--machine-info', join(inst.root, 'require', 'MachineInfo.rif')],
      { stdout: (line) => out.push(line), stderr: (line) => out.push(line) },
    );
    expect(issued).toBe(0);
    expect(out.join('\n')).toContain(`bound to machine ${machineDigest(machineA)} (ls-a, linux/x64)`);
    const bound = await checkBundle(JSON.parse(await readFile(bundlePath, 'utf8')), bundlePath);
    expect(bound.license.machineInfoHash).toBe(machineDigest(machineA));

    const onA = spawnMain(['start', '--port', '0', '--bundle', bundlePath, ...inst.common], { cwd: inst.root, env: { ...EN, LS_MACHINE_INFO_OVERRIDE: a } });
    await onA.listening;
    expect(onA.output().stdout).toContain(`The license is bound to this machine (digest ${machineDigest(machineA)}).`);

    const second = spawnMain(['start', '--port', '0', '--bundle', bundlePath, ...inst.common], { cwd: inst.root, env: { ...EN, LS_MACHINE_INFO_OVERRIDE: a } });
    expect(await second.exited).toBe(1);
    expect(second.output().stderr).toMatch(new RegExp(`could not start: Another license server \\(pid ${onA.child.pid}\\) is already using .*config; stop it first`));

    const onB = spawnMain(['start', '--port', '0', '--bundle', bundlePath, '--config', 'config-b', ...inst.common], { cwd: inst.root, env: { ...EN, LS_MACHINE_INFO_OVERRIDE: b } });
    expect(await onB.exited).toBe(1);
    expect(onB.output().stderr.trim()).toBe(
      `The license server could not start: This license-server bundle is bound to another machine: license ${bound.license.licenseId} was issued for machine digest ${machineDigest(machineA)}, but this machine (ls-b) has digest ${machineDigest(machineB)}. Run the license server on the machine the license was issued for, or run \`license-server machine-info\` on this machine and ask the vendor to re-issue the license for the new require/MachineInfo.rif.`,
    );
    const onBzh = spawnMain(['start', '--port', '0', '--bundle', bundlePath, '--config', 'config-b', '--language', 'zh-CN', ...inst.common], { cwd: inst.root, env: { LS_MACHINE_INFO_OVERRIDE: b } });
    expect(await onBzh.exited).toBe(1);
    expect(onBzh.output().stderr).toContain(`授权服务器无法启动：该授权服务器证书包绑定了另一台机器：授权 ${bound.license.licenseId} 签发给机器摘要 ${machineDigest(machineA)}，而本机（ls-b）的摘要为 ${machineDigest(machineB)}。`);

    onA.child.kill('SIGTERM');
    expect(await onA.exited).toBe(0);
  });
});
