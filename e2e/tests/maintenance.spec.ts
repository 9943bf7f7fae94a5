import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

const TOKEN = 'e2e-ops-token-maintenance';
const MIN = 60_000;

let server: TestServer;
let mail: SmtpSink;
test.beforeAll(async () => {
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0', OPS_TOKEN: TOKEN });
});
test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

/** The operator adds a window through the documented endpoint. */
async function addWindow(startsInMs: number, hours: number, note?: string) {
  const startsAt = new Date(Date.now() + startsInMs).toISOString();
  const endsAt = new Date(Date.now() + startsInMs + hours * 3_600_000).toISOString();
  const r = await fetch(`${server.url}/api/ops/maintenance`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'x-ops-reason': 'e2e: announce a window',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ startsAt, endsAt, ...(note ? { note } : {}) }),
  });
  expect(r.status).toBe(201);
  return (await r.json()) as { id: string; startsAt: string; endsAt: string };
}

const local = (iso: string, locale: string, timeZone: string) =>
  new Intl.DateTimeFormat(locale, {
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone,
  }).format(new Date(iso));

test('the maintenance banner shows the window in the viewer’s time zone, in both languages, and stays dismissed', async ({
  browser,
}) => {
  const w = await addWindow(26 * 60 * MIN, 2, 'DB upgrade');
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York' });
  const page = await context.newPage();
  await page.goto(server.url);
  const banner = page.locator(`[data-testid="maintenance-banner"][data-window="${w.id}"]`);
  await expect(banner).toContainText('Planned maintenance: Tsudoi will be unavailable from');
  await expect(banner).toContainText(local(w.startsAt, 'en-US', 'America/New_York'));
  await expect(banner).toContainText('(DB upgrade)');
  await page.getByRole('button', { name: '日本語' }).click();
  await expect(banner).toContainText('メンテナンスのお知らせ');
  await expect(banner).toContainText(local(w.startsAt, 'ja-JP', 'America/New_York'));
  await banner.getByRole('button', { name: 'このお知らせを閉じる' }).click();
  await expect(banner).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('connection')).toBeVisible();
  await expect(banner).toHaveCount(0);
  await context.close();
});

test('people in a workspace get a notice minutes before a window starts', async ({ browser }) => {
  const owner = await apiSignUp(server.url, mail, 'maint-e2e@example.com', 'Owner');
  const ws = await apiWorkspace(mail, owner, 'Maintenance', []);
  const context = await browser.newContext({ storageState: await owner.api.storageState(), locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${server.url}/w/${ws}`);
  await expect(page.getByTestId('app-shell')).toBeVisible();
  await addWindow(5 * MIN, 1);
  // The server checks every 30 s and tells every open socket once.
  const soon = page.getByTestId('maintenance-soon');
  await expect(soon).toContainText(/Maintenance starts in \d+ minutes/, { timeout: 40_000 });
  await soon.getByRole('button', { name: 'Dismiss this notice' }).click();
  await expect(soon).toHaveCount(0);
  await context.close();
});
