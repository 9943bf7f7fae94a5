import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

/** Signs up and verifies; returns a fresh client (not signed in). */
async function registered(email: string, password = 'correct horse battery'): Promise<ApiClient> {
  const c = await t.signedInUser(email, password);
  await c.post('/api/auth/signout');
  return t.client();
}

async function startSignin(c: ApiClient, email: string, password = 'correct horse battery') {
  const since = t.mail.messages.length;
  const r = await c.post('/api/auth/signin', { email, password });
  expect(r.body).toMatchObject({ next: 'otp' });
  return { since, code: await t.mail.otpFor(email, since) };
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('sign-up and email verification', () => {
  it('answers sign-up the same way for a new and an existing email, and mails each', async () => {
    const a = await t.client().post('/api/auth/signup', {
      email: 'Sato@Example.com',
      password: 'long enough pw',
      displayName: '佐藤',
      locale: 'ja',
    });
    expect(a.status).toBe(202);
    const mail = await t.mail.waitFor('sato@example.com', /verify\?token=/);
    expect(mail.subject).toContain('メールアドレスの確認');
    const b = await t.client().post('/api/auth/signup', {
      email: 'sato@example.com',
      password: 'another long pw',
      displayName: 'x',
      locale: 'ja',
    });
    expect(b).toEqual(a);
    await t.mail.waitFor('sato@example.com', /すでに登録/);
  });

  it('leads the confirmation link of a sign-up from an invitation back to that invitation only', async () => {
    const admin = await t.signedInUser('invite-admin@example.com');
    const ws = (await admin.post('/api/workspaces', { name: 'Invite Co' })).body;
    let since = t.mail.messages.length;
    await admin.post(`/api/workspaces/${ws.id}/invitations`, { email: 'newcomer@example.com' });
    const invitation = decodeURIComponent(
      (await t.mail.waitFor('newcomer@example.com', /invite\//, since)).text.match(/invite\/(\S+)/)![1]!,
    );
    const signup = (email: string, token: string) =>
      t.client().post('/api/auth/signup', {
        email,
        password: 'long enough pw',
        displayName: 'N',
        locale: 'en',
        invitation: token,
      });
    // Another address with the same invitation, or a token that names none: a plain confirmation link.
    since = t.mail.messages.length;
    expect((await signup('someone-else@example.com', invitation)).status).toBe(202);
    expect((await signup('stranger@example.com', 'x'.repeat(43))).status).toBe(202);
    for (const email of ['someone-else@example.com', 'stranger@example.com']) {
      const m = await t.mail.waitFor(email, /verify\?token=/, since);
      expect(m.text).not.toContain('invitation=');
    }
    expect((await signup('newcomer@example.com', 'not a token!')).body.code).toBe('VALIDATION_FAILED');
    since = t.mail.messages.length;
    expect((await signup('newcomer@example.com', invitation)).status).toBe(202);
    const link = (await t.mail.waitFor('newcomer@example.com', /verify\?token=/, since)).text.match(
      /(\S+verify\?token=\S+)/,
    )![1]!;
    expect(new URL(link).searchParams.get('invitation')).toBe(invitation);
    // Signing up again with an address that has an account: the reminder points at the invitation.
    since = t.mail.messages.length;
    expect((await signup('newcomer@example.com', invitation)).status).toBe(202);
    const reminder = await t.mail.waitFor('newcomer@example.com', /already has an account/, since);
    expect(reminder.text).toContain(`/invite/${encodeURIComponent(invitation)}`);
    // Not confirmed yet and signing in on the invitation page: the link sent again leads back to it too.
    const signinFrom = async (token?: string) => {
      const at = t.mail.messages.length;
      const r = await t.client().post('/api/auth/signin', {
        email: 'newcomer@example.com',
        password: 'long enough pw',
        ...(token ? { invitation: token } : {}),
      });
      expect(r.body.code).toBe('EMAIL_NOT_VERIFIED');
      const again = await t.mail.waitFor('newcomer@example.com', /verify\?token=/, at);
      return new URL(again.text.match(/(\S+verify\?token=\S+)/)![1]!).searchParams.get('invitation');
    };
    expect(await signinFrom(invitation)).toBe(invitation);
    expect(await signinFrom()).toBeNull();
  });

  it('refuses sign-in before the email is verified, and a verification link works once', async () => {
    const c = t.client();
    await c.post('/api/auth/signup', {
      email: 'unverified@example.com',
      password: 'long enough pw',
      displayName: 'U',
    });
    const link = await t.mail.waitFor('unverified@example.com', /verify\?token=/);
    const r = await c.post('/api/auth/signin', {
      email: 'unverified@example.com',
      password: 'long enough pw',
    });
    expect(r).toMatchObject({ status: 403, body: { code: 'EMAIL_NOT_VERIFIED' } });
    const token = decodeURIComponent(link.text.match(/verify\?token=(\S+)/)![1]!);
    expect((await c.post('/api/auth/verify-email', { token })).status).toBe(200);
    expect((await c.post('/api/auth/verify-email', { token })).body.code).toBe('LINK_INVALID');
  });

  it('refuses a password shorter than 8 or longer than 64 characters', async () => {
    const short = await t
      .client()
      .post('/api/auth/signup', { email: 's@example.com', password: 'short', displayName: 'S' });
    expect(short).toMatchObject({
      status: 400,
      body: { code: 'PASSWORD_POLICY', fields: { tooShort: '8' } },
    });
    const long = await t
      .client()
      .post('/api/auth/signup', { email: 's@example.com', password: 'x'.repeat(65), displayName: 'S' });
    expect(long.body.fields).toEqual({ tooLong: '64' });
  });
});

describe('sign-in with the emailed one-time code', () => {
  it('gives the same answer for an unknown email and a wrong password', async () => {
    await registered('known@example.com');
    const unknown = await t
      .client()
      .post('/api/auth/signin', { email: 'nobody@example.com', password: 'whatever123' });
    const badPw = await t
      .client()
      .post('/api/auth/signin', { email: 'known@example.com', password: 'whatever123' });
    expect(unknown).toEqual(badPw);
    expect(unknown).toMatchObject({ status: 401, body: { code: 'SIGNIN_FAILED' } });
  });

  it('signs in with the code; the code is 6 digits and single-use', async () => {
    const c = await registered('once@example.com');
    const { code } = await startSignin(c, 'once@example.com');
    expect(code).toMatch(/^\d{6}$/);
    const attempt = c.cookies.get('tsudoi_signin')!;
    const ok = await c.post('/api/auth/otp/verify', { code });
    expect(ok.status).toBe(200);
    expect(ok.body.session.user.email).toBe('once@example.com');
    expect((await c.get('/api/session')).status).toBe(200);
    // Replaying the same attempt with the same code is refused.
    const replay = t.client();
    replay.cookies.set('tsudoi_signin', attempt);
    expect((await replay.post('/api/auth/otp/verify', { code })).body.code).toBe('OTP_EXPIRED');
    expect((await replay.get('/api/session')).status).toBe(401);
  });

  it('ends the attempt after 5 wrong codes: even the right code is refused then', async () => {
    const c = await registered('fivewrong@example.com');
    const { code } = await startSignin(c, 'fivewrong@example.com');
    for (let i = 1; i <= 4; i++) {
      const r = await c.post('/api/auth/otp/verify', { code: wrong(code) });
      expect(r).toMatchObject({ status: 401, body: { code: 'OTP_INVALID' } });
      expect(r.body.message).toContain(`${5 - i} tries left`);
    }
    expect((await c.post('/api/auth/otp/verify', { code: wrong(code) })).body.code).toBe('OTP_EXPIRED');
    expect((await c.post('/api/auth/otp/verify', { code })).body.code).toBe('OTP_EXPIRED');
    expect((await c.get('/api/session')).status).toBe(401);
  });

  it('refuses an expired code (after 10 minutes)', async () => {
    const c = await registered('expired@example.com');
    const { code } = await startSignin(c, 'expired@example.com');
    t.advance(10 * 60_000 + 1000);
    expect((await c.post('/api/auth/otp/verify', { code })).body.code).toBe('OTP_EXPIRED');
  });

  it('binds a code to its attempt: a code from another attempt is refused', async () => {
    const a = await registered('bound@example.com');
    const b = t.client();
    const first = await startSignin(a, 'bound@example.com');
    await startSignin(b, 'bound@example.com');
    expect((await b.post('/api/auth/otp/verify', { code: first.code })).body.code).toBe('OTP_INVALID');
  });

  it('throttles resends: not within 30 s, then a new code replaces the old one', async () => {
    const c = await registered('resend@example.com');
    const { code } = await startSignin(c, 'resend@example.com');
    const early = await c.post('/api/auth/otp/resend');
    expect(early).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(early.body.retryAfter).toBeGreaterThan(0);
    t.advance(31_000);
    const since = t.mail.messages.length;
    expect((await c.post('/api/auth/otp/resend')).status).toBe(200);
    const fresh = await t.mail.otpFor('resend@example.com', since);
    if (fresh !== code)
      expect((await c.post('/api/auth/otp/verify', { code })).body.code).toBe('OTP_INVALID');
    expect((await c.post('/api/auth/otp/verify', { code: fresh })).status).toBe(200);
  });

  it('needs the CSRF token on state-changing requests', async () => {
    const res = await fetch(`${t.app.url}/api/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'known@example.com', password: 'x' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('CSRF_FAILED');
  });
});

describe('lockout, password changes and sessions', () => {
  it('locks after 5 bad passwords; an admin of the workspace unlocks', async () => {
    const admin = await t.signedInUser('lock-admin@example.com');
    const ws = (await admin.post('/api/workspaces', { name: 'Lock Co' })).body;
    const member = await registered('locked@example.com');
    // Join the workspace through an invitation.
    const since = t.mail.messages.length;
    await admin.post(`/api/workspaces/${ws.id}/invitations`, { email: 'locked@example.com' });
    const inviteMail = await t.mail.waitFor('locked@example.com', /invite\//, since);
    const token = decodeURIComponent(inviteMail.text.match(/invite\/(\S+)/)![1]!);
    const { code } = await startSignin(member, 'locked@example.com');
    await member.post('/api/auth/otp/verify', { code });
    expect((await member.post(`/api/invitations/${encodeURIComponent(token)}/accept`)).status).toBe(200);
    await member.post('/api/auth/signout');

    const c = t.client();
    for (let i = 0; i < 5; i++) {
      expect(
        (await c.post('/api/auth/signin', { email: 'locked@example.com', password: 'wrong password' }))
          .status,
      ).toBe(401);
    }
    await t.mail.waitFor('locked@example.com', /locked/);
    const right = await c.post('/api/auth/signin', {
      email: 'locked@example.com',
      password: 'correct horse battery',
    });
    expect(right.body.code).toBe('SIGNIN_FAILED');

    const lockOf = async () =>
      Object.fromEntries(
        (await admin.get(`/api/workspaces/${ws.id}/members`)).body.members.map(
          (m: { email: string; locked?: boolean }) => [m.email, m.locked],
        ),
      );
    // Admins see who is locked right now: only those are offered "Unlock".
    expect(await lockOf()).toEqual({ 'lock-admin@example.com': false, 'locked@example.com': true });
    const members = (await admin.get(`/api/workspaces/${ws.id}/members`)).body.members;
    const target = members.find((m: { email: string }) => m.email === 'locked@example.com');
    expect((await admin.post(`/api/workspaces/${ws.id}/members/${target.userId}/unlock`)).status).toBe(200);
    expect((await lockOf())['locked@example.com']).toBe(false);
    expect(
      (await c.post('/api/auth/signin', { email: 'locked@example.com', password: 'correct horse battery' }))
        .body.next,
    ).toBe('otp');
    const log = t.app.store.accessLog.list({ workspaceId: ws.id });
    const types = (await log).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['auth.lockout', 'admin.account_unlocked', 'auth.signin_failed']),
    );
  });

  it('unlocks by itself after the cool-down', async () => {
    const c = await registered('cooldown@example.com');
    for (let i = 0; i < 5; i++)
      await c.post('/api/auth/signin', { email: 'cooldown@example.com', password: 'nope nope' });
    expect(
      (await c.post('/api/auth/signin', { email: 'cooldown@example.com', password: 'correct horse battery' }))
        .status,
    ).toBe(401);
    t.advance(31 * 60_000);
    expect(
      (await c.post('/api/auth/signin', { email: 'cooldown@example.com', password: 'correct horse battery' }))
        .body.next,
    ).toBe('otp');
  });

  it('refuses a reused password, and a password change ends every session', async () => {
    const c = await t.signedInUser('change@example.com', 'first password 1');
    const other = t.client();
    const { code } = await startSignin(other, 'change@example.com', 'first password 1');
    await other.post('/api/auth/otp/verify', { code });
    expect((await other.get('/api/session')).status).toBe(200);

    const reuse = await c.post('/api/account/password', {
      currentPassword: 'first password 1',
      newPassword: 'first password 1',
    });
    expect(reuse).toMatchObject({ status: 400, body: { code: 'PASSWORD_REUSED' } });
    const ok = await c.post('/api/account/password', {
      currentPassword: 'first password 1',
      newPassword: 'second password 2',
    });
    expect(ok.status).toBe(200);
    expect((await c.get('/api/session')).status).toBe(401);
    expect((await other.get('/api/session')).status).toBe(401);
    // The stolen-cookie case: a copy of the old cookie does not work either.
    expect((await other.get('/api/workspaces')).status).toBe(401);
  });

  it('a session cookie stops working after sign-out', async () => {
    const c = await t.signedInUser('signout@example.com');
    const copy = t.client();
    for (const [k, v] of c.cookies) copy.cookies.set(k, v);
    expect((await copy.get('/api/session')).status).toBe(200);
    expect((await c.post('/api/auth/signout')).status).toBe(200);
    expect((await copy.get('/api/session')).status).toBe(401);
  });

  it('ends an active session 12 hours after sign-in (absolute timeout)', async () => {
    const c = await t.signedInUser('absolute@example.com');
    for (let i = 0; i < 14; i++) {
      t.advance(25 * 60_000);
      expect((await c.get('/api/session')).status).toBe(200);
      t.advance(25 * 60_000);
      expect((await c.get('/api/session')).status).toBe(200);
    }
    // 11 h 40 min of steady use so far; 25 more minutes pass 12 h.
    t.advance(25 * 60_000);
    expect((await c.get('/api/session')).status).toBe(401);
  });

  it('ends an idle session after 30 minutes', async () => {
    const c = await t.signedInUser('idle@example.com');
    t.advance(31 * 60_000);
    expect((await c.get('/api/session')).status).toBe(401);
  });
});
