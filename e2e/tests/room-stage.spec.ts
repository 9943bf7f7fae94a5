import type { Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { createRoom, dropIn, expectInRoom, openFloor } from '../support/media';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// The room stage and its control bar (issue 11): mouse and keyboard, the device check, the shortcuts
// help sheet, and an iPad-size touch screen without screen sharing. One server serves the whole file.
let server: TestServer;
let mail: SmtpSink;
let users: ApiUser[];
let workspaceId: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(60_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  users = [];
  for (const name of ['Aiko', 'Ben'])
    users.push(await apiSignUp(server.url, mail, `${name.toLowerCase()}@example.com`, name));
  workspaceId = await apiWorkspace(mail, users[0]!, 'Stage Lab', users.slice(1));
  const owner = await openFloor(browser, server.url, users[0]!, workspaceId);
  await createRoom(owner, 'Talk');
  await owner.context().close();
});

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

/** Fails the test on any Content-Security-Policy violation the page reports (injected styles, inline scripts). */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

const tileOf = (page: Page, user: ApiUser) =>
  page.locator(`[data-testid="tile"][data-peer="${user.userId}"]`);

test('the control bar works by mouse and by keyboard; shortcuts stay out of text fields', async ({
  browser,
}) => {
  // Several pages with media on a shared two-core machine: set-up alone can take a minute.
  test.setTimeout(180_000);
  const [a, b] = users as [ApiUser, ApiUser];
  const aiko = await openFloor(browser, server.url, a, workspaceId);
  const ben = await openFloor(browser, server.url, b, workspaceId);
  const csp = watchCsp(aiko);
  for (const page of [aiko, ben]) {
    await dropIn(page, 'Talk');
    await expectInRoom(page, 'Talk');
  }
  const bar = aiko.getByTestId('control-bar');
  await expect(bar).toBeInViewport();
  // A desktop browser offers screen sharing (the iPad test checks the opposite).
  await expect(bar.getByTestId('toggle-screen')).toBeVisible();
  await expect(bar.getByTestId('share-unavailable')).toHaveCount(0);

  // Mouse: mute, Ben sees it; unmute, the mark goes.
  const mic = aiko.getByTestId('toggle-mic');
  await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'true');
  await expect(tileOf(ben, a).getByTestId('mute-indicator')).toBeVisible();
  await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await expect(tileOf(ben, a).getByTestId('mute-indicator')).toHaveCount(0);

  // Ben's tile of Aiko judges her connection from getStats: loopback is good; his own preview has no mark.
  await expect(tileOf(ben, a).getByTestId('tile-quality')).toHaveAttribute('data-quality', 'good', {
    timeout: 20_000,
  });
  await expect(ben.getByTestId('self-tile').getByTestId('tile-quality')).toHaveCount(0);

  // Keyboard: M mutes, V turns the camera on (Ben decodes a picture in her tile), Tab + Space works too.
  await aiko.locator('body').press('m');
  await expect(mic).toHaveAttribute('aria-pressed', 'true');
  await expect(tileOf(ben, a).getByTestId('mute-indicator')).toBeVisible();
  await aiko.locator('body').press('v');
  await expect(aiko.getByTestId('toggle-camera')).toHaveAttribute('aria-pressed', 'true');
  await expect(aiko.getByTestId('self-camera')).toBeVisible();
  await expect(tileOf(ben, a).getByTestId('tile-camera')).toBeVisible({ timeout: 20_000 });
  await mic.focus();
  await aiko.keyboard.press('Space');
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await expect(tileOf(ben, a).getByTestId('mute-indicator')).toHaveCount(0);

  // C goes to the room chat; letters typed there are text, not shortcuts.
  await aiko.locator('body').press('c');
  const input = aiko.getByTestId('room-chat').locator('textarea');
  await expect(input).toBeFocused();
  await aiko.keyboard.type('mv?');
  await expect(input).toHaveValue('mv?');
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await expect(aiko.getByTestId('toggle-camera')).toHaveAttribute('aria-pressed', 'true');
  await expect(aiko.getByTestId('shortcuts-sheet')).toBeHidden();
  await input.fill('');
  await input.blur();

  // Single-key shortcuts can be turned off in the help sheet (WCAG 2.1.4); then M does nothing.
  await aiko.locator('body').press('Shift+Slash');
  const sheet = aiko.getByTestId('shortcuts-sheet');
  await expect(sheet).toBeVisible();
  await sheet.getByLabel('Use single-key shortcuts (M, V, C)').uncheck();
  await aiko.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  await aiko.locator('body').press('m');
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  await aiko.getByTestId('control-keys').click();
  await sheet.getByLabel('Use single-key shortcuts (M, V, C)').check();
  await sheet.getByRole('button', { name: 'Close' }).click();
  await aiko.locator('body').press('m');
  await expect(mic).toHaveAttribute('aria-pressed', 'true');

  // Leave: Shift+L for Aiko, the Leave button for Ben; each is back on the floor, the other sees it.
  await aiko.locator('body').press('Shift+L');
  await expect(aiko.getByTestId('room-view')).toHaveCount(0);
  await expect(tileOf(ben, a)).toHaveCount(0);
  await expect(ben.getByTestId('room-alone')).toBeVisible();
  await ben.getByTestId('control-leave').click();
  await expect(ben.getByTestId('room-view')).toHaveCount(0);
  await expect(ben.getByTestId('control-bar')).toHaveCount(0);
  // Outside a room the room shortcuts do nothing.
  await aiko.locator('body').press('Shift+Slash');
  await expect(aiko.getByTestId('shortcuts-sheet')).toHaveCount(0);
  expect(csp).toEqual([]);
  await Promise.all([aiko.context().close(), ben.context().close()]);
});

