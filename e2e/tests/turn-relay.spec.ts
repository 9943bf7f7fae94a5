import type { Page } from '@playwright/test';
import { freeUdpTcpPorts } from '../../apps/server/src/testing/freePorts';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { type RunningTurn, startTurnServer } from '../../apps/server/src/testing/turnServer';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { createRoom, dropIn, expectDecoding, inbound, openFloor } from '../support/media';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// Issue 14: people behind firewalls that let nothing but TCP to a TURN server through. Chromium is told to
// use relay-only ICE (MEDIA_FORCE_RELAY=1, a test setting the server refuses in production) and still
// decodes the other person's camera and microphone, relayed by a real coturn (Debian's, on loopback, its
// production configuration plus the loopback peer allowed for this test only) with the credential Tsudoi
// minted for each user. With a wrong TURN secret the relay refuses the page and it says media cannot get through.
const SECRET = 'e2e-turn-secret-0123456789';
let turn: RunningTurn;
let server: TestServer;
let mail: SmtpSink;
let users: ApiUser[];
let workspaceId: string;
let rtcPort: number;

test.describe.configure({ mode: 'serial' });

const serverEnv = (secret: string) => ({
  SMTP_URL: mail.url,
  DEV_MAIL_INBOX: '0',
  RTC_PORT: String(rtcPort),
  TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=tcp`,
  TURN_SECRET: secret,
  MEDIA_FORCE_RELAY: '1',
});

test.beforeAll(async ({ browser }) => {
  test.setTimeout(60_000);
  turn = await startTurnServer(SECRET);
  mail = await SmtpSink.start();
  rtcPort = await freeUdpTcpPorts(1);
  server = await startServer(serverEnv(SECRET));
  users = [];
  for (const name of ['Gen', 'Hana'])
    users.push(await apiSignUp(server.url, mail, `${name.toLowerCase()}@example.com`, name));
  workspaceId = await apiWorkspace(mail, users[0]!, 'Firewall Lab', users.slice(1));
  const owner = await openFloor(browser, server.url, users[0]!, workspaceId);
  await createRoom(owner, 'Talk');
  await owner.context().close();
});

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
  await turn?.stop();
  for (const u of users ?? []) await u.api.dispose();
});

/** The ICE candidates of every connected peer connection's selected pair (what the browser really uses). */
function selectedPairs(page: Page): Promise<Array<{ local: string; remote: string; remotePort: number }>> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __e2ePcs: RTCPeerConnection[] }).__e2ePcs;
    const out: Array<{ local: string; remote: string; remotePort: number }> = [];
    for (const pc of pcs) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((s) => {
        byId.set(s.id, s);
      });
      stats.forEach((s) => {
        if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
        const pair = byId.get(s.selectedCandidatePairId);
        const local = byId.get(pair?.localCandidateId as string);
        const remote = byId.get(pair?.remoteCandidateId as string);
        out.push({
          local: String(local?.candidateType),
          remote: String(remote?.candidateType),
          remotePort: Number(remote?.port),
        });
      });
    }
    return out;
  });
}

async function talk(browser: Parameters<typeof openFloor>[0]): Promise<Page[]> {
  const pages = await Promise.all(users.map((u) => openFloor(browser, server.url, u, workspaceId)));
  for (const page of pages) {
    await dropIn(page, 'Talk');
    await page.getByTestId('toggle-camera').click();
    await expect(page.getByTestId('self-camera')).toBeVisible();
  }
  return pages;
}

test('relay-only ICE through coturn over TCP: both pages decode each other, on relay candidates only', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const pages = await talk(browser);
  try {
    const [a, b] = [users[0]!, users[1]!];
    await Promise.all([
      expectDecoding(pages[0]!, b.userId, 'camera', 30_000),
      expectDecoding(pages[0]!, b.userId, 'audio', 30_000),
      expectDecoding(pages[1]!, a.userId, 'camera', 30_000),
      expectDecoding(pages[1]!, a.userId, 'audio', 30_000),
    ]);
    for (const page of pages) {
      const pairs = await selectedPairs(page);
      // A send and a receive transport, each connected through a relay candidate to the SFU's one port.
      expect(pairs.length, JSON.stringify(pairs)).toBeGreaterThanOrEqual(2);
      for (const p of pairs) {
        expect(p.local, JSON.stringify(pairs)).toBe('relay');
        expect(p.remotePort, JSON.stringify(pairs)).toBe(rtcPort);
      }
    }
    // Each page allocated with the credential minted in its user's name.
    for (const u of users)
      expect(turn.output()).toMatch(
        new RegExp(`user <\\d+:${u.userId}>: incoming packet ALLOCATE processed, success`),
      );
  } finally {
    await Promise.all(pages.map((p) => p.context().close()));
  }
});

/** A visitor (not signed in) runs the pre-join connection check; resolves with its status element. */
async function connectionCheck(browser: Parameters<typeof openFloor>[0]) {
  const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
  await page.goto(server.url);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  await page.getByRole('button', { name: 'Start connection check' }).click();
  return { page, status: page.getByTestId('check-status') };
}

test("a visitor's connection check gets through the relay as well (relay-only ICE, a check-only credential)", async ({
  browser,
}) => {
  const { page, status } = await connectionCheck(browser);
  try {
    await expect(status).toHaveAttribute('data-phase', 'ok', { timeout: 30_000 });
    // Relay-only ICE: the check's transport connected through an allocation of a check-only user.
    expect(turn.output()).toMatch(
      /user <\d+:check-[A-Za-z0-9_-]{12}>: incoming packet ALLOCATE processed, success/,
    );
  } finally {
    await page.context().close();
  }
});

test('a wrong TURN secret: the relay refuses the credential, no media arrives and the page says so', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  // The same people and room; only the server's TURN secret no longer matches coturn's.
  await server.stop();
  server = await startServer({
    ...serverEnv('not-the-coturn-secret-99'),
    DATA_DIR: server.dataDir,
    PORT: new URL(server.url).port,
  });
  const pages = await talk(browser);
  try {
    for (const page of pages) {
      await expect(page.getByTestId('room-view').getByRole('alert')).toContainText(
        'Media cannot get through your network',
        { timeout: 45_000 },
      );
    }
    const other = [users[1]!, users[0]!];
    for (const [i, page] of pages.entries()) {
      const camera = await inbound(page, other[i]!.userId, 'camera');
      expect(camera?.framesDecoded ?? 0).toBe(0);
      expect(await selectedPairs(page)).toEqual([]);
    }
    // coturn refused the pages' credentials (made with the wrong secret).
    for (const u of users)
      expect(turn.output()).toMatch(
        new RegExp(`user <\\d+:${u.userId}>: incoming packet message processed, error 401`),
      );
  } finally {
    await Promise.all(pages.map((p) => p.context().close()));
  }
  // The connection check fails the same way, and says the network is in the way.
  const { page, status } = await connectionCheck(browser);
  try {
    await expect(status).toHaveAttribute('data-phase', 'failed', { timeout: 30_000 });
    await expect(status).toContainText('Your network did not let the audio through');
  } finally {
    await page.context().close();
  }
});
