import type { Browser, Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { PASSWORD } from '../support/accounts';
import { type ApiUser, apiSignUp, apiWorkspace, post } from '../support/apiAccounts';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

/**
 * The invitation flows of a new or signed-out person, from the links and codes the real SMTP server
 * received: sign in with the emailed code on the invitation page (surviving a reload), sign up with email
 * verification without losing the invitation, land on the workspace's floor; and "Unlock" offered only
 * for members who are locked.
 */
let server: TestServer;
let mail: SmtpSink;
let owner: ApiUser;
let workspaceId: string;
const WORKSPACE = 'Invite Lab';

test.beforeAll(async () => {
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  owner = await apiSignUp(server.url, mail, 'owner@example.com', 'Olivia');
  workspaceId = await apiWorkspace(mail, owner, WORKSPACE, []);
});
test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});
test.describe.configure({ mode: 'serial' });

/** The owner invites `email`; the link exactly as it arrived by mail. */
async function invite(email: string): Promise<string> {
  const since = mail.messages.length;
  await post(owner.api, `/api/workspaces/${workspaceId}/invitations`, { email, role: 'member' });
  return (await mail.waitFor(email, /\/invite\//, since)).text.match(/(http\S+\/invite\/\S+)/)![1]!;
}

async function signedOutPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ locale: 'en-US' })).newPage();
}

/** The page shows the workspace's floor (the shell of /w/:id), not the "no workspace" list. */
async function expectOnFloor(page: Page): Promise<void> {
  await expect(page).toHaveURL(new RegExp(`/w/${workspaceId}$`));
  await expect(page.getByTestId('floor')).toBeVisible();
  await expect(page.getByText('No workspace yet')).toHaveCount(0);
}

test('a signed-out member signs in with the emailed code on the invitation page, even after a reload, and lands on the floor', async ({
  browser,
}) => {
  const existing = await apiSignUp(server.url, mail, 'existing@example.com', 'Eri');
  await post(existing.api, '/api/auth/signout', {});
  const link = await invite(existing.email);
  const page = await signedOutPage(browser);
  await page.goto(link);
  await expect(page.getByText(`You are invited to “${WORKSPACE}” as existing@example.com`)).toBeVisible();
  // One "Create an account", and the sign-in form starts with the invited address.
  await expect(page.getByRole('button', { name: 'Create an account' })).toHaveCount(1);
  await expect(page.getByLabel('Email')).toHaveValue('existing@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  const since = mail.messages.length;
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
  const code = await mail.otpFor(existing.email, since);

  // A reload keeps the attempt: the code field is still there, for the same invitation.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
  await expect(page.getByText('We sent a 6-digit code to existing@example.com')).toBeVisible();
  await expect(page.getByText(`You are invited to “${WORKSPACE}”`)).toBeVisible();

  // A wrong code is refused and keeps the person on the invitation.
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  await page.getByLabel('Code', { exact: true }).fill(wrong);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toHaveText('That code is not correct.');
  await expect(page).toHaveURL(link);

  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expectOnFloor(page);
  // Joined for real: the owner's member list has them.
  const members = await owner.api.get(`/api/workspaces/${workspaceId}/members`);
  expect(
    ((await members.json()) as { members: Array<{ email: string }> }).members.map((m) => m.email),
  ).toContain(existing.email);
  await page.context().close();
});

test('a forgotten password on the invitation page: the mailed reset link leads back to the invitation, and on to the floor', async ({
  browser,
}) => {
  const forgetful = await apiSignUp(server.url, mail, 'forgetful@example.com', 'Fumi');
  await post(forgetful.api, '/api/auth/signout', {});
  const link = await invite(forgetful.email);
  const page = await signedOutPage(browser);
  await page.goto(link);
  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue(forgetful.email);
  const since = mail.messages.length;
  await page.getByRole('button', { name: 'Send the reset link' }).click();
  const resetLink = (await mail.waitFor(forgetful.email, /reset-password\?/, since)).text.match(
    /(http\S+reset-password\?\S+)/,
  )![1]!;

  // The link is opened later, in another tab of the same browser (no state from the first page).
  const later = await page.context().newPage();
  await later.goto(resetLink);
  await later.getByLabel(/^New password/).fill('a brand new secret 7');
  await later.getByLabel('Repeat the new password').fill('a brand new secret 7');
  await later.getByRole('button', { name: 'Set the password' }).click();
  await later.getByRole('button', { name: 'Sign in' }).click();
  await expect(later).toHaveURL(link);
  await expect(later.getByText(`You are invited to “${WORKSPACE}”`)).toBeVisible();
  await later.getByLabel('Password').fill('a brand new secret 7');
  const before = mail.messages.length;
  await later.getByRole('button', { name: 'Sign in' }).click();
  await later.getByLabel('Code', { exact: true }).fill(await mail.otpFor(forgetful.email, before));
  await later.getByRole('button', { name: 'Verify' }).click();
  await expectOnFloor(later);
  await page.context().close();
});

test('sign-up from the invitation keeps it through email verification and lands on the floor', async ({
  browser,
}) => {
  const link = await invite('newcomer@example.com');
  const page = await signedOutPage(browser);
  await page.goto(link);
  const create = page.getByRole('button', { name: 'Create an account' });
  await expect(create).toHaveCount(1);
  await create.click();
  await expect(page).toHaveURL(/\/signup\?/);
  await expect(page.getByLabel('Email')).toHaveValue('newcomer@example.com');
  await page.getByLabel('Display name').fill('Nao');
  await page.getByLabel('Password').fill(PASSWORD);
  let since = mail.messages.length;
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'We sent a confirmation email to newcomer@example.com' }),
  ).toContainText('brings you back to the invitation');

  // The confirmation link, opened as a person would (a new tab from the mail client).
  const verify = (await mail.waitFor('newcomer@example.com', /verify\?token=/, since)).text.match(
    /(http\S+verify\?token=\S+)/,
  )![1]!;
  const tab = await page.context().newPage();
  await tab.goto(verify);
  await expect(tab).toHaveURL(/\/invite\/[^?]+\?verified=1$/);
  await expect(tab.getByRole('status').filter({ hasText: `Sign in to join “${WORKSPACE}”` })).toHaveText(
    `Your email address is confirmed. Sign in to join “${WORKSPACE}”.`,
  );
  await expect(tab.getByLabel('Email')).toHaveValue('newcomer@example.com');
  await tab.getByLabel('Password').fill(PASSWORD);
  since = mail.messages.length;
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await expect(tab.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
  await tab.getByLabel('Code', { exact: true }).fill(await mail.otpFor('newcomer@example.com', since));
  await tab.getByRole('button', { name: 'Verify' }).click();
  await expectOnFloor(tab);

  // The link is used up: opened again it says so, and offers no way to join.
  await tab.goto(link);
  await expect(tab.getByRole('alert')).toHaveText('This invitation has already been used.');
  await expect(tab.getByRole('button', { name: 'Join' })).toHaveCount(0);
  await page.context().close();
});

