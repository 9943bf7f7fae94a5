import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { apiSignUp, apiWorkspace, browserFor } from '../support/apiAccounts';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

/**
 * R17 contract management and leaving, in the browser: the owner reads the contract and its change log
 * (made by an operator) under Settings > Contract, in English and Japanese, and deletes the workspace by
 * typing its name again; a member never sees the contract.
 */
const OPS_TOKEN = 'e2e-contract-ops-token-0123456789';
let server: TestServer;
let mail: SmtpSink;
test.beforeAll(async () => {
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0', OPS_TOKEN });
});
test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

async function operator(method: 'PUT' | 'POST', path: string, body: unknown): Promise<void> {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      authorization: `Bearer ${OPS_TOKEN}`,
      'x-ops-reason': encodeURIComponent('e2e: contract signed'),
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

test('the owner reads the contract log and deletes the workspace with its name typed again', async ({
  browser,
}) => {
  const owner = await apiSignUp(server.url, mail, 'contract-owner@example.com', 'Owner');
  const member = await apiSignUp(server.url, mail, 'contract-member@example.com', 'Member');
  const wsId = await apiWorkspace(mail, owner, 'Contract Lab', [member]);
  await operator('PUT', `/api/ops/workspaces/${wsId}/contract/holder`, {
    companyName: 'Example KK',
    billingContactName: 'Keiri Tanaka',
    billingContactEmail: 'billing@example.co.jp',
  });
  await operator('POST', `/api/ops/workspaces/${wsId}/contract/billing`, {
    period: '2026-11',
    amount: 55000,
    currency: 'JPY',
    description: 'Team plan, November',
  });
  await operator('POST', `/api/ops/workspaces/${wsId}/plan`, { plan: 'team' });

  const page = await (await browserFor(browser, owner)).newPage();
  await page.goto(`${server.url}/w/${wsId}/settings/contract`);
  const contract = page.getByTestId('contract');
  await expect(contract).toContainText('Plan: Team');
  await expect(contract).toContainText('Example KK');
  await expect(contract).toContainText('Team plan, November');
  const log = page.getByTestId('contract-log').locator('tbody tr');
  await expect(log).toHaveCount(3);
  await expect(log.nth(0)).toContainText('Plan changed');
  await expect(log.nth(0)).toContainText('Operator ops');
  await expect(log.nth(0)).toContainText('free → team');
  await expect(log.nth(2)).toContainText('Contract holder changed');
  await expect(contract).toContainText('kept for 8 years');

  // The same page in Japanese.
  const ja = await (await browserFor(browser, owner, 'ja-JP')).newPage();
  await ja.goto(`${server.url}/w/${wsId}/settings/contract`);
  await expect(ja.getByTestId('contract-log').locator('tbody tr').first()).toContainText('プラン変更');

  // A member: the section says it is the owner's, and the server refuses the data anyway.
  const memberPage = await (await browserFor(browser, member)).newPage();
  await memberPage.goto(`${server.url}/w/${wsId}/settings/contract`);
  await expect(memberPage.getByTestId('contract')).toHaveCount(0);

  // Deleting: the button waits for the exact name, then the workspace is gone for everyone.
  const del = page.getByRole('button', { name: 'Delete workspace' });
  await expect(del).toBeDisabled();
  await page.getByTestId('delete-confirm-name').fill('Contract La');
  await expect(del).toBeDisabled();
  await page.getByTestId('delete-confirm-name').fill('Contract Lab');
  await del.click();
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByRole('link', { name: 'Contract Lab' })).toHaveCount(0);
  await memberPage.goto(`${server.url}/`);
  await expect(memberPage.getByText('Contract Lab')).toHaveCount(0); // not even among deleted ones: not theirs
  expect((await owner.api.get(`/api/workspaces/${wsId}`)).status()).toBe(404);

  // Within 30 days the owner restores it from the workspace list.
  const deleted = page.getByTestId('deleted-workspaces');
  await expect(deleted).toContainText('restorable until');
  await deleted.getByRole('button', { name: 'Restore "Contract Lab"' }).click();
  await expect(page).toHaveURL(`${server.url}/w/${wsId}`);
  expect((await member.api.get(`/api/workspaces/${wsId}`)).status()).toBe(200);
});
