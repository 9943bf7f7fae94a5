import type { Browser, Page, WebSocketRoute } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { PASSWORD } from '../support/accounts';
import { type ApiUser, apiSignUp, apiWorkspace, post } from '../support/apiAccounts';
import { createRoom, dropIn, expectDecoding, expectInRoom, openFloor } from '../support/media';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// Access that ends, as the person sees it (issue 9): removed from a workspace mid-talk, the page leaves
// it within 1 s (camera and microphone released, "You no longer have access to …", the workspace list,
// no reconnect attempts) while their other workspace keeps working; a session ended elsewhere (sign-out
// in another tab, password change, admin sign-out) brings back the sign-in screen saying why.
const BOUND_MS = 1_000;
let server: TestServer;
let mail: SmtpSink;
let aiko: ApiUser; // owner of A
let ben: ApiUser; // member of A and B
let chie: ApiUser; // owner of B
let wsA: string;
let wsB: string;

// Not serial: each test has its own people, so a missed time bound in one does not hide the others.

test.beforeAll(async ({ browser }) => {
  test.setTimeout(60_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  aiko = await apiSignUp(server.url, mail, 'aiko@example.com', 'Aiko');
  ben = await apiSignUp(server.url, mail, 'ben@example.com', 'Ben');
  chie = await apiSignUp(server.url, mail, 'chie@example.com', 'Chie');
  wsA = await apiWorkspace(mail, aiko, 'Studio A', [ben]);
  wsB = await apiWorkspace(mail, chie, 'Studio B', [ben]);
  const owner = await openFloor(browser, server.url, aiko, wsA);
  await createRoom(owner, 'Talk');
  await owner.context().close();
});

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
});

/**
 * Installed before the app loads: records every getUserMedia track (and when it was stopped) and the page
 * clock when the access notice first appears, so the times are exact however slowly the test polls.
 */
function recordAccessEnd() {
  const w = window as unknown as {
    __e2eTracks: MediaStreamTrack[];
    __e2eStoppedAt: number[];
    __e2eNoticeAt?: number;
    __e2eToldAt?: number;
    __e2ePcCloseMs: number;
  };
  w.__e2eTracks = [];
  // How long closing peer connections blocks the page (a cost the bound has to absorb).
  w.__e2ePcCloseMs = 0;
  const pcClose = RTCPeerConnection.prototype.close;
  RTCPeerConnection.prototype.close = function (this: RTCPeerConnection) {
    const t0 = performance.now();
    pcClose.call(this);
    w.__e2ePcCloseMs += performance.now() - t0;
  };
  // When the server's access:ended reached the page (to tell server + network time from the page's).
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        if (!w.__e2eToldAt && typeof e.data === 'string' && e.data.includes('"access:ended"'))
          w.__e2eToldAt = Date.now();
      });
    }
  } as typeof WebSocket;
  w.__e2eStoppedAt = [];
  const gum = MediaDevices.prototype.getUserMedia;
  MediaDevices.prototype.getUserMedia = async function (this: MediaDevices, c?: MediaStreamConstraints) {
    const stream = await gum.call(this, c);
    w.__e2eTracks.push(...stream.getTracks());
    return stream;
  };
  const stop = MediaStreamTrack.prototype.stop;
  MediaStreamTrack.prototype.stop = function (this: MediaStreamTrack) {
    if (this.readyState === 'live' && w.__e2eTracks.includes(this)) w.__e2eStoppedAt.push(Date.now());
    stop.call(this);
  };
  new MutationObserver(() => {
    if (!w.__e2eNoticeAt && document.querySelector('[data-testid="access-notice"]'))
      w.__e2eNoticeAt = Date.now();
  }).observe(document, { childList: true, subtree: true });
}

interface AccessEndTrace {
  tracks: number;
  live: number;
  lastStoppedAt: number | null;
  noticeAt: number | null;
  toldAt: number | null;
  pcCloseMs: number;
}

const trace = (page: Page): Promise<AccessEndTrace> =>
  page.evaluate(() => {
    const w = window as unknown as {
      __e2eTracks: MediaStreamTrack[];
      __e2eStoppedAt: number[];
      __e2eNoticeAt?: number;
      __e2eToldAt?: number;
      __e2ePcCloseMs: number;
    };
    return {
      tracks: w.__e2eTracks.length,
      live: w.__e2eTracks.filter((t) => t.readyState === 'live').length,
      lastStoppedAt: w.__e2eStoppedAt.length ? Math.max(...w.__e2eStoppedAt) : null,
      noticeAt: w.__e2eNoticeAt ?? null,
      toldAt: w.__e2eToldAt ?? null,
      pcCloseMs: Math.round(w.__e2ePcCloseMs),
    };
  });

