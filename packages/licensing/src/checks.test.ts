import { describe, expect, it } from 'vitest';
import { reasonSchema } from '@registration/protocol/reason';
import { appNameAllowed, checkRegistration, domainAllowed, parsedRanges, PARSED_SPECS_MAX, versionMatches, type RegistrationCheckInput } from './checks.ts';
import { NOW, serverLicensePayload } from './test-fixtures.ts';

const serverKey = { kty: 'OKP', crv: 'Ed25519', x: 'a8qVc5E1TcdN9zF4Cqz3jdC8mEti9U3NbWIh7CWno84' } as const;

function input(overrides: Partial<RegistrationCheckInput> = {}, license: Partial<RegistrationCheckInput['license']> = {}): RegistrationCheckInput {
  return {
    license: serverLicensePayload(serverKey, license),
    node: { productVersion: '11.0.18', appName: 'webroot', domain: 'localhost' },
    peer: '127.0.0.1',
    inUse: 3,
    holdsSlot: false,
    accountState: 'active',
    now: NOW,
    ...overrides,
  };
}

const codes = (i: RegistrationCheckInput) => checkRegistration(i).map((r) => r.code);

describe('versionMatches', () => {
  it.each([
    ['11.0', '11.0.18', true],
    ['11.0', '11.0', true],
    ['11.0.18', '11.0.18', true],
    ['11', '11.0.3', true],
    [' 11.0 ', '11.0.2', true],
    ['11.0', '11.1.2', false],
    ['11.0', '11.01', false],
    ['11.0', '11.0x', false],
    ['11.0.18', '11.0', false],
    ['11.0', '10.0.18', false],
    ['', '11.0', false],
    ['11..0', '11..0', false],
  ])('certified %j, local %j → %s', (certified, local, expected) => {
    expect(versionMatches(certified, local)).toBe(expected);
  });
});

describe('domainAllowed', () => {
  it.each([
    ['anything.test', [], true],
    ['Report.Example.COM', ['report.example.com'], true],
    ['report.example.com.', ['report.example.com'], true],
    ['sub.example.com', ['*.example.com'], true],
    ['a.b.example.com', ['*.example.com'], true],
    ['example.com', ['*.example.com'], false],
    ['badexample.com', ['*.example.com'], false],
    ['report.example.com', ['other.example.com', 'localhost'], false],
    ['whatever.test', ['*'], true],
    ['', ['localhost'], false],
  ] as const)('%j in %j → %s', (domain, allowed, expected) => {
    expect(domainAllowed(domain, allowed)).toBe(expected);
  });
});

describe('appNameAllowed', () => {
  it('allows any name when the list is empty, else only exact, case-sensitive names', () => {
    expect(appNameAllowed('anything', [])).toBe(true);
    expect(appNameAllowed('webroot', ['decision', 'webroot'])).toBe(true);
    expect(appNameAllowed('WebRoot', ['webroot'])).toBe(false);
    expect(appNameAllowed('webroot2', ['webroot'])).toBe(false);
  });
});

