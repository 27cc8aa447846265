import type { ServerLicensePayload } from '@registration/protocol/license';
import { reason, type Reason, type ReasonParams } from '@registration/protocol/reason';
import { ipInRanges, parseIpRanges } from './ip-ranges.ts';

/** What a license server knows about one register/heartbeat request when it decides. */
export interface RegistrationCheckInput {
  license: ServerLicensePayload;
  node: { productVersion: string; appName: string; domain: string };
  /** The TCP peer address the server saw (never a header or body field). */
  peer: string;
  /** Slots currently held, including this node's if it holds one. */
  inUse: number;
  /** Whether this node already holds a slot (a heartbeat or repeated register needs no new one). */
  holdsSlot: boolean;
  accountState: 'active' | 'destroyed';
  now: Date;
}

/**
 * Whether a local version is covered by a certified one, by whole dot segments:
 * `11.0` covers `11.0` and `11.0.18` but not `11.01` or `11.1.2`.
 */
export function versionMatches(certified: string, local: string): boolean {
  const want = certified.trim().split('.');
  const have = local.trim().split('.');
  if (want.some((segment) => segment === '') || have.some((segment) => segment === '')) return false;
  return want.length <= have.length && want.every((segment, index) => segment === have[index]);
}

function normaliseDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Whether a domain is allowed: empty list or `*` = any; otherwise a case-insensitive exact match, or
 * `*.example.com`, which covers every subdomain of example.com but not example.com itself.
 */
export function domainAllowed(domain: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const wanted = normaliseDomain(domain);
  if (wanted === '') return allowed.includes('*');
  return allowed.some((pattern) => {
    const p = normaliseDomain(pattern);
    if (p === '*') return true;
    if (p.startsWith('*.')) return wanted.endsWith(p.slice(1)) && wanted.length > p.length - 1;
    return p === wanted;
  });
}

/** Whether a web app name is allowed: empty list = any; otherwise exact and case-sensitive, like a servlet context. */
export function appNameAllowed(appName: string, allowed: readonly string[]): boolean {
  return allowed.length === 0 || allowed.includes(appName);
}


// A license's range spec is checked on every heartbeat and never changes: parse each spec once. Bounded,
// so that specs from many licenses cannot grow it without limit; the results are only read.
const parsedSpecs = new Map<string, ReturnType<typeof parseIpRanges>>();
/** How many parsed specs are remembered at most (then the memory starts over). */
export const PARSED_SPECS_MAX = 64;

/** A range spec parsed once and remembered (the same result object while it is remembered). */
export function parsedRanges(spec: string): ReturnType<typeof parseIpRanges> {
  let parsed = parsedSpecs.get(spec);
  if (parsed === undefined) {
    parsed = parseIpRanges(spec);
    if (parsedSpecs.size >= PARSED_SPECS_MAX) parsedSpecs.clear();
    parsedSpecs.set(spec, parsed);
  }
  return parsed;
}

/** 30003: an unparsable range spec allows nobody, and says why in params.error. */
function ipReason(license: ServerLicensePayload, peer: string): Reason | undefined {
  const parsed = parsedRanges(license.ipRanges);
  if (parsed.ok && ipInRanges(peer, parsed.ranges)) return undefined;
  const params: ReasonParams = { peer, allowed: license.ipRanges };
  if (!parsed.ok) params.error = parsed.error;
  return reason('LICENSE_IP_ERROR', params);
}

/**
 * Every reason the license server must refuse this node for, in catalogue order
 * (30000, 30001, 30002, 30003, 30004, 30005, 30007). An empty array means allowed.
 */
export function checkRegistration(input: RegistrationCheckInput): Reason[] {
  const { license, node, now } = input;
  const reasons: Reason[] = [];
  const expiresAt = Date.parse(license.expiresAt);
  // An unreadable date must fail closed, hence the negated comparison.
  if (!(now.getTime() < expiresAt)) reasons.push(reason('LICENSE_EXPIRED', { expiresAt: license.expiresAt }));
  if (!versionMatches(license.productVersion, node.productVersion)) {
    reasons.push(reason('REPORT_VERSION_ERROR', { certified: license.productVersion, local: node.productVersion }));
  }
  if (input.accountState !== 'active') reasons.push(reason('ACCOUNT_STATUS_ERROR', { state: input.accountState }));
  const ip = ipReason(license, input.peer);
  if (ip) reasons.push(ip);
  if (!domainAllowed(node.domain, license.domains)) {
    reasons.push(reason('LICENSE_DOMAIN_ERROR', { domain: node.domain, allowed: license.domains }));
  }
  if (!appNameAllowed(node.appName, license.appNames)) {
    reasons.push(reason('LICENSE_APPNAME_ERROR', { appName: node.appName, allowed: license.appNames }));
  }
  if (!input.holdsSlot && input.inUse >= license.maxConnections) {
    reasons.push(reason('REGISTER_OUT_OF_LIMIT', { max: license.maxConnections, inUse: input.inUse }));
  }
  return reasons;
}
