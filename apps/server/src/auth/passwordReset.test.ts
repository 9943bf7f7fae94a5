import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

const FIRST = 'first password 1';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '1000', MAIL_PER_ADDRESS_PER_HOUR: '100' });
});
afterAll(() => t?.close());

/** Asks for a reset link and returns the token from the mail the real SMTP server received. */
async function resetToken(email: string): Promise<string> {
  const since = t.mail.messages.length;
  const r = await t.client().post('/api/auth/password/forgot', { email });
  expect(r).toEqual({ status: 202, body: { status: 'check-your-email' } });
  const mail = await t.mail.waitFor(email, /reset-password\?token=/, since);
  return decodeURIComponent(mail.text.match(/reset-password\?token=(\S+)/)![1]!);
}

const reset = (token: string, newPassword: string) =>
  t.client().post('/api/auth/password/reset', { token, newPassword });

const signin = (email: string, password: string) => t.client().post('/api/auth/signin', { email, password });

describe('forgotten password', () => {
  it('answers an unknown address like a known one and mails it nothing', async () => {
    await (await t.signedInUser('someone@example.com', FIRST)).post('/api/auth/signout');
    const since = t.mail.messages.length;
    const known = await t.client().post('/api/auth/password/forgot', { email: 'someone@example.com' });
    const unknown = await t.client().post('/api/auth/password/forgot', { email: 'no-one@example.com' });
    expect(known).toEqual({ status: 202, body: { status: 'check-your-email' } });
    expect(unknown).toEqual(known);
    await t.app.auth.mail.settled();
    const sent = t.mail.messages.slice(since);
    expect(sent.filter((m) => m.to.includes('no-one@example.com'))).toEqual([]);
    expect(sent.filter((m) => m.to.includes('someone@example.com')).map((m) => m.subject)).toEqual([
      'Tsudoi: reset your password',
    ]);
  });

  it('sets a new password under the strictest policy of the user’s workspaces, once, and ends every session', async () => {
    const user = await t.signedInUser('resetter@example.com', FIRST);
    const other = await t.signedInAgain('resetter@example.com', FIRST); // a second device
    // Two workspaces: the default rules, and a strict one (12 characters, a digit).
    await user.post('/api/workspaces', { name: 'Lenient Co' });
    const strict = (await user.post('/api/workspaces', { name: 'Strict Co' })).body;
    const patched = await user.patch(`/api/workspaces/${strict.id}`, {
      passwordRules: { minLength: 12, requireDigit: true },
    });
    expect(patched.status).toBe(200);

    // A third device is half-way through signing in with the old password.
    const pending = t.client();
    const beforeCode = t.mail.messages.length;
    await pending.post('/api/auth/signin', { email: 'resetter@example.com', password: FIRST });
    const pendingCode = await t.mail.otpFor('resetter@example.com', beforeCode);

    const token = await resetToken('resetter@example.com');
    const weak = await reset(token, 'short pass');
    expect(weak).toMatchObject({ status: 400, body: { code: 'PASSWORD_POLICY' } });
    expect(weak.body.fields).toEqual({ tooShort: '12', needsDigit: 'needsDigit' });
    // A refused password leaves the link usable; a recent password is refused too.
    expect((await reset(token, FIRST)).body.code).toBe('PASSWORD_REUSED');
    expect(await reset(token, 'brand new secret 42')).toEqual({
      status: 200,
      body: { status: 'reset-sign-in-again' },
    });
    // Single use.
    expect(await reset(token, 'another secret 43')).toMatchObject({
      status: 410,
      body: { code: 'LINK_INVALID' },
    });

    // Every session ended: both devices are signed out.
    expect((await user.get('/api/session')).status).toBe(401);
    expect((await other.get('/api/session')).status).toBe(401);
    // …and the sign-in begun with the old password cannot be finished with its code.
    expect((await pending.post('/api/auth/otp/verify', { code: pendingCode })).body.code).toBe('OTP_EXPIRED');
    // The old password is refused, the new one works.
    expect((await signin('resetter@example.com', FIRST)).body.code).toBe('SIGNIN_FAILED');
    expect((await signin('resetter@example.com', 'brand new secret 42')).body.next).toBe('otp');
    await t.mail.waitFor('resetter@example.com', /password was changed/);

    // The access log of each workspace records the request, the reset and the ended sessions.
    const types = (await t.app.store.accessLog.list({ workspaceId: strict.id })).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'auth.password_reset_requested',
        'auth.password_reset',
        'auth.sessions_revoked',
      ]),
    );
  });

  it('a link expires after 1 hour; one used within the hour works', async () => {
    await (await t.signedInUser('expiry@example.com', FIRST)).post('/api/auth/signout');
    const late = await resetToken('expiry@example.com');
    t.advance(60 * 60_000 + 1000);
    expect(await reset(late, 'too late secret 1')).toMatchObject({
      status: 410,
      body: { code: 'LINK_INVALID' },
    });
    const inTime = await resetToken('expiry@example.com');
    t.advance(59 * 60_000);
    expect((await reset(inTime, 'in time secret 2')).status).toBe(200);
  });

  it('a reset uses up the user’s other links, refuses made-up ones, and lifts a lockout', async () => {
    await (await t.signedInUser('locked-out@example.com', FIRST)).post('/api/auth/signout');
    for (let i = 0; i < 5; i++) await signin('locked-out@example.com', 'wrong password');
    expect((await signin('locked-out@example.com', FIRST)).body.code).toBe('SIGNIN_FAILED'); // locked
    const older = await resetToken('locked-out@example.com');
    const newer = await resetToken('locked-out@example.com');
    expect((await reset('x'.repeat(43), 'made up secret 3')).body.code).toBe('LINK_INVALID');
    expect((await reset(newer, 'unlocked secret 4')).status).toBe(200);
    expect((await reset(older, 'older link secret 5')).body.code).toBe('LINK_INVALID');
    expect((await signin('locked-out@example.com', 'unlocked secret 4')).body.next).toBe('otp');
  });

  it('asked for on an invitation page, the link leads back to that invitation; another address’s is dropped', async () => {
    const admin = await t.signedInUser('inviting-admin@example.com', FIRST);
    const ws = (await admin.post('/api/workspaces', { name: 'Invite Co' })).body;
    await (await t.signedInUser('invitee@example.com', FIRST)).post('/api/auth/signout');
    const since = t.mail.messages.length;
    await admin.post(`/api/workspaces/${ws.id}/invitations`, { email: 'invitee@example.com' });
    await admin.post(`/api/workspaces/${ws.id}/invitations`, { email: 'someone-else@example.com' });
    const tokenOf = async (to: string) =>
      (await t.mail.waitFor(to, /invite\//, since)).text.match(/invite\/(\S+)/)![1]!;
    const mine = decodeURIComponent(await tokenOf('invitee@example.com'));
    const theirs = decodeURIComponent(await tokenOf('someone-else@example.com'));

    const linkFor = async (invitation: string) => {
      const before = t.mail.messages.length;
      const r = await t
        .client()
        .post('/api/auth/password/forgot', { email: 'invitee@example.com', invitation });
      expect(r).toEqual({ status: 202, body: { status: 'check-your-email' } });
      const mail = await t.mail.waitFor('invitee@example.com', /reset-password\?/, before);
      return new URL(mail.text.match(/(http\S+reset-password\?\S+)/)![1]!).searchParams;
    };
    const back = await linkFor(mine);
    expect(back.get('invitation')).toBe(mine);
    expect((await reset(back.get('token')!, 'after invite secret 6')).status).toBe(200);
    // Someone else's invitation (or a made-up token) is not carried: the link is a plain reset link.
    const plain = await linkFor(theirs);
    expect(plain.has('invitation')).toBe(false);
    expect(plain.get('token')).toMatch(/^\S{20,}$/);
    // The field is validated like every link token.
    const bad = await t
      .client()
      .post('/api/auth/password/forgot', { email: 'invitee@example.com', invitation: 'x' });
    expect(bad.status).toBe(400);
  });
});

describe('rate limits on the forgotten-password form', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '1000', AUTH_RATE_LIMIT_PER_ACCOUNT: '3' });
  });
  afterAll(() => limited?.close());

  it('limits requests per address — the same way for known and unknown addresses', async () => {
    await (await limited.signedInUser('member@example.com')).post('/api/auth/signout');
    for (const email of ['member@example.com', 'ghost@example.com']) {
      const answers: Array<{ status: number }> = [];
      for (let i = 0; i < 4; i++)
        answers.push(await limited.client().post('/api/auth/password/forgot', { email }));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 429]);
    }
    // Another address is not affected.
    const c: ApiClient = limited.client();
    expect((await c.post('/api/auth/password/forgot', { email: 'third@example.com' })).status).toBe(202);
  });
});

describe('per-IP limit on the forgotten-password form', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '3' });
  });
  afterAll(() => limited?.close());

  it('limits requests from one IP across addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await limited.client().post('/api/auth/password/forgot', { email: `a${i}@example.com` })).status,
      );
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    const r = await limited
      .client()
      .post('/api/auth/password/reset', { token: 'x'.repeat(43), newPassword: 'p' });
    expect(r.body.code).toBe('LINK_INVALID'); // a different action: its own budget
  });
});
