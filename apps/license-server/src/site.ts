import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { currentMachine } from './machine-info.ts';

/**
 * Where this license server runs, as the activation remembers it: the machine (`/etc/machine-id`, or the
 * test override of machine-info.ts) and the real path of the config folder, hashed to 16 hex digits.
 * A privateConfig copied to another folder or machine wakes up at another site: it is not activated there
 * until someone scans again, and the vendor's phone page refuses a license whose installation it has seen
 * at another site (`vendor unbind` frees it for a real migration). Two copies on machines with the same
 * machine id and the same path (one container image, one volume path) look the same: see the README.
 */
export async function installationSite(configDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { facts } = await currentMachine(env);
  const dir = await realpath(configDir);
  return createHash('sha256').update(`fr-site/1\0${facts.machineId ?? ''}\0${dir}`, 'utf8').digest('hex').slice(0, 16);
}
