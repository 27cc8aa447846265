import { createHash } from 'node:crypto';
import {
  CONTAINER_LIC_FILE_NAME,
  CONTAINER_LIC_MAX_BYTES,
  containerLicensePayloadSchema,
  type ContainerLicensePayload,
} from '@registration/protocol/container-license';
import { DOC_TYPES, ed25519PublicJwkSchema, type Ed25519PublicJwk } from '@registration/protocol/license';
import { detail } from '@registration/protocol/details';
import { reason, type Reason, type ReasonParams } from '@registration/protocol/reason';
import { SERVER_BUNDLE_FORMAT } from '@registration/protocol/server-bundle';
import { versionMatches } from './checks.ts';
import { decodeDocumentUnverified, DocumentError, documentDetail, verifyDocument } from './jws.ts';

/** The local project as the report platform knows it: its name and, if it has one, its stable id. */
export interface LocalProject {
  name: string;
  id?: string | null;
}

export interface ContainerLicenseCheckInput {
  /** The uploaded file: its bytes or its text. */
  jwsText: string | Uint8Array;
  vendorKey: Ed25519PublicJwk;
  local: { productVersion: string; appName: string; project: LocalProject; nodes: number };
  now: Date;
}

/** Accepted (the verified payload) or refused with every reason, each with its specifics. */
export type ContainerLicenseCheck = { ok: true; license: ContainerLicensePayload } | { ok: false; reasons: Reason[] };

const contentError = (params: ReasonParams) => ({ ok: false as const, reasons: [reason('LICENSE_CONTENT_ERROR', params)] });

const normaliseName = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ');

/** A project as text for the certified/local params: `name` or `name (id)`. */
function projectLabel(name: string, id: string | null | undefined): string {
  return id ? `${name} (${id})` : name;
}

/** Whether the local project is the certified one: same id when the lic names one, and same name. */
export function projectMatches(license: Pick<ContainerLicensePayload, 'project' | 'projectFingerprint'>, local: LocalProject): boolean {
  if (license.projectFingerprint !== undefined && license.projectFingerprint !== (local.id ?? undefined)) return false;
  return normaliseName(license.project) === normaliseName(local.name);
}

/**
 * The fingerprint a Local Container challenge is bound to: SHA-256 of the project name and id, so the
 * vendor's one-project ledger sees the same value after a restart and a different one for another project.
 */
export function projectFingerprint(project: LocalProject): string {
  return createHash('sha256').update(`${normaliseName(project.name)}\0${project.id ?? ''}`, 'utf8').digest('base64url');
}

