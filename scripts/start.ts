/**
 * `pnpm start`: brings the whole system up on one machine with its embedded defaults — demo keys,
 * a demo license-server bundle and Container.lic, the vendor phone page, the license server (HTTPS),
 * the BFF (PGlite) and the demo shell —
 * and prints where to click. Everything it generates goes into the git-ignored `.demo/` folder.
 */
import path from 'node:path';
import { ensureDemoMaterial, demoPaths } from './lib/demo.ts';
import { startProcess, ROOT, TSX, type Started } from './lib/processes.ts';
import { readStartConfig } from './lib/start-config.ts';

const cfg = readStartConfig(process.env);
const paths = demoPaths(cfg.demoDir);
const running: Started[] = [];

let stopping = false;
async function stopAll(code: number): Promise<never> {
  stopping = true;
  await Promise.all(running.reverse().map((p) => p.stop()));
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  await ensureDemoMaterial(paths, { licenseServerPort: cfg.licenseServerPort });

  // First, so that a QR code is never shown before the page it points to can answer.
  const vendorUrl = `http://${cfg.host}:${cfg.vendorPort}`;
  running.push(
    await startProcess({
      name: 'vendor',
      command: TSX,
      args: [
        path.join(ROOT, 'apps/vendor/src/cli.ts'), 'serve',
        '--vendor-dir', paths.vendorDir,
        '--host', cfg.host,
        '--port', String(cfg.vendorPort),
      ],
      ready: /vendor phone page listening on/,
    }),
  );

  const licenseServerUrl = `https://${cfg.host}:${cfg.licenseServerPort}`;
  running.push(
    await startProcess({
      name: 'license-server',
      command: TSX,
      args: [
        path.join(ROOT, 'apps/license-server/src/main.ts'),
        '--port', String(cfg.licenseServerPort),
        '--host', cfg.host,
        '--bundle', paths.bundle,
        '--config', paths.licenseServerConfig,
        '--tls', paths.licenseServerTls,
        '--log', paths.licenseServerLog,
        '--language', cfg.licenseServerLanguage,
        '--phone-page-url', cfg.phonePageUrl,
      ],
      ready: /license-server listening on/,
    }),
  );

  const bffUrl = `http://${cfg.host}:${cfg.bffPort}`;
  running.push(
    await startProcess({
      name: 'bff',
      command: TSX,
      args: [path.join(ROOT, 'apps/bff/src/main.ts')],
      env: {
        PORT: String(cfg.bffPort),
        HOST: cfg.host,
        DATA_DIR: paths.bffData,
        VENDOR_PUBLIC_KEY: paths.vendorPublicKey,
        AUTH_PUBLIC_KEY: paths.platformPublicKey,
        LICENSE_SERVER_CA: path.join(paths.licenseServerTls, 'cert.pem'),
        ALLOWED_ORIGINS: [`http://localhost:${cfg.shellPort}`, `http://127.0.0.1:${cfg.shellPort}`, ...cfg.extraAllowedOrigins].join(','),
        // The embedded store unless asked otherwise: a DATABASE_URL meant for tests (CI sets one) must
        // not make the demo share a database with whatever else used it.
        DATABASE_URL: cfg.bffDatabaseUrl,
        // Local Container QR codes point at the phone page this script runs, whatever its port.
        PHONE_PAGE_URL: cfg.phonePageUrl,
      },
      ready: /bff listening on/,
    }),
  );

  const shellUrl = `http://localhost:${cfg.shellPort}`;
  running.push(
    await startProcess({
      name: 'shell',
      command: path.join(ROOT, 'node_modules/.bin/vite'),
      args: ['--port', String(cfg.shellPort), '--strictPort'],
      cwd: path.join(ROOT, 'apps/shell'),
      env: { SHELL_PORT: String(cfg.shellPort), BFF_URL: bffUrl, AUTH_PRIVATE_KEY: paths.platformSecretKey },
      ready: /Local:.*http/,
    }),
  );

  for (const p of running) {
    void p.exited.then((code) => {
      if (stopping) return; // we asked it to stop
      console.error(`\n${p.name} stopped unexpectedly (exit ${code}); stopping the rest.`);
      void stopAll(1);
    });
  }

  console.log(`
Registration demo is running.

  Demo shell (open this)   ${shellUrl}/#/system/registration
  BFF                      ${bffUrl}
  License server           ${licenseServerUrl}   (health: ${licenseServerUrl}/health)
  Activate it first        ${licenseServerUrl}/license/qrcode   (scan the QR code, type the 6-digit code)
  Vendor phone page        ${vendorUrl}   (QR codes point to ${cfg.phonePageUrl})
                           for a real phone: HOST=0.0.0.0 PHONE_PAGE_URL=http://<LAN address>:${cfg.vendorPort} pnpm start

  Accounts                 admin / admin   (administrator)
                           viewer / viewer (not an administrator)

  Then in the shell: System Management > Registration Management > Register Now > Private Cloud,
  Server Address ${licenseServerUrl}, Submit.
  A demo Container.lic for Local Container is at ${paths.containerLic}.

  Demo keys, bundle and data: ${paths.root}   (delete it to start from scratch)
  Ctrl+C stops everything.
`);
} catch (err) {
  console.error(`\nStart-up failed: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll(1);
}
