import { type RunningRedis, startRedisServer } from '../../apps/server/src/testing/redisServer';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import {
  createRoom,
  dropIn,
  expectInRoom,
  expectMediaEverywhere,
  openFloor,
  opsStats,
} from '../support/media';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// Issue 14: a room bigger than one node. Two server processes (one store, one real redis-server) each
// carry one peer per room (MEDIA_PEERS_PER_WORKER=1, one worker): the room's host (A) is full with Dai, so
// Emi's page, served by node B, is held by B — linked to A by PipeTransports. Real Chromium on each node
// decodes the other's camera and receives their microphone through the link.
const OPS_TOKEN = 'e2e-ops-token-across-0123456789';
/** Set-up plus the media path (join, link, pipes, ICE): generous for a busy machine; not a product bound. */
const MEDIA_MS = 30_000;

let redis: RunningRedis;
let mail: SmtpSink;
let nodeA: TestServer;
let nodeB: TestServer;
let users: ApiUser[];
let workspaceId: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  redis = await startRedisServer();
  mail = await SmtpSink.start();
  const shared = {
    SMTP_URL: mail.url,
    DEV_MAIL_INBOX: '0',
    OPS_TOKEN,
    REDIS_URL: redis.url,
    MEDIA_PEERS_PER_WORKER: '1',
  };
  nodeA = await startServer({ ...shared, NODE_ID: 'node-a' });
  // Node B: A's store (its DATA_DIR, or the same Firestore project), the same Redis.
  nodeB = await startServer({ ...nodeA.env, DATA_DIR: nodeA.dataDir, NODE_ID: 'node-b' });
  users = [];
  for (const name of ['Dai', 'Emi'])
    users.push(await apiSignUp(nodeA.url, mail, `${name.toLowerCase()}@example.com`, name));
  workspaceId = await apiWorkspace(mail, users[0]!, 'All Hands Lab', users.slice(1));
});

test.afterAll(async () => {
  await nodeB?.stop();
  await nodeA?.stop();
  await redis?.dispose();
  await mail?.close();
  for (const u of users ?? []) await u.api.dispose();
});

test('a full room grows onto the other node: pages on two nodes decode each other through the link', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const [dai, emi] = users as [ApiUser, ApiUser];
  const onA = await openFloor(browser, nodeA.url, dai, workspaceId);
  await createRoom(onA, 'All hands');
  await dropIn(onA, 'All hands');
  await expectInRoom(onA, 'All hands');
  const onB = await openFloor(browser, nodeB.url, emi, workspaceId);
  await dropIn(onB, 'All hands');
  await expectInRoom(onB, 'All hands');

  for (const page of [onA, onB]) {
    await page.getByTestId('toggle-camera').click();
    await expect(page.getByTestId('self-camera')).toBeVisible();
  }
  await expectMediaEverywhere([onA, onB], [dai.userId, emi.userId], MEDIA_MS);
  // A hosts the room with Dai and a link; B holds Emi as the room's satellite (one peer each: the cap).
  const [a, b] = [(await opsStats(nodeA.url, OPS_TOKEN)).media, (await opsStats(nodeB.url, OPS_TOKEN)).media];
  expect(a).toMatchObject({ rooms: 1, peers: 1, links: 1, satellites: 0 });
  expect(b).toMatchObject({ rooms: 1, peers: 1, links: 1, satellites: 1 });
});
