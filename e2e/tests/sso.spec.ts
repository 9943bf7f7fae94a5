import type { Browser } from '@playwright/test';
import { TestIdp } from '../../apps/server/src/testing/samlIdp';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { expectAccessible } from '../support/a11y';
import { PASSWORD, signIn } from '../support/accounts';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { operatorSetsPlan } from '../support/operatorPlan';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// Issue 12, R11: an Enterprise admin configures SAML SSO through the settings from the IdP's metadata (a real
// SimpleSAMLphp on loopback) and routes the company's email domain to it; a new person signs in with their
// company email address from the sign-in page and lands on the floor.

// The tests build on each other (SSO set up, then required, then the code option): one worker, in order,
// and a failure skips the rest instead of re-running them against a fresh server.
test.describe.configure({ mode: 'serial' });

let server: TestServer;
let mail: SmtpSink;
let idp: TestIdp;
let owner: ApiUser;
let member: ApiUser;
let workspaceId: string;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  [mail, idp] = await Promise.all([SmtpSink.start(), TestIdp.start()]);
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  // The owner's verified address at acme.test lets the workspace route that domain (the IdP's people).
  owner = await apiSignUp(server.url, mail, 'sso-owner@acme.test', 'Sora Owner');
  member = await apiSignUp(server.url, mail, 'sso-member@example.com', 'Mei Member');
  workspaceId = await apiWorkspace(mail, owner, 'Acme', [member]);
  await operatorSetsPlan(server, workspaceId, 'enterprise');
});

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
  await idp?.stop();
});

/** The owner's SSO settings page (English). */
async function ssoSettings(browser: Browser) {
  const context = await browser.newContext({ storageState: await owner.api.storageState(), locale: 'en-US' });
  const admin = await context.newPage();
  await admin.goto(`${server.url}/w/${workspaceId}/settings/sso`);
  return { admin, section: admin.getByTestId('settings-sso') };
}

test('an admin sets up SSO from the IdP metadata; a new person signs in with their company account and lands on the floor', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const { admin, section } = await ssoSettings(browser);
  const sp = section.getByTestId('sso-sp');
  await expect(sp).toContainText(`${server.url}/api/sso/${workspaceId}/metadata`);
  await expect(sp).toContainText(`${server.url}/api/sso/${workspaceId}/acs`);
  await expect(section.getByTestId('sso-idp')).toHaveText('Not configured yet.');
  // The IdP administrator registers Tsudoi's side (here: the test IdP's list of service providers).
  idp.registerSp(`${server.url}/api/sso/${workspaceId}/metadata`, `${server.url}/api/sso/${workspaceId}/acs`);

  // The IdP's metadata file, read into the form by the browser.
  const metadataXml = await idp.metadataXml();
  await section.getByLabel('Or read it from a file').setInputFiles({
    name: 'idp-metadata.xml',
    mimeType: 'application/xml',
    buffer: Buffer.from(metadataXml),
  });
  await expect(section.getByLabel('IdP metadata (XML)')).toHaveValue(metadataXml);
  // A public mail domain is refused, named on its line; nothing is saved.
  const domains = section.getByLabel('Email domains that sign in with SSO (one per line)');
  await domains.fill('acme.test\ngmail.com');
  await section.getByRole('button', { name: 'Save' }).click();
  await expect(section.getByTestId('sso-bad-domains')).toHaveText(
    'gmail.com: a public mail service’s domain cannot be added.',
  );
  await expect(section.getByTestId('sso-idp')).toHaveText('Not configured yet.');
  await domains.fill('ACME.test');
  await section.getByRole('button', { name: 'Save' }).click();
  await expect(section.getByRole('status')).toHaveText('Saved.');
  await expect(domains).toHaveValue('acme.test');
  await expect(section.getByTestId('sso-idp')).toContainText(`IdP entity ID: ${idp.entityId}`);
  await expect(section.getByTestId('sso-idp')).toContainText('Signing certificate');
  await expectAccessible(admin, 'SSO settings');

  // A new person, never invited: their company's IdP vouches for them.
  const guest = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await guest.goto(server.url);
  const company = guest.getByTestId('sso-signin');
  // An address at a domain nobody routes is told so …
  await company.getByLabel('Company account (name@company) or workspace URL').fill('alice@unknown.test');
  await company.getByRole('button', { name: 'Continue with your company' }).click();
  await expect(company.getByRole('alert')).toContainText(
    'Single sign-on is not set up for this email domain',
  );
  // … the company address goes to the company's IdP.
  await company.getByLabel('Company account (name@company) or workspace URL').fill('alice@acme.test');
  await company.getByRole('button', { name: 'Continue with your company' }).click();
  await guest.locator('#username').fill('alice');
  await guest.locator('#password').fill('alicepass');
  await guest.locator('#submit_button').click();
  await expect(guest).toHaveURL(`${server.url}/w/${workspaceId}`);
  await expect(guest.getByTestId('connection')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });

  // A refused sign-in comes back to the sign-in page with its reason named.
  const refused = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await refused.goto(`${server.url}/signin?sso_error=SSO_FAILED`);
  await expect(refused.getByTestId('sso-signin').getByRole('alert')).toContainText('Single sign-on failed');
});

