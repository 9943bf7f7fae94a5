import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { tokenHash } from './tokens.js';

const PASSWORD = 'correct horse battery';
const wrong = (code: string, k = 1) => String((Number(code) + k) % 1_000_000).padStart(6, '0');

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '1000', MAIL_PER_ADDRESS_PER_HOUR: '100' });
});
afterAll(() => t?.close());

async function registered(email: string): Promise<void> {
  const c = await t.signedInUser(email, PASSWORD);
  await c.post('/api/auth/signout');
}

/** Email + right password: returns the client holding the sign-in attempt, and the mailed code. */
async function attempt(email: string): Promise<{ c: ApiClient; code: string }> {
  const c = t.client();
  const since = t.mail.messages.length;
  const r = await c.post('/api/auth/signin', { email, password: PASSWORD });
  expect(r.body).toMatchObject({ next: 'otp' });
  return { c, code: await t.mail.otpFor(email, since) };
}

const user = (email: string) => t.app.store.accounts.users.getByEmail(email);

describe('wrong email codes', () => {
  it('counts wrong codes sent in parallel exactly, and 5 of them lock the account', async () => {
    await registered('parallel@example.com');
    const { c, code } = await attempt('parallel@example.com');
    const challengeId = tokenHash(c.cookies.get('tsudoi_signin')!);
    const since = t.mail.messages.length;
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((k) => c.post('/api/auth/otp/verify', { code: wrong(code, k) })),
    );
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(['OTP_INVALID', 'OTP_EXPIRED']).toContain(a.body.code);
    }
    // Not one lost update: every parallel guess was counted, on the attempt and on the account.
    expect((await t.app.store.accounts.challenges.get(challengeId))?.failedAttempts).toBe(5);
    const u = await user('parallel@example.com');
    expect(u?.failedSignins).toBe(5);
    expect(Date.parse(u!.lockedUntil!)).toBeGreaterThan(Date.now());
    await t.mail.waitFor('parallel@example.com', /locked/, since);
    // Locked: the right code and the right password are both refused.
    expect((await c.post('/api/auth/otp/verify', { code })).body.code).toBe('OTP_EXPIRED');
    const again = await t
      .client()
      .post('/api/auth/signin', { email: 'parallel@example.com', password: PASSWORD });
    expect(again).toMatchObject({ status: 401, body: { code: 'SIGNIN_FAILED' } });
  });

  it('locks the account when wrong codes are spread over several sign-in attempts', async () => {
    await registered('spread@example.com');
    const first = await attempt('spread@example.com');
    for (let k = 1; k <= 3; k++) {
      const r = await first.c.post('/api/auth/otp/verify', { code: wrong(first.code, k) });
      expect(r.body.code).toBe('OTP_INVALID');
    }
    // A new attempt (right password again) does not wipe the account's count.
    const second = await attempt('spread@example.com');
    expect((await second.c.post('/api/auth/otp/verify', { code: wrong(second.code) })).body).toMatchObject({
      code: 'OTP_INVALID',
      message: expect.stringContaining('1 tries left'),
    });
    expect((await second.c.post('/api/auth/otp/verify', { code: wrong(second.code, 2) })).body.code).toBe(
      'OTP_EXPIRED',
    );
    expect((await second.c.post('/api/auth/otp/verify', { code: second.code })).body.code).toBe(
      'OTP_EXPIRED',
    );
    expect((await user('spread@example.com'))?.lockedUntil).not.toBeNull();
    const locked = t.app.store.accounts.users;
    expect((await locked.getByEmail('spread@example.com'))?.failedSignins).toBe(5);
  });

  it('counts wrong passwords and wrong codes together towards one lockout', async () => {
    await registered('mixed@example.com');
    for (let i = 0; i < 2; i++) {
      const r = await t
        .client()
        .post('/api/auth/signin', { email: 'mixed@example.com', password: 'wrong password' });
      expect(r.body.code).toBe('SIGNIN_FAILED');
    }
    const { c, code } = await attempt('mixed@example.com');
    await c.post('/api/auth/otp/verify', { code: wrong(code, 1) });
    await c.post('/api/auth/otp/verify', { code: wrong(code, 2) });
    expect((await c.post('/api/auth/otp/verify', { code: wrong(code, 3) })).body.code).toBe('OTP_EXPIRED');
    expect((await user('mixed@example.com'))?.failedSignins).toBe(5);
  });

  it('a completed sign-in clears the count: 4 wrong codes, then the right one, then no lock', async () => {
    await registered('recovers@example.com');
    const { c, code } = await attempt('recovers@example.com');
    for (let k = 1; k <= 4; k++) await c.post('/api/auth/otp/verify', { code: wrong(code, k) });
    expect((await c.post('/api/auth/otp/verify', { code })).status).toBe(200);
    const u = await user('recovers@example.com');
    expect(u).toMatchObject({ failedSignins: 0, lockedUntil: null });
    // One more wrong password is the first of a new streak, not the fifth.
    await t.client().post('/api/auth/signin', { email: 'recovers@example.com', password: 'wrong password' });
    expect((await user('recovers@example.com'))?.lockedUntil).toBeNull();
  });
});

