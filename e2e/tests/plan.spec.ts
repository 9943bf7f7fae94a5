import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { apiSignUp, browserFor } from '../support/apiAccounts';
import { operatorSetsPlan } from '../support/operatorPlan';
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

test('the owner sees the plan read-only; the operator’s command line changes it on the running server', async ({
  browser,
}) => {
  const owner = await apiSignUp(server.url, mail, 'plan-owner@example.com', 'Owner');
  const page = await (await browserFor(browser, owner)).newPage();
  await page.goto(server.url);
  await page.getByLabel('Workspace name').fill('Plan Lab');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}$/);
  const workspaceId = page.url().split('/').pop()!;

  // The plan and the security rules are settings sections (issue 11).
  await page.goto(`${server.url}/w/${workspaceId}/settings/plan`);
  const plan = page.getByTestId('plan');
  await expect(plan).toContainText('Plan: Free');
  await expect(plan).toContainText('Plan changes are made by the Tsudoi operator');
  await expect(page.getByTestId('settings-plan').getByRole('combobox')).toHaveCount(0); // nothing to pick a plan with
  await page.getByRole('link', { name: 'Security' }).click();
  await expect(page.getByLabel('Require the emailed code for everyone')).toBeDisabled();

  // The operator's command, as documented: the built CLI on the server's DATA_DIR.
  const stdout = await operatorSetsPlan(server, workspaceId, 'enterprise');
  expect(JSON.parse(stdout)).toEqual({ workspaceId, from: 'free', to: 'enterprise' });

  await page.goto(`${server.url}/w/${workspaceId}/settings/plan`);
  await expect(page.getByTestId('plan')).toContainText('Plan: Enterprise');
  await page.getByRole('link', { name: 'Security' }).click();
  await page.getByLabel('Require the emailed code for everyone').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
});
