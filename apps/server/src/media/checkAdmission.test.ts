import { describe, expect, it } from 'vitest';
import { addressKey, CheckAdmission, type CheckLimits } from './checkAdmission.js';

const limits: CheckLimits = { perIp: 2, perIpPerMinute: 10, total: 5, lifetimeMs: 30_000 };
const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('CheckAdmission', () => {
  it('admits two open checks per address; the third waits for the oldest to end', () => {
    const c = clock();
    const a = new CheckAdmission(limits, c.now);
    const first = a.admit('203.0.113.7');
    c.advance(5_000);
    const second = a.admit('203.0.113.7');
    expect([first.ok, second.ok]).toEqual([true, true]);
    expect(a.admit('203.0.113.7')).toMatchObject({ ok: false, reason: 'perIp', retryAfterMs: 25_000 });
    // Another address is unaffected.
    expect(a.admit('198.51.100.1').ok).toBe(true);
    if (first.ok) first.release();
    expect(a.admit('203.0.113.7').ok).toBe(true);
  });

  it('limits checks started per address per minute, even when each closes at once', () => {
    const c = clock();
    const a = new CheckAdmission(limits, c.now);
    for (let i = 0; i < limits.perIpPerMinute; i++) {
      const r = a.admit('203.0.113.7');
      expect(r.ok).toBe(true);
      if (r.ok) r.release();
      c.advance(1_000);
    }
    expect(a.admit('203.0.113.7')).toMatchObject({ ok: false, reason: 'rate', retryAfterMs: 50_000 });
    c.advance(50_000);
    expect(a.admit('203.0.113.7').ok).toBe(true);
  });

  it('caps open checks on the server; a release frees a slot for anyone', () => {
    const c = clock();
    const a = new CheckAdmission(limits, c.now);
    const held = Array.from({ length: limits.total }, (_, i) => a.admit(`192.0.2.${i}`));
    expect(held.every((r) => r.ok)).toBe(true);
    expect(a.openCount).toBe(limits.total);
    expect(a.admit('192.0.2.200')).toMatchObject({ ok: false, reason: 'total', retryAfterMs: 30_000 });
    const h = held[3]!;
    if (h.ok) {
      h.release();
      h.release(); // idempotent: frees one slot, not two
    }
    expect(a.admit('192.0.2.200').ok).toBe(true);
    expect(a.admit('192.0.2.201')).toMatchObject({ ok: false, reason: 'total' });
  });

  it('counts an IPv6 /64 as one address, and IPv4-mapped IPv6 as the IPv4 address', () => {
    const c = clock();
    const a = new CheckAdmission(limits, c.now);
    expect(a.admit('2001:db8:1:2::1').ok).toBe(true);
    expect(a.admit('2001:db8:1:2:aaaa:bbbb:cccc:dddd').ok).toBe(true);
    expect(a.admit('2001:0db8:0001:0002::ffff')).toMatchObject({ ok: false, reason: 'perIp' });
    expect(a.admit('2001:db8:1:3::1').ok).toBe(true);
    expect(a.admit('::ffff:127.0.0.1').ok).toBe(true);
    expect(a.admit('127.0.0.1').ok).toBe(true);
    expect(a.admit('127.0.0.1')).toMatchObject({ ok: false, reason: 'perIp' });
  });
});

describe('addressKey', () => {
  it('normalises addresses', () => {
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('2001:DB8::')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80:0:0:0:1:2:3:4')).toBe('fe80:0:0:0::/64');
  });
});