describe('the code mail', () => {
  it('keeps the code out of the subject (both languages); the body has it', async () => {
    for (const locale of ['en', 'ja'] as const) {
      const email = `subject-${locale}@example.com`;
      const c = t.client();
      await c.post('/api/auth/signup', { email, password: PASSWORD, displayName: 'S', locale });
      const verify = await t.mail.waitFor(email, /verify\?token=/);
      await c.post('/api/auth/verify-email', {
        token: decodeURIComponent(verify.text.match(/verify\?token=(\S+)/)![1]!),
      });
      const since = t.mail.messages.length;
      await c.post('/api/auth/signin', { email, password: PASSWORD });
      const code = await t.mail.otpFor(email, since);
      const mail = t.mail.messages.slice(since).find((m) => m.to.includes(email))!;
      expect(mail.text).toContain(code);
      expect(mail.subject).not.toMatch(/\d/);
    }
  });
});

describe('per-account limit on code guesses', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({
      AUTH_RATE_LIMIT_PER_IP: '1000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '3',
      TRUST_PROXY: 'loopback',
    });
  });
  afterAll(() => limited?.close());

  /** A client that appears to come from `ip` (the loopback proxy is trusted to say so). */
  const from = (ip: string, signinCookie: string) => {
    const c = limited.client();
    c.headers['x-forwarded-for'] = ip;
    c.cookies.set('tsudoi_signin', signinCookie);
    return c;
  };

  it('limits guesses for one account even when every guess comes from another IP', async () => {
    await (await limited.signedInUser('target@example.com', PASSWORD)).post('/api/auth/signout');
    await (await limited.signedInUser('bystander@example.com', PASSWORD)).post('/api/auth/signout');
    limited.advance(10 * 60_000); // the set-up's own sign-ins leave the 10-minute window
    const c = limited.client();
    const since = limited.mail.messages.length;
    await c.post('/api/auth/signin', { email: 'target@example.com', password: PASSWORD });
    const code = await limited.mail.otpFor('target@example.com', since);
    const cookie = c.cookies.get('tsudoi_signin')!;
    for (let i = 1; i <= 3; i++) {
      const r = await from(`198.51.100.${i}`, cookie).post('/api/auth/otp/verify', { code: wrong(code, i) });
      expect(r.body.code).toBe('OTP_INVALID');
    }
    const fourth = await from('198.51.100.4', cookie).post('/api/auth/otp/verify', { code });
    expect(fourth).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(fourth.body.retryAfter).toBeGreaterThan(0);

    // Another account, from the same IPs, is not affected.
    const b = limited.client();
    const sinceB = limited.mail.messages.length;
    await b.post('/api/auth/signin', { email: 'bystander@example.com', password: PASSWORD });
    const codeB = await limited.mail.otpFor('bystander@example.com', sinceB);
    const ok = await from('198.51.100.4', b.cookies.get('tsudoi_signin')!).post('/api/auth/otp/verify', {
      code: codeB,
    });
    expect(ok.status).toBe(200);
  });
});
