/**
 * Account changes that write several records are all or nothing (issue 10, unit of work): a storage
 * failure midway leaves the account as it was — the old password still works, an emailed link is not used
 * up by a confirmation that did not happen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failInNextTransaction } from '../testing/failingTx.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '1000', AUTH_RATE_LIMIT_PER_ACCOUNT: '1000' });
});
afterAll(() => t?.close());

const OLD = 'correct horse battery';
const NEW = 'a different staple 42';

describe('account changes write all or nothing', () => {
  it('a password change whose history entry fails keeps the old password', async () => {
    const email = 'atomic-password@example.com';
    const user = await t.signedInUser(email, OLD);
    failInNextTransaction(t.app.store, { repo: 'accounts.users', method: 'addPasswordHistory' });
    const r = await user.post('/api/account/password', { currentPassword: OLD, newPassword: NEW });
    expect(r.status).toBe(500);
    // The new hash was written inside the transaction and rolled back: the old password signs in.
    const again = await t.signedInAgain(email, OLD);
    expect((await t.client().post('/api/auth/signin', { email, password: NEW })).body.code).toBe(
      'SIGNIN_FAILED',
    );
    // A change that goes through works as before.
    expect(
      (await again.post('/api/account/password', { currentPassword: OLD, newPassword: NEW })).status,
    ).toBe(200);
    await t.signedInAgain(email, NEW);
  });

  it('an email confirmation that fails to be recorded leaves its link usable', async () => {
    const email = 'atomic-verify@example.com';
    const c = t.client();
    const since = t.mail.messages.length;
    expect(
      (await c.post('/api/auth/signup', { email, password: OLD, displayName: 'V', locale: 'en' })).status,
    ).toBe(202);
    const mail = await t.mail.waitFor(email, /verify\?token=/, since);
    const token = decodeURIComponent(mail.text.match(/verify\?token=([^\s]+)/)![1]!);

    failInNextTransaction(t.app.store, { repo: 'accounts.users', method: 'update' });
    expect((await c.post('/api/auth/verify-email', { token })).status).toBe(500);
    expect((await c.post('/api/auth/signin', { email, password: OLD })).body.code).toBe('EMAIL_NOT_VERIFIED');
    // The same link still works once storage does.
    expect((await c.post('/api/auth/verify-email', { token })).status).toBe(200);
    await t.signedInAgain(email, OLD);
  });
});
