import { SSO_MAX_DOMAINS } from '@tsudoi/protocol';
import { describe, expect, it } from 'vitest';
import { checkDomainClaims, domainChange, domainOfEmail, normaliseDomain } from './ssoDomains.js';

describe('SSO email domains', () => {
  it('normalises what an admin types and refuses what is no domain', () => {
    expect(normaliseDomain(' @Example.CO.JP. ')).toBe('example.co.jp');
    expect(normaliseDomain('例え.jp')).toBe('xn--r8jz45g.jp');
    for (const bad of [
      '',
      'localhost',
      'exa mple.com',
      '-bad.com',
      'bad-.com',
      '10.0.0.1',
      'a..b',
      `${'x'.repeat(64)}.com`,
    ])
      expect(normaliseDomain(bad), bad).toBeUndefined();
    expect(domainOfEmail('Taro@Example.co.jp')).toBe('example.co.jp');
    expect(domainOfEmail('no-at-sign')).toBeUndefined();
  });

  it('accepts only domains where an admin has a verified mailbox, never a public mail domain', () => {
    const admins = ['owner@corp.example', 'admin@gmail.com', 'it@sub.corp.example'];
    expect(checkDomainClaims(['Corp.Example', 'corp.example', 'sub.corp.example'], admins)).toEqual({
      ok: true,
      domains: ['corp.example', 'sub.corp.example'],
    });
    expect(checkDomainClaims(['corp.example', 'gmail.com', 'other.example', 'not a domain'], admins)).toEqual(
      {
        ok: false,
        problems: { 1: 'publicMail', 2: 'notVerified', 3: 'invalid' },
      },
    );
    // A mailbox at a subdomain does not prove the parent domain.
    expect(checkDomainClaims(['corp.example'], ['it@sub.corp.example'])).toEqual({
      ok: false,
      problems: { 0: 'notVerified' },
    });
    expect(checkDomainClaims([], admins)).toEqual({ ok: true, domains: [] });
  });

  it('caps how many domains one workspace routes', () => {
    const many = Array.from({ length: SSO_MAX_DOMAINS + 1 }, (_, i) => `d${i}.example`);
    const result = checkDomainClaims(
      many,
      many.map((d) => `a@${d}`),
    );
    expect(result).toEqual({ ok: false, problems: { [SSO_MAX_DOMAINS]: 'tooMany' } });
    expect(
      checkDomainClaims(
        many.slice(1),
        many.map((d) => `a@${d}`),
      ).ok,
    ).toBe(true);
  });

  it('plans a claim: adds the new, releases the dropped, refuses one held by another workspace', () => {
    const holders = new Map([
      ['a.example', 'ws1'],
      ['b.example', 'ws2'],
    ]);
    expect(
      domainChange('ws1', ['a.example', 'c.example', 'c.example'], ['a.example', 'd.example'], holders),
    ).toEqual({
      add: ['c.example'],
      remove: ['d.example'],
    });
    expect(domainChange('ws1', ['c.example', 'b.example'], [], holders)).toEqual({ taken: 'b.example' });
    expect(domainChange('ws1', [], ['a.example'], holders)).toEqual({ add: [], remove: ['a.example'] });
  });
});
