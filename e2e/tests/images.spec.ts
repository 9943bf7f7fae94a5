import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from '@playwright/test';
import { solid } from '../../apps/server/src/testing/imageFixtures';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { expectAccessible } from '../support/a11y';
import { type ApiUser, apiSignUp, apiWorkspace, browserFor } from '../support/apiAccounts';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// R16 in the browser: a profile image becomes the person's avatar on everyone's floor; an image sent in a
// room shows as a thumbnail (full size on demand) and goes for everyone, file included, when the room empties.

let server: TestServer;
let mail: SmtpSink;
let workspaceId: string;
const users: Record<'alice' | 'bob' | 'carol', ApiUser> = {} as never;
const contexts: BrowserContext[] = [];
const pages: Record<'alice' | 'bob' | 'carol', Page> = {} as never;

const roomCard = (page: Page, name: string): Locator =>
  page.getByTestId('room').filter({ has: page.getByRole('heading', { name, exact: true }) });
const roomChat = (page: Page): Locator => page.getByTestId('room-chat');
/** True once an <img> has really decoded an image (not a broken-image icon). */
const decoded = (img: Locator) => img.evaluate((el) => (el as HTMLImageElement).naturalWidth > 0);
const imageFiles = (id: string) => {
  const dir = path.join(server.dataDir, 'blobs', workspaceId, 'images');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(id)) : [];
};

test.use({ locale: 'en-US' });
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  users.alice = await apiSignUp(server.url, mail, 'alice@example.com', 'Alice');
  users.bob = await apiSignUp(server.url, mail, 'bob@example.com', 'Bob');
  users.carol = await apiSignUp(server.url, mail, 'carol@example.com', 'Carol');
  workspaceId = await apiWorkspace(mail, users.alice, 'Picture Lab', [users.bob, users.carol]);
  for (const key of ['alice', 'bob', 'carol'] as const) {
    const context = await browserFor(browser, users[key]);
    contexts.push(context);
    pages[key] = await context.newPage();
    await pages[key].goto(`${server.url}/w/${workspaceId}`);
    await expect(pages[key].getByTestId('connection')).toHaveAttribute('data-state', 'online');
  }
});

test.afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  for (const u of Object.values(users)) await u.api.dispose();
  await server?.stop();
  await mail?.close();
});

test('a profile image uploaded in the settings becomes the avatar the others see on the floor', async () => {
  const { alice, bob, carol } = pages;
  const aliceOn = (page: Page) => page.locator(`[data-avatar-of="${users.alice.userId}"]`).first();
  await expect(aliceOn(bob)).toBeVisible();
  await expect(aliceOn(bob).getByTestId('avatar-photo')).toHaveCount(0); // initials before

  // A file that is not an image is refused with the server's reason; nothing changes.
  await alice.goto(`${server.url}/w/${workspaceId}/settings/profile`);
  const picker = alice.getByTestId('profile-image');
  await picker.getByLabel('Choose image').setInputFiles({
    name: 'drawing.png',
    mimeType: 'image/png',
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  });
  await expect(picker.getByRole('alert')).toContainText('Choose a JPEG, PNG, WebP or GIF image.');

  await picker.getByLabel('Choose image').setInputFiles({
    name: 'me.jpg',
    mimeType: 'image/jpeg',
    buffer: await solid(120, 120, 'jpeg'),
  });
  await expect(picker.getByTestId('profile-image-status')).toHaveText('Your profile image was updated.');
  await expect(picker.getByTestId('profile-image-current')).toBeVisible();
  await expectAccessible(alice, 'profile image settings');

  // Bob and Carol, on the floor all along, see it at once (pushed, no reload).
  for (const page of [bob, carol]) {
    const photo = aliceOn(page).getByTestId('avatar-photo');
    await expect(photo).toBeVisible();
    await expect.poll(() => decoded(photo)).toBe(true);
  }
});

test('the workspace image an admin sets shows in every member’s header', async () => {
  const { alice, bob } = pages;
  await expect(bob.getByTestId('workspace-image-header')).toHaveCount(0);
  await alice.goto(`${server.url}/w/${workspaceId}/settings/workspace-image`);
  const picker = alice.getByTestId('workspace-image');
  await picker.getByLabel('Choose image').setInputFiles({
    name: 'logo.png',
    mimeType: 'image/png',
    buffer: await solid(64, 64, 'png'),
  });
  await expect(picker.getByTestId('workspace-image-status')).toHaveText('The workspace image was updated.');
  const logo = bob.getByTestId('workspace-image-header');
  await expect(logo).toBeVisible();
  await expect.poll(() => decoded(logo)).toBe(true);
});

