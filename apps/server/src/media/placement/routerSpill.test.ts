import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { micRtp } from '../../testing/rtpParameters.js';
import type { MediaPeer, MediaPeerEvents } from '../mediaPeer.js';
import { MediaService } from '../mediaService.js';
import { MediaWorkerPool } from '../workerPool.js';

const rtc = { listenIp: '127.0.0.1', announcedAddress: undefined, minPort: 44000, maxPort: 44999 };
const ROOM = MediaService.roomKey('ws1', 'big-room');

function collect<E extends keyof MediaPeerEvents>(peer: MediaPeer, event: E): Array<MediaPeerEvents[E][0]> {
  const seen: Array<MediaPeerEvents[E][0]> = [];
  (peer.on as (e: E, l: (p: MediaPeerEvents[E][0]) => void) => void)(event, (p) => seen.push(p));
  return seen;
}

/** Joins like a client (transports, ready) and sends a microphone, muted or not. */
async function enterAndTalk(media: MediaService, peerId: string, muted: boolean) {
  const peer = await media.join(ROOM, peerId, { listenOnly: false });
  const caps = await peer.routerRtpCapabilities();
  const pushed = collect(peer, 'media:newConsumer');
  const paused = collect(peer, 'media:producerPaused');
  const resumed = collect(peer, 'media:producerResumed');
  const send = await peer.createTransport('send');
  await peer.createTransport('recv');
  const consumers = [...(await peer.setReady(caps)), ...pushed];
  const mic = await peer.produce({
    transportId: send.id,
    kind: 'audio',
    rtpParameters: micRtp('spill'),
    source: 'mic',
    paused: muted,
  });
  return { peer, mic, consumers, pushed, paused, resumed };
}

const routersPerWorker = (pool: MediaWorkerPool) => pool.load.map((l) => l.routers).sort();

describe('a room bigger than one worker (pipeToRouter)', () => {
  let pool: MediaWorkerPool;
  let media: MediaService;
  beforeEach(async () => {
    pool = await MediaWorkerPool.start({ size: 2 });
  });
  afterEach(() => {
    media.close();
    pool.close();
  });

  it('with one peer per router, the second peer is on the other worker and still hears the first', async () => {
    media = new MediaService(pool, rtc, undefined, { peersPerRouter: 1 });
    const alice = await enterAndTalk(media, 'alice', true);
    const bob = await enterAndTalk(media, 'bob', false);
    // One router on each worker: the room spilled.
    expect(routersPerWorker(pool)).toEqual([1, 1]);
    expect(media.stats()).toMatchObject({ rooms: 1, routers: 2, peers: 2 });

    // Bob (worker 2) got a consumer of Alice's microphone (worker 1), muted; and Alice one of Bob's.
    await expect
      .poll(() => bob.consumers.concat(bob.pushed).find((c) => c.producerId === alice.mic.id))
      .toMatchObject({ peerId: 'alice', source: 'mic', producerPaused: true });
    await expect
      .poll(() => alice.pushed.find((c) => c.producerId === bob.mic.id))
      .toMatchObject({ peerId: 'bob', producerPaused: false });

    // Unmuting on worker 1 reaches the consumer on worker 2 through the pipe, and muting again too.
    await alice.peer.resumeProducer(alice.mic.id);
    await expect.poll(() => bob.resumed.map((s) => s.peerId)).toEqual(['alice']);
    await alice.peer.pauseProducer(alice.mic.id);
    await expect.poll(() => bob.paused.map((s) => s.peerId)).toEqual(['alice']);

    // Alice leaves: Bob's consumer of her closes; Bob leaving empties the spill router too.
    const closed = collect(bob.peer, 'media:consumerClosed');
    media.leave(ROOM, 'alice');
    await expect.poll(() => closed.map((c) => c.peerId)).toEqual(['alice']);
    media.leave(ROOM, 'bob');
    await expect.poll(() => routersPerWorker(pool)).toEqual([0, 0]);
  });

  it('under the cap the room stays on one router (one worker)', async () => {
    media = new MediaService(pool, rtc, undefined, { peersPerRouter: 2 });
    const alice = await enterAndTalk(media, 'alice', false);
    const bob = await enterAndTalk(media, 'bob', false);
    expect(routersPerWorker(pool)).toEqual([0, 1]);
    await expect.poll(() => bob.consumers.some((c) => c.producerId === alice.mic.id)).toBe(true);
    // The third peer is over the cap: it goes to the other worker.
    const chie = await enterAndTalk(media, 'chie', false);
    expect(routersPerWorker(pool)).toEqual([1, 1]);
    expect(chie.consumers.map((c) => c.peerId).sort()).toEqual(['alice', 'bob']);
  });
});
