import { IP_ALLOW_LIST_MAX } from '@tsudoi/protocol';
import { describe, expect, it } from 'vitest';
import type { AccessRequest } from './accessDecision.js';
import { ipAllowed, ipAllowListRule, parseAllowList, workspaceAllowsIp } from './ipAllowList.js';

describe('parseAllowList', () => {
  it('normalises: bare addresses become /32 and /128, host bits are cleared, mapped IPv4 is IPv4, duplicates go', () => {
    expect(
      parseAllowList([
        ' 192.0.2.7 ',
        '192.0.2.7/24',
        '192.0.2.0/24',
        '2001:DB8::1',
        '2001:db8:abcd:12::/48',
        '::ffff:198.51.100.0/120',
        '0.0.0.0/0',
      ]),
    ).toEqual({
      ok: true,
      ranges: [
        '192.0.2.7/32',
        '192.0.2.0/24',
        '2001:db8::1/128',
        '2001:db8:abcd::/48',
        '198.51.100.0/24',
        '0.0.0.0/0',
      ],
    });
  });

  it('reports every unusable entry with its index and reason', () => {
    expect(
      parseAllowList([
        '10.0.0.0/8',
        'localhost',
        '10.0.0.0/33',
        '10.0.0.0/-1',
        '1.2.3.4/8/9',
        'fe80::1%eth0',
        '::/129',
        '',
        '256.1.1.1',
      ]),
    ).toEqual({
      ok: false,
      problems: [
        { index: 1, entry: 'localhost', reason: 'notAnAddress' },
        { index: 2, entry: '10.0.0.0/33', reason: 'badPrefix' },
        { index: 3, entry: '10.0.0.0/-1', reason: 'badPrefix' },
        { index: 4, entry: '1.2.3.4/8/9', reason: 'notAnAddress' },
        { index: 5, entry: 'fe80::1%eth0', reason: 'zoneNotAllowed' },
        { index: 6, entry: '::/129', reason: 'badPrefix' },
        { index: 7, entry: '', reason: 'notAnAddress' },
        { index: 8, entry: '256.1.1.1', reason: 'notAnAddress' },
      ],
    });
  });

  it('accepts the largest list and refuses one more range', () => {
    const many = Array.from({ length: IP_ALLOW_LIST_MAX + 1 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    expect(parseAllowList(many.slice(0, IP_ALLOW_LIST_MAX)).ok).toBe(true);
    expect(parseAllowList(many).ok).toBe(false);
  });
});

describe('ipAllowed', () => {
  const ranges = ['192.0.2.0/24', '2001:db8::/32'];
  it.each([
    ['192.0.2.200', true],
    ['192.0.3.1', false],
    ['::ffff:192.0.2.9', true],
    ['2001:db8:ffff::1', true],
    ['2001:db9::1', false],
    ['::1', false],
    ['not an ip', false],
    [null, false],
  ])('%s → %s', (ip, expected) => {
    expect(ipAllowed(ip, ranges)).toBe(expected);
  });

  it('an empty list allows every address, even an unknown one', () => {
    expect(ipAllowed('198.51.100.1', [])).toBe(true);
    expect(ipAllowed(null, [])).toBe(true);
  });
});

describe('the access rule', () => {
  const workspace = (plan: 'free' | 'team' | 'enterprise', ipAllowList: string[]) => ({
    id: 'w1',
    name: 'W',
    plan,
    timeZone: 'Asia/Tokyo',
    createdAt: '2026-01-01T00:00:00Z',
    security: { ipAllowList },
  });
  const req = (over: Partial<AccessRequest>): AccessRequest => ({
    userId: 'u1',
    session: null,
    sessionLive: true,
    workspaceId: 'w1',
    workspace: workspace('enterprise', ['192.0.2.0/24']),
    membership: undefined,
    needed: 'member',
    clientIp: '198.51.100.1',
    via: 'http',
    now: new Date(),
    ...over,
  });

  it('refuses an address outside the list at HTTP and socket edges, with a stable code', () => {
    for (const via of ['http', 'socket'] as const)
      expect(ipAllowListRule(req({ via }))).toMatchObject({
        allow: false,
        reason: 'ipNotAllowed',
        code: 'IP_NOT_ALLOWED',
      });
    expect(ipAllowListRule(req({ clientIp: '192.0.2.1' }))).toBeUndefined();
  });

  it('has no objection to service-internal calls, or where the plan does not include the feature', () => {
    expect(ipAllowListRule(req({ via: 'service', clientIp: null }))).toBeUndefined();
    expect(ipAllowListRule(req({ workspace: workspace('team', ['192.0.2.0/24']) }))).toBeUndefined();
    expect(workspaceAllowsIp(workspace('team', ['192.0.2.0/24']), '198.51.100.1')).toBe(true);
    expect(workspaceAllowsIp(workspace('enterprise', ['192.0.2.0/24']), '198.51.100.1')).toBe(false);
  });
});