/** A floor page (openFloor's peer-connection recording) that also records its media tracks and notice. */
async function trackedFloor(browser: Browser, user: ApiUser, workspaceId: string) {
  const page = await openFloor(browser, server.url, user, workspaceId);
  await page.addInitScript(recordAccessEnd);
  await page.reload();
  await expect(page.getByTestId('floor')).toBeVisible();
  return page;
}

/** Drops into Talk with the camera on: the microphone and camera tracks are live. */
async function talkWithCamera(page: Page): Promise<void> {
  await dropIn(page, 'Talk');
  await expectInRoom(page, 'Talk');
  // By keyboard: a remote tile that is still laying itself out can sit over the button for a moment.
  await page.getByTestId('toggle-camera').press('Enter');
  await expect(page.getByTestId('self-camera')).toBeVisible();
  await expect.poll(async () => (await trace(page)).live).toBeGreaterThanOrEqual(2);
}

/** Brings an existing user into a workspace through an emailed invitation. */
async function invite(owner: ApiUser, workspaceId: string, user: ApiUser): Promise<void> {
  const since = mail.messages.length;
  await post(owner.api, `/api/workspaces/${workspaceId}/invitations`, { email: user.email, role: 'member' });
  const token = (await mail.waitFor(user.email, /\/invite\//, since)).text.match(/\/invite\/(\S+)/)![1]!;
  await post(user.api, `/api/invitations/${token}/accept`, {});
}

/** Counts the socket.io CONNECT packets this page sends for a workspace (handshakes, reconnects). */
function countConnects(page: Page, workspaceId: string): () => number {
  let n = 0;
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      if (typeof payload === 'string' && payload.startsWith('40') && payload.includes(workspaceId)) n++;
    }),
  );
  return () => n;
}

/** The page's access-end times, relative to `since` (test clock = page clock: one machine). */
async function elapsed(page: Page, since: number) {
  const t = await trace(page);
  return {
    told: t.toldAt === null ? null : t.toldAt - since,
    notice: t.noticeAt === null ? null : t.noticeAt - since,
    mediaReleased: t.lastStoppedAt === null ? null : t.lastStoppedAt - since,
    liveTracks: t.live,
    pcCloseMs: t.pcCloseMs,
  };
}

