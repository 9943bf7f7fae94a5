import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ack, ClientToServerEvents, MediaNewConsumer, ServerToClientEvents } from '@tsudoi/protocol';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaService } from '../media/mediaService.js';
import { MediaWorkerPool } from '../media/workerPool.js';
import { type MediaIdentity, registerMediaHandlers } from './mediaHandlers.js';
import type { TsudoiServer } from './types.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const rtc = { listenIp: '127.0.0.1', announcedAddress: undefined, minPort: 43000, maxPort: 43999 };
const ROOM = MediaService.roomKey('ws1', 'room1');

function ask(c: Client, event: string, payload: unknown): Promise<Ack<Record<string, unknown>>> {
  return (c.emitWithAck as (e: string, p: unknown) => Promise<Ack<Record<string, unknown>>>)(event, payload);
}
async function ok(c: Client, event: string, payload: unknown = {}): Promise<Record<string, unknown>> {
  const r = await ask(c, event, payload);
  if (!r.ok) throw new Error(`${event}: ${r.error.code} ${r.error.message}`);
  return r.data;
}

describe('registerMediaHandlers', () => {
  let pool: MediaWorkerPool;
  let media: MediaService;
  let httpServer: http.Server;
  let ioServer: TsudoiServer;
  let url: string;
  // Stands in for the floor: who each connection is (by handshake query) and which room it is in.
  const identities = new Map<string, MediaIdentity | undefined>();
  const clients: Client[] = [];

  beforeEach(async () => {
    pool = await MediaWorkerPool.start({ size: 1 });
    media = new MediaService(pool, rtc);
    httpServer = http.createServer();
    ioServer = new Server(httpServer);
    ioServer.on('connection', (socket) => {
      const who = String(socket.handshake.query.who);
      registerMediaHandlers(socket, { media, resolvePeer: () => identities.get(who) });
    });
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await ioServer.close();
    media.close();
    pool.close();
    identities.clear();
  });

  const open = async (who: string, identity?: MediaIdentity): Promise<Client> => {
    identities.set(who, identity);
    const c: Client = connect(url, { query: { who }, transports: ['websocket'] });
    clients.push(c);
    await new Promise<void>((r) => c.once('connect', () => r()));
    return c;
  };

  it('joins, creates transports and refuses what the caller may not do', async () => {
    const nobody = await open('nobody');
    expect(await ask(nobody, 'media:join', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const listener = await open('l', { roomKey: ROOM, peerId: 'l', listenOnly: true });
    const joined = await ok(listener, 'media:join');
    expect(joined.routerRtpCapabilities).toHaveProperty('codecs');
    expect(await ask(listener, 'media:createTransport', { direction: 'send' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await ok(listener, 'media:createTransport', { direction: 'recv' })).toHaveProperty(
      'iceCandidates',
    );
    expect(await ask(listener, 'media:createTransport', { direction: 'sideways' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(media.stats()).toMatchObject({ peers: 1, transports: 1 });
  });

  it('pushes consumers over the socket and closes a peer’s media when it disconnects', async () => {
    const alice = await open('a', { roomKey: ROOM, peerId: 'alice', listenOnly: false });
    const bob = await open('b', { roomKey: ROOM, peerId: 'bob', listenOnly: false });
    const caps = (await ok(bob, 'media:join')).routerRtpCapabilities;
    await ok(bob, 'media:createTransport', { direction: 'recv' });
    const pushed: MediaNewConsumer[] = [];
    bob.on('media:newConsumer', (c) => pushed.push(c));
    const closed: string[] = [];
    bob.on('media:consumerClosed', (c) => closed.push(c.peerId));
    await ok(bob, 'media:ready', { rtpCapabilities: caps });

    await ok(alice, 'media:join');
    const send = await ok(alice, 'media:createTransport', { direction: 'send' });
    const rtpParameters = {
      mid: '0',
      codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {} }],
      headerExtensions: [],
      encodings: [{ ssrc: 1234 }],
      rtcp: { cname: 'a' },
    };
    const produced = await ok(alice, 'media:produce', {
      transportId: send.id,
      kind: 'audio',
      rtpParameters,
      source: 'mic',
      paused: true,
    });
    await expect.poll(() => pushed.length).toBe(1);
    expect(pushed[0]).toMatchObject({ peerId: 'alice', source: 'mic', producerPaused: true });
    expect(pushed[0]?.producerId).toBe(produced.producerId);
    await ok(bob, 'media:resumeConsumer', { consumerId: pushed[0]?.consumerId });

    alice.close();
    await expect.poll(() => closed).toEqual(['alice']);
    expect(media.stats()).toMatchObject({ peers: 1, producers: 0, consumers: 0 });
  });

  it('a join brings both transports in its answer and ready answers with the room’s consumers; later ones are pushed', async () => {
    const mic = (ssrc: number) => ({
      mid: '0',
      codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {} }],
      headerExtensions: [],
      encodings: [{ ssrc }],
      rtcp: { cname: `c${ssrc}` },
    });
    type Joined = {
      routerRtpCapabilities: unknown;
      transports?: { send?: { id: string }; recv: { id: string } };
    };
    const alice = await open('a', { roomKey: ROOM, peerId: 'alice', listenOnly: false });
    const a = (await ok(alice, 'media:join', { transports: true })) as Joined;
    expect(a.transports?.send).toHaveProperty('iceCandidates');
    expect(a.transports?.recv).toHaveProperty('iceCandidates');
    // The limits hold: the join already made this peer's transports, so asking for another is refused.
    expect(await ask(alice, 'media:createTransport', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'MEDIA_LIMIT' },
    });
    const aliceMic = await ok(alice, 'media:produce', {
      transportId: a.transports?.send?.id,
      kind: 'audio',
      rtpParameters: mic(1111),
      source: 'mic',
      paused: true,
    });

    // Listening in: only a receiving transport; a stray field in the join is refused.
    const listener = await open('l', { roomKey: ROOM, peerId: 'l', listenOnly: true });
    expect(await ask(listener, 'media:join', { transports: true, extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    const l = (await ok(listener, 'media:join', { transports: true })) as Joined;
    expect(l.transports).toEqual({ recv: expect.objectContaining({ iceCandidates: expect.any(Array) }) });

    const bob = await open('b', { roomKey: ROOM, peerId: 'bob', listenOnly: false });
    const pushed: MediaNewConsumer[] = [];
    bob.on('media:newConsumer', (c) => pushed.push(c));
    const b = (await ok(bob, 'media:join', { transports: true })) as Joined;
    const ready = (await ok(bob, 'media:ready', { rtpCapabilities: b.routerRtpCapabilities })) as {
      consumers: MediaNewConsumer[];
    };
    // Alice's microphone, already there, comes in the answer (paused as she is muted), not as a push.
    expect(ready.consumers).toEqual([
      expect.objectContaining({
        peerId: 'alice',
        source: 'mic',
        producerId: aliceMic.producerId,
        producerPaused: true,
      }),
    ]);
    expect(pushed).toEqual([]);
    await ok(bob, 'media:resumeConsumer', { consumerId: ready.consumers[0]?.consumerId });

    // A producer that comes later is pushed.
    const carol = await open('c', { roomKey: ROOM, peerId: 'carol', listenOnly: false });
    const c = (await ok(carol, 'media:join', { transports: true })) as Joined;
    await ok(carol, 'media:produce', {
      transportId: c.transports?.send?.id,
      kind: 'audio',
      rtpParameters: mic(2222),
      source: 'mic',
    });
    await expect.poll(() => pushed.map((p) => p.peerId)).toEqual(['carol']);
    expect(media.stats()).toMatchObject({ peers: 4, transports: 7, producers: 2 });

    // Bob rejoins holding his Device: capabilities with the join, and the answer carries both microphones.
    expect(await ask(bob, 'media:join', { rtpCapabilities: b.routerRtpCapabilities })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    const again = (await ok(bob, 'media:join', {
      transports: true,
      rtpCapabilities: b.routerRtpCapabilities,
    })) as Joined & { consumers: MediaNewConsumer[] };
    expect(again.transports?.recv).toHaveProperty('iceCandidates');
    expect(again.consumers.map((c) => c.peerId).sort()).toEqual(['alice', 'carol']);
    await ok(bob, 'media:resumeConsumer', { consumerId: again.consumers[0]?.consumerId });
  });

  it('no push about a joining peer overtakes the join’s answer (the client has no transports before it)', async () => {
    // While Bob's join is being answered, the room tells his peer something (here: who speaks).
    const realJoin = media.join.bind(media);
    media.join = async (...args) => {
      const peer = await realJoin(...args);
      const realReady = peer.setReady.bind(peer);
      peer.setReady = async (caps) => {
        const consumers = await realReady(caps);
        peer.notify('media:activeSpeaker', { peerId: 'alice' });
        return consumers;
      };
      return peer;
    };
    const bob = await open('b', { roomKey: ROOM, peerId: 'bob', listenOnly: false });
    const first = (await ok(bob, 'media:join')).routerRtpCapabilities;
    const order: string[] = [];
    bob.on('media:activeSpeaker', () => order.push('push'));
    // Recorded in the ack callback itself: the order on the wire, whatever runs in between.
    (bob.emit as (e: string, p: unknown, ack: (r: Ack<unknown>) => void) => void)(
      'media:join',
      { transports: true, rtpCapabilities: first },
      (r) => order.push(r.ok ? 'answer' : 'refused'),
    );
    await expect.poll(() => order).toEqual(['answer', 'push']);
  });

  it('a room switch seen by resolvePeer closes the media of the old room', async () => {
    const c = await open('c', { roomKey: ROOM, peerId: 'carol', listenOnly: false });
    await ok(c, 'media:join');
    await ok(c, 'media:createTransport', { direction: 'recv' });
    identities.set('c', {
      roomKey: MediaService.roomKey('ws1', 'room2'),
      peerId: 'carol',
      listenOnly: false,
    });
    expect(await ask(c, 'media:createTransport', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(media.stats()).toMatchObject({ rooms: 0, peers: 0 });
    await ok(c, 'media:join');
    expect(media.peer(MediaService.roomKey('ws1', 'room2'), 'carol')).toBeDefined();
  });
});
