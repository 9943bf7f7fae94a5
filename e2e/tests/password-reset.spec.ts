import type { Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { PASSWORD, signIn, signUp } from '../support/accounts';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

let server: TestServer;
let mail: SmtpSink;
test.beforeAll(async () => {
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
});
test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

test.use({ locale: 'en-US' });

const EMAIL = 'forgetful@example.com';
const NEW_PASSWORD = 'a brand new e2e secret 7';

async function setPassword(page: Page, password: string, repeat = password) {
  await page.getByLabel(/^New password/).fill(password);
  await page.getByLabel('Repeat the new password').fill(repeat);
  await page.getByRole('button', { name: 'Set the password' }).click();
}

test('forgotten password: the mailed link sets a new password once, and every session ends', async ({
  browser,
}) => {
  test.slow(); // two sign-ups' worth of scrypt and mail round trips; 1.1 min seen on a loaded machine
  // A device that stays signed in while the password is reset elsewhere.
  const other = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await signUp(other, mail, server.url, EMAIL, 'Forgetful');
  await signIn(other, mail, server.url, EMAIL);

  // Request the link, by keyboard only.
  const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Forgot your password?' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await page.getByLabel('Email').fill(EMAIL);
  const since = mail.messages.length;
  await page.keyboard.press('Enter');
  await expect(
    page.getByRole('status').filter({ hasText: `If there is an account for ${EMAIL}` }),
  ).toBeVisible();

  // Open the link from the mail the real SMTP server received.
  const resetMail = await mail.waitFor(EMAIL, /reset-password\?token=/, since);
  const link = resetMail.text.match(/(http\S+reset-password\?token=\S+)/)![1]!;
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await setPassword(page, NEW_PASSWORD, 'something else entirely');
  await expect(page.getByRole('alert')).toHaveText('The two passwords are not the same.');
  await setPassword(page, 'short');
  await expect(page.getByRole('alert')).toContainText('at least 8 characters');
  await setPassword(page, NEW_PASSWORD);
  await expect(page.getByRole('status').filter({ hasText: 'Your password was changed' })).toBeVisible();

  // The other device is signed out.
  expect((await other.context().request.get(`${server.url}/api/session`)).status()).toBe(401);
  await other.reload();
  await expect(other.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // The link works once.
  await page.goto(link);
  await setPassword(page, 'yet another e2e secret 8');
  await expect(page.getByRole('alert')).toHaveText('This link is invalid or has expired.');
  await expect(page.getByRole('button', { name: 'Get a new reset link' })).toBeVisible();

  // The old password is refused; the new one works, with the emailed code.
  await page.goto(server.url);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'The email or password is not correct, or the account is locked.',
  );
  await page.getByLabel('Password').fill(NEW_PASSWORD);
  const beforeCode = mail.messages.length;
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
  await page.getByLabel('Code', { exact: true }).fill(await mail.otpFor(EMAIL, beforeCode));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Workspaces' }).first()).toBeVisible();
});

test('the sign-in screen offers the reset in Japanese too, and an unknown address gets the same answer', async ({
  browser,
}) => {
  const page = await (await browser.newContext({ locale: 'ja-JP' })).newPage();
  await page.goto(server.url);
  await page.getByRole('button', { name: 'パスワードをお忘れの方' }).click();
  await expect(page.getByRole('heading', { name: 'パスワードの再設定' })).toBeVisible();
  await page.getByLabel('メールアドレス').fill('nobody@example.com');
  await page.getByRole('button', { name: '再設定のリンクを送る' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'nobody@example.com のアカウントがあれば' }),
  ).toBeVisible();
});