test('removed mid-talk: within 1 s the page releases camera and mic, says so and lists the other workspaces; B keeps working', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const admin = await trackedFloor(browser, aiko, wsA);
  const member = await trackedFloor(browser, ben, wsA);
  // Ben also has workspace B open in another window: it must not notice anything.
  const benInB = await openFloor(browser, server.url, ben, wsB);
  await talkWithCamera(admin);
  await talkWithCamera(member);
  await Promise.all([
    expectDecoding(admin, ben.userId, 'camera'),
    expectDecoding(admin, ben.userId, 'audio'),
    expectDecoding(member, aiko.userId, 'camera'),
    expectDecoding(member, aiko.userId, 'audio'),
  ]);
  const talk = admin.getByTestId('room').filter({ has: admin.getByRole('heading', { name: 'Talk' }) });
  await expect(talk.locator(`[data-testid="participant"][data-user-id="${ben.userId}"]`)).toBeVisible();
  const connectsToA = countConnects(member, wsA);

  const sentAt = Date.now();
  const csrf = (await aiko.api.storageState()).cookies.find((c) => c.name === 'tsudoi_csrf')?.value;
  const res = await aiko.api.delete(`/api/workspaces/${wsA}/members/${ben.userId}`, {
    headers: { 'x-csrf-token': csrf ?? '' },
  });
  expect(res.status()).toBe(200);

  // The member's page: the notice, the workspace list without A, no live camera or microphone track.
  const notice = member.getByTestId('access-notice');
  await expect(notice).toHaveAttribute('data-reason', 'removed');
  await expect(notice.getByRole('heading')).toHaveText('You no longer have access to Studio A');
  await expect(notice).toContainText('Your other workspaces are not affected.');
  await expect.poll(async () => (await trace(member)).live).toBe(0);
  const times = await elapsed(member, sentAt);
  const measured = `removed → page told ${times.told} ms, camera+mic stopped ${times.mediaReleased} ms, notice shown ${times.notice} ms (bound ${BOUND_MS} ms; closing peer connections blocked the page ${times.pcCloseMs} ms)`;
  test.info().annotations.push({ type: 'measured', description: measured });
  console.info(measured);
  expect(times.notice).not.toBeNull();
  expect.soft(times.notice!, measured).toBeLessThan(BOUND_MS);
  expect(times.mediaReleased).not.toBeNull();
  expect.soft(times.mediaReleased!, measured).toBeLessThan(BOUND_MS);
  await expect(member).toHaveURL(`${server.url}/`);
  const list = member.getByRole('list', { name: 'Workspaces' });
  await expect(list.getByRole('link', { name: 'Studio B' })).toBeVisible();
  await expect(list.getByRole('link', { name: 'Studio A' })).toHaveCount(0);
  await expect(member.getByTestId('room-view')).toHaveCount(0);

  // The admin's page: Ben has left the room and the floor (no tile, not in Talk, not online).
  await expect(talk.locator(`[data-testid="participant"][data-user-id="${ben.userId}"]`)).toHaveCount(0);
  await expect(admin.locator(`[data-testid="tile"][data-peer="${ben.userId}"]`)).toHaveCount(0);
  await expect(
    admin.locator(`[data-testid="floor-member"][data-user-id="${ben.userId}"][data-online="true"]`),
  ).toHaveCount(0);
  await expect(admin.getByTestId('room-view')).toHaveAttribute('data-phase', 'live');

  // B, untouched in its own window: still connected and live.
  await expect(benInB.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  const chieInB = await openFloor(browser, server.url, chie, wsB);
  await chieInB.getByLabel('Room name').fill('Still here');
  await chieInB.getByRole('button', { name: 'Create room' }).click();
  await expect(benInB.getByRole('heading', { name: 'Still here', exact: true })).toBeVisible();
  // …and usable from the page that lost A: its floor loads and Ben can act there.
  await list.getByRole('link', { name: 'Studio B' }).click();
  await expect(member.getByTestId('floor')).toBeVisible();
  await expect(member.getByTestId('access-notice')).toHaveCount(0);
  const stillHere = chieInB
    .getByTestId('room')
    .filter({ has: chieInB.getByRole('heading', { name: 'Still here', exact: true }) });
  await member
    .getByTestId('room')
    .filter({ has: member.getByRole('heading', { name: 'Still here', exact: true }) })
    .getByRole('button', { name: 'Listen in' })
    .click();
  await expect(stillHere.locator(`[data-testid="participant"][data-user-id="${ben.userId}"]`)).toBeVisible();
  await expect(member.getByTestId('connection')).toHaveAttribute('data-state', 'online');

  // Not one attempt to reconnect to A since the removal, and A stays closed to this session.
  expect(connectsToA()).toBe(0);
  await member.goto(`${server.url}/w/${wsA}`);
  await expect(member.getByRole('alert')).toHaveText('Not found.');
  for (const p of [admin, member, benInB, chieInB]) await p.context().close();
});

test('signed out in another tab: the first tab stops its media and shows sign-in saying why; the signing-out tab says nothing', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const dan = await apiSignUp(server.url, mail, 'dan@example.com', 'Dan');
  await invite(aiko, wsA, dan);
  const first = await trackedFloor(browser, dan, wsA);
  await talkWithCamera(first);
  const second = await first.context().newPage();
  await second.goto(`${server.url}/w/${wsA}`);
  await expect(second.getByTestId('floor')).toBeVisible();
  const connects = countConnects(first, wsA);

  await second.getByRole('button', { name: /^User menu/ }).click();
  const sentAt = Date.now();
  await second.getByRole('menuitem', { name: 'Sign out' }).click();
  const notice = first.getByTestId('access-notice');
  await expect(notice).toHaveAttribute('data-reason', 'signedOut');
  await expect(notice).toContainText('You signed out in another tab or window. Sign in again to continue.');
  await expect(first.getByRole('heading', { name: 'Sign in', exact: true })).toBeVisible();
  await expect.poll(async () => (await trace(first)).live).toBe(0);
  const times = await elapsed(first, sentAt);
  const measured = `sign-out click in tab 2 → tab 1 told ${times.told} ms, camera+mic stopped ${times.mediaReleased} ms, notice shown ${times.notice} ms (bound ${BOUND_MS} ms; closing peer connections blocked the page ${times.pcCloseMs} ms)`;
  test.info().annotations.push({ type: 'measured', description: measured });
  console.info(measured);
  expect.soft(times.notice!, measured).toBeLessThan(BOUND_MS);
  expect.soft(times.mediaReleased!, measured).toBeLessThan(BOUND_MS);
  // The tab that signed out shows sign-in without explaining its own act.
  await expect(second.getByRole('heading', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(second.getByTestId('access-notice')).toHaveCount(0);

  // No reconnect attempt meanwhile. Signing in again clears the notice and reopens the workspace page.
  expect(connects()).toBe(0);
  await first.getByLabel('Email').fill(dan.email);
  await first.getByLabel('Password').fill(PASSWORD);
  const since = mail.messages.length;
  await first.getByRole('button', { name: 'Sign in', exact: true }).click();
  await first.getByLabel('Code', { exact: true }).fill(await mail.otpFor(dan.email, since));
  await first.getByRole('button', { name: 'Verify' }).click();
  await expect(first.getByTestId('floor')).toBeVisible();
  await expect(first.getByTestId('access-notice')).toHaveCount(0);
  await first.context().close();
});

test('a password change elsewhere: the open page shows sign-in with the reason, in Japanese', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const eve = await apiSignUp(server.url, mail, 'eve@example.com', 'Eve');
  await invite(aiko, wsA, eve);
  const page = await openFloor(browser, server.url, eve, wsA);
  await page.evaluate(() => localStorage.setItem('tsudoi.lang', 'ja'));
  await page.reload();
  await expect(page.getByTestId('floor')).toBeVisible();
  await post(eve.api, '/api/account/password', {
    currentPassword: PASSWORD,
    newPassword: 'a brand new passphrase 7',
  });
  const notice = page.getByTestId('access-notice');
  await expect(notice).toHaveAttribute('data-reason', 'passwordChanged');
  await expect(notice).toContainText('パスワードが変更されたため、すべての端末でサインアウトしました。');
  await expect(page.getByRole('heading', { name: 'サインイン', exact: true })).toBeVisible();
  await page.context().close();
});

