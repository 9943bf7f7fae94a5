import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import type { HandlerFactory, HandlerInterface, HandlerOptions } from 'mediasoup-client/types';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mediaActions, useMediaStore } from '../state/mediaSlice';
import type { MediaSignal } from './mediaSignal';
import { RoomMediaClient } from './roomMediaClient';

// Issue 14, in the page: the transports use the TURN servers and ICE policy of the join's answer, and a
// transport whose ICE never gets anywhere (relay refused, firewall) is reported instead of looking live.

class FakeStream {
  constructor(readonly tracks: unknown[] = []) {}
}
const fakeTrack = (kind: 'audio' | 'video') => ({
  id: `${kind}-${Math.random()}`,
  kind,
  enabled: true,
  readyState: 'live',
  addEventListener() {},
  removeEventListener() {},
  stop: vi.fn(),
});
const devices = {
  getUserMedia: async (c: MediaStreamConstraints) => ({
    getAudioTracks: () => (c.audio ? [fakeTrack('audio')] : []),
    getVideoTracks: () => (c.video ? [fakeTrack('video')] : []),
  }),
  enumerateDevices: async () => [],
} as unknown as MediaDevices;

const TURN = {
  iceServers: [{ urls: ['turn:turn.example.com:443?transport=tcp'], username: '1:u', credential: 'c' }],
  iceTransportPolicy: 'relay' as const,
};

/** A server answering the join (with `ice` in the answer) and every other request with something valid. */
function fakeSignal(ice: object): MediaSignal {
  let ids = 0;
  return {
    request: (async (event: string, payload: Record<string, unknown>) => {
      if (event === 'media:join')
        return {
          routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities(),
          transports: {
            send: testFakeParameters.generateTransportRemoteParameters(),
            recv: testFakeParameters.generateTransportRemoteParameters(),
          },
          ...(payload.rtpCapabilities ? { consumers: [] } : {}),
          ...ice,
        };
      if (event === 'media:ready') return { consumers: [] };
      if (event === 'media:produce') return { producerId: `p${++ids}` };
      return {};
    }) as MediaSignal['request'],
    on: () => () => {},
  };
}

/** Fake handlers that remember what they were created with (one per transport). */
function recordingDevice() {
  const made: Array<{ options: HandlerOptions; handler: FakeHandler }> = [];
  const fake = FakeHandler.createFactory(testFakeParameters);
  const handlerFactory: HandlerFactory = {
    ...fake,
    factory: (options) => {
      const handler = fake.factory(options) as HandlerInterface as FakeHandler;
      made.push({ options, handler });
      return handler;
    },
  };
  return { made, createDevice: () => new Device({ handlerFactory }) };
}

describe('TURN in the page (issue 14)', () => {
  let client: RoomMediaClient | undefined;
  beforeEach(() => {
    vi.stubGlobal('MediaStream', FakeStream);
    mediaActions.reset();
  });
  afterEach(() => {
    client?.close();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("creates both transports with the answer's TURN servers and relay-only policy", async () => {
    const { made, createDevice } = recordingDevice();
    client = new RoomMediaClient(fakeSignal(TURN), devices, createDevice);
    await client.join();
    expect(made.map((m) => m.options.direction).sort()).toEqual(['recv', 'send']);
    for (const { options } of made) {
      expect(options.iceServers).toEqual(TURN.iceServers);
      expect(options.iceTransportPolicy).toBe('relay');
    }
  });

  it('without TURN in the answer: no ICE servers and the usual policy', async () => {
    const { made, createDevice } = recordingDevice();
    client = new RoomMediaClient(fakeSignal({}), devices, createDevice);
    await client.join();
    for (const { options } of made) {
      expect(options.iceServers).toEqual([]);
      expect(options.iceTransportPolicy).toBe('all');
    }
  });

  it('a transport still not connected 15 s after its first use is reported; connecting clears it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { made, createDevice } = recordingDevice();
    client = new RoomMediaClient(fakeSignal(TURN), devices, createDevice);
    await client.join();
    expect(useMediaStore.getState().phase).toBe('live');
    vi.advanceTimersByTime(14_900);
    expect(useMediaStore.getState().phase).toBe('live');
    vi.advanceTimersByTime(200);
    expect(useMediaStore.getState()).toMatchObject({ phase: 'failed', problem: 'problem.mediaUnreachable' });

    for (const { handler } of made) handler.setConnectionState('connected');
    expect(useMediaStore.getState()).toMatchObject({ phase: 'live', problem: null });
  });

  it('a transport that connects in time is never reported', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { made, createDevice } = recordingDevice();
    client = new RoomMediaClient(fakeSignal(TURN), devices, createDevice);
    await client.join();
    for (const { handler } of made) handler.setConnectionState('connected');
    vi.advanceTimersByTime(60_000);
    expect(useMediaStore.getState()).toMatchObject({ phase: 'live', problem: null });
  });
});
