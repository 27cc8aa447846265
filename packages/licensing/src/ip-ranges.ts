import ipaddr from 'ipaddr.js';

/** One allowed address block: `*` (any address) or an inclusive range of one family, as integers. */
export type IpRange =
  | { family: 'any'; text: string }
  | { family: 'ipv4' | 'ipv6'; first: bigint; last: bigint; text: string };

type Family = 'ipv4' | 'ipv6';
interface Address {
  family: Family;
  value: bigint;
}

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };
// Strict dotted quad: no leading zeros (octal ambiguity), no short forms like `10.1`.
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/** Parses one address strictly; IPv4-mapped IPv6 becomes IPv4 so that both spellings match alike. */
function parseAddress(text: string): Address | undefined {
  if (IPV4.test(text)) return { family: 'ipv4', value: toBigInt(ipaddr.IPv4.parse(text).toByteArray()) };
  if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
  const v6 = ipaddr.IPv6.parse(text);
  if (v6.isIPv4MappedAddress()) return { family: 'ipv4', value: toBigInt(v6.toIPv4Address().toByteArray()) };
  return { family: 'ipv6', value: toBigInt(v6.toByteArray()) };
}

function parseCidr(text: string): IpRange | string {
  const [base = '', prefixText = ''] = text.split('/');
  const address = parseAddress(base);
  if (!address) return `bad address in CIDR "${text}"`;
  if (!PREFIX.test(prefixText)) return `bad prefix length in "${text}"`;
  let prefix = Number(prefixText);
  // A mapped base (`::ffff:10.0.0.0/104`) was turned into IPv4: shift its prefix to the IPv4 width.
  if (address.family === 'ipv4' && !IPV4.test(base)) prefix -= 96;
  const bits = BITS[address.family];
  if (prefix < 0 || prefix > bits) return `prefix length out of range in "${text}"`;
  const hostBits = BigInt(bits - prefix);
  const first = (address.value >> hostBits) << hostBits;
  return { family: address.family, first, last: first | ((1n << hostBits) - 1n), text };
}

function parseDashRange(text: string): IpRange | string {
  const [fromText = '', toText = '', ...extra] = text.split('-');
  if (extra.length > 0) return `too many dashes in "${text}"`;
  const from = parseAddress(fromText);
  const to = parseAddress(toText);
  if (!from || !to) return `bad address in range "${text}"`;
  if (from.family !== to.family) return `range "${text}" mixes IPv4 and IPv6`;
  if (from.value > to.value) return `range "${text}" is reversed`;
  return { family: from.family, first: from.value, last: to.value, text };
}

function parseItem(item: string): IpRange | string {
  if (item === '*') return { family: 'any', text: item };
  if (item.includes('/')) return parseCidr(item);
  if (item.includes('-')) return parseDashRange(item);
  const address = parseAddress(item);
  if (!address) return `"${item}" is not an IP address, range or CIDR`;
  return { family: address.family, first: address.value, last: address.value, text: item };
}

/**
 * Parses the manuals' IP range syntax: items separated by commas, semicolons or whitespace; an item is
 * an address, a range `a-b` (same family, a <= b), a CIDR, or `*`. The first bad item fails the whole spec.
 */
export function parseIpRanges(spec: string): { ok: true; ranges: IpRange[] } | { ok: false; error: string } {
  // `a - b` is one range, not three items.
  const normalised = spec.trim().replace(/\s*-\s*/g, '-');
  if (normalised === '') return { ok: false, error: 'no IP ranges given' };
  const ranges: IpRange[] = [];
  for (const part of normalised.split(/[,;]/)) {
    const trimmed = part.trim();
    if (trimmed === '') return { ok: false, error: 'empty item between separators' };
    for (const item of trimmed.split(/\s+/)) {
      const parsed = parseItem(item);
      if (typeof parsed === 'string') return { ok: false, error: parsed };
      ranges.push(parsed);
    }
  }
  return { ok: true, ranges };
}

/** Whether `ip` (e.g. a TCP peer address, possibly `::ffff:a.b.c.d` or with a zone) lies in any range. */
export function ipInRanges(ip: string, ranges: IpRange[]): boolean {
  const zoneless = ip.trim().replace(/%[^%]*$/, '');
  const address = parseAddress(zoneless);
  if (!address) return false;
  return ranges.some(
    (range) =>
      range.family === 'any' ||
      (range.family === address.family && range.first <= address.value && address.value <= range.last),
  );
}
