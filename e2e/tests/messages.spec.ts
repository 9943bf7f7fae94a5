import type { BrowserContext, Locator, Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { type ApiUser, apiSignUp, apiWorkspace, browserFor } from '../support/apiAccounts';
import { type AnswerWatch, holdAnswer, watchAnswers } from '../support/heldAnswers';
import { startServer, type TestServer } from '../support/server';
import { storedMessages } from '../support/storeProbe';
import { expect, test } from '../support/test';

let server: TestServer;
let mail: SmtpSink;
let workspaceId: string;
const users: Record<'alice' | 'bob' | 'carol', ApiUser> = {} as never;
const contexts: BrowserContext[] = [];
const pages: Record<'alice' | 'bob' | 'carol', Page> = {} as never;
/** The answers Alice's page has received, by request (to wait for a read it marks on its own). */
let aliceAnswers: AnswerWatch;

const roomCard = (page: Page, name: string): Locator =>
  page.getByTestId('room').filter({ has: page.getByRole('heading', { name, exact: true }) });
const roomChat = (page: Page): Locator => page.getByTestId('room-chat');
const threads = (page: Page): Locator => page.getByTestId('threads');
const threadButton = (page: Page, name: string): Locator =>
  threads(page).getByTestId('thread').filter({ hasText: name });

/** How many rows of a conversation the server's database holds (read straight from its SQLite file). */
/** Messages of one conversation left in the server's store (SQLite rows or Firestore documents). */
const messageRows = (conversationId: string) => storedMessages(server, workspaceId, conversationId);

/** Types into a message box and sends with Enter; `\n` is typed as Shift+Enter (a new line). */
async function say(box: Locator, text: string) {
  const input = box.getByLabel('Message', { exact: true });
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (i > 0) await input.press('Shift+Enter');
    await input.pressSequentially(line);
  }
  await input.press('Enter');
  await expect(input).toHaveValue('');
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
  workspaceId = await apiWorkspace(mail, users.alice, 'Chat Lab', [users.bob, users.carol]);
  for (const key of ['alice', 'bob', 'carol'] as const) {
    const context = await browserFor(browser, users[key]);
    if (key === 'alice') aliceAnswers = await watchAnswers(context);
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

test('two people talk in a room; once both have left nobody sees the messages and no row is left', async () => {
  const { alice, bob, carol } = pages;
  await alice.getByLabel('Room name', { exact: true }).fill('Lounge');
  await alice.getByRole('button', { name: 'Create room' }).click();
  await expect(roomCard(alice, 'Lounge')).toBeVisible();
  const roomId = (await roomCard(alice, 'Lounge').getAttribute('data-room-id'))!;
  expect(roomId).toBeTruthy();

  for (const page of [alice, bob]) {
    await roomCard(page, 'Lounge').getByRole('button', { name: 'Drop in' }).click();
    await expect(roomChat(page)).toHaveAttribute('data-room-id', roomId);
    await expect(roomChat(page).getByTestId('chat-empty')).toHaveText('No messages yet.');
  }
  await expect(roomChat(carol)).toHaveCount(0); // not in the room: no room messages at all

  await say(roomChat(alice), 'Hello Bob');
  await expect(roomChat(bob).getByTestId('chat-text')).toHaveText(['Hello Bob']);
  await say(roomChat(bob), 'Hi Alice\nsecond line');
  await say(roomChat(alice), '<b>x</b> see https://example.com/docs.');
  for (const page of [alice, bob]) {
    const texts = roomChat(page).getByTestId('chat-text');
    await expect(texts).toHaveText([
      'Hello Bob',
      /^Hi Alice\s+second line$/,
      '<b>x</b> see https://example.com/docs.',
    ]);
    await expect(roomChat(page).getByTestId('chat-message').nth(1)).toContainText('Bob');
    // HTML is shown as typed, never interpreted; the URL is a link that opens a new tab safely.
    await expect(texts.nth(2).locator('b')).toHaveCount(0);
    const link = texts.nth(2).getByRole('link', { name: 'https://example.com/docs' });
    await expect(link).toHaveAttribute('href', 'https://example.com/docs');
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  }
  // The second line really is a new line inside one message.
  expect(await roomChat(alice).getByTestId('chat-text').nth(1).textContent()).toBe('Hi Alice\nsecond line');
  expect(await messageRows(roomId)).toBe(3);

  // The counter follows the text; the box takes at most 2000 characters.
  const input = roomChat(bob).getByLabel('Message', { exact: true });
  await input.fill('abc');
  await expect(roomChat(bob).getByTestId('chat-count')).toHaveText('3 / 2000 characters');
  await input.fill('y'.repeat(2100));
  await expect(input).toHaveValue('y'.repeat(2000));
  await expect(roomChat(bob).getByTestId('chat-count')).toHaveText('2000 / 2000 characters');
  await input.fill('');

  for (const page of [alice, bob]) {
    await roomCard(page, 'Lounge').getByRole('button', { name: 'Leave' }).click();
    await expect(roomChat(page)).toHaveCount(0);
  }
  await expect.poll(() => messageRows(roomId), { timeout: 5000 }).toBe(0);

  // A new entrant finds the room without history.
  await roomCard(carol, 'Lounge').getByRole('button', { name: 'Drop in' }).click();
  await expect(roomChat(carol).getByTestId('chat-empty')).toHaveText('No messages yet.');
  await expect(roomChat(carol).getByTestId('chat-message')).toHaveCount(0);
  // Alice comes back: what she saw before is gone for her too.
  await roomCard(alice, 'Lounge').getByRole('button', { name: 'Drop in' }).click();
  await expect(roomChat(alice).getByTestId('chat-empty')).toBeVisible();
  await expect(roomChat(alice).getByTestId('chat-message')).toHaveCount(0);
  for (const page of [alice, carol])
    await roomCard(page, 'Lounge').getByRole('button', { name: 'Leave' }).click();
});

/**
 * Records every unread mark the page shows from now on (badges, counts, a count in the tab title), however
 * briefly: a MutationObserver sees each render, where polling could miss one between two looks.
 */
async function watchUnreadMarks(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __unreadMarks: string[] }).__unreadMarks = seen;
    const look = () => {
      for (const el of document.querySelectorAll('.badge.unread, .count-badge'))
        seen.push(`badge: ${el.textContent}`);
      if (/^\(\d/.test(document.title)) seen.push(`title: ${document.title}`);
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __unreadMarks: string[] }).__unreadMarks);
}

