import { expect, type Page } from '@playwright/test';
import type { SmtpSink } from '../../apps/server/src/testing/smtpSink';

export const PASSWORD = 'tsudoi e2e password';

/** Signs up through the UI and confirms the email from the real SMTP server's copy. */
export async function signUp(page: Page, mail: SmtpSink, baseUrl: string, email: string, name: string) {
  const since = mail.messages.length;
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'We sent a confirmation email' })).toBeVisible();
  const verify = await mail.waitFor(email, /verify\?token=/, since);
  await page.goto(verify.text.match(/(http\S+verify\?token=\S+)/)![1]!);
  await expect(page.getByText('Your email address is confirmed')).toBeVisible();
}

/** Signs in with email, password and the emailed 6-digit code. */
export async function signIn(page: Page, mail: SmtpSink, baseUrl: string, email: string) {
  await page.goto(baseUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  const since = mail.messages.length;
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
  await page.getByLabel('Code', { exact: true }).fill(await mail.otpFor(email, since));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Workspaces' }).first()).toBeVisible();
}
