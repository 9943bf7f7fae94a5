import type { types } from 'mediasoup';
import * as mediasoup from 'mediasoup';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cameraRtp, micRtp } from '../testing/rtpParameters.js';
import type { MediaPeer, MediaPeerEvents } from './mediaPeer.js';
import { MediaService } from './mediaService.js';
import { MediaWorkerPool } from './workerPool.js';

const rtc = { listenIp: '127.0.0.1', announcedAddress: undefined, minPort: 42000, maxPort: 42999 };
const ROOM = MediaService.roomKey('ws1', 'room1');

function collect<E extends keyof MediaPeerEvents>(peer: MediaPeer, event: E): Array<MediaPeerEvents[E][0]> {
  const seen: Array<MediaPeerEvents[E][0]> = [];
  (peer.on as (e: E, l: (p: MediaPeerEvents[E][0]) => void) => void)(event, (p) => seen.push(p));
  return seen;
}

/** Joins like a client: router capabilities → both transports → ready. Returns the send transport id. */
async function enter(media: MediaService, peerId: string, listenOnly = false) {
  const peer = await media.join(ROOM, peerId, { listenOnly });
  const caps = await peer.routerRtpCapabilities();
  const newConsumers = collect(peer, 'media:newConsumer');
  const send = listenOnly ? undefined : await peer.createTransport('send');
  await peer.createTransport('recv');
  // The producers already there come with the ready answer, later ones are pushed: one list here.
  newConsumers.push(...(await peer.setReady(caps)));
  return { peer, send: send?.id ?? '', newConsumers };
}

async function talk(peer: MediaPeer, send: string, opts: { camera?: boolean; muted?: boolean } = {}) {
  const mic = await peer.produce({
    transportId: send,
    kind: 'audio',
    rtpParameters: micRtp(),
    source: 'mic',
    paused: opts.muted ?? false,
  });
  const camera = opts.camera
    ? await peer.produce({ transportId: send, kind: 'video', rtpParameters: cameraRtp(), source: 'camera' })
    : undefined;
  return { mic, camera };
}

