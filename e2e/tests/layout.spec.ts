import type { Browser, Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// The workspace app's shell (issue 11): at 1280×800 a person in a room sees the floor, the stage, the
// control bar and the room chat at once with no page scroll; settings sections are admin-gated in the UI
// and by the server; iPad sizes never scroll sideways and keep touch targets at 44 px.
const SETUP_MS = 30_000;
let server: TestServer;
let mail: SmtpSink;
let owner: ApiUser;
let bob: ApiUser;
let carol: ApiUser;
/** One person per iPad test who has been in no room yet: a new page puts someone back into the room they
 * left moments ago (the grace period), and at portrait width the floor is then behind a drawer. */
const tablet: ApiUser[] = [];
let workspaceId: string;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(90_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  owner = await apiSignUp(server.url, mail, 'ayame@example.com', 'Ayame Owner');
  bob = await apiSignUp(server.url, mail, 'bob@example.com', 'Bob Member');
  carol = await apiSignUp(server.url, mail, 'carol@example.com', 'Carol Member');
  for (const [i, name] of ['Daichi Tablet', 'Emi Tablet'].entries())
    tablet.push(await apiSignUp(server.url, mail, `tablet${i}@example.com`, name));
  workspaceId = await apiWorkspace(mail, owner, 'Layout Lab', [bob, carol, ...tablet]);
  // Every room up front, while nobody is in one: only admins create rooms, from the floor overview, and an
  // owner who was in a room moments ago is put back into it by a new page (the grace period).
  const admin = await open(browser, owner, DESKTOP);
  for (const name of ROOMS) await createRoom(admin, name);
  await admin.context().close();
});

const IPADS = [
  { width: 820, height: 1180 },
  { width: 1180, height: 820 },
];
/** The room of a test: people from another test may still be inside theirs for the grace period. */
const huddle = (viewport: Viewport) => `Huddle ${viewport.width}`;
const ROOMS = ['Studio', ...IPADS.map(huddle)];

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

type Viewport = { width: number; height: number };
const DESKTOP: Viewport = { width: 1280, height: 800 };

