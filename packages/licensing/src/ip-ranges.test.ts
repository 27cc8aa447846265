import { describe, expect, it } from 'vitest';
import { ipInRanges, parseIpRanges, type IpRange } from './ip-ranges.ts';

function ranges(spec: string): IpRange[] {
  const parsed = parseIpRanges(spec);
  if (!parsed.ok) throw new Error(`expected "${spec}" to parse: ${parsed.error}`);
  return parsed.ranges;
}

// [spec, addresses inside, addresses outside]
const matching: [string, string[], string[]][] = [
  ['192.168.0.1', ['192.168.0.1'], ['192.168.0.2', '192.168.0.10', '::1']],
  ['192.168.100.25-192.168.100.26, 192.168.0.1', ['192.168.100.25', '192.168.100.26', '192.168.0.1'], ['192.168.100.24', '192.168.100.27']],
  ['10.0.0.255-10.0.1.1', ['10.0.0.255', '10.0.1.0', '10.0.1.1'], ['10.0.0.254', '10.0.1.2']],
  ['10.0.0.0/8', ['10.0.0.0', '10.255.255.255', '10.1.2.3'], ['11.0.0.0', '9.255.255.255']],
  ['192.168.1.77/24', ['192.168.1.0', '192.168.1.255'], ['192.168.2.0']],
  ['0.0.0.0/0', ['1.2.3.4', '255.255.255.255'], ['::1']],
  ['1.2.3.4/32', ['1.2.3.4'], ['1.2.3.5']],
  ['::1', ['::1', '0:0:0:0:0:0:0:1'], ['::2', '127.0.0.1']],
  ['fe80::/10', ['fe80::1', 'febf:ffff::1', 'fe80::1%eth0'], ['fec0::1', 'fe7f::1']],
  ['2001:db8::1-2001:db8::ff', ['2001:db8::1', '2001:db8::80', '2001:db8::ff'], ['2001:db8::100', '2001:db8::']],
  // IPv4-mapped IPv6 matches as IPv4, whichever side it appears on.
  ['127.0.0.1', ['::ffff:127.0.0.1', '::FFFF:7f00:1'], ['::1']],
  ['::ffff:10.0.0.1', ['10.0.0.1', '::ffff:10.0.0.1'], ['10.0.0.2']],
  ['::ffff:10.0.0.0/104', ['10.1.2.3', '::ffff:10.9.9.9'], ['11.0.0.0']],
  ['*', ['1.2.3.4', '::1', '::ffff:127.0.0.1'], ['not-an-ip', '']],
  ['  127.0.0.1 ;::1\t10.0.0.1-10.0.0.3\n, 172.16.0.0/12  ', ['127.0.0.1', '::1', '10.0.0.2', '172.31.255.255'], ['10.0.0.4', '172.32.0.0']],
  ['192.168.100.25 - 192.168.100.26', ['192.168.100.25', '192.168.100.26'], ['192.168.100.27']],
];

describe('parseIpRanges + ipInRanges', () => {
  it.each(matching)('%s', (spec, inside, outside) => {
    const parsed = ranges(spec);
    for (const ip of inside) expect(ipInRanges(ip, parsed), `${ip} in ${spec}`).toBe(true);
    for (const ip of outside) expect(ipInRanges(ip, parsed), `${ip} not in ${spec}`).toBe(false);
  });

  it('keeps one range per item, in order, as BigInt bounds', () => {
    expect(ranges('10.0.0.1-10.0.0.3, ::1, *')).toEqual([
      { family: 'ipv4', first: 0x0a000001n, last: 0x0a000003n, text: '10.0.0.1-10.0.0.3' },
      { family: 'ipv6', first: 1n, last: 1n, text: '::1' },
      { family: 'any', text: '*' },
    ]);
  });

  it('matches nothing with no ranges', () => {
    expect(ipInRanges('127.0.0.1', [])).toBe(false);
  });
});

// [spec, a fragment the error must contain: the bad item or what is wrong]
const malformed: [string, string][] = [
  ['', 'no IP ranges'],
  ['   ', 'no IP ranges'],
  ['192.168.0.256', '192.168.0.256'],
  ['192.168.0', '192.168.0'],
  ['192.168.0.1.5', '192.168.0.1.5'],
  ['010.0.0.1', '010.0.0.1'],
  ['10.0.0.5-10.0.0.1', 'reversed'],
  ['10.0.0.1-::1', 'mixes'],
  ['127.0.0.1,,10.0.0.1', 'empty item'],
  ['127.0.0.1;', 'empty item'],
  ['localhost', 'localhost'],
  ['10.0.0.0/33', '10.0.0.0/33'],
  ['10.0.0.0/', '10.0.0.0/'],
  ['10.0.0.0/08', '10.0.0.0/08'],
  ['::1/129', '::1/129'],
  ['10.0.0.1-10.0.0.2-10.0.0.3', 'too many dashes'],
  ['10.0.0.1-', '10.0.0.1-'],
  ['1::2::3', '1::2::3'],
  ['fe80::1%eth0', 'fe80::1%eth0'],
  ['127.0.0.1, garbage!', 'garbage!'],
  ['**', '**'],
];

describe('parseIpRanges rejects malformed specs', () => {
  it.each(malformed)('%j', (spec, fragment) => {
    const parsed = parseIpRanges(spec);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(fragment);
  });
});