test('an administrator signs a member out: the page says so on the sign-in screen', async ({ browser }) => {
  const fay = await apiSignUp(server.url, mail, 'fay@example.com', 'Fay');
  await invite(aiko, wsA, fay);
  const page = await openFloor(browser, server.url, fay, wsA);
  await post(aiko.api, `/api/workspaces/${wsA}/members/${fay.userId}/signout`, {});
  const notice = page.getByTestId('access-notice');
  await expect(notice).toHaveAttribute('data-reason', 'signedOutByAdmin');
  await expect(notice).toContainText('An administrator signed you out.');
  await expect(page.getByRole('heading', { name: 'Sign in', exact: true })).toBeVisible();
  await page.context().close();
});

test('a reconnect refused because access ended meanwhile: the same notice and list, and no more attempts', async ({
  browser,
}) => {
  const gil = await apiSignUp(server.url, mail, 'gil@example.com', 'Gil');
  await invite(aiko, wsA, gil);
  const page = await openFloor(browser, server.url, gil, wsA);
  // Every socket.io connection goes through this route (set before the app loads, which it then does
  // again): CONNECT packets for A are counted, and new connections can be held back.
  let held: Promise<void> | undefined;
  let last: { page: WebSocketRoute; server: WebSocketRoute } | undefined;
  let connects = 0;
  await page.routeWebSocket(/\/socket\.io\//, async (ws) => {
    if (held) await held;
    const upstream = ws.connectToServer();
    last = { page: ws, server: upstream };
    ws.onMessage((m) => {
      if (typeof m === 'string' && m.startsWith('40') && m.includes(wsA)) connects++;
      upstream.send(m);
    });
  });
  await page.reload();
  await expect(page.getByTestId('floor')).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'online');

  // The connection drops (no word from the server): socket.io reconnects on its own — held back until
  // the membership is gone, so the reconnect surely meets the ended access.
  let release!: () => void;
  held = new Promise<void>((resolve) => {
    release = resolve;
  });
  connects = 0;
  await last!.server.close();
  await last!.page.close();
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'connecting');
  const csrf = (await aiko.api.storageState()).cookies.find((c) => c.name === 'tsudoi_csrf')?.value;
  const res = await aiko.api.delete(`/api/workspaces/${wsA}/members/${gil.userId}`, {
    headers: { 'x-csrf-token': csrf ?? '' },
  });
  expect(res.status()).toBe(200);
  release();

  const notice = page.getByTestId('access-notice');
  await expect(notice).toHaveAttribute('data-reason', 'noAccess');
  await expect(notice.getByRole('heading')).toHaveText('You no longer have access to Studio A');
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByRole('heading', { name: 'Workspaces' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Studio A' })).toHaveCount(0);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  // The refused handshake was the one and last attempt for A.
  expect(connects).toBe(1);
  await page.context().close();
});
