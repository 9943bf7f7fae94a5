import type { Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { type ApiUser, apiSignUp, apiWorkspace, browserFor } from '../support/apiAccounts';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

/** Bounded clients as a person sees them: refused connection checks and one tab too many. */
let server: TestServer;
let mail: SmtpSink;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  mail = await SmtpSink.start();
  // Two connection checks per network and minute (a finished check frees its open slot at once, so the
  // per-minute bound is the one a browser can reach); one tab per person and workspace.
  server = await startServer({
    SMTP_URL: mail.url,
    DEV_MAIL_INBOX: '0',
    CHECK_MAX_PER_IP_PER_MINUTE: '2',
    SOCKETS_PER_USER_MAX: '1',
  });
});
test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

const startCheck = async (page: Page) => {
  await page.goto(server.url);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  await page.getByRole('button', { name: /接続テストを開始|Start connection check/ }).click();
};

test('a third connection check from the same network in a minute is refused with a clear message (en, ja)', async ({
  browser,
}) => {
  const en = await browser.newContext({ locale: 'en-US' });
  const [first, second, third] = await Promise.all([en.newPage(), en.newPage(), en.newPage()]);
  for (const page of [first!, second!]) {
    await startCheck(page);
    await expect(page.getByTestId('check-status')).toHaveAttribute('data-phase', 'ok', { timeout: 20_000 });
  }
  await startCheck(third!);
  const status = third!.getByTestId('check-status');
  await expect(status).toHaveAttribute('data-phase', 'limited');
  await expect(status).toContainText(/Too many connection checks from your network\. Wait about \d+ seconds/);
  // The button stays usable: the person can try again later.
  await expect(third!.getByRole('button', { name: 'Start connection check' })).toBeEnabled();

  const ja = await browser.newContext({ locale: 'ja-JP' });
  const jaPage = await ja.newPage();
  await startCheck(jaPage);
  await expect(jaPage.getByTestId('check-status')).toContainText(
    'このネットワークからの接続テストが多すぎます',
  );
  await en.close();
  await ja.close();
});

test('one tab too many is refused with a clear message; closing the other tab lets it connect', async ({
  browser,
}) => {
  const owner: ApiUser = await apiSignUp(server.url, mail, 'tabs@example.com', 'Tabs');
  const workspaceId = await apiWorkspace(mail, owner, 'Tab Lab', []);
  const context = await browserFor(browser, owner);
  const [tab1, tab2] = [await context.newPage(), await context.newPage()];
  await tab1.goto(`${server.url}/w/${workspaceId}`);
  await expect(tab1.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  await tab2.goto(`${server.url}/w/${workspaceId}`);
  const status = tab2.getByTestId('connection');
  await expect(status).toHaveAttribute('data-state', 'tooMany');
  await expect(status).toContainText('You have too many tabs open for this workspace');
  // The first tab is unaffected.
  await expect(tab1.getByTestId('connection')).toHaveAttribute('data-state', 'online');

  await tab1.close();
  // The server frees the slot when the closed tab's socket goes; until then a retry is refused again.
  await expect(async () => {
    await tab2.getByRole('button', { name: 'Connect again' }).click({ timeout: 1_000 });
    await expect(status).toHaveAttribute('data-state', 'online', { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await context.close();
});