describe('checkRegistration', () => {
  it('allows a node that meets every rule', () => {
    expect(checkRegistration(input())).toEqual([]);
  });

  it('30000 when now is at or after expiresAt', () => {
    const expiresAt = '2026-06-01T12:00:00.000Z';
    expect(checkRegistration(input({}, { expiresAt }))).toEqual([{ code: 30000, name: 'LICENSE_EXPIRED', params: { expiresAt } }]);
    expect(codes(input({ now: new Date(Date.parse(expiresAt) - 1) }, { expiresAt }))).toEqual([]);
  });

  it('30001 on a version the license does not cover', () => {
    expect(checkRegistration(input({ node: { productVersion: '11.01', appName: 'webroot', domain: 'localhost' } }))).toEqual([
      { code: 30001, name: 'REPORT_VERSION_ERROR', params: { certified: '11.0', local: '11.01' } },
    ]);
  });

  it('30002 when the account is destroyed', () => {
    expect(checkRegistration(input({ accountState: 'destroyed' }))).toEqual([
      { code: 30002, name: 'ACCOUNT_STATUS_ERROR', params: { state: 'destroyed' } },
    ]);
  });

  it('30003 when the peer is outside the ranges; mapped IPv6 counts as IPv4', () => {
    expect(checkRegistration(input({ peer: '10.1.1.1' }))).toEqual([
      { code: 30003, name: 'LICENSE_IP_ERROR', params: { peer: '10.1.1.1', allowed: '127.0.0.1, ::1' } },
    ]);
    expect(codes(input({ peer: '::ffff:127.0.0.1' }))).toEqual([]);
  });

  it('30003 for every peer when the license ranges do not parse, with the parse error', () => {
    const [only, ...rest] = checkRegistration(input({}, { ipRanges: '127.0.0.1, 300.0.0.1' }));
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ code: 30003, params: { peer: '127.0.0.1', allowed: '127.0.0.1, 300.0.0.1' } });
    expect(only?.params?.error).toContain('300.0.0.1');
  });

  it('parses a spec once while it is remembered, and remembers a bounded number of specs', () => {
    const first = parsedRanges('10.1.0.0/16');
    expect(parsedRanges('10.1.0.0/16')).toBe(first); // the same result: not parsed again
    for (let i = 0; i < PARSED_SPECS_MAX; i++) parsedRanges(`10.2.${i}.0/24`);
    // More specs than are remembered: the memory started over, so the first is parsed afresh.
    const again = parsedRanges('10.1.0.0/16');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('decides the same with many licenses in turn, more than are remembered', () => {
    // 200 specs, more than are remembered, each checked twice for a peer inside and one outside.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 200; i++) {
        const spec = `10.${i}.0.0/16, 192.168.${i}.1-192.168.${i}.9`;
        expect(codes(input({ peer: `10.${i}.3.4` }, { ipRanges: spec })), spec).toEqual([]);
        expect(codes(input({ peer: `192.168.${i}.5` }, { ipRanges: spec })), spec).toEqual([]);
        expect(codes(input({ peer: `10.${(i + 1) % 256}.3.4` }, { ipRanges: spec })), spec).toEqual([30003]);
      }
    }
    // A bad spec stays bad when asked again.
    for (let n = 0; n < 3; n++) expect(codes(input({}, { ipRanges: '127.0.0.1, 300.0.0.1' }))).toEqual([30003]);
  });

  it('30004 on a domain outside the list', () => {
    expect(checkRegistration(input({ node: { productVersion: '11.0.18', appName: 'webroot', domain: 'evil.test' } }))).toEqual([
      { code: 30004, name: 'LICENSE_DOMAIN_ERROR', params: { domain: 'evil.test', allowed: ['localhost'] } },
    ]);
  });

  it('30005 on an app name outside the list', () => {
    expect(checkRegistration(input({ node: { productVersion: '11.0.18', appName: 'decision', domain: 'localhost' } }))).toEqual([
      { code: 30005, name: 'LICENSE_APPNAME_ERROR', params: { appName: 'decision', allowed: ['webroot'] } },
    ]);
  });

  it('30007 when all slots are taken, unless the node already holds one', () => {
    expect(checkRegistration(input({ inUse: 10 }))).toEqual([
      { code: 30007, name: 'REGISTER_OUT_OF_LIMIT', params: { max: 10, inUse: 10 } },
    ]);
    expect(codes(input({ inUse: 9 }))).toEqual([]);
    expect(codes(input({ inUse: 10, holdsSlot: true }))).toEqual([]);
  });

  it('returns all seven reasons in catalogue order, each valid on the wire', () => {
    const reasons = checkRegistration(
      input(
        {
          node: { productVersion: '10.0', appName: 'other', domain: 'evil.test' },
          peer: '::ffff:8.8.8.8',
          inUse: 10,
          accountState: 'destroyed',
        },
        { expiresAt: '2026-01-01T00:00:00.000Z' },
      ),
    );
    expect(reasons.map((r) => r.code)).toEqual([30000, 30001, 30002, 30003, 30004, 30005, 30007]);
    expect(reasons.map((r) => r.name)).toEqual([
      'LICENSE_EXPIRED',
      'REPORT_VERSION_ERROR',
      'ACCOUNT_STATUS_ERROR',
      'LICENSE_IP_ERROR',
      'LICENSE_DOMAIN_ERROR',
      'LICENSE_APPNAME_ERROR',
      'REGISTER_OUT_OF_LIMIT',
    ]);
    for (const r of reasons) expect(reasonSchema.parse(r)).toEqual(r);
  });
});
