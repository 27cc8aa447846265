import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadVendorPublicKey } from '../keys.ts';
import { formatReceipt, readReceiptFile, verifyDestroyReceipt } from '../receipt.ts';
import { onePositional, str, text, validate, type Out } from './args.ts';

const verifyReceiptArgs = z.object({ 'vendor-public': text });

/** `vendor verify-receipt <receipt.fr> --vendor-public <file>`: checks a destroy receipt and prints its facts. */
export async function verifyReceipt(rest: string[], out: Out): Promise<void> {
  const { values, positionals } = parseArgs({ args: rest, options: { 'vendor-public': str }, allowPositionals: true });
  const args = validate(verifyReceiptArgs, values);
  const path = resolve(onePositional(positionals, 'verify-receipt', 'receipt file'));
  const vendorKey = await loadVendorPublicKey(resolve(args['vendor-public']));
  const verified = await verifyDestroyReceipt(await readReceiptFile(path), vendorKey);
  const serverKey = verified.license.serverKey.kid ?? verified.license.serverKey.x;
  out(`OK ${path}: destroy receipt signed by license-server key ${serverKey}, which vendor key ${vendorKey.kid ?? vendorKey.x} certifies`);
  out(formatReceipt(verified).join('\n'));
  out(`the license server is destroyed; \`vendor unbind ${verified.license.licenseId} --vendor-dir <dir>\` frees its activation binding`);
}