test('a workspace message arrives live with an unread badge that clears once it is read', async () => {
  const { alice, bob } = pages;
  await expect(threads(alice).getByText('No conversations yet.', { exact: false })).toBeVisible();

  await threads(bob).getByLabel('Member', { exact: true }).selectOption({ label: 'Alice' });
  await threads(bob).getByRole('button', { name: 'Open conversation' }).click();
  const conversation = threads(bob).getByTestId('thread-conversation');
  await expect(conversation.getByRole('heading', { name: 'Alice' })).toBeFocused();
  await say(conversation, 'Lunch at noon? https://example.com/menu');
  await expect(conversation.getByTestId('chat-text')).toHaveText(['Lunch at noon? https://example.com/menu']);

  // Alice has not opened anything: the thread appears with its unread count.
  await expect(threadButton(alice, 'Bob').getByTestId('unread-badge')).toHaveText('1 unread');
  await expect(threads(alice).getByTestId('threads-unread')).toHaveText('1 unread');
  await threadButton(alice, 'Bob').click();
  const hers = threads(alice).getByTestId('thread-conversation');
  await expect(hers.getByTestId('chat-text')).toHaveText(['Lunch at noon? https://example.com/menu']);
  await expect(hers.getByRole('link', { name: 'https://example.com/menu' })).toBeVisible();
  await expect(threadButton(alice, 'Bob').getByTestId('unread-badge')).toHaveCount(0);
  await expect(threads(alice).getByTestId('threads-unread')).toHaveCount(0);

  // While the conversation is open, a reply arrives live and is read at once.
  await say(hers, 'Sure!');
  await expect(conversation.getByTestId('chat-text')).toHaveText([/Lunch at noon/, 'Sure!']);
  const readsBefore = aliceAnswers.answered('thread:read');
  const marks = await watchUnreadMarks(alice);
  await say(conversation, 'See you');
  await expect(hers.getByTestId('chat-text')).toHaveText([/Lunch at noon/, 'Sure!', 'See you']);
  // Alice's page marks it read by itself once the server counts it unread for her — and until then the
  // open conversation already counts as read: no badge, count or "(1)" in the title, not even for a moment.
  await expect.poll(() => aliceAnswers.answered('thread:read')).toBeGreaterThan(readsBefore);
  expect(await marks()).toEqual([]);
  await expect(threadButton(alice, 'Bob').getByTestId('unread-badge')).toHaveCount(0);

  // The read is remembered by the server.
  await alice.reload();
  await expect(threadButton(alice, 'Bob')).toBeVisible();
  await expect(threadButton(alice, 'Bob').getByTestId('unread-badge')).toHaveCount(0);
});

