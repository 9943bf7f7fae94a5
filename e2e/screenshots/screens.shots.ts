import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { MESSAGES } from '../../apps/web/src/i18n/messages';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { startServer, type TestServer } from '../support/server';

// `npm run screenshots` (not part of `npm test`): the main screens of the built app at a laptop size and
// an iPad in portrait, in Japanese and English → docs/screens/<screen>-<lang>-<size>.png and docs/SCREENS.md.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = path.join(ROOT, 'docs/screens');
const LANGS = ['ja', 'en'] as const;
type Lang = (typeof LANGS)[number];
const LOCALE: Record<Lang, string> = { ja: 'ja-JP', en: 'en-US' };
const SIZES = [
  { id: '1280x800', width: 1280, height: 800, label: 'Laptop 1280×800' },
  { id: '820x1180', width: 820, height: 1180, label: 'iPad portrait 820×1180' },
] as const;
const SCREENS = [
  { id: 'sign-in', title: 'Sign-in', about: 'Email and password, then the emailed code.' },
  { id: 'floor', title: 'Floor', about: 'The rooms with their people; not in a room yet.' },
  { id: 'room', title: 'Room stage', about: 'In a room with two colleagues: tiles, own preview, controls.' },
  { id: 'chat', title: 'Room chat', about: 'The room chat in the right panel (a drawer on the iPad).' },
  { id: 'settings', title: 'Settings', about: 'Members and invitations (an admin’s view).' },
] as const;
type ScreenId = (typeof SCREENS)[number]['id'];
const ROOM = 'Lounge';
const SETUP_MS = 60_000;

let server: TestServer;
let mail: SmtpSink;
const people: ApiUser[] = [];
let workspaceId: string;

test.beforeAll(async () => {
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  for (const [email, name] of [
    ['aiko@example.com', 'Aiko Tanaka'],
    ['ben@example.com', 'Ben Carter'],
    ['chie@example.com', 'Chie Sato'],
    ['daichi@example.com', 'Daichi Mori'],
  ] as const)
    people.push(await apiSignUp(server.url, mail, email, name));
  workspaceId = await apiWorkspace(mail, people[0]!, 'Tsudoi Studio', people.slice(1));
  fs.mkdirSync(OUT, { recursive: true });
});

test.afterAll(async () => {
  for (const p of people) await p.api.dispose();
  await server?.stop();
  await mail?.close();
});

