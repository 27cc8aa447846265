import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { ChallengeKeys } from '@registration/licensing/activation-code';
import { createChallenge, phonePageUrl } from '@registration/licensing/challenge';
import { checkContainerLicense, projectFingerprint, type LocalProject } from '@registration/licensing/container-checks';
import { lockStatus } from '@registration/licensing/lockout';
import { RateLimiter } from '@registration/licensing/rate-limit';
import { attemptVerification } from '@registration/licensing/verify-attempt';
import type { Grant, LocalContainerState, VerificationGate } from '@registration/protocol/bff-api';
import type { ContainerLicensePayload } from '@registration/protocol/container-license';
import type { Reason } from '@registration/protocol/reason';
import type { BffConfig } from '../config.ts';
import { CatalogueError, reason } from '../errors.ts';
import { blankNode, isStale, verifiedNode, type Self } from '../registration/node-record.ts';
import type { NodeRecord, RegistrationStore } from '../store/types.ts';

export const DEFAULT_PHONE_PAGE_URL = 'http://127.0.0.1:8090';
export const DEFAULT_PROJECT_NAME = 'Demo Project';

export interface LocalContainerDeps {
  store: RegistrationStore;
  clock: () => Date;
  config: BffConfig;
  logger: Logger;
  /**
   * Runs a step that rewrites this node's row after the other writers of that row (Submit, Re-register,
   * heartbeat) are done; the registration service passes its queue. Defaults to running at once.
   */
  serialized?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Whether a node's row shows a live node (the registration service judges staleness on the store's clock). */
  isLive?: (node: NodeRecord) => boolean;
  /** The QR challenge keys this process holds (in memory only); a fresh set by default. */
  challengeKeys?: ChallengeKeys;
}

/**
 * Code attempts this process checks per minute, whatever the tab or address: the shared lock allows 5 in a
 * row, so only someone resetting it (`reset-lock`, or the database by hand) could guess faster; this keeps
 * even that to a pace at which a 6-digit code takes weeks.
 */
export const CODE_ATTEMPTS_PER_MINUTE = 10;

/**
 * A code submitted on this node for a QR code another node made: only that node holds the challenge's
 * key, so the request is passed to it (`address`, its NODE_ADDRESS), and its answer is this one's.
 */
export class ChallengeElsewhere extends Error {
  override readonly name = 'ChallengeElsewhere';
  constructor(
    readonly nodeId: string,
    readonly address: string,
  ) {
    super(`the QR code was made on ${nodeId} (${address})`);
  }
}

/** What an accepted Container.lic grants, as the upload answers it and Version Information shows it. */
export function containerGrant(license: ContainerLicensePayload, product: string): Grant {
  return {
    licenseId: license.licenseId,
    company: license.company,
    project: license.project,
    product,
    productVersion: license.productVersion,
    features: license.features,
    domains: [],
    appNames: [license.appName],
    ipRanges: '',
    port: null,
    expiresAt: license.expiresAt,
    maxConnections: license.maxNodes,
    inUse: 0,
  };
}

export type UploadResult = { ok: true; grant: Grant } | { ok: false; reasons: Reason[] };

export interface ChallengeAnswer {
  challengeId: string;
  expiresAt: string;
  url: string;
  svg: string;
}

const noLic = () => new CatalogueError('CONTAINER_LIC_MISSING');

/** The code gate as the UI shows it. */
export function verificationGate(lock: Parameters<typeof lockStatus>[0], now: Date): VerificationGate {
  const status = lockStatus(lock, now);
  if (status.kind === 'locked') return { kind: 'locked', until: status.until.toISOString() };
  return status;
}

/**
 * Local Container on this node (DESIGN.md §3.2): upload → QR challenge → code. The lic, its challenge
 * and the verification lock live in the shared store, so every node of a cluster sees the same ones.
 */
