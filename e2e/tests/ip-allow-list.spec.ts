import type { Browser, Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { expectAccessible } from '../support/a11y';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { operatorSetsPlan } from '../support/operatorPlan';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// Issue 12, R12: an Enterprise admin sets the IP allow-list in settings; a member whose network falls out of
// it loses the open workspace page at once and is told why. Each browser comes "through a proxy" (the server
// trusts 127.0.0.1 to set X-Forwarded-For), so the two people have different addresses on one machine.
const OFFICE = '203.0.113.5';
const HOME = '198.51.100.20';

let server: TestServer;
let mail: SmtpSink;
let owner: ApiUser;
let member: ApiUser;
let workspaceId: string;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0', TRUST_PROXY: '127.0.0.1' });
  owner = await apiSignUp(server.url, mail, 'net-owner@example.com', 'Nao Owner');
  member = await apiSignUp(server.url, mail, 'net-member@example.com', 'Mio Member');
  workspaceId = await apiWorkspace(mail, owner, 'Fenced Lab', [member]);
  // Plans are changed by the operator's command line.
  await operatorSetsPlan(server, workspaceId, 'enterprise');
});

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

async function pageFrom(browser: Browser, user: ApiUser, ip: string, locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({
    storageState: await user.api.storageState(),
    locale,
    extraHTTPHeaders: { 'x-forwarded-for': ip },
  });
  return context.newPage();
}

test('an admin limits the workspace to the office network; a member at home loses the open page at once and is told why', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const home = await pageFrom(browser, member, HOME);
  await home.goto(`${server.url}/w/${workspaceId}`);
  await expect(home.getByTestId('connection')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });

  const admin = await pageFrom(browser, owner, OFFICE);
  await admin.goto(`${server.url}/w/${workspaceId}/settings/network`);
  const section = admin.getByTestId('settings-network');
  await expect(section.getByTestId('network-your-ip')).toHaveText(
    `Your current address: ${OFFICE} (inside the list)`,
  );
  const ranges = section.getByLabel('Allowed ranges (one per line)');
  const save = section.getByRole('button', { name: 'Save' });

  // A line that is not a range: named by its line number, nothing saved.
  await ranges.fill('203.0.113.0/24\n\nintranet\n10.0.0.0/40');
  await save.click();
  await expect(section.getByTestId('network-bad-lines')).toContainText('Line 3: intranet');
  await expect(section.getByTestId('network-bad-lines')).toContainText('Line 4: 10.0.0.0/40');
  await expect(ranges).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(admin, 'IP allow-list with bad lines');

  // A list without the admin's own address asks first; cancelling saves nothing.
  await ranges.fill('198.51.100.0/24');
  await save.click();
  const confirm = admin.getByRole('dialog', { name: 'Shut yourself out too?' });
  await expect(confirm).toContainText(OFFICE);
  await expectAccessible(admin, 'IP allow-list confirmation');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  const stored = await owner.api.get(`/api/workspaces/${workspaceId}/ip-allow-list`);
  expect((await stored.json()).ranges).toEqual([]);
  await expect(home.getByTestId('connection')).toHaveAttribute('data-state', 'online');

  // The office only: saved (normalised), and the member at home is out at once, with the reason.
  await ranges.fill('203.0.113.77/24');
  await save.click();
  await expect(section.getByRole('status')).toHaveText('Saved. Connections are accepted from 1 ranges.');
  await expect(ranges).toHaveValue('203.0.113.0/24');
  const notice = home.getByTestId('access-notice');
  await expect(notice).toHaveAttribute('data-reason', 'ipNotAllowed', { timeout: 5_000 });
  await expect(notice).toContainText('no longer includes your network');
  await expect(home).toHaveURL(`${server.url}/`);
  await expect(home.getByTestId('floor')).toHaveCount(0);

  // Coming back from home is refused the same way; the admin in the office goes on.
  await home.goto(`${server.url}/w/${workspaceId}`);
  await expect(home.getByTestId('access-notice')).toHaveAttribute('data-reason', 'ipNotAllowed', {
    timeout: 30_000,
  });
  await admin.goto(`${server.url}/w/${workspaceId}`);
  await expect(admin.getByTestId('connection')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });

  // The same screen in Japanese, for the member's admin colleague on the office network.
  const ja = await pageFrom(browser, owner, OFFICE, 'ja-JP');
  await ja.goto(`${server.url}/w/${workspaceId}/settings/network`);
  await expect(ja.getByTestId('network-your-ip')).toHaveText(
    `あなたの現在のアドレス: ${OFFICE} （リストに含まれています）`,
  );
  for (const p of [home, admin, ja]) await p.context().close();
});
