import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  ClientToServerEvents,
  MediaNewConsumer,
  MediaSenderLayers,
  ServerToClientEvents,
} from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_LIMITS } from '../../realtime/rateLimit.js';
import { sqlitePlacement } from '../../storage/sqlite/placementRepo.js';
import { SqliteStore } from '../../storage/sqlite/sqliteStore.js';
import { type MediaNode, startMediaNode } from '../../testing/mediaNodes.js';
import { cameraRtp, micRtp } from '../../testing/rtpParameters.js';
import { MediaService } from '../mediaService.js';
import { MediaWorkerPool } from '../workerPool.js';
import { LINK_NAMESPACE } from './linkChannel.js';
import { type LinkKeys, linkKeysOf, mintLinkToken } from './linkToken.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const rtc = { listenIp: '127.0.0.1', announcedAddress: undefined, minPort: 47000, maxPort: 47999 };
const ROOM = MediaService.roomKey('ws1', 'all-hands');

const keyring = (key: Buffer) => ({ current: { id: 'k', key }, previous: [], developmentDefault: false });

/**
 * A room bigger than one node (docs/SCALING.md): every node here holds one peer per room before it is
 * full, so the second person on another node is held there, linked to the host by PipeTransports.
 */
describe('a room bigger than one node: satellites linked to the host', () => {
  let dir: string;
  let store: SqliteStore;
  let keys: LinkKeys;
  const nodes: MediaNode[] = [];
  const clients: Client[] = [];

  async function startNode(id: string, limiterClock?: () => number): Promise<MediaNode> {
    // Its own worker, as a node on its own machine would have (one worker holds each mediasoup id once).
    const pool = await MediaWorkerPool.start({ size: 1 });
    const errors: Error[] = [];
    const onError = (err: Error) => errors.push(err);
    const options = { nodeId: id, db: store.db, pool, rtc, roomKey: ROOM, ttlMs: 2_000 };
    const node = await startMediaNode({
      ...options,
      peersPerRouter: 1,
      links: keys,
      onError,
      ...(limiterClock ? { limiterClock } : {}),
    });
    const close = node.close;
    node.close = async () => {
      await close();
      pool.close();
      expect(errors.map((e) => e.message)).toEqual([]);
    };
    nodes.push(node);
    return node;
  }

  /** A page on `node`: joins (transports with the answer), gets ready and sends a microphone (and camera). */
  async function enter(node: MediaNode, who: string, options: { muted: boolean; camera?: boolean }) {
    const c: Client = connect(node.url, { query: { who }, transports: ['websocket'] });
    clients.push(c);
    const pushed: MediaNewConsumer[] = [];
    const resumed: string[] = [];
    const closed: string[] = [];
    const layers: MediaSenderLayers[] = [];
    const renegotiate: string[] = [];
    c.on('media:newConsumer', (n) => pushed.push(n));
    c.on('media:producerResumed', (r) => resumed.push(r.peerId));
    c.on('media:consumerClosed', (r) => closed.push(r.peerId));
    c.on('media:senderLayers', (l) => layers.push(l));
    c.on('media:renegotiate', (r) => renegotiate.push(r.reason));
    const joined = await c.emitWithAck('media:join', { transports: true });
    if (!joined.ok || !joined.data.transports?.send) throw new Error(JSON.stringify(joined));
    const ready = await c.emitWithAck('media:ready', { rtpCapabilities: joined.data.routerRtpCapabilities });
    if (!ready.ok) throw new Error(ready.error.code);
    const send = joined.data.transports.send.id;
    const mic = await c.emitWithAck('media:produce', {
      transportId: send,
      kind: 'audio',
      rtpParameters: micRtp('across'),
      source: 'mic',
      paused: options.muted,
    });
    if (!mic.ok) throw new Error(mic.error.code);
    const camera = options.camera
      ? await c.emitWithAck('media:produce', {
          transportId: send,
          kind: 'video',
          rtpParameters: cameraRtp('across'),
          source: 'camera',
        })
      : undefined;
    if (camera && !camera.ok) throw new Error(camera.error.code);
    const all = () => [...ready.data.consumers, ...pushed];
    return {
      socket: c,
      micId: mic.data.producerId,
      cameraId: camera?.ok ? camera.data.producerId : undefined,
      /** Whose producers this page consumes, as `peer:source`, sorted. */
      hears: () =>
        all()
          .map((n) => `${n.peerId}:${n.source}`)
          .sort(),
      consumerOf: (peerId: string, source: string) =>
        all().find((n) => n.peerId === peerId && n.source === source),
      resumed,
      closed,
      layers,
      renegotiate,
    };
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-room-across-'));
    store = SqliteStore.inDataDir(dir);
    await store.migrate();
    keys = linkKeysOf(keyring(randomBytes(32)));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const n of nodes.splice(0)) await n.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the host full, people on other nodes are held there and everyone hears everyone through the links', async () => {
    const [a, b, c] = [await startNode('node-a'), await startNode('node-b'), await startNode('node-c')];
    const aiko = await enter(a, 'aiko', { muted: true });
    // A hosts the room and is now full: Ben's join (relayed to A) is answered by B, which holds him.
    const ben = await enter(b, 'ben', { muted: false });
    expect(a.media.stats()).toMatchObject({ rooms: 1, peers: 1, satellites: 0, links: 1 });
    expect(b.media.stats()).toMatchObject({ rooms: 1, peers: 1, satellites: 1, links: 1 });
    expect(a.media.hosts(ROOM) && !b.media.hosts(ROOM)).toBe(true);
    expect((await sqlitePlacement(store.db).placements.get(ROOM))?.nodeId).toBe('node-a');
    // Ben hears Aiko's (muted) microphone mirrored on B; Aiko hears Ben's mirrored on A.
    await expect
      .poll(() => ben.consumerOf('aiko', 'mic'))
      .toMatchObject({ producerId: aiko.micId, producerPaused: true });
    await expect.poll(() => aiko.hears()).toEqual(['ben:mic']);
    expect(aiko.consumerOf('ben', 'mic')?.producerId).toBe(ben.micId);

    // Chie on B joins B's part of the room at once; Dan on C (relayed to A, full) gets a satellite on C:
    // Dan hears Ben and Chie through A (the hub), and they hear Dan.
    const chie = await enter(b, 'chie', { muted: false });
    const dan = await enter(c, 'dan', { muted: false });
    expect(b.media.stats()).toMatchObject({ satellites: 1, peers: 2, links: 1 });
    expect(c.media.stats()).toMatchObject({ satellites: 1, peers: 1, links: 1 });
    expect(a.media.stats()).toMatchObject({ peers: 1, links: 2 });
    await expect.poll(() => dan.hears()).toEqual(['aiko:mic', 'ben:mic', 'chie:mic']);
    await expect.poll(() => ben.hears()).toEqual(['aiko:mic', 'chie:mic', 'dan:mic']);
    await expect.poll(() => aiko.hears()).toEqual(['ben:mic', 'chie:mic', 'dan:mic']);

    // Aiko unmutes on A: the pause state follows to B and C.
    expect(await aiko.socket.emitWithAck('media:resumeProducer', { producerId: aiko.micId })).toMatchObject({
      ok: true,
    });
    await expect.poll(() => ben.resumed).toEqual(['aiko']);
    await expect.poll(() => dan.resumed).toEqual(['aiko']);

    // Ben leaves: his microphone's mirrors close on A and, through A, on C.
    ben.socket.close();
    await expect.poll(() => aiko.closed).toEqual(['ben']);
    await expect.poll(() => dan.closed).toEqual(['ben']);
    expect(chie.closed).toEqual(['ben']);

    // Lifetimes: B's part empties and closes, its link with it; A, empty itself, stays the hub while C
    // still holds Dan; once Dan goes, C's part and then A's room close.
    chie.socket.close();
    await expect.poll(() => b.media.stats()).toMatchObject({ rooms: 0, satellites: 0, links: 0 });
    await expect.poll(() => a.media.stats().links).toBe(1);
    aiko.socket.close();
    await expect.poll(() => a.media.stats()).toMatchObject({ rooms: 1, peers: 0, links: 1 });
    expect(a.media.hosts(ROOM)).toBe(true);
    await expect.poll(() => dan.closed.sort()).toEqual(['aiko', 'ben', 'chie']);
    dan.socket.close();
    await expect.poll(() => [a.media.stats().rooms, c.media.stats().rooms]).toEqual([0, 0]);
  });

  it("a join held on a satellite counts once against the page's media set-up budget", async () => {
    const a = await startNode('node-a');
    // B's buckets never refill: the test can count exactly what the budget lets through.
    const b = await startNode('node-b', () => 0);
    await enter(a, 'aiko', { muted: true });
    // Ben's join is relayed to A (counted there, on B), comes back "hold it here" and is joined by B's own
    // handler; then his microphone: two set-up events, not three.
    const ben = await enter(b, 'ben', { muted: false });
    expect(b.media.stats()).toMatchObject({ satellites: 1, peers: 1 });
    let accepted = 0;
    for (;;) {
      const r = await ben.socket.emitWithAck('media:closeProducer', { producerId: randomUUID() });
      if (!r.ok && r.error.code === 'RATE_LIMITED') break;
      accepted++;
    }
    expect(accepted).toBe(EVENT_LIMITS.mediaSetup.capacity - 2);
  });

  it("a viewer on the host enlarging a satellite's camera makes its sender add layers (dynacast across nodes)", async () => {
    const [a, b] = [await startNode('node-a'), await startNode('node-b')];
    const aiko = await enter(a, 'aiko', { muted: true });
    const ben = await enter(b, 'ben', { muted: true, camera: true });
    await expect.poll(() => aiko.consumerOf('ben', 'camera')).toBeDefined();
    const consumerId = aiko.consumerOf('ben', 'camera')?.consumerId;
    await aiko.socket.emitWithAck('media:resumeConsumer', { consumerId });
    expect(ben.layers).toEqual([]); // the lowest layer is what the sender sends already
    await aiko.socket.emitWithAck('media:setConsumerLayers', { consumerId, spatialLayer: 2 });
    await expect.poll(() => ben.layers).toEqual([{ producerId: ben.cameraId, spatialLayer: 2 }]);
    // Aiko hides the tile: nobody anywhere wants more than the lowest layer.
    await aiko.socket.emitWithAck('media:pauseConsumer', { consumerId });
    await expect.poll(() => ben.layers.at(-1)).toEqual({ producerId: ben.cameraId, spatialLayer: 0 });
  });

  it('the host going away sends the satellites’ pages to renegotiate; their rejoin finds a new host', async () => {
    const [a, b] = [await startNode('node-a'), await startNode('node-b')];
    await enter(a, 'aiko', { muted: true });
    const ben = await enter(b, 'ben', { muted: false });
    expect(b.media.stats()).toMatchObject({ satellites: 1 });
    nodes.splice(nodes.indexOf(a), 1);
    await a.close();
    await expect.poll(() => ben.renegotiate).toEqual(['nodeLost']);
    expect(b.media.stats()).toMatchObject({ rooms: 0, satellites: 0, links: 0 });
    // The rejoin: A released the room on its clean stop, so B hosts it now.
    expect(await ben.socket.emitWithAck('media:join', {})).toMatchObject({ ok: true });
    expect(b.media.stats()).toMatchObject({ rooms: 1, satellites: 0, peers: 1 });
    expect(b.media.hosts(ROOM)).toBe(true);
  });

  it('a link needs a token minted with the cluster key for this host and room', async () => {
    const a = await startNode('node-a');
    await enter(a, 'aiko', { muted: true });
    const tryLink = (auth: Record<string, unknown>) =>
      new Promise<string>((resolve) => {
        const s = connect(`${a.url}${LINK_NAMESPACE}`, {
          auth,
          transports: ['websocket'],
          reconnection: false,
        });
        s.once('connect', () => {
          s.close();
          resolve('connected');
        });
        s.once('connect_error', (err) => {
          s.close();
          resolve(err.message);
        });
      });
    const claim = { from: 'node-x', to: 'node-a', roomKey: ROOM };
    const foreign = linkKeysOf(keyring(randomBytes(32)));
    expect(await tryLink({})).toBe('LINK_REFUSED');
    expect(await tryLink({ ...claim, token: mintLinkToken(foreign, claim, Date.now()) })).toBe(
      'LINK_REFUSED',
    );
    const forB = { ...claim, to: 'node-b' };
    expect(await tryLink({ ...claim, token: mintLinkToken(keys, forB, Date.now()) })).toBe('LINK_REFUSED');
    expect(await tryLink({ ...claim, token: mintLinkToken(keys, claim, Date.now()) })).toBe('connected');
    expect(a.media.stats()).toMatchObject({ links: 0 });
  });
});
