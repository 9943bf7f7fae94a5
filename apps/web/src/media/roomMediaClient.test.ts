import type { MediaServerToClientEvents } from '@tsudoi/protocol';
import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mediaActions, useMediaStore } from '../state/mediaSlice';
import { type MediaSignal, RoomMediaClient } from './roomMediaClient';

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

/** A server stand-in: answers each request and lets the test push events. */
function fakeServer() {
  const sent: Array<{ event: string; payload: Record<string, unknown> }> = [];
  const handlers = new Map<string, (p: unknown) => void>();
  let ids = 0;
  const answer = (event: string): unknown => {
    switch (event) {
      case 'media:join':
        return { routerRtpCapabilities: testFakeParameters.generateRouterRtpCapabilities() };
      case 'media:createTransport':
        return testFakeParameters.generateTransportRemoteParameters();
      case 'media:produce':
        return { producerId: `p${++ids}` };
      default:
        return {};
    }
  };
  const signal: MediaSignal = {
    request: (async (event: string, payload: Record<string, unknown>) => {
      sent.push({ event, payload });
      return answer(event);
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

  it('a listen-only join creates only a receiving transport and produces nothing', async () => {
    const server = fakeServer();
    client = new RoomMediaClient(server.signal, devices, createDevice);
    await client.join({ listenOnly: true });
    const transports = server.sent.filter((s) => s.event === 'media:createTransport').map((s) => s.payload);
    expect(transports).toEqual([{ direction: 'recv' }]);
    expect(server.sent.some((s) => s.event === 'media:produce')).toBe(false);
    expect(getUserMedia).not.toHaveBeenCalled();
  });
});