test('the shortcuts help sheet opens on ? and lists every shortcut', async ({ browser }) => {
  const [a] = users as [ApiUser];
  const page = await openFloor(browser, server.url, a, workspaceId);
  await dropIn(page, 'Talk');
  await expectInRoom(page, 'Talk');
  const sheet = page.getByTestId('shortcuts-sheet');
  await expect(sheet).toBeHidden();
  await page.locator('body').press('?');
  await expect(sheet).toBeVisible();
  await expect(sheet.getByRole('heading', { name: 'Keyboard shortcuts' })).toBeVisible();
  for (const row of [
    'Mute / unmute the microphone',
    'Turn the camera on / off',
    'Go to the room chat',
    'Leave the room',
  ])
    await expect(sheet.getByRole('row', { name: new RegExp(row) })).toBeVisible();
  // While it is open the room shortcuts are off: M does not mute.
  await page.keyboard.press('m');
  await expect(page.getByTestId('toggle-mic')).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  await page.getByTestId('control-leave').click();
  await expect(page.getByTestId('room-view')).toHaveCount(0);
  await page.context().close();
});

/** The dialog's meter moves with the fake microphone's beeps at some point. */
async function expectMicLevel(page: Page): Promise<void> {
  await expect
    .poll(async () => Number(await page.getByTestId('mic-level').getAttribute('value')), {
      timeout: 10_000,
      intervals: [100],
    })
    .toBeGreaterThan(0.05);
}

test('device check: preview and mic level before the first drop-in and from the control bar, choice remembered', async ({
  browser,
}) => {
  // Several pages with media on a shared two-core machine: set-up alone can take a minute.
  test.setTimeout(180_000);
  const [, b] = users as [ApiUser, ApiUser];
  const page = await openFloor(browser, server.url, b, workspaceId);
  const csp = watchCsp(page);
  // Before dropping in: from the floor, offered as the main action until this browser did a check.
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-checked', 'false');
  await page.getByTestId('open-device-check').click();
  const dialog = page.getByTestId('device-check');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
  const preview = dialog.getByTestId('device-preview-video');
  await expect
    .poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 })
    .toBeGreaterThan(0);
  await expectMicLevel(page);
  await dialog.getByTestId('device-mic').selectOption({ label: 'Fake Audio Input 2' });
  await dialog.getByTestId('device-check-done').click();
  await expect(dialog).toBeHidden();
  // Closed: the preview is gone (its camera is released).
  await expect(page.getByTestId('device-preview-video')).toHaveCount(0);

  // Remembered in this browser: after a reload the choice is still there, and in the room too.
  await page.reload();
  await expect(page.getByTestId('floor')).toBeVisible();
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-checked', 'true');
  await dropIn(page, 'Talk');
  await expectInRoom(page, 'Talk');
  await page.getByTestId('control-devices').click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('device-mic').locator('option:checked')).toHaveText('Fake Audio Input 2');
  await expectMicLevel(page);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('device-preview-video')).toHaveCount(0);
  await page.getByTestId('control-leave').click();
  await expect(page.getByTestId('room-view')).toHaveCount(0);
  expect(csp).toEqual([]);
  await page.context().close();
});

test('iPad size with touch: no screen share button but a short explanation, 44 px targets, no sideways scroll', async ({
  browser,
}) => {
  const [a] = users as [ApiUser];
  for (const viewport of [
    { width: 820, height: 1180 },
    { width: 1180, height: 820 },
  ]) {
    const context = await browser.newContext({
      storageState: await a.api.storageState(),
      locale: 'en-US',
      permissions: ['microphone', 'camera'],
      viewport,
      hasTouch: true,
      isMobile: true,
      userAgent:
        'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/w/${workspaceId}`);
    await expect(page.getByTestId('floor')).toBeVisible({ timeout: 30_000 });
    await dropIn(page, 'Talk');
    await expectInRoom(page, 'Talk');
    const bar = page.getByTestId('control-bar');
    await expect(bar).toBeInViewport();
    await expect(bar.getByTestId('toggle-screen')).toHaveCount(0);
    await expect(bar.getByTestId('share-unavailable')).toHaveText(
      'Share your screen from a computer’s browser (not available on iPad or phones).',
    );
    for (const id of ['toggle-mic', 'toggle-camera', 'control-devices', 'control-keys', 'control-leave']) {
      const box = await bar.getByTestId(id).boundingBox();
      expect(box?.height, id).toBeGreaterThanOrEqual(44);
      expect(box?.width, id).toBeGreaterThanOrEqual(44);
    }
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBe(0);
    await bar.getByTestId('control-leave').tap();
    await expect(page.getByTestId('room-view')).toHaveCount(0);
    await context.close();
  }
});
