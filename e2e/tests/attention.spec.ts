import type { BrowserContext, Locator, Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';
import { expectStays } from '../support/waits';

/**
 * Getting someone's attention (issue 11): desktop notifications and sounds for 1on1 invitations and direct
 * messages, observed from the page itself; "focused" silences them; the tab title counts what waits.
 *
 * Headless Chromium keeps every page visible, so the init script below emulates the tab going to the
 * background (`document.visibilityState` / `hidden` + the `visibilitychange` event, exactly what a real
 * tab switch gives the page). It records each `new Notification(...)` and each `HTMLMediaElement.play()`
 * with its outcome (played, or the browser's refusal) without changing what they do.
 */
interface Recorded {
  notifications: Array<{ title: string; body: string; tag: string; closed: boolean }>;
  plays: Array<{ src: string; outcome: string }>;
}

function recordAttention(): void {
  const w = window as unknown as { __attention: Recorded; __setHidden: (hidden: boolean) => void };
  w.__attention = { notifications: [], plays: [] };
  const Real = window.Notification;
  if (Real) {
    class Recording extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        const entry = { title, body: options?.body ?? '', tag: options?.tag ?? '', closed: false };
        w.__attention.notifications.push(entry);
        this.addEventListener('close', () => {
          entry.closed = true;
        });
        const close = this.close.bind(this);
        this.close = () => {
          entry.closed = true;
          close();
        };
      }
    }
    window.Notification = Recording;
  }
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    const entry = { src: this.currentSrc || this.src, outcome: 'pending' };
    // Remote audio/video elements play streams (srcObject, no src): only files are attention sounds.
    if (entry.src) w.__attention.plays.push(entry);
    const started = play.call(this);
    started.then(
      () => {
        entry.outcome = 'played';
      },
      (err: Error) => {
        entry.outcome = err.name;
      },
    );
    return started;
  };
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  w.__setHidden = (h: boolean) => {
    hidden = h;
    document.dispatchEvent(new Event('visibilitychange'));
  };
}

const recorded = (page: Page): Promise<Recorded> =>
  page.evaluate(() => (window as unknown as { __attention: Recorded }).__attention);
const notifications = async (page: Page) => (await recorded(page)).notifications;
const sounds = async (page: Page) => (await recorded(page)).plays;
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((h) => (window as unknown as { __setHidden: (h: boolean) => void }).__setHidden(h), hidden);

let server: TestServer;
let mail: SmtpSink;
let workspaceId: string;
const users: Record<'alice' | 'bob' | 'carol', ApiUser> = {} as never;
const contexts: BrowserContext[] = [];
const pages: Record<'alice' | 'bob' | 'carol', Page> = {} as never;

const memberRow = (page: Page, user: ApiUser): Locator =>
  page.locator(`[data-testid=floor-member][data-user-id="${user.userId}"]`);
const invitationDialog = (page: Page) => page.getByRole('dialog', { name: '1on1 invitation' });

async function invite(from: Page, to: ApiUser, name: string): Promise<void> {
  await memberRow(from, to).getByRole('button', { name: 'Invite to 1on1' }).click();
  await expect(from.getByTestId('outgoing-invitation')).toContainText(`Waiting for ${name}`);
}

/** The invited person declines; the inviter sees it and clears the notice. */
async function decline(invited: Page, inviter: Page): Promise<void> {
  await invitationDialog(invited).getByRole('button', { name: 'Decline' }).click();
  await expect(inviter.getByTestId('outgoing-invitation')).toHaveAttribute('data-outcome', 'declined');
  await inviter.getByTestId('outgoing-invitation').getByRole('button', { name: 'Dismiss' }).click();
}