/** Every content reason of a verified lic, in catalogue order (30000, 30001, 30005, 32001, 32002). */
export function containerLicenseReasons(license: ContainerLicensePayload, input: Pick<ContainerLicenseCheckInput, 'local' | 'now'>): Reason[] {
  const { local, now } = input;
  const reasons: Reason[] = [];
  if (!(now.getTime() < Date.parse(license.expiresAt))) reasons.push(reason('LICENSE_EXPIRED', { expiresAt: license.expiresAt }));
  if (!versionMatches(license.productVersion, local.productVersion)) {
    reasons.push(reason('REPORT_VERSION_ERROR', { certified: license.productVersion, local: local.productVersion }));
  }
  if (license.appName !== local.appName) {
    // Both param sets, so the shared 30005 text (appName/allowed) and a certified/local view both render.
    const params = { certified: license.appName, local: local.appName, appName: local.appName, allowed: [license.appName] };
    reasons.push(reason('LICENSE_APPNAME_ERROR', params));
  }
  if (!projectMatches(license, local.project)) {
    const certified = projectLabel(license.project, license.projectFingerprint);
    reasons.push(reason('PROJECT_CONTENT_MISMATCH', { certified, local: projectLabel(local.project.name, local.project.id) }));
  }
  if (local.nodes > license.maxNodes) reasons.push(reason('CLUSTER_NODES_EXCEEDED', { max: license.maxNodes, nodes: local.nodes }));
  return reasons;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The file as trimmed text (a BOM or trailing newline from an editor is harmless), or why not. */
function fileText(file: string | Uint8Array): { text: string } | { error: ReasonParams } {
  if (typeof file !== 'string' && !(file instanceof Uint8Array)) return { error: detail('file.notText') };
  const size = typeof file === 'string' ? Buffer.byteLength(file, 'utf8') : file.length;
  if (size > CONTAINER_LIC_MAX_BYTES) return { error: detail('file.tooLarge', { limit: CONTAINER_LIC_MAX_BYTES }) };
  let text: string;
  try {
    text = typeof file === 'string' ? file : utf8.decode(file);
  } catch {
    return { error: detail('file.notText') };
  }
  text = text.replace(/^\uFEFF/, '').trim();
  return text === '' ? { error: detail('file.empty') } : { text };
}

const OTHER_TYPES: Record<string, string> = {
  [DOC_TYPES.serverLicense]: 'license-server license',
  [DOC_TYPES.lease]: 'lease',
  [DOC_TYPES.destroyReceipt]: 'destroy receipt',
  'license-server': 'license-server license',
  lease: 'lease',
};

/** For the message only, never for trust: what else this file claims to be, if it is a known other kind. */
function otherKind(text: string): string | undefined {
  if (text.startsWith('{')) {
    try {
      const json: unknown = JSON.parse(text);
      if (typeof json === 'object' && json !== null && (json as { format?: unknown }).format === SERVER_BUNDLE_FORMAT) {
        return 'license-server bundle';
      }
    } catch {
      return undefined;
    }
    return undefined;
  }
  try {
    const { header, payload } = decodeDocumentUnverified(text);
    if (header.typ === DOC_TYPES.containerLicense) return undefined;
    const claimed = typeof payload === 'object' && payload !== null ? (payload as { type?: unknown }).type : undefined;
    return OTHER_TYPES[String(header.typ)] ?? OTHER_TYPES[String(claimed)];
  } catch {
    return undefined;
  }
}

/** The license id of a verified lic in the old format (an `activationSecret`, no `activationKey`), else null. */
function outdatedLicenseId(text: string): string | null {
  const { payload } = decodeDocumentUnverified(text);
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as { activationSecret?: unknown; activationKey?: unknown; licenseId?: unknown };
  if (p.activationSecret === undefined || p.activationKey !== undefined) return null;
  return typeof p.licenseId === 'string' ? p.licenseId.slice(0, 128) : '—';
}

/**
 * Checks an uploaded Container.lic: vendor signature and `typ` first (nothing in the file is trusted
 * before that), then every content rule. Never throws for any file; throws TypeError only for a vendor
 * key that is not an Ed25519 public JWK (configuration, not input).
 */
export async function checkContainerLicense(input: ContainerLicenseCheckInput): Promise<ContainerLicenseCheck> {
  if (!ed25519PublicJwkSchema.safeParse(input.vendorKey).success) throw new TypeError('vendor key is not an Ed25519 public JWK');
  const file = fileText(input.jwsText);
  if ('error' in file) return contentError(file.error);

  let license: ContainerLicensePayload;
  try {
    license = await verifyDocument(file.text, input.vendorKey, DOC_TYPES.containerLicense, containerLicensePayloadSchema);
  } catch (cause) {
    // Genuine (the signature verified) but of the format that carried its activation secret.
    const outdated = cause instanceof DocumentError && cause.kind === 'payload' ? outdatedLicenseId(file.text) : null;
    if (outdated !== null) return { ok: false, reasons: [reason('LIC_REISSUE_REQUIRED', { licenseId: outdated })] };
    const actual = otherKind(file.text);
    if (actual !== undefined) {
      return { ok: false, reasons: [reason('LIC_TYPE_MISMATCH', { expected: CONTAINER_LIC_FILE_NAME, actual })] };
    }
    return contentError(documentDetail(cause));
  }
  const reasons = containerLicenseReasons(license, input);
  return reasons.length === 0 ? { ok: true, license } : { ok: false, reasons };
}
