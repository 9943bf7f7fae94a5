import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/testApp.js';

const PASSWORD = 'correct horse battery';
const PER_HOUR = 3;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ MAIL_PER_ADDRESS_PER_HOUR: String(PER_HOUR), AUTH_RATE_LIMIT_PER_IP: '1000' });
});
afterAll(() => t?.close());

/** Mails the real SMTP server received for `email` since `since`, once every queued mail went out. */
async function mailsTo(email: string, since: number) {
  await t.app.auth.mail.settled();
  return t.mail.messages.slice(since).filter((m) => m.to.includes(email));
}

describe('a mailbox cannot be flooded through Tsudoi', () => {
  it('sign-up: at most 3 mails an hour to one address; every answer stays the same', async () => {
    const since = t.mail.messages.length;
    const answers = [];
    for (let i = 0; i < 6; i++) {
      answers.push(
        await t.client().post('/api/auth/signup', {
          email: 'flooded@example.com',
          password: `long enough pw ${i}`,
          displayName: 'F',
          locale: 'en',
        }),
      );
    }
    for (const a of answers) expect(a).toEqual({ status: 202, body: { status: 'check-your-email' } });
    expect(await mailsTo('flooded@example.com', since)).toHaveLength(PER_HOUR);
    // The next hour the address gets mail again.
    t.advance(3_600_000);
    const later = t.mail.messages.length;
    await t.client().post('/api/auth/signup', {
      email: 'flooded@example.com',
      password: 'long enough pw',
      displayName: 'F',
    });
    expect(await mailsTo('flooded@example.com', later)).toHaveLength(1);
  });

  it('verification resends (sign-in before confirming): at most 3 an hour, silently', async () => {
    await t
      .client()
      .post('/api/auth/signup', { email: 'unconfirmed@example.com', password: PASSWORD, displayName: 'U' });
    await t.mail.waitFor('unconfirmed@example.com', /verify\?token=/);
    const since = t.mail.messages.length;
    for (let i = 0; i < 5; i++) {
      const r = await t
        .client()
        .post('/api/auth/signin', { email: 'unconfirmed@example.com', password: PASSWORD });
      expect(r).toMatchObject({ status: 403, body: { code: 'EMAIL_NOT_VERIFIED' } });
    }
    expect(await mailsTo('unconfirmed@example.com', since)).toHaveLength(PER_HOUR);
  });

  it('sign-in codes: at most 3 an hour; the identified user is told RATE_LIMITED', async () => {
    await (await t.signedInUser('coded@example.com', PASSWORD)).post('/api/auth/signout');
    t.advance(3_600_000); // the set-up's own code is in the past hour's count
    const since = t.mail.messages.length;
    let last = t.client();
    for (let i = 0; i < PER_HOUR; i++) {
      last = t.client();
      expect(
        (await last.post('/api/auth/signin', { email: 'coded@example.com', password: PASSWORD })).body.next,
      ).toBe('otp');
    }
    const over = await t
      .client()
      .post('/api/auth/signin', { email: 'coded@example.com', password: PASSWORD });
    expect(over).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(over.body.retryAfter).toBeGreaterThan(0);
    t.advance(31_000);
    expect((await last.post('/api/auth/otp/resend')).body.code).toBe('RATE_LIMITED');
    expect(await mailsTo('coded@example.com', since)).toHaveLength(PER_HOUR);
    // A wrong password is still just SIGNIN_FAILED: the throttle answers only after the right password.
    expect(
      (await t.client().post('/api/auth/signin', { email: 'coded@example.com', password: 'wrong password' }))
        .body.code,
    ).toBe('SIGNIN_FAILED');
  });

  it('reset links: at most 3 an hour to a known address, none to an unknown one, one answer', async () => {
    await (await t.signedInUser('forgetful@example.com', PASSWORD)).post('/api/auth/signout');
    const since = t.mail.messages.length;
    for (const email of ['forgetful@example.com', 'stranger@example.com']) {
      for (let i = 0; i < 5; i++) {
        const r = await t.client().post('/api/auth/password/forgot', { email });
        expect(r).toEqual({ status: 202, body: { status: 'check-your-email' } });
      }
    }
    expect(await mailsTo('forgetful@example.com', since)).toHaveLength(PER_HOUR);
    expect(await mailsTo('stranger@example.com', since)).toHaveLength(0);
  });
});
