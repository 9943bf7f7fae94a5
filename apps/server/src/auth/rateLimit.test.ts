import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { RateLimiter } from './rateLimiter.js';

describe('RateLimiter', () => {
  it('allows `limit` hits per window, then says how long to wait', () => {
    const r = new RateLimiter(3, 1000);
    expect([r.hit('k', 0), r.hit('k', 10), r.hit('k', 20)]).toEqual([0, 0, 0]);
    expect(r.hit('k', 500)).toBe(500);
    expect(r.hit('other', 500)).toBe(0);
    expect(r.hit('k', 1000)).toBe(0); // a new window
  });
});

describe('sign-in rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '100', AUTH_RATE_LIMIT_PER_ACCOUNT: '4' });
  });
  afterAll(() => t?.close());

  it('limits attempts per account, with Retry-After seconds, across clients', async () => {
    for (let i = 0; i < 4; i++) {
      const c = t.client();
      expect(
        (await c.post('/api/auth/signin', { email: 'target@example.com', password: `guess ${i}xx` })).status,
      ).toBe(401);
    }
    const r = await t
      .client()
      .post('/api/auth/signin', { email: 'target@example.com', password: 'guess 5xxx' });
    expect(r).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(r.body.retryAfter).toBeGreaterThan(500);
    // Another account is not affected.
    expect(
      (await t.client().post('/api/auth/signin', { email: 'other@example.com', password: 'guess 6xxx' }))
        .status,
    ).toBe(401);
    t.advance(10 * 60_000);
    expect(
      (await t.client().post('/api/auth/signin', { email: 'target@example.com', password: 'guess 7xxx' }))
        .status,
    ).toBe(401);
  });
});

describe('per-IP limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '5', AUTH_RATE_LIMIT_PER_ACCOUNT: '100' });
  });
  afterAll(() => t?.close());

  it('limits sign-in attempts from one IP across many accounts', async () => {
    const c = t.client();
    for (let i = 0; i < 5; i++) {
      expect(
        (await c.post('/api/auth/signin', { email: `u${i}@example.com`, password: 'whatever1' })).status,
      ).toBe(401);
    }
    expect(
      (await c.post('/api/auth/signin', { email: 'u9@example.com', password: 'whatever1' })).status,
    ).toBe(429);
  });
});