/** A page signed in as `user`, on the workspace floor, in `lang`. */
async function floorPage(browser: Browser, user: ApiUser, lang: Lang): Promise<Page> {
  const context = await browser.newContext({
    storageState: await user.api.storageState(),
    locale: LOCALE[lang],
    viewport: { width: SIZES[0].width, height: SIZES[0].height },
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/w/${workspaceId}`);
  await expect(page.getByTestId('floor')).toBeVisible({ timeout: SETUP_MS });
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  return page;
}

const roomCard = (page: Page, name: string) =>
  page
    .getByTestId('room')
    .filter({ has: page.getByRole('heading', { name, exact: true }) })
    .first();

async function enterRoom(page: Page, lang: Lang): Promise<void> {
  await roomCard(page, ROOM)
    .getByRole('button', { name: MESSAGES[lang]['floor.dropIn'], exact: true })
    .click();
  await expect(page.getByTestId('room-view')).toHaveAttribute('data-phase', 'live', { timeout: SETUP_MS });
  await page.getByTestId('toggle-camera').click();
}

async function sendToRoomChat(page: Page, lang: Lang, text: string): Promise<void> {
  const box = page.getByTestId('room-chat').getByLabel(MESSAGES[lang]['chat.input'], { exact: true });
  await box.fill(text);
  await box.press('Enter');
  await expect(page.getByTestId('room-chat').getByText(text)).toBeVisible();
}

/** Waits until the room is live and `count` remote cameras play frames (not their avatars). */
async function expectVideos(page: Page, count: number): Promise<void> {
  await expect(page.getByTestId('room-view')).toHaveAttribute('data-phase', 'live', { timeout: SETUP_MS });
  await expect
    .poll(
      () =>
        page.evaluate(
          () =>
            [...document.querySelectorAll<HTMLVideoElement>('[data-testid=tile] video')].filter(
              (v) => v.readyState >= 2 && v.videoWidth > 0 && !v.paused,
            ).length,
        ),
      { timeout: SETUP_MS },
    )
    .toBe(count);
}

/** Writes the page as it is now at every size; nothing focused, no caret, animations stopped. */
async function shoot(page: Page, screen: ScreenId, lang: Lang, before?: () => Promise<void>): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    if (before) await before();
    await page.mouse.move(0, 0);
    await page.evaluate(async () => {
      (document.activeElement as HTMLElement | null)?.blur();
      await document.fonts.ready;
    });
    await page.screenshot({
      path: path.join(OUT, `${screen}-${lang}-${size.id}.png`),
      animations: 'disabled',
      caret: 'hide',
    });
  }
}

function writeScreensMd(): void {
  const lines = [
    '# Screens',
    '',
    'The main screens of the web app at a laptop size (1280×800) and an iPad in portrait (820×1180), in',
    'Japanese and English, light scheme. Generated from the built app by `npm run screenshots`',
    '(`e2e/screenshots/screens.shots.ts`: a real server, four signed-in people, fake cameras); rerun it after',
    'a UI change and commit the pictures with the change.',
    '',
  ];
  for (const s of SCREENS) {
    lines.push(`## ${s.title}`, '', s.about, '');
    for (const size of SIZES) {
      lines.push(`| ${size.label} — 日本語 | ${size.label} — English |`, '| --- | --- |');
      const cell = (lang: Lang) => {
        const file = `screens/${s.id}-${lang}-${size.id}.png`;
        return `<a href="${file}"><img src="${file}" alt="${s.title}, ${lang === 'ja' ? 'Japanese' : 'English'}, ${size.id}" width="400"></a>`;
      };
      lines.push(`| ${cell('ja')} | ${cell('en')} |`, '');
    }
  }
  fs.writeFileSync(path.join(ROOT, 'docs/SCREENS.md'), lines.join('\n'));
}

test('docs/screens: every main screen at 1280×800 and 820×1180 in Japanese and English', async ({
  browser,
}) => {
  const [aiko, ben, chie, daichi] = people as [ApiUser, ApiUser, ApiUser, ApiUser];
  // The owner makes the rooms; two colleagues sit in the Lounge with cameras on and talk in its chat.
  const owner = await floorPage(browser, aiko, 'en');
  for (const [name, capacity] of [
    [ROOM, ''],
    ['Focus room', '4'],
    ['Design review', '6'],
  ] as const) {
    await owner.getByLabel(MESSAGES.en['floor.create.name'], { exact: true }).fill(name);
    await owner.getByLabel(MESSAGES.en['floor.create.capacity']).fill(capacity);
    await owner.getByRole('button', { name: MESSAGES.en['floor.create.submit'] }).click();
    await expect(roomCard(owner, name)).toBeVisible();
  }
  await owner.context().close();
  const others: BrowserContext[] = [];
  for (const [user, text] of [
    [ben, 'Morning! The build is green again.'],
    [chie, 'おはようございます。デザインレビューは 15 時からです。'],
  ] as const) {
    const page = await floorPage(browser, user, 'en');
    await enterRoom(page, 'en');
    await sendToRoomChat(page, 'en', text);
    others.push(page.context());
  }
  others.push((await floorPage(browser, daichi, 'en')).context());

  for (const lang of LANGS) {
    const t = MESSAGES[lang];
    const signedOut = await browser.newContext({ locale: LOCALE[lang] });
    const signIn = await signedOut.newPage();
    await signIn.goto(server.url);
    await expect(signIn.getByLabel(t['signin.email'])).toBeVisible();
    await shoot(signIn, 'sign-in', lang);
    await signedOut.close();

    const page = await floorPage(browser, aiko, lang);
    await shoot(page, 'floor', lang);
    await enterRoom(page, lang);
    await shoot(page, 'room', lang, () => expectVideos(page, 2));
    await sendToRoomChat(
      page,
      lang,
      lang === 'ja' ? '了解です。15 時に行きます。' : 'Thanks, see you at three.',
    );
    // The chat shortcut's event (slice B's "C" key) brings the room chat forward, also in the iPad drawer.
    await shoot(page, 'chat', lang, async () => {
      await page.evaluate(() => window.dispatchEvent(new Event('tsudoi:focus-chat')));
      await expect(page.getByTestId('room-chat')).toBeVisible();
      await expectVideos(page, 2);
    });
    await page.goto(`${server.url}/w/${workspaceId}/settings/members`);
    await expect(page.getByTestId('settings-members')).toBeVisible({ timeout: SETUP_MS });
    await shoot(page, 'settings', lang);
    await page.context().close();
  }
  for (const c of others) await c.close();
  writeScreensMd();
});