/** Sets my status through the user menu's status dialog. */
async function setStatus(page: Page, name: string, state: string): Promise<void> {
  await page.getByRole('button', { name: `User menu (${name})` }).click();
  await page.getByRole('menuitem', { name: 'Set status…' }).click();
  const dialog = page.getByTestId('status-dialog');
  await dialog.getByLabel('Status', { exact: true }).selectOption(state);
  await dialog.getByRole('button', { name: 'Update status' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Status updated.');
  await dialog.getByRole('button', { name: 'Close' }).click();
}

test.use({ locale: 'en-US' });
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  users.alice = await apiSignUp(server.url, mail, 'alice@example.com', 'Alice');
  users.bob = await apiSignUp(server.url, mail, 'bob@example.com', 'Bob');
  users.carol = await apiSignUp(server.url, mail, 'carol@example.com', 'Carol');
  workspaceId = await apiWorkspace(mail, users.alice, 'Attention Lab', [users.bob, users.carol]);
  for (const key of ['alice', 'bob', 'carol'] as const) {
    // Bob and Carol allowed desktop notifications in this browser earlier; Alice never answered.
    const context = await browser.newContext({
      storageState: await users[key].api.storageState(),
      locale: 'en-US',
      permissions: ['notifications'],
    });
    // The config's granted permissions (camera, microphone) make Chromium answer "denied" for the rest;
    // cleared, Alice's browser answers "not asked yet".
    if (key === 'alice') await context.clearPermissions();
    contexts.push(context);
    const page = await context.newPage();
    await page.addInitScript(recordAttention);
    await page.goto(`${server.url}/w/${workspaceId}`);
    await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
    await expect(page).toHaveTitle('Tsudoi');
    pages[key] = page;
  }
  // A person who has used the page (any click) may hear it: browsers refuse sound before that.
  for (const key of ['bob', 'carol'] as const) await pages[key].getByTestId('connection').click();
});

test.afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  for (const u of Object.values(users)) await u?.api.dispose();
  await server?.stop();
  await mail?.close();
});

test('a 1on1 invitation to a person whose tab is in the background: a desktop notification and a sound', async () => {
  const { alice, bob } = pages;
  await setHidden(bob, true);
  await invite(alice, users.bob, 'Bob');
  await expect(invitationDialog(bob)).toContainText('Alice invites you to a 1on1.');
  await expect
    .poll(() => notifications(bob))
    .toEqual([
      {
        title: 'Alice invites you to a 1on1',
        body: 'Open Tsudoi to join or decline.',
        tag: expect.stringMatching(/^oneOnOne:/),
        closed: false,
      },
    ]);
  await expect
    .poll(() => sounds(bob))
    .toEqual([{ src: expect.stringMatching(/\/oneOnOne[^/]*\.wav$/), outcome: 'played' }]);
  // The tab title counts the invitation waiting for an answer.
  await expect(bob).toHaveTitle('(1) Tsudoi');

  // Answered: the notification goes away with the invitation, and so does the count.
  await setHidden(bob, false);
  await decline(bob, alice);
  await expect.poll(async () => (await notifications(bob)).map((n) => n.closed)).toEqual([true]);
  await expect(bob).toHaveTitle('Tsudoi');
});

test('with the tab in front the invitation rings but pops up no desktop notification (the page shows it)', async () => {
  const { alice, bob } = pages;
  const before = await recorded(bob);
  await invite(alice, users.bob, 'Bob');
  await expect(invitationDialog(bob)).toBeVisible();
  await expect.poll(async () => (await sounds(bob)).length).toBe(before.plays.length + 1);
  // Decided in the same step as the sound: nothing more can come for this invitation.
  expect(await notifications(bob)).toHaveLength(before.notifications.length);
  await decline(bob, alice);
});

test('a focusing person gets neither a notification nor a sound, yet still sees the invitation', async () => {
  const { alice, carol } = pages;
  await setStatus(carol, 'Carol', 'focused');
  await expect(memberRow(alice, users.carol)).toContainText('Focused');
  await setHidden(carol, true);
  await invite(alice, users.carol, 'Carol');
  await expect(invitationDialog(carol)).toContainText('Alice invites you to a 1on1.');
  await expect(carol).toHaveTitle('(1) Tsudoi');
  // The page decided when the invitation reached its store, before the dialog showed.
  expect(await notifications(carol)).toEqual([]);
  expect(await sounds(carol)).toEqual([]);
  await setHidden(carol, false);
  await decline(carol, alice);
  await expect(carol).toHaveTitle('Tsudoi');

  // Back to available: the same invitation in the background gets both (the negative case above is the status).
  await setStatus(carol, 'Carol', 'available');
  await setHidden(carol, true);
  await invite(alice, users.carol, 'Carol');
  await expect.poll(async () => (await notifications(carol)).length).toBe(1);
  await expect.poll(async () => (await sounds(carol)).map((s) => s.outcome)).toEqual(['played']);
  await setHidden(carol, false);
  await decline(carol, alice);
});

const threads = (page: Page): Locator => page.getByTestId('threads');

