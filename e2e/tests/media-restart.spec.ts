import type { Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import {
  createRoom,
  dropIn,
  expectInRoom,
  expectMediaEverywhere,
  flows,
  mediaTrace,
  openFloor,
  opsStats,
  traceLine,
} from '../support/media';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// Issue 9 (R21): a server restart during a talk — a clean stop (SIGTERM) or a crash (SIGKILL) — must bring
// media back on EVERY page: each page decodes every other participant's camera and receives their audio
// within 10 s of the new server listening. Ten restarts in a row, alternating the signal; each restart
// comes as soon as the previous one has recovered, so some land while a page is still settling.
const RESTARTS = 10;
/** The product bound: media back on every page within 10 s of the server listening again. */
const RECOVERY_MS = 10_000;
const OPS_TOKEN = 'e2e-ops-token-restart-0123456789';

let server: TestServer;
let mail: SmtpSink;
let users: ApiUser[];
let workspaceId: string;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(60_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0', OPS_TOKEN });
  users = [];
  for (const name of ['Dai', 'Emi', 'Fumi'])
    users.push(await apiSignUp(server.url, mail, `${name.toLowerCase()}@example.com`, name));
  workspaceId = await apiWorkspace(mail, users[0]!, 'Restart Lab', users.slice(1));
  const owner = await openFloor(browser, server.url, users[0]!, workspaceId);
  await createRoom(owner, 'Talk');
  await owner.context().close();
});

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
  for (const u of users ?? []) await u.api.dispose();
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** What each page shows and receives, and what the server holds: the failure message of a restart. */
async function diagnosis(pages: Page[]): Promise<string> {
  const phases = await Promise.all(
    pages.map((p) =>
      p
        .getByTestId('room-view')
        .getAttribute('data-phase', { timeout: 1_000 })
        .catch(() => null),
    ),
  );
  const received = await Promise.all(pages.map((p) => flows(p).catch(() => null)));
  const media = (await opsStats(server.url, OPS_TOKEN).catch(() => null))?.media;
  return JSON.stringify({ phases, received, server: media });
}

test(`${RESTARTS} server restarts (SIGTERM and SIGKILL) mid-talk: media back on every page within 10 s each time`, async ({
  browser,
}) => {
  // Ten restarts, each a start-up (seconds on a busy machine) plus the 10 s recovery bound: the bound that
  // matters is asserted per restart below; this only stops a hung run.
  test.setTimeout(600_000);
  const pages: Page[] = await Promise.all(users.map((u) => openFloor(browser, server.url, u, workspaceId)));
  for (const page of pages) {
    await dropIn(page, 'Talk');
    await expectInRoom(page, 'Talk');
    await page.getByTestId('toggle-camera').click();
    await expect(page.getByTestId('self-camera')).toBeVisible();
  }
  const peerIds = users.map((u) => u.userId);
  await expectMediaEverywhere(pages, peerIds, 30_000);

  const recoveries: number[] = [];
  for (let i = 1; i <= RESTARTS; i++) {
    // Odd restarts crash the process (SIGKILL: nothing is closed cleanly); even ones stop it (SIGTERM).
    const signal = i % 2 ? 'SIGKILL' : 'SIGTERM';
    // The tracks playing now: every track after the restart is a new one that starts from nothing.
    const before = new Set(
      (await Promise.all(pages.map((p) => flows(p)))).flatMap((f) => Object.values(f).map((x) => x.trackId)),
    );
    const stoppedAt = Date.now();
    server = await server.restart(signal);
    const listened = server.listenedAt;
    let seen: Map<string, number>;
    try {
      seen = await expectMediaEverywhere(pages, peerIds, RECOVERY_MS - (Date.now() - listened), [], before);
    } catch (err) {
      // How late it really was: keep watching (up to 20 s more) so the report names the time, not just "over".
      const late = await expectMediaEverywhere(pages, peerIds, 20_000, [], before).then(
        (s) => `media seen on every page by ${Math.max(...s.values()) - listened} ms after listening`,
        () => 'media still not back 20 s later',
      );
      const traces = await Promise.all(
        pages.map(
          async (page, p) => `page ${p}: ${traceLine(await mediaTrace(page, stoppedAt), listened, [])}`,
        ),
      );
      throw new Error(
        `restart ${i} (${signal}): media not back on every page within ${RECOVERY_MS} ms of listening (${late})\n${await diagnosis(
          pages,
        )}\n${traces.join('\n')}\n${(err as Error).message}\n--- server output ---\n${server.output().slice(-3000)}`,
      );
    }
    const recoveredMs = Math.max(...seen.values()) - listened;
    recoveries.push(recoveredMs);
    test.info().annotations.push({
      type: `restart ${i} (${signal}): media back (ms)`,
      description: String(recoveredMs),
    });
    console.log(`restart ${i} (${signal}): media back on every page ${recoveredMs} ms after listening`);
    // Where the time went on each page (ms after listening), for docs/BENCHMARKS.md.
    for (const [p, page] of pages.entries()) {
      const mine = [...seen]
        .filter(([k]) => k.startsWith(`${p}#`))
        .map(([k, at]) => [k.slice(2), at] as [string, number]);
      console.log(`  page ${p}: ${traceLine(await mediaTrace(page, stoppedAt), listened, mine)}`);
    }
    expect(recoveredMs, `restart ${i}`).toBeLessThan(RECOVERY_MS);
  }
  // Still flowing once the last restart settled (nothing came back only for a moment).
  await expectMediaEverywhere(pages, peerIds, RECOVERY_MS);

  const worst = Math.max(...recoveries);
  const summary = `worst ${worst} ms, median ${median(recoveries)} ms, margin ${RECOVERY_MS - worst} ms of ${RECOVERY_MS} ms`;
  test.info().annotations.push({ type: 'restart recovery', description: summary });
  console.log(`restart recovery over ${RESTARTS} restarts: ${summary}`);
  await Promise.all(pages.map((p) => p.context().close()));
});