test('an image sent in a room shows as a thumbnail and full size, and is gone for everyone when the room empties', async () => {
  const { alice, bob, carol } = pages;
  await alice.goto(`${server.url}/w/${workspaceId}`);
  await expect(alice.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  await alice.getByLabel('Room name', { exact: true }).fill('Gallery');
  await alice.getByRole('button', { name: 'Create room' }).click();
  await expect(roomCard(alice, 'Gallery')).toBeVisible();
  const roomId = (await roomCard(alice, 'Gallery').getAttribute('data-room-id'))!;
  for (const page of [alice, bob]) {
    await roomCard(page, 'Gallery').getByRole('button', { name: 'Drop in' }).click();
    await expect(roomChat(page)).toHaveAttribute('data-room-id', roomId);
  }

  // Attach with the button's file chooser, watch it upload, send it without text.
  const chat = roomChat(alice);
  const chooser = alice.waitForEvent('filechooser');
  await chat.getByRole('button', { name: 'Attach image' }).click();
  await (await chooser).setFiles({
    name: 'photo.png',
    mimeType: 'image/png',
    buffer: await solid(400, 300, 'png'),
  });
  await expect(chat.getByTestId('chat-attachment')).toHaveAttribute('data-uploaded', 'true');
  // Pasted into the message box, and dropped on the composer: both attach too.
  const pasted = (await solid(30, 20, 'jpeg')).toString('base64');
  const dropped = (await solid(20, 30, 'webp')).toString('base64');
  await chat.getByLabel('Message', { exact: true }).evaluate(
    (box, [p, d]) => {
      const file = (b64: string, name: string, type: string) =>
        new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type });
      const paste = new DataTransfer();
      paste.items.add(file(p!, 'pasted.jpg', 'image/jpeg'));
      box.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: paste, bubbles: true, cancelable: true }),
      );
      const drop = new DataTransfer();
      drop.items.add(file(d!, 'dropped.webp', 'image/webp'));
      box
        .closest('form')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
    },
    [pasted, dropped],
  );
  await expect(chat.getByTestId('chat-attachment')).toHaveCount(3);
  for (const a of await chat.getByTestId('chat-attachment').all())
    await expect(a).toHaveAttribute('data-uploaded', 'true');
  // A PDF named like a PNG is refused with the server's reason; the three images stay.
  await chat.getByTestId('chat-image-input').setInputFiles({
    name: 'scan.png',
    mimeType: 'image/png',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n'),
  });
  await expect(chat.getByRole('alert')).toContainText('Choose a JPEG, PNG, WebP or GIF image.');
  await expect(chat.getByTestId('chat-attachment')).toHaveCount(3);
  await expectAccessible(alice, 'composer with attached images and a refusal');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.getByTestId('chat-attachment')).toHaveCount(0);

  await expect(roomChat(bob).getByTestId('chat-image')).toHaveCount(3);
  const thumb = roomChat(bob).getByTestId('chat-image').first();
  await expect(thumb).toBeVisible();
  await expect.poll(() => decoded(thumb)).toBe(true);
  const imageId = (await thumb.getAttribute('data-image-id'))!;
  const allIds = await roomChat(bob)
    .getByTestId('chat-image')
    .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('data-image-id')!));
  for (const id of allIds) expect(imageFiles(id)).toHaveLength(2); // the image and its thumbnail
  await expect(roomChat(alice).getByTestId('chat-image')).toHaveCount(3);
  await expect(roomChat(carol)).toHaveCount(0); // not in the room: no room chat at all

  // Full size by keyboard, closed with Escape.
  await roomChat(bob)
    .getByRole('button', { name: /Image sent by Alice/ })
    .first()
    .focus();
  await bob.keyboard.press('Enter');
  const full = bob.getByTestId('chat-image-full');
  await expect(full).toBeVisible();
  await expect.poll(() => decoded(full)).toBe(true);
  await expectAccessible(bob, 'full-size image dialog');
  await bob.keyboard.press('Escape');
  await expect(full).toHaveCount(0);

  const url = `${server.url}/api/workspaces/${workspaceId}/images/${imageId}`;
  expect((await bob.request.get(url)).status()).toBe(200);
  for (const page of [alice, bob]) {
    await roomCard(page, 'Gallery').getByRole('button', { name: 'Leave' }).click();
    await expect(roomChat(page)).toHaveCount(0);
  }
  await expect.poll(() => allIds.flatMap(imageFiles).length, { timeout: 5000 }).toBe(0);
  for (const page of [alice, bob, carol]) expect((await page.request.get(url)).status()).toBe(404);

  // Whoever enters next finds neither the message nor its image.
  await roomCard(carol, 'Gallery').getByRole('button', { name: 'Drop in' }).click();
  await expect(roomChat(carol).getByTestId('chat-empty')).toBeVisible();
  await expect(roomChat(carol).getByTestId('chat-image')).toHaveCount(0);
});