test('a group conversation with a title reaches every member live', async () => {
  const { alice, bob, carol } = pages;
  const group = threads(alice).getByRole('group', { name: 'Start a group conversation' });
  await group.getByLabel('Bob').check();
  await group.getByLabel('Carol').check();
  await group.getByLabel('Group name (optional)').fill('Launch team');
  await group.getByRole('button', { name: 'Create group' }).click();
  const conversation = threads(alice).getByTestId('thread-conversation');
  await expect(conversation.getByRole('heading', { name: 'Launch team' })).toBeVisible();
  await say(conversation, 'Kick-off tomorrow');
  for (const page of [bob, carol]) {
    await expect(threadButton(page, 'Launch team').getByTestId('unread-badge')).toHaveText('1 unread');
    await threadButton(page, 'Launch team').click();
    await expect(threads(page).getByTestId('thread-conversation').getByTestId('chat-text')).toHaveText([
      'Kick-off tomorrow',
    ]);
    await expect(threadButton(page, 'Launch team').getByTestId('unread-badge')).toHaveCount(0);
  }
});

test('the box empties as a message goes, so the next one can be typed before the first is confirmed', async ({
  browser,
}) => {
  const { alice } = pages;
  // Carol on a second device whose answer to the first `chat:send` is held back for as long as the test likes.
  const context = await browserFor(browser, users.carol);
  const answer = await holdAnswer(context, 'chat:send');
  const carol = await context.newPage();
  await carol.goto(`${server.url}/w/${workspaceId}`);
  await threadButton(carol, 'Launch team').click();
  const conversation = threads(carol).getByTestId('thread-conversation');
  const input = conversation.getByLabel('Message', { exact: true });
  await input.pressSequentially('Slides are up');
  await input.press('Enter');
  await expect(input).toHaveValue('');
  await answer.held;
  await input.pressSequentially('Room 3 at ten');
  answer.release();
  const aliceSees = threads(alice).getByTestId('thread-conversation').getByTestId('chat-text');
  await expect(aliceSees).toHaveText(['Kick-off tomorrow', 'Slides are up']);
  await expect(conversation.getByTestId('chat-text')).toHaveText(['Kick-off tomorrow', 'Slides are up']);
  await expect(input).toHaveValue('Room 3 at ten');
  await input.press('Enter');
  await expect(aliceSees).toHaveText(['Kick-off tomorrow', 'Slides are up', 'Room 3 at ten']);
  await expect(input).toHaveValue('');
  await context.close();
});
