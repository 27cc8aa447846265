import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startPhonePage } from '../phone-page/serve.ts';
import { ISSUED_DIR } from '../records.ts';
import { int, str, text, validate, type Out } from './args.ts';

const serveArgs = z.object({
  'vendor-dir': text,
  host: text.default('127.0.0.1'),
  port: int(0, 65535).default(8090),
});

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Resolves on the first SIGINT or SIGTERM (Ctrl+C, `kill`, the start script stopping everything). */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      done(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** `vendor serve --vendor-dir <dir> [--host 127.0.0.1] [--port 8090]`: runs the phone page until a signal stops it. */
export async function serve(rest: string[], out: Out): Promise<void> {
  const { values } = parseArgs({ args: rest, options: { 'vendor-dir': str, host: str, port: str } });
  const args = validate(serveArgs, values);
  const vendorDir = resolve(args['vendor-dir']);
  const isDir = await stat(vendorDir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new Error(`${vendorDir} is not a directory (the vendor directory holding ${ISSUED_DIR}/)`);
  const stopped = stopSignal();
  let running;
  try {
    running = await startPhonePage({ vendorDir, host: args.host, port: args.port });
  } catch (error) {
    throw new Error(`cannot listen on ${args.host}:${args.port}: ${(error as Error).message}`);
  }
  // Scripts wait for exactly this line; keep it stable and unlocalised.
  out(`vendor phone page listening on ${running.url}`);
  const base = `http://<this machine's LAN address>:${running.port}`;
  if (LOOPBACK.has(args.host)) out('hint: only this machine can open it; for a phone on the LAN, run with --host 0.0.0.0');
  out(`hint: QR codes point to the phone-page base URL of the license server (--phone-page-url) and the BFF: set it to ${base}`);
  out(`records: ${resolve(vendorDir, ISSUED_DIR)}`);
  const signal = await stopped;
  await running.close();
  out(`vendor phone page stopped (${signal})`);
}
