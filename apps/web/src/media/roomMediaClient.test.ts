import type { MediaServerToClientEvents } from '@tsudoi/protocol';
import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestError } from '../realtime/socket';
import { mediaActions, useMediaStore } from '../state/mediaSlice';
import type { MediaSignal } from './mediaSignal';
import { RoomMediaClient } from './roomMediaClient';

// Node has no MediaStream; the client only wraps tracks in one for the tiles.
class FakeStream {
  constructor(readonly tracks: unknown[] = []) {}
}

function fakeTrack(kind: 'audio' | 'video') {
  return {
    id: `${kind}-${Math.random()}`,
    kind,
    enabled: true,
    readyState: 'live',
    addEventListener() {},
    removeEventListener() {},
    stop: vi.fn(),
  };
}

/** How a test server answers one request: a value, or a promise it controls (a slow or failing answer). */
type Answer = (event: string, payload: Record<string, unknown>) => unknown;

/** A server stand-in: answers each request (or lets `intercept` answer it) and lets the test push events. */
function fakeServer(intercept?: Answer) {
  const sent: Array<{ event: string; payload: Record<string, unknown> }> = [];
  const handlers = new Map<string, (p: unknown) => void>();
  let ids = 0;
  const answer = (event: string, payload: Record<string, unknown>): unknown => {
    switch (event) {
      case 'media:join':
        return {
          routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities(),
          ...(payload.transports
            ? {
                transports: {
                  send: testFakeParameters.generateTransportRemoteParameters(),
                  recv: testFakeParameters.generateTransportRemoteParameters(),
                },
              }
            : {}),
          ...(payload.rtpCapabilities ? { consumers: [] } : {}),
        };
      case 'media:createTransport':
        return testFakeParameters.generateTransportRemoteParameters();
      case 'media:ready':
        return { consumers: [] };
      case 'media:produce':
        return { producerId: `p${++ids}` };
      default:
        return {};
    }
  };
  const signal: MediaSignal = {
    request: (async (event: string, payload: Record<string, unknown>) => {
      sent.push({ event, payload });
      const custom = intercept?.(event, payload);
      return custom === undefined ? answer(event, payload) : await custom;
    }) as MediaSignal['request'],
    on: (event, fn) => {
      handlers.set(event, fn as (p: unknown) => void);
      return () => handlers.delete(event);
    },
  };
  const push = <E extends keyof MediaServerToClientEvents>(
    e: E,
    p: Parameters<MediaServerToClientEvents[E]>[0],
  ) => handlers.get(e)?.(p);
  return { signal, sent, push };
}

