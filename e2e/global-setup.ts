/**
 * Starts the system exactly as `pnpm start` does (scripts/start.ts, fresh demo folder, free ports),
 * plus more license servers issued by the demo vendor: four with limits that refuse this node — one per
 * refusal the e2e tests show (30003, 30005, 30000, 30007) — and two left unactivated (activation.spec.ts).
 */
import { mkdtemp, mkdir, copyFile, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProcess, ROOT, TSX, type Started } from '../scripts/lib/processes.ts';
import { demoPaths, writeServerBundle } from '../scripts/lib/demo.ts';
import type { ServerLicenseTerms } from '@registration/vendor/server-bundle';
import { freePort } from './support/ports.ts';
import { activateByApi, registerOtherNode } from './support/license-server.ts';

export default async function globalSetup() {
  const demoDir = await mkdtemp(path.join(os.tmpdir(), 'frr-e2e-'));
  const paths = demoPaths(demoDir);
  const [lsPort, bffPort, shellPort, vendorPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // embedding.spec.ts serves its host pages (qiankun, script, cross-origin) here; the BFF must name it.
  const embedPort = await freePort();
  const vendorUrl = `http://127.0.0.1:${vendorPort}`;
  const running: Started[] = [];

  running.push(
    await startProcess({
      name: 'start',
      command: TSX,
      args: [path.join(ROOT, 'scripts/start.ts')],
      env: {
        DEMO_DIR: demoDir, LS_PORT: String(lsPort), BFF_PORT: String(bffPort), SHELL_PORT: String(shellPort), VENDOR_PORT: String(vendorPort),
        ALLOWED_ORIGINS: `http://127.0.0.1:${embedPort}`,
      },
      ready: /Registration demo is running/,
      timeoutMs: 120_000,
      echo: !!process.env.E2E_VERBOSE,
    }),
  );

  // These license servers share the demo server's certificate so that the BFF trusts their TLS
  // and the refusal comes from the license check itself.
  // `fresh` is activated by a person with a phone in activation.spec.ts; `unactivated` never is.
  const servers: Record<string, Partial<ServerLicenseTerms>> = {
    ip: { ipRanges: '10.0.0.0/8' },
    appname: { appNames: ['analytics'] },
    expired: { expiresAt: new Date(Date.now() - 86_400_000) },
    full: { maxConnections: 1 },
    fresh: {},
    unactivated: {},
    keyed: {},
    // operator-console.spec.ts: activated there by a person (who then sets the console password); one slot.
    console: { maxConnections: 1 },
  };
  // `keyed` takes registrations only with its registration key (trust.spec.ts).
  const registrationKey = 'e2e-registration-key-0123456789';
  const keyFile = path.join(demoDir, 'ls-keyed-registration.key');
  await writeFile(keyFile, `${registrationKey}\n`, { mode: 0o600 });
  const extraArgs: Record<string, string[]> = { keyed: ['--registration-key-file', keyFile] };
  const ca = path.join(paths.licenseServerTls, 'cert.pem');
  // The demo server is activated as its operator would have done after `pnpm start`.
  await activateByApi(`https://127.0.0.1:${lsPort}`, ca);
  const urls: Record<string, string> = {};
  for (const [name, limits] of Object.entries(servers)) {
    const dir = path.join(demoDir, `ls-${name}`);
    const tls = path.join(dir, 'tls');
    await mkdir(tls, { recursive: true });
    await copyFile(path.join(paths.licenseServerTls, 'cert.pem'), path.join(tls, 'cert.pem'));
    await copyFile(path.join(paths.licenseServerTls, 'key.pem'), path.join(tls, 'key.pem'));
    const port = await freePort();
    const bundle = path.join(dir, 'bundle.json');
    await writeServerBundle(paths, bundle, { port, ...limits });
    running.push(
      await startProcess({
        name: `ls-${name}`,
        command: TSX,
        args: [
          path.join(ROOT, 'apps/license-server/src/main.ts'),
          '--port', String(port), '--host', '127.0.0.1', '--bundle', bundle,
          '--config', path.join(dir, 'config'), '--tls', tls, '--log', path.join(dir, 'log'), '--language', 'en',
          '--phone-page-url', vendorUrl,
          ...(extraArgs[name] ?? []),
        ],
        ready: /license-server listening on/,
        echo: !!process.env.E2E_VERBOSE,
      }),
    );
    urls[name] = `https://127.0.0.1:${port}`;
    if (name !== 'fresh' && name !== 'unactivated' && name !== 'console') await activateByApi(urls[name], ca);
  }
  // The full server's only slot is taken by another project.
  await registerOtherNode(urls.full!, ca, 'other-project-node');

  const env = {
    E2E_DEMO_DIR: demoDir,
    E2E_SHELL_URL: `http://localhost:${shellPort}`,
    E2E_BFF_URL: `http://127.0.0.1:${bffPort}`,
    E2E_EMBED_PORT: String(embedPort),
    E2E_LS_URL: `https://127.0.0.1:${lsPort}`,
    E2E_LS_IP_URL: urls.ip!,
    E2E_LS_APPNAME_URL: urls.appname!,
    E2E_LS_EXPIRED_URL: urls.expired!,
    E2E_LS_FULL_URL: urls.full!,
    E2E_LS_FRESH_URL: urls.fresh!,
    E2E_LS_UNACTIVATED_URL: urls.unactivated!,
    E2E_LS_KEYED_URL: urls.keyed!,
    E2E_LS_CONSOLE_URL: urls.console!,
    E2E_LS_REGISTRATION_KEY: registrationKey,
    E2E_VENDOR_URL: vendorUrl,
    E2E_CA: ca,
  };
  Object.assign(process.env, env);
  await mkdir(path.join(ROOT, 'test-results'), { recursive: true });
  await writeFile(path.join(ROOT, 'test-results/e2e-env.json'), JSON.stringify(env, null, 2));

  return async () => {
    await Promise.all(running.reverse().map((p) => p.stop()));
    if (!process.env.E2E_KEEP) await rm(demoDir, { recursive: true, force: true });
  };
}
