import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { healthSchema } from '@registration/protocol/license-server-api';
import { killAll, spawnMain } from './process-harness.ts';
import { call, createFixture, type Fixture } from './test-harness.ts';

// main.ts as an administrator runs it: a real process in its own working directory.

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
  await writeFile(join(fx.dir, 'bundle.json'), JSON.stringify(await fx.bundle()));
});
afterAll(async () => {
  await killAll();
  await fx.cleanup();
});

function start(args: string[]) {
  return spawnMain(args, { cwd: fx.dir, env: { LS_LANGUAGE: 'en' } });
}

it('starts from flags, prints the listening line, answers /health, refuses a second instance, stops on SIGTERM', async () => {
  const server = start(['start', '--port', '0', '--host', '127.0.0.1']);
  const url = await server.listening;
  expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

  // The certificate generated on first start is the one to trust.
  const ca = await readFile(join(fx.dir, 'tls', 'cert.pem'), 'utf8');
  const agent = new Agent({ ca });
  const health = await call({ ...fx, agent }, url, '/health');
  agent.destroy();
  expect(health.status).toBe(200);
  expect(healthSchema.parse(health.body)).toMatchObject({ status: 'ok', leasesInUse: 0, maxConnections: 10 });
  await access(join(fx.dir, 'config', 'privateConfig'));

  const second = start(['--port', '0']);
  expect(await second.exited).toBe(1);
  expect(second.output().stderr).toMatch(/could not start: Another license server \(pid \d+\) is already using/);
  expect(second.output().stderr).not.toMatch(/\n\s+at /);

  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  await expect(access(join(fx.dir, 'config', '.lock'))).rejects.toThrow();
  const log = await readFile(join(fx.dir, 'log', 'license-server.log'), 'utf8');
  expect(log.split('\n').filter(Boolean).map((line) => JSON.parse(line).msg)).toEqual(expect.arrayContaining(['listening', 'stopping']));

  // Who may read what: the state and the keys are the server's user's alone, the log also its group's.
  const mode = async (...parts: string[]) => ((await stat(join(fx.dir, ...parts))).mode & 0o777).toString(8);
  expect({
    config: await mode('config'),
    privateConfig: await mode('config', 'privateConfig'),
    tlsKey: await mode('tls', 'key.pem'),
    logDir: await mode('log'),
    log: await mode('log', 'license-server.log'),
  }).toEqual({ config: '700', privateConfig: '600', tlsKey: '600', logDir: '750', log: '640' });
});

it('tightens a log file and folder left readable to everyone by an earlier version', async () => {
  const root = join(fx.dir, 'open-log');
  await mkdir(join(root, 'log'), { recursive: true });
  await writeFile(join(root, 'log', 'license-server.log'), '', { mode: 0o666 });
  await chmod(join(root, 'log', 'license-server.log'), 0o666);
  await chmod(join(root, 'log'), 0o777);
  const server = spawnMain(['--port', '0', '--bundle', join(fx.dir, 'bundle.json'), '--tls', join(fx.dir, 'tls')], { cwd: root, env: { LS_LANGUAGE: 'en' } });
  await server.listening;
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  expect(((await stat(join(root, 'log'))).mode & 0o777).toString(8)).toBe('750');
  expect(((await stat(join(root, 'log', 'license-server.log'))).mode & 0o777).toString(8)).toBe('640');
});

it('refuses to start with a tampered bundle or a bad flag, in the chosen language, without a stack trace', async () => {
  const bundle = JSON.parse(await readFile(join(fx.dir, 'bundle.json'), 'utf8'));
  const [h, p, s] = bundle.serverLicense.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const forged = Buffer.from(JSON.stringify({ ...claims, maxConnections: 99_999 })).toString('base64url');
  await writeFile(join(fx.dir, 'tampered.json'), JSON.stringify({ ...bundle, serverLicense: `${h}.${forged}.${s}` }));

  const tampered = start(['--port', '0', '--bundle', 'tampered.json', '--config', 'config-t']);
  const badPort = start(['--port', 'eighty', '--language', 'zh-CN']);
  expect(await tampered.exited).toBe(1);
  expect(tampered.output().stderr).toMatch(/tampered\.json cannot be used: its signature does not verify with the vendor key/);
  expect(await badPort.exited).toBe(1);
  expect(badPort.output().stderr.trim()).toBe('授权服务器无法启动：配置项 --port 的值 "eighty" 无效：必须是 0 到 65535 的整数');
});