test('signed in as someone else, the invitation says whose it is and offers sign-out, not Join', async ({
  browser,
}) => {
  const other = await apiSignUp(server.url, mail, 'other@example.com', 'Oto');
  const link = await invite('intended@example.com');
  const page = await (
    await browser.newContext({ storageState: await other.api.storageState(), locale: 'en-US' })
  ).newPage();
  await page.goto(link);
  await expect(page.getByRole('alert')).toHaveText(
    'This invitation is for intended@example.com, but you are signed in as other@example.com. Sign out, then sign in as intended@example.com.',
  );
  await expect(page.getByRole('button', { name: 'Join' })).toHaveCount(0);
  await page.getByTestId('invitation').getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Email')).toHaveValue('intended@example.com');
  await expect(page.getByRole('button', { name: 'Create an account' })).toHaveCount(1);
  await page.context().close();
});

test('"Unlock" is offered only for a member locked by failed sign-ins, and goes once used', async ({
  browser,
}) => {
  const locked = await apiSignUp(server.url, mail, 'locked@example.com', 'Rin');
  const fine = await apiSignUp(server.url, mail, 'fine@example.com', 'Fumi');
  for (const m of [locked, fine]) {
    const since = mail.messages.length;
    await post(owner.api, `/api/workspaces/${workspaceId}/invitations`, { email: m.email, role: 'member' });
    const token = (await mail.waitFor(m.email, /\/invite\//, since)).text.match(/\/invite\/(\S+)/)![1]!;
    await post(m.api, `/api/invitations/${token}/accept`, {});
  }
  // Five wrong passwords lock the account (R13).
  const csrf = (await locked.api.storageState()).cookies.find((c) => c.name === 'tsudoi_csrf')?.value ?? '';
  for (let i = 0; i < 5; i++) {
    const r = await locked.api.post('/api/auth/signin', {
      data: { email: locked.email, password: 'wrong password' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(r.status()).toBe(401);
  }
  const page = await (
    await browser.newContext({ storageState: await owner.api.storageState(), locale: 'en-US' })
  ).newPage();
  await page.goto(`${server.url}/w/${workspaceId}/settings/members`);
  const row = (email: string) => page.getByTestId('members').getByRole('listitem').filter({ hasText: email });
  await expect(row(locked.email)).toBeVisible();
  await expect(row(locked.email).getByRole('button', { name: 'Unlock Rin' })).toBeVisible();
  await expect(row(locked.email)).toContainText('Locked');
  await expect(row(fine.email).getByRole('button', { name: /Unlock/ })).toHaveCount(0);
  await expect(row(owner.email).getByRole('button', { name: /Unlock/ })).toHaveCount(0);

  await row(locked.email).getByRole('button', { name: 'Unlock Rin' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Account unlocked.' })).toBeVisible();
  await expect(row(locked.email).getByRole('button', { name: /Unlock/ })).toHaveCount(0);
  // Unlocked for real: the right password starts a sign-in again.
  const again = await locked.api.post('/api/auth/signin', {
    data: { email: locked.email, password: PASSWORD },
    headers: { 'x-csrf-token': csrf },
  });
  expect(((await again.json()) as { next?: string }).next).toBe('otp');
  await page.context().close();
});
