import type { BrowserContext, Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { signIn, signUp } from '../support/accounts';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { createRoom, dropIn, expectDecoding, expectInRoom, openFloor } from '../support/media';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// The app's main journey runs under the server's Content-Security-Policy without a single violation
// (issue 9): sign-up and sign-in pages, the floor of a workspace, a room with camera and microphone.
let server: TestServer;
let mail: SmtpSink;
let users: ApiUser[];
let workspaceId: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(60_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  users = [];
  for (const name of ['Saki', 'Taro'])
    users.push(await apiSignUp(server.url, mail, `${name.toLowerCase()}@example.com`, name));
  workspaceId = await apiWorkspace(mail, users[0]!, 'CSP Lab', users.slice(1));
});

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

/** Records every CSP violation the page reports (event) or logs (console), from the first document on. */
async function watchCsp(context: BrowserContext): Promise<() => Promise<string[]>> {
  const seen: string[] = [];
  await context.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`),
    );
  });
  const onConsole = (msg: { type(): string; text(): string }) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(msg.text()))
      seen.push(`console: ${msg.text()}`);
  };
  context.on('console', onConsole);
  for (const page of context.pages()) page.on('console', onConsole);
  return async () => {
    const fromPages: string[] = [];
    for (const page of context.pages()) {
      fromPages.push(
        ...(await page.evaluate(
          () => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
        )),
      );
    }
    return [...seen, ...fromPages];
  };
}

test('the CSP header is sent and forbids inline script and framing', async ({ request }) => {
  const res = await request.get(server.url);
  const csp = res.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
  expect(res.headers()['referrer-policy']).toBe('no-referrer');
});

test('sign-up, email confirmation and sign-in run with no CSP violation', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-US' });
  const violations = await watchCsp(context);
  const page = await context.newPage();
  await signUp(page, mail, server.url, 'umi@example.com', 'Umi');
  await signIn(page, mail, server.url, 'umi@example.com');
  // Signed in, the page's POSTs carry the session's own CSRF token, and its socket passes the Origin check.
  await page.getByLabel('Workspace name').fill('Umi Co');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page.getByTestId('floor')).toBeVisible();
  expect(await violations()).toEqual([]);

  // The watcher is live: an inline script injected now is blocked and reported.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
  });
  await expect.poll(violations).toEqual(expect.arrayContaining([expect.stringContaining('script-src')]));
  expect(
    await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan),
  ).toBeUndefined();
  await context.close();
});

test('the floor and a room with camera and microphone run with no CSP violation', async ({ browser }) => {
  const pages: Page[] = [];
  const checks: Array<() => Promise<string[]>> = [];
  for (const u of users) {
    const page = await openFloor(browser, server.url, u, workspaceId);
    checks.push(await watchCsp(page.context()));
    await page.reload(); // from the first document on, with the watcher in place
    await expect(page.getByTestId('floor')).toBeVisible();
    pages.push(page);
  }
  const [owner, guest] = pages as [Page, Page];
  await createRoom(owner, 'Talk');
  for (const page of pages) {
    await dropIn(page, 'Talk');
    await expectInRoom(page, 'Talk');
  }
  await owner.getByTestId('toggle-camera').click();
  await expect(owner.getByTestId('self-camera')).toBeVisible();
  await expectDecoding(guest, users[0]!.userId, 'camera');
  for (const check of checks) expect(await check()).toEqual([]);
  for (const page of pages) await page.context().close();
});
