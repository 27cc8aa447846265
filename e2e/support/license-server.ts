import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { ROOT, startProcess, TSX, type Started } from '../../scripts/lib/processes.ts';
import { demoPaths } from '../../scripts/lib/demo.ts';
import { freePort } from './ports.ts';

/**
 * Another license server process on a free loopback port with the demo bundle: its own `config` and `log`
 * under `dir`, and `tls` (the demo's certificate unless given; an empty folder makes it generate a
 * self-signed one). English console, QR codes pointing at the vendor's phone page.
 */
export async function startExtraLicenseServer(name: string, dir: string, options: { tls?: string } = {}): Promise<Started & { url: string }> {
  const paths = demoPaths(process.env.E2E_DEMO_DIR ?? '');
  const port = await freePort();
  const started = await startProcess({
    name,
    command: TSX,
    args: [
      path.join(ROOT, 'apps/license-server/src/main.ts'),
      '--port', String(port), '--host', '127.0.0.1', '--bundle', paths.bundle, '--config', path.join(dir, 'config'),
      '--tls', options.tls ?? paths.licenseServerTls, '--log', path.join(dir, 'log'), '--language', 'en',
      '--phone-page-url', process.env.E2E_VENDOR_URL ?? '',
    ],
    ready: /license-server listening on/,
    echo: !!process.env.E2E_VERBOSE,
  });
  return Object.assign(started, { url: `https://127.0.0.1:${port}` });
}

/** POSTs JSON (an object, or text sent as is) to a license server over HTTPS, trusting the given CA file. */
export async function postJson(url: string, caFile: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const ca = await readFile(caFile);
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json', ...headers }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
}

/** GETs JSON from a license server over HTTPS. */
export async function getJson(url: string, caFile: string): Promise<unknown> {
  const ca = await readFile(caFile);
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      })
      .on('error', reject);
  });
}

/** Takes a slot on a license server as another report server would (a node key of its own, a signed register). */
export async function registerOtherNode(serverUrl: string, caFile: string, nodeId: string): Promise<void> {
  const { generateNodeKey, loadNodeKey } = await import('@registration/licensing/node-proof');
  const { registerRequest } = await import('@registration/licensing/node-requests');
  const { NODE_PROOF_HEADER } = await import('@registration/protocol/license-server-api');
  const node = { nodeId, productVersion: '11.0.18', appName: 'webroot', domain: 'localhost' };
  const request = registerRequest({ node, key: loadNodeKey(generateNodeKey()), time: new Date() });
  const res = await postJson(`${serverUrl}/api/v1/register`, caFile, request.body, { [NODE_PROOF_HEADER]: request.proof });
  if (res.status !== 200) throw new Error(`could not take the slot: ${res.status} ${JSON.stringify(res.json)}`);
}

/**
 * Activates a license server the way its page does: a QR challenge, the code the vendor's phone page shows
 * for it (fetched from the running phone page, which binds the license to this installation as a phone's
 * scan would), then submit. For the servers the e2e tests use but do not activate through a browser and a
 * phone (activation.spec.ts does that one by QR code).
 */
export async function activateByApi(serverUrl: string, caFile: string): Promise<void> {
  const { parsePhonePageUrl } = await import('@registration/licensing/challenge');
  const challenge = await postJson(`${serverUrl}/license/challenge`, caFile, {});
  const url = (challenge.json as { challenge: { url: string } }).challenge.url;
  const scanned = parsePhonePageUrl(url);
  const phone = await fetch(url);
  const code = /class="code"[^>]*>(\d{6})</.exec(await phone.text())?.[1];
  if (phone.status !== 200 || code === undefined) throw new Error(`the phone page showed no code for ${url}: HTTP ${phone.status}`);
  const res = await postJson(`${serverUrl}/license/activate`, caFile, { challengeId: scanned.challengeId, code });
  if (res.status !== 200) throw new Error(`could not activate ${serverUrl}: ${res.status} ${JSON.stringify(res.json)}`);
}