test('with SSO required a password sign-in is refused, and the break-glass owner still gets in with password + code', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  // Mei (a password member) has the floor open when SSO becomes required.
  const meiContext = await browser.newContext({
    storageState: await member.api.storageState(),
    locale: 'en-US',
  });
  const mei = await meiContext.newPage();
  await mei.goto(`${server.url}/w/${workspaceId}`);
  await expect(mei.getByTestId('connection')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });

  const { admin, section } = await ssoSettings(browser);
  await section.getByLabel('Require single sign-on: refuse password sign-in').check();
  await section.getByLabel('Keep password + email code sign-in for me (the owner) for emergencies').check();
  await section.getByRole('button', { name: 'Save' }).click();
  await expect(section.getByRole('status')).toHaveText('Saved.');

  // Her page leaves the workspace at once and says why; coming back is refused the same way, not retried
  // (before: the page stayed until a reconnect, then showed "Connecting…" for good).
  const notice = mei.getByTestId('access-notice');
  await expect(notice).toHaveAttribute('data-reason', 'ssoRequired', { timeout: 5_000 });
  await expect(notice).toContainText('now requires signing in with your company account');
  await expect(mei.getByTestId('floor')).toHaveCount(0);
  await mei.goto(`${server.url}/w/${workspaceId}`);
  await expect(mei.getByTestId('access-notice')).toHaveAttribute('data-reason', 'ssoRequired', {
    timeout: 30_000,
  });
  await meiContext.close();

  const person = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await person.goto(server.url);
  await person.getByLabel('Email').fill(member.email);
  await person.getByLabel('Password').fill(PASSWORD);
  await person.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(person.getByRole('alert')).toHaveText(
    'This workspace requires signing in with your company account (single sign-on).',
  );

  const breakGlass = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await signIn(breakGlass, mail, server.url, owner.email);
  await breakGlass.goto(`${server.url}/w/${workspaceId}`);
  await expect(breakGlass.getByTestId('connection')).toHaveAttribute('data-state', 'online', {
    timeout: 20_000,
  });

  // Giving up the break-glass owner while SSO is required asks first; cancelling keeps it.
  await section.getByLabel('Keep password + email code sign-in for me (the owner) for emergencies').uncheck();
  await section.getByRole('button', { name: 'Save' }).click();
  const confirm = admin.getByTestId('sso-confirm');
  await expect(confirm.getByRole('heading')).toHaveText('Require SSO without an emergency owner?');
  await expectAccessible(admin, 'SSO confirmation');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await admin.reload();
  await expect(
    section.getByLabel('Keep password + email code sign-in for me (the owner) for emergencies'),
  ).toBeChecked();
});

test('with "also ask for the email code", a sign-in through the IdP continues with the code and then enters the workspace', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const { section } = await ssoSettings(browser);
  await section
    .getByLabel('Also ask for the email code after signing in with the IdP', { exact: false })
    .check();
  await section.getByRole('button', { name: 'Save' }).click();
  await expect(section.getByRole('status')).toHaveText('Saved.');

  // Alice joined through the IdP in the first test; her company's IdP vouches, then Tsudoi's code.
  const since = mail.messages.length;
  const alice = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await alice.goto(server.url);
  const company = alice.getByTestId('sso-signin');
  await company.getByLabel('Company account (name@company) or workspace URL').fill('alice@acme.test');
  await company.getByRole('button', { name: 'Continue with your company' }).click();
  await alice.locator('#username').fill('alice');
  await alice.locator('#password').fill('alicepass');
  await alice.locator('#submit_button').click();
  await expect(alice.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
  await expect(alice).toHaveURL(`${server.url}/signin`); // the address and expiry left the address bar
  await alice.getByLabel('Code', { exact: true }).fill(await mail.otpFor('alice@acme.test', since));
  await alice.getByRole('button', { name: 'Verify' }).click();
  await expect(alice.getByRole('heading', { name: 'Workspaces' }).first()).toBeVisible();
  await alice.goto(`${server.url}/w/${workspaceId}`);
  await expect(alice.getByTestId('connection')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
});
