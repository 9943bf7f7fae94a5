import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  Ack,
  ClientToServerEvents,
  MediaJoinResult,
  MediaNewConsumer,
  ServerToClientEvents,
} from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT_LIMITS, FLOOD_LIMIT } from '../../realtime/rateLimit.js';
import { sqlitePlacement } from '../../storage/sqlite/placementRepo.js';
import { SqliteStore } from '../../storage/sqlite/sqliteStore.js';
import { type MediaNode, startMediaNode } from '../../testing/mediaNodes.js';
import { micRtp } from '../../testing/rtpParameters.js';
import { MediaService } from '../mediaService.js';
import { MediaWorkerPool } from '../workerPool.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const rtc = { listenIp: '127.0.0.1', announcedAddress: undefined, minPort: 45000, maxPort: 45999 };
const ROOM = MediaService.roomKey('ws1', 'room1');

/** Short, so a crashed node's placement lapses quickly in these tests. */
const TTL_MS = 800;

describe('media:join with several nodes sharing one store', () => {
  let dir: string;
  let store: SqliteStore;
  let pool: MediaWorkerPool;
  const nodes: MediaNode[] = [];
  const clients: Client[] = [];

  async function startNode(nodeId: string, relay = false, limiterClock?: () => number): Promise<MediaNode> {
    const node = await startMediaNode({
      nodeId,
      db: store.db,
      pool,
      rtc,
      roomKey: ROOM,
      ttlMs: TTL_MS,
      relay,
      ...(limiterClock ? { limiterClock } : {}),
    });
    nodes.push(node);
    return node;
  }

  const client = (url: string, who: string): Client => {
    const c: Client = connect(url, { query: { who }, transports: ['websocket'] });
    clients.push(c);
    return c;
  };
  const join = (url: string, who: string): Promise<Ack<MediaJoinResult>> =>
    client(url, who).emitWithAck('media:join', {});

  /** Joins like a page holding a Device (one round trip), then sends a microphone, muted or not. */
  async function talk(c: Client, muted: boolean) {
    const pushed: MediaNewConsumer[] = [];
    const resumed: string[] = [];
    c.on('media:newConsumer', (n) => pushed.push(n));
    c.on('media:producerResumed', (r) => resumed.push(r.peerId));
    const joined = await c.emitWithAck('media:join', { transports: true });
    if (!joined.ok || !joined.data.transports?.send) throw new Error(JSON.stringify(joined));
    const ready = await c.emitWithAck('media:ready', { rtpCapabilities: joined.data.routerRtpCapabilities });
    if (!ready.ok) throw new Error(ready.error.code);
    const mic = await c.emitWithAck('media:produce', {
      transportId: joined.data.transports.send.id,
      kind: 'audio',
      rtpParameters: micRtp('relay'),
      source: 'mic',
      paused: muted,
    });
    if (!mic.ok) throw new Error(mic.error.code);
    return {
      joined: joined.data,
      consumers: ready.data.consumers,
      pushed,
      resumed,
      micId: mic.data.producerId,
    };
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-placement-join-'));
    store = SqliteStore.inDataDir(dir);
    await store.migrate();
    pool = await MediaWorkerPool.start({ size: 1 });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const n of nodes.splice(0)) await n.close();
    pool.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the node a room is placed on hosts it; joining through the other node names the host', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    const first = await join(a.url, 'aiko');
    expect(first).toMatchObject({ ok: true, data: { routerRtpCapabilities: { codecs: expect.any(Array) } } });
    expect(first.ok && first.data.elsewhere).toBeUndefined();

    const viaB = await join(b.url, 'ben');
    expect(viaB).toEqual({
      ok: true,
      data: { routerRtpCapabilities: null, elsewhere: { nodeId: 'node-a', url: a.url } },
    });
    // Nothing opened on B; Ben joins on A as told.
    expect(b.media.stats()).toMatchObject({ rooms: 0, peers: 0 });
    expect(await join(a.url, 'ben')).toMatchObject({ ok: true, data: { routerRtpCapabilities: {} } });
    expect(a.media.stats()).toMatchObject({ rooms: 1, peers: 2 });
  });

  it('relays media signalling to the hosting node: two people on two nodes talk, each on one socket', async () => {
    const a = await startNode('node-a', true);
    const b = await startNode('node-b', true);
    const aikoSocket = client(a.url, 'aiko');
    const benSocket = client(b.url, 'ben');
    const aiko = await talk(aikoSocket, true);
    const ben = await talk(benSocket, false);
    // Ben's page talked to B only, and got A's router, transports and Aiko's (muted) microphone from A.
    expect(ben.joined.elsewhere).toBeUndefined();
    expect(ben.consumers).toEqual([
      expect.objectContaining({ peerId: 'aiko', producerId: aiko.micId, producerPaused: true }),
    ]);
    expect(a.media.stats()).toMatchObject({ rooms: 1, peers: 2, producers: 2 });
    expect(b.media.stats()).toMatchObject({ rooms: 0, peers: 0 });
    // Pushes come back through the relay; Aiko (on A) hears Ben.
    await expect.poll(() => aiko.pushed.map((c) => c.peerId)).toEqual(['ben']);
    const [consumer] = ben.consumers;
    expect(await benSocket.emitWithAck('media:resumeConsumer', { consumerId: consumer?.consumerId })).toEqual(
      {
        ok: true,
        data: {},
      },
    );
    expect(await aikoSocket.emitWithAck('media:resumeProducer', { producerId: aiko.micId })).toMatchObject({
      ok: true,
    });
    await expect.poll(() => ben.resumed).toEqual(['aiko']);

    // A goes away: Ben's page is told to renegotiate, and its next join is hosted by B.
    const renegotiate = new Promise((r) => benSocket.once('media:renegotiate', r));
    nodes.splice(nodes.indexOf(a), 1);
    await a.close();
    expect(await renegotiate).toEqual({ reason: 'nodeLost' });
    expect(await benSocket.emitWithAck('media:join', {})).toMatchObject({
      ok: true,
      data: { routerRtpCapabilities: { codecs: expect.any(Array) } },
    });
    expect(b.media.stats()).toMatchObject({ rooms: 1, peers: 1 });
  });

  it("relayed requests count against the page's own budget on its node: over it, refused there; flooding, disconnected there", async () => {
    const a = await startNode('node-a', true);
    const b = await startNode('node-b', true);
    await talk(client(a.url, 'aiko'), false);
    const benSocket = client(b.url, 'ben');
    await talk(benSocket, false); // relayed: the room is on A
    const renegotiate = vi.fn();
    benSocket.on('media:renegotiate', renegotiate);
    const pauseSome = (n: number) =>
      Promise.all(
        Array.from({ length: n }, () =>
          benSocket
            .timeout(10_000)
            .emitWithAck('media:pauseConsumer', { consumerId: randomUUID() })
            .catch(() => undefined),
        ),
      );
    // Past the media budget (300 at once): refused, and answered.
    const answers = await pauseSome(EVENT_LIMITS.media.capacity + 20);
    expect(answers.filter((r) => r && !r.ok && r.error.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
    expect(benSocket.connected).toBe(true);
    // Then more refusals than the flood limit (500): node B (the page's own) ends the page.
    const dropped = new Promise((r) => benSocket.once('disconnect', r));
    void pauseSome(FLOOD_LIMIT.capacity + 50);
    expect(await dropped).toBe('io server disconnect');
    // Not the relay to A torn down under the page (that would read as "node lost" to it).
    expect(renegotiate).not.toHaveBeenCalled();
  });

  it('when the host dies, a relayed join waits for its placement to lapse and is hosted here (no retry needed)', async () => {
    const a = await startNode('node-a', true);
    const b = await startNode('node-b', true);
    await talk(client(a.url, 'aiko'), true);
    const benSocket = client(b.url, 'ben');
    await talk(benSocket, false);
    const renegotiate = new Promise((r) => benSocket.once('media:renegotiate', r));
    nodes.splice(nodes.indexOf(a), 1);
    await a.crash();
    expect(await renegotiate).toEqual({ reason: 'nodeLost' });
    // A's record still looks alive: the join waits (≤ one TTL) instead of failing, then B takes the room.
    const askedAt = Date.now();
    const again = await benSocket.emitWithAck('media:join', {});
    expect(again).toMatchObject({ ok: true, data: { routerRtpCapabilities: { codecs: expect.any(Array) } } });
    expect(Date.now() - askedAt).toBeLessThan(TTL_MS + 2_000);
    expect(b.media.stats()).toMatchObject({ rooms: 1, peers: 1 });
    expect((await sqlitePlacement(store.db).placements.get(ROOM))?.nodeId).toBe('node-b');
  });

  it("a relayed join that ends up hosted here (the host died) counts once against the page's budget", async () => {
    const a = await startNode('node-a', true);
    // B's buckets never refill: the test can count exactly what the media set-up budget lets through.
    const b = await startNode('node-b', true, () => 0);
    await talk(client(a.url, 'aiko'), true);
    const benSocket = client(b.url, 'ben');
    await talk(benSocket, false); // media:join and media:produce, relayed to A: two set-up events
    const renegotiate = new Promise((r) => benSocket.once('media:renegotiate', r));
    nodes.splice(nodes.indexOf(a), 1);
    await a.crash();
    await renegotiate;
    // The relay counts this join, finds A gone and hands it to B's own handler: one count, not two.
    expect(await benSocket.emitWithAck('media:join', {})).toMatchObject({ ok: true });
    expect(b.media.stats()).toMatchObject({ rooms: 1, peers: 1 });
    let accepted = 0;
    for (;;) {
      const r = await benSocket.emitWithAck('media:closeProducer', { producerId: randomUUID() });
      if (!r.ok && r.error.code === 'RATE_LIMITED') break;
      accepted++;
    }
    expect(accepted).toBe(EVENT_LIMITS.mediaSetup.capacity - 3);
  });

  it('when the host stops cleanly its rooms are free: the other node hosts the next join', async () => {
    const a = await startNode('node-a');
    const b = await startNode('node-b');
    await join(a.url, 'aiko');
    nodes.splice(nodes.indexOf(a), 1);
    await a.close();
    const viaB = await join(b.url, 'ben');
    expect(viaB.ok && viaB.data.elsewhere).toBeUndefined();
    expect(b.media.stats()).toMatchObject({ rooms: 1, peers: 1 });
    expect((await sqlitePlacement(store.db).placements.get(ROOM))?.nodeId).toBe('node-b');
  });
});
