import type { FloorChanged } from '@tsudoi/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { nextPresence } from '../testing/floorPushes.js';
import {
  REDIS_MISSING,
  type RunningRedis,
  redisAvailable,
  startRedisServer,
} from '../testing/redisServer.js';
import { nextEvent, type TestSockets } from '../testing/sockets.js';
import type { TestApp } from '../testing/testApp.js';
import { startTwoNodes } from '../testing/twoNodes.js';
import { EventStream, FLOOR_EVENTS_STREAM } from './eventStream.js';
import { closeRedis, createRedisClient } from './redisClient.js';
import type { SharedEvent } from './sharedEvents.js';

/** Several nodes when Redis falters: the floor's event stream and the shared floor recover. */
const skip = !redisAvailable();
if (skip) console.warn(REDIS_MISSING);
const quiet = { info() {}, warn() {} };

let redis: RunningRedis;
beforeAll(async () => {
  if (!skip) redis = await startRedisServer();
}, 60_000);
afterAll(() => redis?.dispose());

describe.skipIf(skip)('the floor event stream', () => {
  it('reads on from where it stopped after its connection dropped: events written meanwhile arrive, in order', async () => {
    const reader = createRedisClient({
      url: redis.url,
      role: 'floor-events',
      log: quiet,
      commandTimeoutMs: 5_000,
      extra: { maxRetriesPerRequest: null },
    });
    const writer = createRedisClient({ url: redis.url, role: 'test-writer', log: quiet });
    const got: SharedEvent[] = [];
    const stream = new EventStream({ redis: reader, onEvent: (e) => got.push(e), log: quiet, blockMs: 500 });
    const readerId = await reader.client('ID');
    await stream.start();
    const event = (seq: number) =>
      JSON.stringify({ k: 'presence', ws: 'w1', seq, node: 'n1', userId: `u${seq}`, off: true });
    await writer.xadd(FLOOR_EVENTS_STREAM, '*', 'e', event(1));
    await expect.poll(() => got.length).toBe(1);
    // The reader's connection is cut; three events are written before it is back (≥ 100 ms back-off).
    await writer.client('KILL', 'ID', String(readerId));
    for (const seq of [2, 3, 4]) await writer.xadd(FLOOR_EVENTS_STREAM, '*', 'e', event(seq));
    // A malformed entry is skipped, not applied, and does not stop the reader.
    await writer.xadd(FLOOR_EVENTS_STREAM, '*', 'e', '{"k":"rooms"}');
    await writer.xadd(FLOOR_EVENTS_STREAM, '*', 'e', event(5));
    await expect.poll(() => got.map((e) => e.seq), { timeout: 10_000 }).toEqual([1, 2, 3, 4, 5]);
    await stream.stop();
    await closeRedis(writer);
  }, 30_000);
});