describe('MediaService', () => {
  let pool: MediaWorkerPool;
  let media: MediaService;
  beforeEach(async () => {
    pool = await MediaWorkerPool.start({ size: 2 });
    media = new MediaService(pool, rtc);
  });
  afterEach(() => {
    media.close();
    pool.close();
  });

  it('fans producers out as paused consumers and cascades a leave to the others’ consumers', async () => {
    const a = await enter(media, 'alice');
    await talk(a.peer, a.send, { camera: true });
    const b = await enter(media, 'bob');
    await talk(b.peer, b.send, { camera: true });
    await expect.poll(() => media.stats().consumers).toBe(4);
    expect(media.stats()).toEqual({
      rooms: 1,
      peers: 2,
      routers: 1,
      transports: 4,
      producers: 4,
      consumers: 4,
      links: 0,
      satellites: 0,
    });
    expect(a.newConsumers.map((c) => [c.peerId, c.source, c.kind]).sort()).toEqual([
      ['bob', 'camera', 'video'],
      ['bob', 'mic', 'audio'],
    ]);
    expect(b.newConsumers.map((c) => c.peerId)).toEqual(['alice', 'alice']);
    const closedForAlice = collect(a.peer, 'media:consumerClosed');

    media.leave(ROOM, 'bob');
    expect(b.peer.closed).toBe(true);
    // Alice's consumers of Bob close when the worker reports his producers gone.
    await expect.poll(() => media.stats().consumers).toBe(0);
    expect(media.stats()).toMatchObject({ peers: 1, transports: 2, producers: 2 });
    expect(closedForAlice.map((c) => c.peerId)).toEqual(['bob', 'bob']);

    // The last one out closes the room's router.
    media.leave(ROOM, 'alice');
    expect(media.stats()).toEqual({
      rooms: 0,
      peers: 0,
      routers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
      links: 0,
      satellites: 0,
    });
    expect(pool.load.reduce((n, l) => n + l.routers, 0)).toBe(0);
  });

  it('resumes, pauses and re-layers a consumer at the client’s request', async () => {
    const a = await enter(media, 'alice');
    await talk(a.peer, a.send, { camera: true });
    const b = await enter(media, 'bob', true);
    await expect.poll(() => b.newConsumers.length).toBe(2);
    const video = b.newConsumers.find((c) => c.kind === 'video')!;
    const audio = b.newConsumers.find((c) => c.kind === 'audio')!;
    await b.peer.resumeConsumer(video.consumerId);
    await b.peer.setConsumerLayers(video.consumerId, 0, 1);
    await b.peer.pauseConsumer(video.consumerId);
    await expect(b.peer.setConsumerLayers(audio.consumerId, 0)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(b.peer.resumeConsumer('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a resumed video consumer asks its sender for a keyframe at once; audio does not', async () => {
    // Every consumer the workers make, found through mediasoup's observers.
    const made = new Map<string, types.Consumer>();
    const onWorker = (w: types.Worker) =>
      w.observer.on('newrouter', (r) =>
        r.observer.on('newtransport', (t) => t.observer.on('newconsumer', (c) => made.set(c.id, c))),
      );
    mediasoup.observer.on('newworker', onWorker);
    media.close();
    pool.close();
    pool = await MediaWorkerPool.start({ size: 1 });
    media = new MediaService(pool, rtc);
    try {
      const a = await enter(media, 'alice');
      await talk(a.peer, a.send, { camera: true });
      const b = await enter(media, 'bob', true);
      const video = b.newConsumers.find((c) => c.kind === 'video')!;
      const audio = b.newConsumers.find((c) => c.kind === 'audio')!;
      const keyframes = (id: string) => {
        const c = made.get(id)!;
        return vi.spyOn(c, 'requestKeyFrame');
      };
      const videoAsks = keyframes(video.consumerId);
      const audioAsks = keyframes(audio.consumerId);
      await b.peer.resumeConsumer(video.consumerId);
      await b.peer.resumeConsumer(audio.consumerId);
      expect(videoAsks).toHaveBeenCalledTimes(1);
      expect(audioAsks).not.toHaveBeenCalled();
    } finally {
      mediasoup.observer.off('newworker', onWorker);
    }
  });

  it('tells a camera’s sender the top layer its viewers take, only when it changes (dynacast)', async () => {
    const a = await enter(media, 'alice');
    const told = collect(a.peer, 'media:senderLayers');
    const { camera, mic } = await talk(a.peer, a.send, { camera: true });
    const b = await enter(media, 'bob', true);
    const c = await enter(media, 'carol', true);
    const videoOf = (v: typeof b) => v.newConsumers.find((n) => n.kind === 'video')!.consumerId;
    await b.peer.resumeConsumer(videoOf(b));
    await c.peer.resumeConsumer(videoOf(c));
    // New consumers start on the lowest layer, which the sender already sends: nothing to say yet.
    expect(told).toEqual([]);
    await b.peer.setConsumerLayers(videoOf(b), 2);
    await c.peer.setConsumerLayers(videoOf(c), 1);
    expect(told).toEqual([{ producerId: camera!.id, spatialLayer: 2 }]);
    // Bob hides his tile: Carol's small tile is all that is left.
    await b.peer.pauseConsumer(videoOf(b));
    expect(told.at(-1)).toEqual({ producerId: camera!.id, spatialLayer: 1 });
    await b.peer.resumeConsumer(videoOf(b));
    expect(told.at(-1)).toEqual({ producerId: camera!.id, spatialLayer: 2 });
    // Bob leaves: his consumer closes and the top layer is no longer needed.
    media.leave(ROOM, 'bob');
    await expect.poll(() => told.at(-1)).toEqual({ producerId: camera!.id, spatialLayer: 1 });
    expect(told).toHaveLength(4);
    // Audio has no layers: its viewers never produce a word to the sender.
    const audio = c.newConsumers.find((n) => n.kind === 'audio')!.consumerId;
    await c.peer.resumeConsumer(audio);
    expect(told.every((t) => t.producerId !== mic.id)).toBe(true);
  });

  it('lets a listen-only peer consume but never produce', async () => {
    const a = await enter(media, 'alice');
    await talk(a.peer, a.send);
    const l = await enter(media, 'listener', true);
    await expect.poll(() => l.newConsumers.length).toBe(1);
    await expect(l.peer.createTransport('send')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      l.peer.produce({ transportId: 'x', kind: 'audio', rtpParameters: micRtp(), source: 'mic' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(media.stats()).toMatchObject({ transports: 3, producers: 1, consumers: 1 });
  });

  it('refuses a source of the wrong kind and a second producer of a source until the first is closed', async () => {
    const a = await enter(media, 'alice');
    await expect(
      a.peer.produce({ transportId: a.send, kind: 'video', rtpParameters: cameraRtp(), source: 'mic' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const first = await talk(a.peer, a.send);
    await expect(talk(a.peer, a.send)).rejects.toMatchObject({ code: 'MEDIA_LIMIT' });
    expect(first.mic.closed).toBe(false);
    expect(media.stats().producers).toBe(1);
    a.peer.closeProducer(first.mic.id);
    const second = await talk(a.peer, a.send);
    expect(second.mic.closed).toBe(false);
    expect(media.stats().producers).toBe(1);
  });

  it('holds at most one transport per direction, also when asked twice at once', async () => {
    const a = await enter(media, 'alice');
    await expect(a.peer.createTransport('send')).rejects.toMatchObject({ code: 'MEDIA_LIMIT' });
    await expect(a.peer.createTransport('recv')).rejects.toMatchObject({ code: 'MEDIA_LIMIT' });
    const fresh = await media.join(ROOM, 'bob', { listenOnly: false });
    const both = await Promise.allSettled([fresh.createTransport('recv'), fresh.createTransport('recv')]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(media.stats().transports).toBe(3);
  });

  it('mute: pausing a producer pauses it for every consumer and tells them (the indicator)', async () => {
    const a = await enter(media, 'alice');
    const { mic } = await talk(a.peer, a.send);
    const b = await enter(media, 'bob');
    await expect.poll(() => b.newConsumers.length).toBe(1);
    const paused = collect(b.peer, 'media:producerPaused');
    const resumed = collect(b.peer, 'media:producerResumed');
    await a.peer.pauseProducer(mic.id);
    await expect.poll(() => paused.length).toBe(1);
    expect(paused[0]).toMatchObject({ producerId: mic.id, peerId: 'alice', source: 'mic' });
    await a.peer.resumeProducer(mic.id);
    await expect.poll(() => resumed.length).toBe(1);
  });

  it('a microphone produced muted reaches late joiners as paused (a rejoin never unmutes)', async () => {
    const a = await enter(media, 'alice');
    const { mic } = await talk(a.peer, a.send, { muted: true });
    expect(mic.paused).toBe(true);
    const b = await enter(media, 'bob');
    await expect.poll(() => b.newConsumers.length).toBe(1);
    expect(b.newConsumers[0]?.producerPaused).toBe(true);
  });

  it('a second connection with the same peer id replaces the first and keeps the room', async () => {
    const a = await enter(media, 'alice');
    await talk(a.peer, a.send);
    const b = await enter(media, 'bob');
    await expect.poll(() => b.newConsumers.length).toBe(1);
    const a2 = await enter(media, 'alice');
    expect(a.peer.closed).toBe(true);
    expect(media.stats()).toMatchObject({ rooms: 1, peers: 2, routers: 1, producers: 0, consumers: 0 });
    await talk(a2.peer, a2.send);
    await expect.poll(() => b.newConsumers.length).toBe(2);
  });

  it('closeRoom closes every peer and the router', async () => {
    const a = await enter(media, 'alice');
    await talk(a.peer, a.send);
    const reasons: string[] = [];
    a.peer.on('close', (r) => reasons.push(r));
    media.closeRoom(ROOM);
    expect(reasons).toEqual(['roomClosed']);
    expect(media.stats().routers).toBe(0);
    expect(pool.load.reduce((n, l) => n + l.routers, 0)).toBe(0);
  });

  it('moves a room whose worker was killed to another worker and asks its peers to renegotiate', async () => {
    const a = await enter(media, 'alice');
    await talk(a.peer, a.send);
    const b = await enter(media, 'bob');
    await talk(b.peer, b.send);
    await expect.poll(() => media.stats().consumers).toBe(2);
    const renegotiate: unknown[] = [];
    for (const p of [a, b]) p.peer.on('media:renegotiate', (r) => renegotiate.push(r));
    const dead = pool.load.find((l) => l.routers === 1)!.pid;
    process.kill(dead, 'SIGKILL');

    await expect.poll(() => renegotiate.length, { timeout: 10_000 }).toBe(2);
    expect(media.stats()).toEqual({
      rooms: 1,
      peers: 2,
      routers: 1,
      transports: 0,
      producers: 0,
      consumers: 0,
      links: 0,
      satellites: 0,
    });
    expect(pool.load.find((l) => l.routers === 1)?.pid).not.toBe(dead);

    // The clients renegotiate on the same peers: transports, ready, produce again.
    for (const p of [a, b]) {
      const caps = await p.peer.routerRtpCapabilities();
      const send = await p.peer.createTransport('send');
      await p.peer.createTransport('recv');
      p.peer.setReady(caps);
      await talk(p.peer, send.id);
    }
    await expect.poll(() => media.stats().consumers).toBe(2);
    expect(media.stats()).toMatchObject({ transports: 4, producers: 2 });
  });

  it('a room on the only worker waits for its replacement', async () => {
    media.close();
    pool.close();
    pool = await MediaWorkerPool.start({ size: 1 });
    media = new MediaService(pool, rtc);
    const a = await enter(media, 'alice');
    const renegotiate = collect(a.peer, 'media:renegotiate');
    process.kill(pool.pids[0]!, 'SIGKILL');
    await expect.poll(() => renegotiate.length, { timeout: 10_000 }).toBe(1);
    expect(media.stats().routers).toBe(1);
    await a.peer.createTransport('send');
  });
});
