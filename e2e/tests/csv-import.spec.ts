import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { expectAccessible } from '../support/a11y';
import { type ApiUser, apiSignUp, apiWorkspace, browserFor } from '../support/apiAccounts';
import { operatorSetsPlan } from '../support/operatorPlan';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// Issue 12, R15: an Enterprise admin invites people from a CSV saved by Japanese Excel (Shift_JIS). A file
// with a bad row is previewed with that row marked and cannot be imported; the fixed file imports, the
// invitees get their mails and the admin downloads the per-row report.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Shift_JIS bytes made with the server's own iconv-lite (a declared dependency of apps/server, not of e2e).
const iconv = createRequire(path.join(ROOT, 'apps/server/package.json'))(
  'iconv-lite',
) as typeof import('iconv-lite');

let server: TestServer;
let mail: SmtpSink;
let owner: ApiUser;
let workspaceId: string;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  owner = await apiSignUp(server.url, mail, 'csv-owner@example.com', 'Kei Owner');
  workspaceId = await apiWorkspace(mail, owner, 'Import Lab', []);
  // Plans are changed by the operator's command line.
  await operatorSetsPlan(server, workspaceId, 'enterprise');
});

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

const sjis = (rows: string[]) =>
  iconv.encode(['メールアドレス,表示名,役割,部署', ...rows].join('\r\n'), 'Shift_JIS');

test('an admin previews a Shift_JIS CSV, sees the bad row, imports the fixed file and downloads the report', async ({
  browser,
}) => {
  const context = await browserFor(browser, owner);
  const page = await context.newPage();
  await page.goto(`${server.url}/w/${workspaceId}/settings/import`);
  const section = page.getByTestId('settings-import');
  const file = section.getByLabel('CSV file');

  // Dropped onto the section: one row names a role that does not exist.
  const bad = sjis(['tanaka@example.com,田中 一郎,管理者,営業部', 'kato@example.com,加藤 二郎,社長,総務部']);
  const transfer = await page.evaluateHandle(
    (bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'members.csv', { type: 'text/csv' }));
      return dt;
    },
    [...bad],
  );
  await section.getByTestId('import-drop').dispatchEvent('drop', { dataTransfer: transfer });
  await expect(section.getByTestId('import-summary')).toHaveText(
    'members.csv: 1 ready to invite, 1 with problems.',
  );
  const badRow = section.locator('tr[data-row="3"]');
  await expect(badRow).toHaveClass('invalid');
  await expect(badRow).toContainText('加藤 二郎');
  await expect(badRow).toContainText('Role must be admin or member');
  await expect(section.locator('tr[data-row="2"]')).not.toHaveClass('invalid');
  await expect(section.getByRole('button', { name: 'Import 1 people' })).toBeDisabled();
  await expectAccessible(page, 'CSV import preview with a bad row');

  // The fixed file, chosen with the file picker.
  const fixed = sjis([
    'tanaka@example.com,田中 一郎,管理者,営業部',
    'kato@example.com,加藤 二郎,メンバー,総務部',
  ]);
  await file.setInputFiles({ name: 'members-fixed.csv', mimeType: 'text/csv', buffer: fixed });
  await expect(section.getByTestId('import-summary')).toHaveText(
    'members-fixed.csv: 2 ready to invite, 0 with problems.',
  );
  const since = mail.messages.length;
  await section.getByRole('button', { name: 'Import 2 people' }).click();
  await expect(section.getByTestId('import-result')).toContainText('Invitations sent to 2 people.');
  await mail.waitFor('tanaka@example.com', /\/invite\//, since);
  await mail.waitFor('kato@example.com', /\/invite\//, since);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    section.getByRole('link', { name: 'Download the result report (CSV)' }).click(),
  ]);
  const report = fs.readFileSync(await download.path(), 'utf8');
  expect(report.startsWith('\uFEFF')).toBe(true);
  expect(report).toContain('tanaka@example.com,田中 一郎,admin,営業部,invited');
  expect(report).toContain('kato@example.com,加藤 二郎,member,総務部,invited');
  await context.close();
});