describe('RoomMediaClient', () => {
  const getUserMedia = vi.fn(async (c: MediaStreamConstraints) => ({
    getAudioTracks: () => (c.audio ? [fakeTrack('audio')] : []),
    getVideoTracks: () => (c.video ? [fakeTrack('video')] : []),
  }));
  const devices = { getUserMedia, enumerateDevices: async () => [] } as unknown as MediaDevices;
  const createDevice = () => new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
  let client: RoomMediaClient | undefined;

  beforeEach(() => {
    vi.stubGlobal('MediaStream', FakeStream);
    mediaActions.reset();
    getUserMedia.mockClear();
  });
  afterEach(() => {
    client?.close();
    vi.unstubAllGlobals();
  });

  it('a muted user stays muted through a renegotiation: the microphone is produced paused', async () => {
    const server = fakeServer();
    client = new RoomMediaClient(server.signal, devices, createDevice);
    mediaActions.set({ muted: true });
    await client.join();
    expect(useMediaStore.getState().phase).toBe('live');
    const produced = () => server.sent.filter((s) => s.event === 'media:produce').map((s) => s.payload);
    expect(produced()).toEqual([expect.objectContaining({ source: 'mic', kind: 'audio', paused: true })]);

    server.push('media:renegotiate', { reason: 'workerDied' });
    await vi.waitFor(() => expect(produced()).toHaveLength(2));
    expect(produced()[1]).toMatchObject({ source: 'mic', paused: true });
    expect(server.sent.some((s) => s.event === 'media:resumeProducer')).toBe(false);
    // The same microphone track is reused: no second permission prompt.
    expect(getUserMedia).toHaveBeenCalledTimes(1);
  });

  it('produces the camera with three simulcast layers when it is on, and mutes through the SFU', async () => {
    const server = fakeServer();
    client = new RoomMediaClient(server.signal, devices, createDevice);
    mediaActions.set({ cameraOn: true });
    await client.join();
    const camera = server.sent.find((s) => s.event === 'media:produce' && s.payload.source === 'camera');
    expect(camera?.payload.rtpParameters).toMatchObject({ encodings: [{}, {}, {}] });
    await client.setMuted(true);
    expect(server.sent.at(-1)).toMatchObject({ event: 'media:pauseProducer' });
    expect(useMediaStore.getState().muted).toBe(true);
  });

  it('an unmute the SFU does not take leaves the button muted (nobody hears me), and says why', async () => {
    let refuse = true;
    const server = fakeServer((event) =>
      event === 'media:resumeProducer' && refuse ? Promise.reject(new Error('UNAVAILABLE')) : undefined,
    );
    client = new RoomMediaClient(server.signal, devices, createDevice);
    mediaActions.set({ muted: true });
    await client.join();
    await expect(client.setMuted(false)).rejects.toThrow('UNAVAILABLE');
    expect(useMediaStore.getState().muted).toBe(true);
    refuse = false;
    await client.setMuted(false);
    expect(useMediaStore.getState().muted).toBe(false);
  });

  it('a listen-only join produces nothing and opens no microphone', async () => {
    const server = fakeServer();
    client = new RoomMediaClient(server.signal, devices, createDevice);
    await client.join({ listenOnly: true });
    expect(useMediaStore.getState().phase).toBe('live');
    expect(server.sent.some((s) => s.event === 'media:produce')).toBe(false);
    expect(getUserMedia).not.toHaveBeenCalled();
  });

  /** A consumer push for another peer's microphone, valid for the fake handler. */
  const consumerPush = (n: number) => ({
    consumerId: `c${n}`,
    producerId: `rp${n}`,
    peerId: `peer${n}`,
    kind: 'audio' as const,
    source: 'mic' as const,
    rtpParameters: testFakeParameters.generateConsumerRemoteParameters({ codecMimeType: 'audio/opus' })
      .rtpParameters,
    producerPaused: false,
  });
  const unavailable = () => new RequestError({ code: 'UNAVAILABLE', message: 'The server did not answer.' });

  it('a join that a newer one replaced sends nothing more (no stale transport request reaches the server)', async () => {
    const server = fakeServer();
    // The first join's Device loads slowly (a busy page): a second join starts and finishes meanwhile.
    let releaseLoad: () => void = () => {};
    let devicesMade = 0;
    const slowFirst = () => {
      const device = createDevice();
      if (++devicesMade === 1) {
        const load = device.load.bind(device);
        device.load = async (o) => {
          await new Promise<void>((r) => {
            releaseLoad = r;
          });
          return load(o);
        };
      }
      return device;
    };
    client = new RoomMediaClient(server.signal, devices, slowFirst);
    const first = client.join();
    await vi.waitFor(() => expect(devicesMade).toBe(1));
    await client.join();
    const afterSecond = server.sent.length;
    releaseLoad();
    await first;
    // The first join stopped after its Device loaded: no ready, no produce (which would land on the newer
    // join's transports on the server).
    expect(server.sent.slice(afterSecond)).toEqual([]);
    expect(server.sent.filter((s) => s.event === 'media:ready')).toHaveLength(1);
    expect(useMediaStore.getState().phase).toBe('live');
  });

  it('does not wait for the server to confirm a transport connection; a connection it refuses starts the join over', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // The server never answers the first connectTransport (a busy server): the microphone goes out anyway.
      let connects = 0;
      let refuse: (err: unknown) => void = () => {};
      const server = fakeServer((event) =>
        event === 'media:connectTransport' && ++connects === 1
          ? new Promise((_, reject) => {
              refuse = reject;
            })
          : undefined,
      );
      client = new RoomMediaClient(server.signal, devices, createDevice);
      await client.join();
      expect(useMediaStore.getState().phase).toBe('live');
      const events = server.sent.map((s) => s.event);
      expect(events.indexOf('media:connectTransport')).toBeLessThan(events.indexOf('media:produce'));
      // Negative: the refusal that finally comes is not swallowed — the join starts over and goes live.
      refuse(unavailable());
      await vi.advanceTimersByTimeAsync(600);
      await vi.waitFor(() => expect(server.sent.filter((s) => s.event === 'media:join')).toHaveLength(2));
      await vi.waitFor(() => expect(useMediaStore.getState().phase).toBe('live'));
    } finally {
      vi.useRealTimers();
    }
  });

  it('a join that fails is tried again by itself; a left room is not', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let joins = 0;
      const server = fakeServer((event) =>
        event === 'media:join' && ++joins === 1 ? Promise.reject(unavailable()) : undefined,
      );
      client = new RoomMediaClient(server.signal, devices, createDevice);
      await client.join();
      expect(useMediaStore.getState().phase).toBe('failed');
      await vi.advanceTimersByTimeAsync(600);
      await vi.waitFor(() => expect(useMediaStore.getState().phase).toBe('live'));
      expect(joins).toBe(2);

      // Negative: after leaving, a failure schedules nothing.
      const server2 = fakeServer((event) =>
        event === 'media:join' ? Promise.reject(unavailable()) : undefined,
      );
      const other = new RoomMediaClient(server2.signal, devices, createDevice);
      await other.join();
      other.leave();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(server2.sent.filter((s) => s.event === 'media:join')).toHaveLength(1);
      other.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a resume that gets no answer is sent again; one that never gets through starts the join over', async () => {
    let resumes = 0;
    const server = fakeServer((event) => {
      if (event !== 'media:resumeConsumer') return undefined;
      resumes++;
      // c1: the first resume is lost, the second gets through. c2: never gets through.
      return resumes === 1 || resumes >= 3 ? Promise.reject(unavailable()) : {};
    });
    client = new RoomMediaClient(server.signal, devices, createDevice);
    await client.join({ listenOnly: true });
    server.push('media:newConsumer', consumerPush(1));
    await vi.waitFor(() => expect(resumes).toBe(2));
    expect(useMediaStore.getState().tiles.peer1?.audio).toBeTruthy();
    const joins = () => server.sent.filter((s) => s.event === 'media:join').length;
    expect(joins()).toBe(1);

    server.push('media:newConsumer', consumerPush(2));
    // Three attempts, then a new join (the server sends every producer again after it).
    await vi.waitFor(() => expect(joins()).toBe(2), { timeout: 5_000 });
    expect(resumes).toBe(5);
  });

  it('a (re)join gets its transports with the join and sends ready and its streams without waiting', async () => {
    // The ready answer is held back (a busy server): the microphone and camera go out meanwhile.
    let answerReady: (v: unknown) => void = () => {};
    const server = fakeServer((event) =>
      event === 'media:ready'
        ? new Promise((r) => {
            answerReady = r;
          })
        : undefined,
    );
    client = new RoomMediaClient(server.signal, devices, createDevice);
    mediaActions.set({ cameraOn: true });
    const joined = client.join();
    await vi.waitFor(() =>
      expect(server.sent.filter((s) => s.event === 'media:produce').map((s) => s.payload.source)).toEqual(
        expect.arrayContaining(['mic', 'camera']),
      ),
    );
    expect(useMediaStore.getState().phase).toBe('joining');
    answerReady({ consumers: [] });
    await joined;
    expect(useMediaStore.getState().phase).toBe('live');
    expect(server.sent.find((s) => s.event === 'media:join')?.payload).toEqual({ transports: true });
    // No separate transport requests: one round trip less on the way back after a restart.
    expect(server.sent.some((s) => s.event === 'media:createTransport')).toBe(false);
  });

  it('the streams in the ready answer are attached together and all resumed at once', async () => {
    const pending: string[] = [];
    const server = fakeServer((event, payload) => {
      if (event === 'media:ready') return { consumers: [consumerPush(1), consumerPush(2), consumerPush(3)] };
      if (event === 'media:resumeConsumer') {
        pending.push(String(payload.consumerId));
        // Answered only once all three were asked for: they are not resumed one after another.
        return vi.waitFor(() => expect(pending).toHaveLength(3)).then(() => ({}));
      }
      return undefined;
    });
    client = new RoomMediaClient(server.signal, devices, createDevice);
    await client.join({ listenOnly: true });
    await vi.waitFor(() => expect(pending.sort()).toEqual(['c1', 'c2', 'c3']));
    const tiles = useMediaStore.getState().tiles;
    expect([tiles.peer1?.audio, tiles.peer2?.audio, tiles.peer3?.audio].every(Boolean)).toBe(true);
    // Negative: a consumer the server closed leaves its tile empty.
    server.push('media:consumerClosed', { consumerId: 'c2', peerId: 'peer2' });
    expect(useMediaStore.getState().tiles.peer2?.audio ?? null).toBeNull();
    expect(useMediaStore.getState().tiles.peer1?.audio).toBeTruthy();
  });

  it('a rejoin sends the Device it holds with the join: one round trip brings transports and streams', async () => {
    let rejoined = false;
    const server = fakeServer((event, payload) =>
      event === 'media:join' && rejoined
        ? {
            routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities(),
            transports: {
              recv: testFakeParameters.generateTransportRemoteParameters(),
            },
            consumers: payload.rtpCapabilities ? [consumerPush(1), consumerPush(2)] : undefined,
          }
        : undefined,
    );
    client = new RoomMediaClient(server.signal, devices, createDevice);
    // The first join has no Device yet: it loads one and says ready separately.
    await client.join({ listenOnly: true });
    expect(server.sent.map((s) => s.event)).toEqual(['media:join', 'media:ready']);
    expect(server.sent[0]?.payload).toEqual({ transports: true });

    rejoined = true;
    const before = server.sent.length;
    await client.join({ listenOnly: true });
    const join = server.sent[before];
    expect(join?.payload).toMatchObject({ transports: true, rtpCapabilities: { codecs: expect.any(Array) } });
    await vi.waitFor(() =>
      expect(
        server.sent
          .filter((s) => s.event === 'media:resumeConsumer')
          .map((s) => s.payload.consumerId)
          .sort(),
      ).toEqual(['c1', 'c2']),
    );
    // No separate ready: the join's answer was the whole way back.
    expect(server.sent.slice(before).some((s) => s.event === 'media:ready')).toBe(false);
    expect(useMediaStore.getState().tiles.peer2?.audio).toBeTruthy();
  });

  it('while its own streams are set up, a page holds the others’ streams, then attaches them all at once', async () => {
    // The microphone's produce is answered late (a busy server); meanwhile two streams are announced.
    let answerProduce: (v: unknown) => void = () => {};
    const server = fakeServer((event) =>
      event === 'media:produce'
        ? new Promise((r) => {
            answerProduce = r;
          })
        : undefined,
    );
    // What the receive transport is asked to consume (attaching starts with that call, synchronously).
    const consumed: string[] = [];
    const makeRecv = Device.prototype.createRecvTransport;
    const spy = vi.spyOn(Device.prototype, 'createRecvTransport').mockImplementation(function (
      this: Device,
      options,
    ) {
      const t = makeRecv.call(this, options);
      const consume = t.consume.bind(t);
      t.consume = (o) => {
        consumed.push(o.id);
        return consume(o);
      };
      return t;
    });
    client = new RoomMediaClient(server.signal, devices, createDevice);
    const joined = client.join();
    await vi.waitFor(() => expect(server.sent.some((s) => s.event === 'media:produce')).toBe(true));
    server.push('media:newConsumer', consumerPush(1));
    server.push('media:newConsumer', consumerPush(2));
    // Nothing attached yet: this page's negotiation for its own microphone goes first.
    expect(consumed).toEqual([]);
    answerProduce({ producerId: 'p-mic' });
    await vi.waitFor(() => expect(consumed).toEqual(['c1', 'c2']));
    spy.mockRestore();
    await joined;
    await vi.waitFor(() =>
      expect(
        server.sent
          .filter((s) => s.event === 'media:resumeConsumer')
          .map((s) => s.payload.consumerId)
          .sort(),
      ).toEqual(['c1', 'c2']),
    );
    // Negative: once live, a new stream is attached at once.
    server.push('media:newConsumer', consumerPush(3));
    await vi.waitFor(() => expect(useMediaStore.getState().tiles.peer3?.audio).toBeTruthy());
  });

  it('a consumer that is gone before its resume is dropped, without a rejoin', async () => {
    const server = fakeServer((event) =>
      event === 'media:resumeConsumer'
        ? Promise.reject(new RequestError({ code: 'NOT_FOUND', message: 'No such consumer.' }))
        : undefined,
    );
    client = new RoomMediaClient(server.signal, devices, createDevice);
    await client.join({ listenOnly: true });
    server.push('media:newConsumer', consumerPush(1));
    await vi.waitFor(() =>
      expect(server.sent.filter((s) => s.event === 'media:resumeConsumer')).toHaveLength(1),
    );
    await vi.waitFor(() => expect(useMediaStore.getState().tiles.peer1?.audio ?? null).toBeNull());
    expect(server.sent.filter((s) => s.event === 'media:join')).toHaveLength(1);
  });
});