test('a direct message in the background: a notification with its text and a sound; the title counts it until read', async () => {
  const { alice, bob } = pages;
  const before = await recorded(bob);
  await setHidden(bob, true);
  await alice.getByTestId('tab-messages').click();
  await threads(alice).getByLabel('Member', { exact: true }).selectOption({ label: 'Bob' });
  await threads(alice).getByRole('button', { name: 'Open conversation' }).click();
  const input = threads(alice).getByTestId('thread-conversation').getByLabel('Message', { exact: true });
  await input.fill('Lunch at noon?');
  await input.press('Enter');
  await expect(input).toHaveValue('');

  await expect(bob).toHaveTitle('(1) Tsudoi');
  await expect
    .poll(async () => (await notifications(bob)).slice(before.notifications.length))
    .toEqual([
      {
        title: 'Message from Alice',
        body: 'Lunch at noon?',
        tag: expect.stringMatching(/^directMessage:/),
        closed: false,
      },
    ]);
  await expect
    .poll(async () => (await sounds(bob)).slice(before.plays.length))
    .toEqual([{ src: expect.stringMatching(/\/directMessage[^/]*\.wav$/), outcome: 'played' }]);

  // Bob comes back and reads it: the count leaves the title.
  await setHidden(bob, false);
  await bob.getByTestId('tab-messages').click();
  await threads(bob).getByTestId('thread').filter({ hasText: 'Alice' }).click();
  await expect(threads(bob).getByTestId('chat-text')).toHaveText(['Lunch at noon?']);
  await expect(bob).toHaveTitle('Tsudoi');
});

