import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastPurgeHourAtOrBefore } from '../retention/policy.js';
import type { PurgeRunTiming } from '../retention/scheduler.js';
import type { ApiClient } from '../testing/apiClient.js';
import { LogCapture } from '../testing/logCapture.js';
import { type RunningRedis, redisAvailable, startRedisServer } from '../testing/redisServer.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

/**
 * R23 "the 01:00 job runs once across the two nodes": two app instances over one store (with
 * `TEST_STORE=firestore`, the Firestore emulator; else one SQLite file) and, when installed, one Redis — both
 * clocks at 01:00 Asia/Tokyo. The retention purge runs exactly once (reports, the access log's purge entries,
 * the run metric, the operator log); when the node holding the lease dies, the other takes over once the
 * lease expires.
 */

const DAY = 86_400_000;
const ZONE = 'Asia/Tokyo';
const LEASE = 'retention.purge';
const LEASE_TTL_MS = 5 * 60_000; // RetentionScheduler's default

interface Node {
  t: TestApp;
  logs: LogCapture;
  runs: PurgeRunTiming[];
  /** How far the node's clock is ahead of the real one. */
  offset: number;
  closed: boolean;
}

describe('the 01:00 retention purge across two nodes', () => {
  let redis: RunningRedis | undefined;
  let a: Node;
  let b: Node;
  let aiko: ApiClient;
  let wsId: string;
  let aikoId: string;
  let seq = 0;
  let youngId = '';

  const node = async (env: Record<string, string>): Promise<Node> => {
    const logs = new LogCapture();
    const t = await startTestApp(
      { LOG_LEVEL: 'info', ...(redis ? { REDIS_URL: redis.url } : {}), ...env },
      { logStream: logs },
    );
    const runs: PurgeRunTiming[] = [];
    t.app.retention.runs.on('finished', (r) => runs.push(r));
    return { t, logs, runs, offset: 0, closed: false };
  };

  /** The node's clock now. */
  const clockOf = (n: Node) => Date.now() + n.offset;
  /** Moves a node's clock to `at` (forward only). */
  const setClock = (n: Node, at: number) => {
    const delta = at - clockOf(n);
    n.t.advance(delta);
    n.offset += delta;
  };

  /** A thread with `count` messages sent `ageDays` before `now` (through the store, sealed as usual). */
  const oldThread = async (now: number, ageDays: number, count = 3) => {
    const id = `night-thread-${++seq}`;
    const sentAt = now - ageDays * DAY;
    await a.t.app.store.messages.createThread({
      workspaceId: wsId,
      id,
      type: 'group',
      memberIds: [aikoId],
      createdAt: new Date(sentAt - DAY).toISOString(),
    });
    for (let i = 0; i < count; i++) {
      await a.t.app.store.messages.append({
        id: `${id}-m${i}`,
        workspaceId: wsId,
        conversationId: id,
        senderId: aikoId,
        text: `old ${i}`,
        sentAt: new Date(sentAt + i * 1_000).toISOString(),
      });
    }
    return id;
  };
  const left = async (threadId: string) => (await b.t.app.store.messages.list(wsId, threadId)).length;
  const purgeEntries = async () =>
    (await b.t.app.store.accessLog.list({ workspaceId: wsId, type: 'retention.purge' })).length;
  const finishedLines = (n: Node) => n.logs.entries.filter((e) => e.msg === 'retention: run finished').length;

  beforeAll(async () => {
    redis = redisAvailable() ? await startRedisServer() : undefined;
    a = await node({ NODE_ID: 'node-a' });
    b = await node({ ...a.t.storeEnv, NODE_ID: 'node-b' });
    aiko = await a.t.signedInUser('aiko-night@example.com');
    wsId = (await aiko.post('/api/workspaces', { name: 'Night Co' })).body.id;
    aikoId = (await aiko.get('/api/session')).body.user.id;
  }, 180_000);
  afterAll(async () => {
    if (b && !b.closed) await b.t.close();
    if (a && !a.closed) await a.t.close();
    await redis?.dispose();
  });

  it('both nodes at 01:00 Asia/Tokyo: the purge runs exactly once', async () => {
    const now = clockOf(a);
    const oneAm = lastPurgeHourAtOrBefore(new Date(now + 32 * DAY), ZONE).getTime();
    const threadId = await oldThread(oneAm, 31);
    const young = await oldThread(oneAm, 20, 1); // younger than 30 days: kept (both nights)
    setClock(a, oneAm + 5_000);
    setClock(b, oneAm + 5_000);

    // Each node's 01:00 cron fires (croner calls runZone) at the same moment.
    const reports = await Promise.all([a.t.app.retention.runZone(ZONE), b.t.app.retention.runZone(ZONE)]);
    expect(reports.filter((r) => r.status === 'ran')).toHaveLength(1);
    expect(['locked', 'already-ran']).toContain(reports.find((r) => r.status !== 'ran')?.status);
    expect(reports.reduce((n, r) => n + r.messages, 0)).toBe(3);
    expect(await left(threadId)).toBe(0);
    expect(await left(young)).toBe(1);
    youngId = young;
    expect(await purgeEntries()).toBe(1);
    const ran = [...a.runs, ...b.runs].filter((r) => r.kind === 'nightly' && r.status === 'ran');
    expect(ran).toHaveLength(1);
    expect(finishedLines(a) + finishedLines(b)).toBe(1);

    // Later that night both see the recorded run: the start-up catch-up and the 15-minute check do nothing.
    setClock(a, oneAm + 20 * 60_000);
    setClock(b, oneAm + 20 * 60_000);
    expect(await a.t.app.retention.runDue()).toEqual([]);
    expect(await b.t.app.retention.runDue()).toEqual([]);
    expect(await purgeEntries()).toBe(1);
  }, 120_000);

  it('the node holding the lease dies: the other purges once the lease expired, and only then', async () => {
    const now = clockOf(b);
    const oneAm = lastPurgeHourAtOrBefore(new Date(now + DAY), ZONE).getTime(); // the next night's 01:00
    const threadId = await oldThread(oneAm, 40);
    const before = await purgeEntries();
    // Node a's run takes the lease at 01:00 and the process dies before it releases it.
    expect(
      await a.t.app.store.leases.tryAcquire(LEASE, 'retention-node-a', new Date(oneAm), LEASE_TTL_MS),
    ).toBe(true);
    await a.t.close();
    a.closed = true;

    setClock(b, oneAm + 5_000);
    expect(await b.t.app.retention.runZone(ZONE)).toMatchObject({ status: 'locked', messages: 0 });
    expect(await left(threadId)).toBe(3);
    // Still held a second before it expires.
    setClock(b, oneAm + LEASE_TTL_MS - 1_000);
    expect(await b.t.app.retention.runDue()).toMatchObject([{ status: 'locked' }]);

    // Expired: node b's retry (or its 15-minute check) takes over.
    setClock(b, oneAm + LEASE_TTL_MS + 1_000);
    const takeover = await b.t.app.retention.runDue();
    expect(takeover).toMatchObject([{ status: 'ran', messages: 3 }]);
    expect(await left(threadId)).toBe(0);
    expect(await left(youngId)).toBe(1);
    expect(await purgeEntries()).toBe(before + 1);
    expect(await b.t.app.retention.runDue()).toEqual([]);
  }, 120_000);
});