export function createLocalContainerService(deps: LocalContainerDeps) {
  const { store, clock, config, logger } = deps;
  const serialized = deps.serialized ?? (<T>(fn: () => Promise<T>) => fn());
  const project: LocalProject = { name: config.projectName ?? DEFAULT_PROJECT_NAME, id: config.projectId ?? null };
  const fingerprint = projectFingerprint(project);
  const self: Self = { nodeId: config.nodeId, address: config.nodeAddress };
  const keys = deps.challengeKeys ?? new ChallengeKeys();
  const attempts = new RateLimiter(CODE_ATTEMPTS_PER_MINUTE, () => clock().getTime());

  /** Nodes of the cluster that are alive (not stale), counting this one even before it wrote a row. */
  async function liveNodes(): Promise<number> {
    const now = clock();
    const live = deps.isLive ?? ((n: NodeRecord) => !isStale(n, now));
    const ids = new Set((await store.listNodes()).filter(live).map((n) => n.nodeId));
    ids.add(config.nodeId);
    return ids.size;
  }

  return {
    /** The stored lic with its code gate, for `GET /api/registration`; null when none was accepted. */
    async state(): Promise<LocalContainerState | null> {
      const stored = await store.getContainerLicense();
      if (!stored) return null;
      const lock = await store.readVerificationLock(stored.license.licenseId);
      return {
        grant: containerGrant(stored.license, config.product.name),
        uploadedAt: stored.uploadedAt.toISOString(),
        uploadedBy: stored.uploadedBy,
        gate: verificationGate(lock, clock()),
      };
    },

    /** Checks an uploaded file against this node; stores it only when every check passes. */
    async upload(file: Uint8Array, by: string): Promise<UploadResult> {
      const now = clock();
      const checkWith = async (nodes: number) =>
        checkContainerLicense({
          jwsText: file,
          vendorKey: config.vendorPublicKey,
          local: { productVersion: config.product.version, appName: config.appName, project, nodes },
          now,
        });
      // Count the cluster's nodes only for a file whose signature checks out (one node never exceeds
      // maxNodes ≥ 1): a junk upload then costs no store query.
      const first = await checkWith(1);
      if (!first.ok && first.reasons.every((r) => r.name === 'LICENSE_CONTENT_ERROR' || r.name === 'LIC_TYPE_MISMATCH')) {
        return first;
      }
      const check = await checkWith(await liveNodes());
      if (!check.ok) return check;
      const lic = new TextDecoder().decode(file).replace(/^\uFEFF/, '').trim();
      await store.setContainerLicense({ lic, license: check.license, uploadedAt: now, uploadedBy: by });
      logger.info({ licenseId: check.license.licenseId, by }, 'Container.lic accepted');
      return { ok: true, grant: containerGrant(check.license, config.product.name) };
    },

    /**
     * A fresh QR challenge for the stored lic (replacing the previous one), with its SVG. Its key is made
     * here and held only in this process's memory: this node checks the codes for it.
     */
    async challenge(): Promise<ChallengeAnswer> {
      const stored = await store.getContainerLicense();
      if (!stored) throw noLic();
      const challenge = createChallenge({ now: clock(), fingerprint });
      const exchangeKey = keys.create();
      const url = phonePageUrl(config.phonePageUrl ?? DEFAULT_PHONE_PAGE_URL, challenge, {
        licenseId: stored.license.licenseId,
        kind: 'container',
        challengeKey: exchangeKey,
      });
      await store.setContainerChallenge({ ...challenge, licenseId: stored.license.licenseId, usedAt: null, exchangeKey, nodeId: config.nodeId });
      const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { challengeId: challenge.challengeId, expiresAt: challenge.expiresAt.toISOString(), url, svg };
    },

    /**
     * One code submission: lock gate → challenge → compare → record, with the lock row held for the
     * whole transaction. Right code → this node registered with the lic's grant; otherwise the
     * catalogue reason (after the updated lock is committed). A challenge made by another live node
     * throws ChallengeElsewhere (the route passes the request on; `forwarded` stops a second hop).
     */
    verify: (input: { challengeId?: string; code: unknown }, by: string, options: { forwarded?: boolean } = {}): Promise<{ grant: Grant }> =>
      serialized(() => verifyNow(input, by, options.forwarded === true)),
  };

  /** The live node that made the current challenge, when it is not this one; null otherwise. */
  async function owner(): Promise<{ nodeId: string; address: string } | null> {
    const current = await store.getContainerChallenge();
    if (current?.nodeId == null || current.nodeId === config.nodeId || current.usedAt !== null) return null;
    const row = await store.getNode(current.nodeId);
    const live = deps.isLive ?? ((n: NodeRecord) => !isStale(n, clock()));
    return row && live(row) ? { nodeId: row.nodeId, address: row.address } : null;
  }

  async function verifyNow(input: { challengeId?: string; code: unknown }, by: string, forwarded: boolean): Promise<{ grant: Grant }> {
      const now = clock();
      if (!forwarded) {
        const elsewhere = await owner();
        if (elsewhere) throw new ChallengeElsewhere(elsewhere.nodeId, elsewhere.address);
      }
      const retryAfter = attempts.take('code');
      if (retryAfter > 0) throw new CatalogueError('RATE_LIMITED', { peer: config.nodeId, limit: CODE_ATTEMPTS_PER_MINUTE, retryAfter });
      const outcome = await store.transaction(async (tx) => {
        const stored = await tx.getContainerLicense();
        if (!stored) return { kind: 'missing' as const };
        const { license } = stored;
        const lock = await tx.lockVerification(license.licenseId);
        const current = await tx.getContainerChallenge();
        const challenge = current !== null && current.licenseId === license.licenseId ? current : null;
        // Only the node that made the challenge holds its key; after a restart nobody does (a new QR code).
        const mine = challenge?.exchangeKey != null && challenge.nodeId === config.nodeId;
        const secret = mine ? keys.codeKey(challenge.exchangeKey ?? '', { licenseId: license.licenseId, kind: 'container', licenseKey: license.activationKey }) : null;
        const result = attemptVerification({
          lock,
          challenge,
          ...(input.challengeId === undefined ? {} : { challengeId: input.challengeId }),
          secret,
          code: input.code,
          now,
        });
        await tx.setVerificationLock(license.licenseId, result.lock, now);
        if (!result.ok) return { kind: 'refused' as const, reason: result.reason };
        if (!challenge || !(await tx.useContainerChallenge(challenge.challengeId, now))) {
          return { kind: 'refused' as const, reason: reason('QR_EXPIRED') };
        }
        if (challenge.exchangeKey) keys.forget(challenge.exchangeKey);
        const grant = containerGrant(license, config.product.name);
        await tx.setConfig({ method: 'local-container', serverUrl: null, updatedAt: now, updatedBy: by });
        const own = (await tx.getNode(config.nodeId)) ?? blankNode(self, now);
        await tx.upsertNode({ ...verifiedNode(own, self, grant, new Date(license.expiresAt), now), configAt: now });
        return { kind: 'registered' as const, grant, licenseId: license.licenseId };
      });
      if (outcome.kind === 'missing') throw noLic();
      if (outcome.kind === 'refused') {
        const { name, params } = outcome.reason;
        throw new CatalogueError(name, params, { reasons: [outcome.reason] });
      }
      logger.info({ licenseId: outcome.licenseId, by, nodeId: config.nodeId }, 'Local Container registered');
      return { grant: outcome.grant };
  }
}

export type LocalContainerService = ReturnType<typeof createLocalContainerService>;