test('turning off 1on1 notifications is remembered in this browser; the sound stays on', async () => {
  const { alice, bob } = pages;
  await bob.goto(`${server.url}/w/${workspaceId}/settings/profile`);
  const settings = bob.getByTestId('attention-settings');
  await expect(settings.getByTestId('notify-permission')).toHaveText('Desktop notifications are on.');
  const notifyOff = settings.getByLabel('1on1 invitation: desktop notification');
  await expect(notifyOff).toBeChecked();
  await notifyOff.uncheck();
  await bob.reload();
  await expect(settings.getByLabel('1on1 invitation: desktop notification')).not.toBeChecked();
  await expect(settings.getByLabel('1on1 invitation: sound')).toBeChecked();
  await expect(settings.getByLabel('New message: desktop notification')).toBeChecked();

  await bob.goto(`${server.url}/w/${workspaceId}`);
  await expect(bob.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  await bob.getByTestId('connection').click(); // a new document: the person uses it before it may ring
  await setHidden(bob, true);
  await invite(alice, users.bob, 'Bob');
  await expect(invitationDialog(bob)).toBeVisible();
  await expect.poll(async () => (await sounds(bob)).map((s) => s.outcome)).toEqual(['played']);
  expect(await notifications(bob)).toEqual([]);
  await setHidden(bob, false);
  await decline(bob, alice);
});

test('notifications are not asked for on first load; offered once something called for the person', async () => {
  const { alice, carol } = pages;
  // Alice never answered the browser: nothing asks her when the page opens (once it shows the floor).
  await alice.reload();
  await expect(memberRow(alice, users.carol)).toContainText('Available');
  await expect(alice.getByTestId('attention-prompt')).toHaveCount(0);
  await invite(carol, users.alice, 'Alice');
  await expect(invitationDialog(alice)).toBeVisible();
  await decline(alice, carol);
  // Asked in the page, not by the browser: a click on "Turn on" is what lets the browser ask.
  const prompt = alice.getByRole('region', { name: 'Desktop notifications' });
  await expect(prompt).toContainText('Get a desktop notification for 1on1 invitations');

  // "Not now" is remembered: a reload and a new invitation do not ask again.
  await prompt.getByRole('button', { name: 'Not now' }).click();
  await expect(prompt).toHaveCount(0);
  await alice.reload();
  await expect(alice.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  await invite(carol, users.alice, 'Alice');
  await expect(invitationDialog(alice)).toBeVisible();
  await expect(alice.getByTestId('attention-prompt')).toHaveCount(0);
  await decline(alice, carol);

  // The settings still offer it.
  await alice.goto(`${server.url}/w/${workspaceId}/settings/profile`);
  const settings = alice.getByTestId('attention-settings');
  await expect(settings.getByTestId('notify-permission')).toHaveText(
    'Desktop notifications are not allowed yet.',
  );
  await expect(settings.getByRole('button', { name: 'Allow desktop notifications' })).toBeVisible();
  // She allows them in the browser's site settings: the page follows without a reload.
  await alice.context().grantPermissions(['notifications']);
  await expect(settings.getByTestId('notify-permission')).toHaveText('Desktop notifications are on.');
  await expect(settings.getByRole('button', { name: 'Allow desktop notifications' })).toHaveCount(0);
});

test('a person with two tabs in the background hears one chime, not two', async () => {
  const { alice, carol } = pages;
  const second = await carol.context().newPage();
  await second.addInitScript(recordAttention);
  await second.goto(`${server.url}/w/${workspaceId}`);
  await expect(second.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  await second.getByTestId('connection').click();
  const before = await recorded(carol);
  await setHidden(carol, true);
  await setHidden(second, true);
  await invite(alice, users.carol, 'Carol');
  for (const page of [carol, second]) await expect(invitationDialog(page)).toBeVisible();
  const chimes = async () =>
    (await sounds(carol)).length - before.plays.length + (await sounds(second)).length;
  await expect.poll(chimes).toBe(1);
  // Each tab claimed the chime when the invitation reached it; the loser stays quiet for good.
  await expectStays(1000, async () => expect(await chimes()).toBe(1));
  // Both tabs notify under the event's tag, so the desktop shows one notification, replaced in place.
  const tags = [
    ...(await notifications(carol)).slice(before.notifications.length),
    ...(await notifications(second)),
  ].map((n) => n.tag);
  expect(new Set(tags).size).toBe(1);
  await setHidden(carol, false);
  await decline(carol, alice);
  await second.close();
});

test('a knock on my room and someone entering it reach me in the background; in front, an entry stays quiet', async () => {
  test.setTimeout(120_000);
  const { alice, bob, carol } = pages;
  await invite(alice, users.bob, 'Bob');
  await invitationDialog(bob).getByRole('button', { name: 'Join' }).click();
  const privateRoom = (page: Page) => page.locator('[data-testid=room][data-kind=oneOnOne]');
  for (const page of [alice, bob])
    await expect(
      privateRoom(page).locator(`[data-testid=participant][data-user-id="${users.bob.userId}"]`),
    ).toBeVisible({
      timeout: 30_000,
    });
  await alice.getByTestId('outgoing-invitation').getByRole('button', { name: 'Dismiss' }).click();

  // Carol knocks while Bob's tab is in the background.
  const bobBefore = await recorded(bob);
  await setHidden(bob, true);
  await privateRoom(carol).getByRole('button', { name: 'Knock' }).click();
  await expect(bob.getByTestId('knock').filter({ hasText: 'Carol is knocking' })).toBeVisible();
  await expect
    .poll(async () => (await notifications(bob)).slice(bobBefore.notifications.length).map((n) => n.title))
    .toEqual(['Carol is knocking on Alice & Bob']);
  await expect
    .poll(async () => (await sounds(bob)).slice(bobBefore.plays.length))
    .toEqual([{ src: expect.stringMatching(/\/knock[^/]*\.wav$/), outcome: 'played' }]);
  await expect(bob).toHaveTitle('(1) Tsudoi');

  // Alice's tab goes to the background; Bob, back in front, lets Carol in.
  const aliceBefore = await recorded(alice);
  await setHidden(alice, true);
  await setHidden(bob, false);
  const bobSounds = (await sounds(bob)).length;
  await bob.getByTestId('knock').getByRole('button', { name: 'Let in' }).click();
  await expect(bob).toHaveTitle('Tsudoi');
  await expect
    .poll(async () =>
      (await notifications(alice)).slice(aliceBefore.notifications.length).map((n) => n.title),
    )
    .toEqual(['Carol joined Alice & Bob']);
  await expect
    .poll(async () => (await sounds(alice)).slice(aliceBefore.plays.length).map((s) => s.src))
    .toEqual([expect.stringMatching(/\/roomEntry[^/]*\.wav$/)]);
  // Bob, in front, sees Carol arrive on the stage: no sound (decided when the floor changed).
  await expect(
    privateRoom(bob).locator(`[data-testid=participant][data-user-id="${users.carol.userId}"]`),
  ).toBeVisible();
  expect(await sounds(bob)).toHaveLength(bobSounds);
  await setHidden(alice, false);
});