async function open(browser: Browser, user: ApiUser, viewport: Viewport, touch = false): Promise<Page> {
  const context = await browser.newContext({
    storageState: await user.api.storageState(),
    locale: 'en-US',
    viewport,
    hasTouch: touch,
    permissions: ['microphone', 'camera'],
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/w/${workspaceId}`);
  await expect(page.getByTestId('floor')).toBeVisible({ timeout: SETUP_MS });
  return page;
}

const roomCard = (page: Page, name: string) =>
  page.getByTestId('room').filter({ has: page.getByRole('heading', { name, exact: true }) });

async function createRoom(page: Page, name: string): Promise<void> {
  await page.getByLabel('Room name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create room' }).click();
  await expect(roomCard(page, name)).toBeVisible();
}

async function dropIn(page: Page, name: string): Promise<void> {
  await roomCard(page, name).getByRole('button', { name: 'Drop in' }).click();
  await expect(page.getByTestId('room-view')).toHaveAttribute('data-phase', 'live', { timeout: SETUP_MS });
}

/** The page itself never scrolls (only regions inside it may). */
async function pageScroll(page: Page) {
  return page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement;
    return {
      x: el.scrollWidth - el.clientWidth,
      y: el.scrollHeight - el.clientHeight,
    };
  });
}

test('in a room of three at 1280×800: floor, stage with three tiles, control bar and room chat all in view, no page scroll', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const pages = {
    owner: await open(browser, owner, DESKTOP),
    bob: await open(browser, bob, DESKTOP),
    carol: await open(browser, carol, DESKTOP),
  };
  const me = pages.owner;
  const csp: string[] = [];
  me.on('console', (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) csp.push(m.text());
  });
  await expect(roomCard(me, 'Studio')).toBeVisible();

  // Not in a room yet: the main area is the floor overview, not a stage.
  await expect(me.getByTestId('floor-overview')).toBeVisible();
  await expect(me.getByTestId('room-view')).toHaveCount(0);

  for (const page of Object.values(pages)) await dropIn(page, 'Studio');
  await expect(me.getByTestId('floor-overview')).toHaveCount(0);

  const view = me.getByTestId('room-view');
  await expect(view.locator('[data-testid=tile], [data-testid=self-tile]')).toHaveCount(3, {
    timeout: SETUP_MS,
  });
  for (const p of [bob, carol])
    await expect(view.locator(`[data-testid=tile][data-peer="${p.userId}"]`)).toBeVisible();

  // Everything the person needs, fully on screen at once.
  const floor = me.getByTestId('floor');
  const studio = roomCard(me, 'Studio');
  await expect(studio.getByTestId('participant')).toHaveCount(3);
  await expect(studio).toBeInViewport({ ratio: 1 });
  for (const tile of await view.locator('[data-testid=tile], [data-testid=self-tile]').all())
    await expect(tile).toBeInViewport({ ratio: 1 });
  const mic = me.getByTestId('toggle-mic');
  await expect(mic).toBeInViewport({ ratio: 1 });
  await expect(me.getByTestId('control-leave')).toBeInViewport({ ratio: 1 });
  const chat = me.getByTestId('room-chat');
  const input = chat.getByLabel('Message', { exact: true });
  await expect(input).toBeInViewport({ ratio: 1 });
  await expect(floor).toBeInViewport();
  expect(await pageScroll(me)).toEqual({ x: 0, y: 0 });

  // The room chat in the panel works while the stage stays in view.
  await input.fill('Standup in five');
  await input.press('Enter');
  await expect(pages.bob.getByTestId('room-chat').getByTestId('chat-text')).toHaveText(['Standup in five']);
  await expect(mic).toBeInViewport({ ratio: 1 });

  // Collapsing the panel hides the chat and gives the stage the room; a message that arrives meanwhile
  // marks the room on the floor and the panel button as unread until the chat is shown again.
  await me.getByRole('button', { name: 'Hide chat' }).click();
  await expect(chat).toBeHidden();
  await expect(studio.getByTestId('room-unread')).toHaveCount(0);
  const bobInput = pages.bob.getByTestId('room-chat').getByLabel('Message', { exact: true });
  await bobInput.fill('Can you share the doc?');
  await bobInput.press('Enter');
  await expect(studio.getByTestId('room-unread')).toBeVisible();
  await expect(me.getByTestId('panel-unread')).toContainText('1');
  await expect(mic).toBeInViewport({ ratio: 1 });
  expect(await pageScroll(me)).toEqual({ x: 0, y: 0 });
  await me.getByRole('button', { name: 'Show chat' }).click();
  await expect(chat.getByTestId('chat-text')).toHaveText(['Standup in five', 'Can you share the doc?']);
  await expect(studio.getByTestId('room-unread')).toHaveCount(0);
  await expect(me.getByTestId('panel-unread')).toHaveCount(0);
  // A message while the room chat is on screen is read at once: no marker.
  await bobInput.fill('Thanks');
  await bobInput.press('Enter');
  await expect(chat.getByTestId('chat-text')).toHaveCount(3);
  await expect(studio.getByTestId('room-unread')).toHaveCount(0);

  // The Messages tab swaps the panel's content; the room chat tab brings it back.
  await me.getByRole('tab', { name: 'Messages' }).click();
  await expect(me.getByTestId('threads')).toBeVisible();
  await expect(chat).toBeHidden();
  await me.getByRole('tab', { name: /Room chat/ }).click();
  await expect(chat).toBeVisible();

  expect(csp).toEqual([]);
  for (const page of Object.values(pages)) await page.context().close();
});

test('settings: admin sections are hidden from a member, refused on their URL and by the server', async ({
  browser,
}) => {
  const admin = await open(browser, owner, DESKTOP);
  await admin.getByRole('button', { name: /User menu/ }).click();
  await admin.getByRole('menuitem', { name: 'Settings' }).click();
  await expect(admin).toHaveURL(`${server.url}/w/${workspaceId}/settings/profile`);
  await expect(admin.getByTestId('settings-profile')).toContainText('ayame@example.com');
  // "Back to the room" while the person is still in a room from the test before (grace period).
  const nav = admin.getByRole('navigation', { name: 'Settings sections' });
  await expect(nav.getByRole('link')).toHaveText([
    /^Back to the (floor|room)$/,
    'Profile',
    'Members & invitations',
    'Security',
    'IP allow-list',
    'Single sign-on',
    'CSV import',
    'Access log',
    'Workspace image',
    'Plan',
    'Contract',
  ]);
  await nav.getByRole('link', { name: 'Security' }).click();
  await expect(admin.getByTestId('settings-security').getByLabel('Minimum password length')).toBeVisible();
  await nav.getByRole('link', { name: 'Plan' }).click();
  await expect(admin.getByTestId('plan')).toContainText('Plan: Free');
  await nav.getByRole('link', { name: 'Members & invitations' }).click();
  await expect(admin.getByLabel('Email address to invite')).toBeVisible();

  const member = await open(browser, bob, DESKTOP);
  await member.goto(`${server.url}/w/${workspaceId}/settings/profile`);
  const memberNav = member.getByRole('navigation', { name: 'Settings sections' });
  await expect(memberNav.getByRole('link')).toHaveText([
    /^Back to the (floor|room)$/,
    'Profile',
    'Members & invitations',
  ]);
  await memberNav.getByRole('link', { name: 'Members & invitations' }).click();
  await expect(member.getByTestId('members')).toContainText('Ayame Owner');
  await expect(member.getByLabel('Email address to invite')).toHaveCount(0);
  for (const section of [
    'security',
    'network',
    'sso',
    'import',
    'access-log',
    'workspace-image',
    'plan',
    'contract',
  ]) {
    await member.goto(`${server.url}/w/${workspaceId}/settings/${section}`);
    const refused = member.getByTestId('settings-admin-only');
    await expect(refused.getByRole('heading')).toHaveText('This page is for admins only');
    await expect(member.getByTestId(`settings-${section}`)).toHaveCount(0);
    await expect(member.getByLabel('Minimum password length')).toHaveCount(0);
  }
  // The server refuses the same things on its own, whatever the page shows.
  const csrf = (await bob.api.storageState()).cookies.find((c) => c.name === 'tsudoi_csrf')?.value ?? '';
  const patch = await bob.api.patch(`/api/workspaces/${workspaceId}`, {
    data: { passwordRules: { minLength: 20 } },
    headers: { 'x-csrf-token': csrf },
  });
  expect(patch.status()).toBe(403);
  expect(await patch.json()).toMatchObject({ code: 'FORBIDDEN' });
  const invitations = await bob.api.get(`/api/workspaces/${workspaceId}/invitations`);
  expect(invitations.status()).toBe(403);
  const invite = await bob.api.post(`/api/workspaces/${workspaceId}/invitations`, {
    data: { email: 'mallory@example.com', role: 'member' },
    headers: { 'x-csrf-token': csrf },
  });
  expect(invite.status()).toBe(403);
  // …while the owner's same request passes.
  const ownerCsrf =
    (await owner.api.storageState()).cookies.find((c) => c.name === 'tsudoi_csrf')?.value ?? '';
  const ok = await owner.api.patch(`/api/workspaces/${workspaceId}`, {
    data: { passwordRules: { minLength: 10 } },
    headers: { 'x-csrf-token': ownerCsrf },
  });
  expect(ok.status()).toBe(200);
  await admin.context().close();
  await member.context().close();
});

for (const [i, viewport] of IPADS.entries()) {
  test(`iPad ${viewport.width}×${viewport.height}: no sideways scroll, 44 px touch targets, the floor reachable in a room`, async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const room = huddle(viewport);
    const page = await open(browser, tablet[i] as ApiUser, viewport, true);
    await expect(roomCard(page, room)).toBeVisible();
    await expectNoSidewaysScroll(page);
    await expectTouchTargets(page);

    await dropIn(page, room);
    await expect(page.getByTestId('toggle-mic')).toBeInViewport({ ratio: 1 });
    await expectNoSidewaysScroll(page);
    await expectTouchTargets(page);
    const floor = page.getByTestId('floor');
    if (viewport.width < 1024) {
      // Portrait: the floor is a drawer behind the header button while the stage fills the screen.
      await expect(floor).toBeHidden();
      await page.getByRole('button', { name: 'Show the floor' }).click();
      await expect(floor).toBeInViewport();
      await expect(roomCard(page, room).getByRole('button', { name: 'Leave' })).toBeVisible();
      await page.getByRole('button', { name: 'Hide the floor' }).click();
      await expect(floor).toBeHidden();
    } else {
      await expect(floor).toBeInViewport();
      await expect(page.getByRole('button', { name: 'Show the floor' })).toBeHidden();
    }
    await expect(page.getByTestId('room-chat').getByLabel('Message', { exact: true })).toBeVisible();
    await expectNoSidewaysScroll(page);
    await page.context().close();
  });
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  expect((await pageScroll(page)).x).toBe(0);
}

/** Every visible control of the shell is at least 44 × 44 px (links inside messages excepted). */
async function expectTouchTargets(page: Page): Promise<void> {
  const small = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      '.shell button, .shell select, .shell input:not([type=checkbox]):not([type=radio]), .shell [role=tab]',
    )) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue; // not rendered (hidden drawer, collapsed)
      if (getComputedStyle(el).visibility === 'hidden') continue;
      if (r.height < 43.5 || r.width < 43.5)
        out.push(
          `${el.tagName} "${el.getAttribute('aria-label') ?? el.textContent?.trim()}" ${r.width}×${r.height}`,
        );
    }
    return out;
  });
  expect(small).toEqual([]);
}

test('light and dark follow the OS', async ({ browser }) => {
  const page = await open(browser, bob, DESKTOP);
  const bg = () => page.evaluate(() => getComputedStyle(document.querySelector('.shell')!).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await bg();
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(bg).not.toBe(light);
  expect(light).toBe('rgb(243, 245, 248)');
  expect(await bg()).toBe('rgb(15, 20, 27)');
  await page.context().close();
});
