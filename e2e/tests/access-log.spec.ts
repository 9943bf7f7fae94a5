import fs from 'node:fs';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { expectAccessible } from '../support/a11y';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { operatorSetsPlan } from '../support/operatorPlan';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// Issue 12, R14: an Enterprise admin reads the access log in settings (times in their own zone), filters it
// from the keyboard and downloads it as CSV with progress shown.

let server: TestServer;
let mail: SmtpSink;
let owner: ApiUser;
let member: ApiUser;
let workspaceId: string;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  owner = await apiSignUp(server.url, mail, 'log-owner@example.com', 'Rin Owner');
  member = await apiSignUp(server.url, mail, 'log-member@example.com', 'Sora Member');
  workspaceId = await apiWorkspace(mail, owner, 'Logged Lab', [member]);
  await operatorSetsPlan(server, workspaceId, 'enterprise');
});

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

test('an admin filters the access log (Enter submits, focus moves to the results), sees times in their own zone and downloads the CSV', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const context = await browser.newContext({
    storageState: await owner.api.storageState(),
    locale: 'en-US',
    timezoneId: 'Asia/Tokyo',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/w/${workspaceId}/settings/access-log`);
  const section = page.getByTestId('settings-access-log');
  await expect(section.getByText('Times are shown in your time zone (Asia/Tokyo)')).toBeVisible();
  const table = section.getByTestId('access-log-table');
  // Each event type by its name in the viewer's language, its code beside it.
  await expect(table.getByRole('row').filter({ hasText: 'Plan changed admin.plan_changed' })).toHaveCount(1);
  await expectAccessible(page, 'access log');

  // Pick the event type, submit with Enter from a field; focus lands on the results.
  await section.getByLabel('Event type').focus();
  await section.getByLabel('Event type').selectOption({ label: 'Member joined' });
  await section.getByLabel('From').press('Enter');
  await expect(table).toBeFocused();
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('log-member@example.com');
  // The time is the UTC instant shown in Tokyo time (UTC+9).
  const iso = await rows.first().locator('time').getAttribute('datetime');
  const tokyo = new Intl.DateTimeFormat('en-US', {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: 'Asia/Tokyo',
  }).format(new Date(iso!));
  await expect(rows.first().locator('time')).toHaveText(tokyo);

  const downloading = page.waitForEvent('download');
  await section.getByTestId('access-log-download').click();
  const download = await downloading;
  await expect(section.getByTestId('access-log-download-status')).toContainText(/Downloaded \(\d+ KB\)/);
  const file = await download.path();
  const bytes = fs.readFileSync(file!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
  expect(lines[0]).toBe('time_utc,type,outcome,user_id,user_email,ip,user_agent,detail');
  expect(lines.slice(1).every((l) => l.includes(',admin.member_joined,'))).toBe(true);
  expect(lines).toHaveLength(2);
  await context.close();
});