describe.skipIf(skip)('two nodes when Redis is down and comes back empty', () => {
  const GRACE_MS = 2_000;
  let nodeA: TestApp;
  let nodeB: TestApp;
  let onA: TestSockets;
  let onB: TestSockets;
  let owner: ApiClient;
  let aki: ApiClient;
  let wsId: string;

  beforeAll(async () => {
    // Node B: the same store (same DATA_DIR / Firestore project), the same Redis.
    ({ nodeA, nodeB, onA, onB } = await startTwoNodes(redis.url, ['outage-a', 'outage-b'], {
      PRESENCE_GRACE_MS: String(GRACE_MS),
    }));
    owner = await nodeA.signedInUser('outage-owner@example.com');
    wsId = (await owner.post('/api/workspaces', { name: 'Outage Co' })).body.id;
    aki = await nodeA.joinedMember(owner, wsId, 'outage-aki@example.com');
  }, 180_000);
  afterEach(() => {
    onA?.closeAll();
    onB?.closeAll();
  });
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
  }, 60_000);

  it('refuses room changes while Redis is down (UNAVAILABLE), then both nodes put their people back', async () => {
    const a = await onA.open(owner, wsId);
    const b = await onB.open(aki, wsId);
    const roomId = (await a.s.emitWithAck('room:create', { name: 'Survives', capacity: 2 })).data
      .id as string;
    const other = (await a.s.emitWithAck('room:create', { name: 'Elsewhere' })).data.id as string;
    await expect
      .poll(
        () =>
          nodeB.app.floors.peek(wsId)?.floor.rooms.filter((r) => r.id === roomId || r.id === other).length,
      )
      .toBe(2);
    expect((await a.s.emitWithAck('room:join', { roomId })).ok).toBe(true);
    expect((await b.s.emitWithAck('room:join', { roomId })).ok).toBe(true);
    await expect.poll(() => nodeA.app.floors.peek(wsId)?.floor.room(roomId).size).toBe(2);

    await redis.stop();
    expect(redis.pid).toBeUndefined(); // really down
    // What a person sees: the request is refused with a clear, retryable error; their room is unchanged.
    expect(await b.s.emitWithAck('room:join', { roomId: other })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
    expect(nodeB.app.floors.peek(wsId)?.floor.roomOf((await aki.get('/api/session')).body.user.id)?.id).toBe(
      roomId,
    );

    await redis.start(); // empty: no persistence
    // Each node notices Redis forgot it (heartbeat) and publishes its own people and their rooms again.
    const probe = createRedisClient({ url: redis.url, role: 'test-probe', log: quiet });
    await expect
      .poll(
        async () => [await probe.hlen(`floor:${wsId}:room:${roomId}`), await probe.hlen(`presence:${wsId}`)],
        { timeout: 15_000, interval: 200 },
      )
      .toEqual([2, 2]);
    await closeRedis(probe);
    const snap = (await onA.open(owner, wsId)).snapshot;
    expect(snap.rooms.find((r) => r.id === roomId)?.participants).toHaveLength(2);
    expect(snap.members.filter((m) => m.online)).toHaveLength(2);
    // Shared decisions work again: the room's capacity of 2 is enforced across nodes.
    const c = await onA.open(await nodeA.joinedMember(owner, wsId, 'outage-cho@example.com'), wsId);
    expect(await c.s.emitWithAck('room:join', { roomId })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    const b2 = await onB.open(aki, wsId);
    // A move is one floor:changed with both rooms; node A's page sees the seat free up.
    const moved = nextEvent<FloorChanged>(c.s, 'floor:changed', (ch) => ch.rooms.some((r) => r.id === other));
    expect((await b2.s.emitWithAck('room:join', { roomId: other })).ok).toBe(true);
    expect((await moved).rooms.find((r) => r.id === roomId)?.participants).toHaveLength(1);
    expect((await c.s.emitWithAck('room:join', { roomId })).ok).toBe(true);
  }, 90_000);
  it('Redis down for a moment, back with its data: who left and who arrived meanwhile is shown right', async () => {
    const a = await onA.open(owner, wsId);
    const akiId = (await aki.get('/api/session')).body.user.id as string;
    const cho = await nodeA.joinedMember(owner, wsId, 'outage-fumi@example.com');
    const choId = (await cho.get('/api/session')).body.user.id as string;
    const leaving = await onB.open(aki, wsId);
    await expect.poll(() => nodeA.app.scaling?.presence.isOnline(wsId, akiId)).toBe(true);
    const probe = createRedisClient({ url: redis.url, role: 'test-probe', log: quiet });
    await probe.save(); // what a Redis with persistence keeps over a restart
    await closeRedis(probe);
    // Aki's page closes just before Redis goes; their grace period ends while it is down.
    leaving.s.close();
    await redis.stop();
    await expect.poll(() => nodeB.app.scaling?.presence.unsentWrites, { timeout: GRACE_MS * 4 }).toBe(1);
    // Fumi arrives on node A meanwhile (the page opens; Redis does not know yet).
    await onA.open(cho, wsId);
    const akiGone = nextPresence(a.s, (p) => p.userId === akiId && !p.online);
    await redis.start();
    await akiGone;
    await expect
      .poll(() => nodeB.app.scaling?.presence.isOnline(wsId, choId), { timeout: 15_000 })
      .toBe(true);
    expect(nodeA.app.scaling?.presence.isOnline(wsId, akiId)).toBe(false);
    await expect.poll(() => nodeB.app.scaling?.presence.unsentWrites).toBe(0);
  }, 90_000);
  it('a node that missed events (a gap in their numbers) reads the floor again', async () => {
    const a = await onA.open(owner, wsId);
    await onB.open(aki, wsId); // node B shows this workspace too
    const roomId = (await a.s.emitWithAck('room:create', { name: 'Gap room' })).data.id as string;
    await expect.poll(() => nodeB.app.floors.peek(wsId)?.floor.rooms.some((r) => r.id === roomId)).toBe(true);
    // Someone enters the room in Redis through events no node reads (as if the stream had been trimmed
    // while the nodes were cut off): the state changes, five numbers go by.
    const probe = createRedisClient({ url: redis.url, role: 'test-probe', log: quiet });
    const ghost = {
      userId: 'ghost',
      displayName: 'Ghost',
      listenOnly: false,
      since: new Date().toISOString(),
    };
    await probe.hset(`floor:${wsId}:room:${roomId}`, 'ghost', JSON.stringify(ghost));
    await probe.hset(`floor:${wsId}:where`, 'ghost', roomId);
    await probe.sadd(`floor:${wsId}:occupied`, roomId);
    const view = { userId: 'ghost', displayName: 'Ghost', status: { state: 'available' } };
    await probe.hset(`presence:${wsId}`, 'ghost', JSON.stringify(view));
    const seq = await probe.incrby('floor:seq', 5);
    expect(nodeA.app.floors.peek(wsId)?.floor.room(roomId).has('ghost')).toBe(false);
    const seen = nextPresence(a.s, (p) => p.userId === 'ghost' && p.online);
    // The next event read (about another workspace) shows the gap.
    const next = { k: 'presence', ws: 'another-workspace', seq, node: 'test', userId: 'x', off: true };
    await probe.xadd('floor:events', '*', 'e', JSON.stringify(next));
    await seen;
    expect(nodeA.app.floors.peek(wsId)?.floor.room(roomId).has('ghost')).toBe(true);
    await expect.poll(() => nodeB.app.floors.peek(wsId)?.floor.room(roomId).has('ghost')).toBe(true);
    await closeRedis(probe);
  }, 60_000);
});
