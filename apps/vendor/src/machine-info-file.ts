import { readFile } from 'node:fs/promises';
import { machineInfoFileSchema, type MachineInfoFile } from '@registration/protocol/machine-info';
import { BundleError } from './server-bundle.ts';

/** Reads a customer's MachineInfo.rif (from `license-server machine-info`) for `issue-server --machine-info`. */
export async function readMachineInfoFile(path: string): Promise<MachineInfoFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BundleError(`--machine-info: ${path} does not exist`);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BundleError(`--machine-info: ${path} is not a MachineInfo.rif (not JSON)`);
  }
  const parsed = machineInfoFileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 5).join(', ');
    throw new BundleError(`--machine-info: ${path} is not a MachineInfo.rif (${fields})`);
  }
  return parsed.data;
}
