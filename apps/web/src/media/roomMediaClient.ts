import type {
  ClientToServerEvents,
  MediaNewConsumer,
  MediaServerToClientEvents,
  MediaSource,
} from '@tsudoi/protocol';
import { Device } from 'mediasoup-client';
import type {
  Consumer,
  Producer,
  RtpCapabilities,
  Transport,
  TransportOptions,
} from 'mediasoup-client/types';
import { getSocket, RequestError, request } from '../realtime/socket';
import { mediaActions, useMediaStore } from '../state/mediaSlice';
import {
  CAMERA_ENCODINGS,
  canShareScreen,
  layerForTileHeight,
  RESUME_ATTEMPTS,
  rejoinDelayMs,
  SCREEN_ENCODINGS,
  shouldRetryRequest,
} from './mediaPolicy';

/** The signalling a media client needs: requests with acks, and server pushes. */
export interface MediaSignal {
  request: typeof request;
  on<E extends keyof MediaServerToClientEvents>(event: E, fn: MediaServerToClientEvents[E]): () => void;
}

/** The app's socket as a {@link MediaSignal}. */
export const socketSignal: MediaSignal = {
  request,
  on: (event, fn) => {
    const s = getSocket();
    (s.on as (e: string, f: unknown) => void)(event, fn);
    return () => (s.off as (e: string, f: unknown) => void)(event, fn);
  },
};

/** Thrown by startScreenShare where the browser cannot share a screen (iPad). */
export class ScreenShareUnsupportedError extends Error {
  constructor() {
    super('Screen sharing is not available in this browser.');
    this.name = 'ScreenShareUnsupportedError';
  }
}

interface Remote {
  consumer: Consumer;
  peerId: string;
  source: MediaSource;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Thrown inside a join that a newer join (or a leave) replaced: it stops without touching anything. */
class Superseded extends Error {
  constructor() {
    super('superseded');
    this.name = 'Superseded';
  }
}

const codeOf = (err: unknown): string | undefined =>
  err instanceof RequestError ? err.body.code : undefined;

/**
 * A client's media in the room it is in, outside React: a mediasoup Device, a send and a receive
 * transport, producers for microphone / camera / screen and consumers turned into per-peer tiles in
 * `useMediaStore`. Mute and camera choices live in the store and survive every rejoin: `join()` after a
 * reconnect or a room switch, and `media:renegotiate` after an SFU worker died, rebuild the transports and
 * re-produce with the same state — a muted microphone is produced paused.
 *
 * Every join is a generation: a request of an older generation is never sent (it could replace the newer
 * one's transports on the server), and work of an older generation stops at its next await. No failure
 * leaves a participant silently without media: a join that fails, a consumer that cannot be attached, or
 * a resume that never got through starts the join over after a short, growing delay (the server then
 * sends every producer in the room again), and a rejoin on a new connection does the same at once.
 */
export class RoomMediaClient {
  #device: Device | undefined;
  #send: Transport | undefined;
  #recv: Transport | undefined;
  readonly #producers = new Map<MediaSource, Producer>();
  readonly #remotes = new Map<string, Remote>();
  readonly #tracks = new Map<MediaSource, MediaStreamTrack>();
  readonly #offs: Array<() => void> = [];
  /** Bumped by every (re)join and leave; work from an older one stops at its next await. */
  #generation = 0;
  #listenOnly = false;
  /** Whether a join is wanted (between join() and leave()): automatic rejoins only happen then. */
  #wanted = false;
  /** Failed joins in a row (for the rejoin delay); reset once media is live. */
  #failures = 0;
  #rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last loaded Device and the router capabilities it was loaded with: reused while they match. */
  #loaded: { caps: string; device: Device } | undefined;

  constructor(
    private readonly signal: MediaSignal = socketSignal,
    private readonly devices: MediaDevices = navigator.mediaDevices,
    private readonly createDevice: () => Device = () => new Device(),
  ) {
    mediaActions.set({ screenShareSupported: canShareScreen(devices) });
    this.#offs.push(
      signal.on('media:newConsumer', (c) => void this.#consume(c)),
      signal.on('media:consumerClosed', ({ consumerId }) => this.#dropRemote(consumerId)),
      signal.on('media:producerPaused', (p) => mediaActions.setPaused(p.peerId, p.source, true)),
      signal.on('media:producerResumed', (p) => mediaActions.setPaused(p.peerId, p.source, false)),
      signal.on('media:activeSpeaker', ({ peerId }) => mediaActions.set({ activeSpeaker: peerId })),
      signal.on('media:renegotiate', () => void this.#connect('renegotiating')),
    );
    const onDeviceChange = () => void this.refreshDevices();
    devices.addEventListener?.('devicechange', onDeviceChange);
    this.#offs.push(() => devices.removeEventListener?.('devicechange', onDeviceChange));
  }

  /**
   * Joins the media of the room the server has this user in (call after entering a room, after a room
   * switch, and after the socket reconnected and the room was re-entered). Starts the microphone at once
   * (paused if the user is muted) and the camera if it is on.
   */
  join(options: { listenOnly?: boolean } = {}): Promise<void> {
    this.#listenOnly = options.listenOnly ?? false;
    this.#wanted = true;
    this.#failures = 0;
    return this.#connect('joining');
  }

  /** Leaves the room's media; local tracks stay open so the next room starts instantly. */
  leave(): void {
    this.#wanted = false;
    this.#generation++;
    this.#cancelRejoin();
    this.#teardown();
    mediaActions.set({ phase: 'idle' });
  }

  /** Ends everything: transports, local tracks, listeners. */
  close(): void {
    this.leave();
    for (const track of this.#tracks.values()) track.stop();
    this.#tracks.clear();
    for (const off of this.#offs.splice(0)) off();
    mediaActions.set({ localCamera: null, localScreen: null, sharingScreen: false });
  }

  /** Mute pauses the producer at the SFU too, so the others receive no audio packets at all. */
  async setMuted(muted: boolean): Promise<void> {
    mediaActions.set({ muted });
    const mic = this.#producers.get('mic');
    if (!mic) return;
    if (muted) {
      mic.pause();
      await this.signal.request('media:pauseProducer', { producerId: mic.id });
    } else {
      await this.signal.request('media:resumeProducer', { producerId: mic.id });
      // Asked again and still unmuted: the user may have muted while the request was in flight.
      if (!useMediaStore.getState().muted) mic.resume();
    }
  }

  async setCameraOn(on: boolean): Promise<void> {
    mediaActions.set({ cameraOn: on });
    if (on) return this.#produceCamera(this.#generation);
    await this.#stopSource('camera');
    mediaActions.set({ localCamera: null });
  }

  async startScreenShare(): Promise<void> {
    if (!canShareScreen(this.devices)) throw new ScreenShareUnsupportedError();
    const stream = await this.devices.getDisplayMedia({ video: true, audio: false });
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    track.contentHint = 'detail';
    // The browser's own "Stop sharing" button ends the track.
    track.addEventListener('ended', () => void this.stopScreenShare());
    this.#tracks.set('screen', track);
    mediaActions.set({ sharingScreen: true, localScreen: stream });
    await this.#produce('screen', track, this.#generation);
  }

  async stopScreenShare(): Promise<void> {
    await this.#stopSource('screen');
    mediaActions.set({ sharingScreen: false, localScreen: null });
  }

  /** Microphone / camera: swaps the track without renegotiating. Speaker: applied by the room view. */
  async chooseDevice(kind: 'mic' | 'camera' | 'speaker', deviceId: string): Promise<void> {
    mediaActions.selectDevice(kind, deviceId);
    if (kind === 'speaker') return;
    const producer = this.#producers.get(kind);
    if (!this.#tracks.has(kind)) return;
    const old = this.#tracks.get(kind);
    this.#tracks.delete(kind);
    let track: MediaStreamTrack;
    try {
      track = await this.#localTrack(kind);
    } catch (err) {
      if (old) this.#tracks.set(kind, old);
      throw err;
    }
    await producer?.replaceTrack({ track });
    old?.stop();
    if (kind === 'camera') mediaActions.set({ localCamera: new MediaStream([track]) });
  }

  async refreshDevices(): Promise<void> {
    const all = await this.devices.enumerateDevices();
    const pick = (kind: MediaDeviceKind) =>
      all.filter((d) => d.kind === kind).map((d) => ({ deviceId: d.deviceId, label: d.label }));
    mediaActions.set({
      devices: { mics: pick('audioinput'), cameras: pick('videoinput'), speakers: pick('audiooutput') },
    });
  }

  /** The room view reports a tile's height; 0 = not shown, so its video is paused at the SFU. */
  async setTileHeight(peerId: string, source: 'camera' | 'screen', heightPx: number): Promise<void> {
    const remote = [...this.#remotes.values()].find((r) => r.peerId === peerId && r.source === source);
    if (!remote) return;
    const { consumer } = remote;
    const layer = layerForTileHeight(heightPx);
    if (layer === null) {
      if (consumer.paused) return;
      consumer.pause();
      await this.signal.request('media:pauseConsumer', { consumerId: consumer.id });
      return;
    }
    if (source === 'camera') {
      await this.signal.request('media:setConsumerLayers', { consumerId: consumer.id, spatialLayer: layer });
    }
    if (consumer.paused) {
      consumer.resume();
      await this.signal.request('media:resumeConsumer', { consumerId: consumer.id });
    }
  }

  async #connect(phase: 'joining' | 'renegotiating'): Promise<void> {
    const gen = ++this.#generation;
    this.#cancelRejoin();
    this.#teardown();
    mediaActions.set({ phase, problem: null });
    try {
      const { routerRtpCapabilities } = await this.#request(gen, 'media:join', {});
      const device = await this.#deviceFor(routerRtpCapabilities as RtpCapabilities, gen);
      this.#device = device;
      // Both transports at once: one round trip less on the way back after a restart.
      const made = await Promise.allSettled([
        this.#listenOnly ? undefined : this.#transport('send', gen),
        this.#transport('recv', gen),
      ]);
      const [send, recv] = made.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
      const failed = made.find((r) => r.status === 'rejected');
      if (failed || gen !== this.#generation || !recv) {
        send?.close();
        recv?.close();
        throw failed ? failed.reason : new Superseded();
      }
      this.#send = send;
      this.#recv = recv;
      await this.#request(gen, 'media:ready', { rtpCapabilities: device.rtpCapabilities });
      if (!this.#listenOnly) {
        await this.#produceMic(gen);
        if (useMediaStore.getState().cameraOn) await this.#produceCamera(gen);
        const screen = this.#tracks.get('screen');
        if (screen?.readyState === 'live') await this.#produce('screen', screen, gen);
      }
      if (gen !== this.#generation) return;
      // Live with every stream set up so far: the next failure starts the delays from the shortest again.
      if (this.#rejoinTimer === undefined) this.#failures = 0;
      mediaActions.set({ phase: 'live' });
      void this.refreshDevices().catch(() => {});
    } catch (err) {
      if (gen !== this.#generation || err instanceof Superseded) return;
      mediaActions.set({ phase: 'failed', problem: message(err) });
      this.#rejoinLater(gen);
    }
  }

  /**
   * Starts this generation's join over after a growing delay (a failed join, a stream that could not be
   * attached). Nothing happens if a newer join or a leave came first.
   */
  #rejoinLater(gen: number): void {
    if (gen !== this.#generation || !this.#wanted || this.#rejoinTimer !== undefined) return;
    const delay = rejoinDelayMs(this.#failures++);
    this.#rejoinTimer = setTimeout(() => {
      this.#rejoinTimer = undefined;
      if (gen === this.#generation && this.#wanted) void this.#connect('renegotiating');
    }, delay);
  }

  #cancelRejoin(): void {
    clearTimeout(this.#rejoinTimer);
    this.#rejoinTimer = undefined;
  }

  /**
   * A request on behalf of join generation `gen`: never sent once a newer generation started (a stale
   * `media:join` or `media:createTransport` would replace the newer one's peer or transports on the
   * server), and its answer is dropped if one started meanwhile.
   */
  async #request<E extends keyof ClientToServerEvents>(
    gen: number,
    event: E,
    payload: Parameters<typeof request<E>>[1],
  ): ReturnType<typeof request<E>> {
    if (gen !== this.#generation) throw new Superseded();
    const result = await this.signal.request(event, payload);
    if (gen !== this.#generation) throw new Superseded();
    return result;
  }

  /** A Device for these router capabilities: the last one while they are unchanged (loading is slow). */
  async #deviceFor(caps: RtpCapabilities, gen: number): Promise<Device> {
    const key = JSON.stringify(caps);
    if (this.#loaded?.caps === key) return this.#loaded.device;
    const device = this.createDevice();
    await device.load({ routerRtpCapabilities: caps });
    if (gen !== this.#generation) throw new Superseded();
    this.#loaded = { caps: key, device };
    return device;
  }

  async #transport(direction: 'send' | 'recv', gen: number): Promise<Transport> {
    const options = await this.#request(gen, 'media:createTransport', { direction });
    const device = this.#device;
    if (!device) throw new Superseded();
    const t =
      direction === 'send'
        ? device.createSendTransport(options as TransportOptions)
        : device.createRecvTransport(options as TransportOptions);
    t.on('connect', ({ dtlsParameters }, ok, fail) => {
      this.#request(gen, 'media:connectTransport', { transportId: t.id, dtlsParameters }).then(
        () => ok(),
        fail,
      );
    });
    t.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
      const { source, paused } = appData as { source: MediaSource; paused: boolean };
      this.#request(gen, 'media:produce', { transportId: t.id, kind, rtpParameters, source, paused }).then(
        ({ producerId }) => ok({ id: producerId }),
        fail,
      );
    });
    // A transport that cannot recover (network change, SFU gone) is rebuilt from scratch.
    t.on('connectionstatechange', (state) => {
      if (state === 'failed' && gen === this.#generation) void this.#connect('renegotiating');
    });
    return t;
  }

  async #produceMic(gen: number): Promise<void> {
    try {
      const track = this.#tracks.get('mic') ?? (await this.#localTrack('mic'));
      await this.#produce('mic', track, gen);
    } catch (err) {
      if (err instanceof Superseded || gen !== this.#generation) return;
      // The server or the transport failed (not the microphone): the others would not hear me, so rejoin.
      if (err instanceof RequestError) return this.#streamLost(gen, err);
      mediaActions.set({ problem: message(err) });
    }
  }

  async #produceCamera(gen: number): Promise<void> {
    try {
      const track = this.#tracks.get('camera') ?? (await this.#localTrack('camera'));
      track.addEventListener('ended', () => void this.setCameraOn(false), { once: true });
      mediaActions.set({ localCamera: new MediaStream([track]) });
      await this.#produce('camera', track, gen);
    } catch (err) {
      if (err instanceof Superseded || gen !== this.#generation) return;
      if (err instanceof RequestError) return this.#streamLost(gen, err);
      mediaActions.set({ problem: message(err), cameraOn: false });
    }
  }

  async #produce(source: MediaSource, track: MediaStreamTrack, gen: number): Promise<void> {
    const send = this.#send;
    if (!send || gen !== this.#generation || this.#producers.has(source)) return;
    // Read the mute state at the last moment: a rejoin must never unmute someone.
    const paused = source === 'mic' && useMediaStore.getState().muted;
    const producer = await send.produce({
      track,
      stopTracks: false,
      zeroRtpOnPause: true,
      appData: { source, paused },
      ...(source === 'camera'
        ? { encodings: CAMERA_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 1000 } }
        : source === 'screen'
          ? { encodings: SCREEN_ENCODINGS }
          : { codecOptions: { opusDtx: true, opusFec: true } }),
    });
    if (paused) producer.pause();
    if (gen !== this.#generation || send.closed) return producer.close();
    this.#producers.set(source, producer);
    producer.on('transportclose', () => this.#producers.delete(source));
  }

  async #stopSource(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    this.#producers.delete(source);
    this.#tracks.get(source)?.stop();
    this.#tracks.delete(source);
    if (!producer) return;
    producer.close();
    await this.signal.request('media:closeProducer', { producerId: producer.id }).catch(() => {});
  }

  async #localTrack(source: 'mic' | 'camera'): Promise<MediaStreamTrack> {
    const { selected } = useMediaStore.getState();
    const id = source === 'mic' ? selected.mic : selected.camera;
    const device: MediaTrackConstraints = id ? { deviceId: { ideal: id } } : {};
    // 720p feeds the top simulcast layer; the lower two are scaled down from it.
    const stream = await this.devices.getUserMedia(
      source === 'mic'
        ? { audio: device }
        : { video: { ...device, width: { ideal: 1280 }, height: { ideal: 720 } } },
    );
    const track = source === 'mic' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    if (!track) throw new Error(`no ${source === 'mic' ? 'microphone' : 'camera'}`);
    this.#tracks.set(source, track);
    return track;
  }

  /**
   * Attaches a consumer the server made (paused) for this generation's receive transport, then resumes
   * it. A push that arrives between joins is dropped: the server sends every producer again after the
   * next `media:ready`. If the stream cannot be attached or resumed, the join starts over.
   */
  async #consume(c: MediaNewConsumer): Promise<void> {
    const gen = this.#generation;
    const recv = this.#recv;
    if (!recv) return;
    let consumer: Consumer;
    try {
      consumer = await recv.consume({
        id: c.consumerId,
        producerId: c.producerId,
        kind: c.kind,
        rtpParameters: c.rtpParameters as Parameters<Transport['consume']>[0]['rtpParameters'],
      });
    } catch (err) {
      if (gen === this.#generation && !recv.closed) this.#streamLost(gen, err);
      return;
    }
    if (gen !== this.#generation || consumer.closed) return consumer.close();
    this.#remotes.set(consumer.id, { consumer, peerId: c.peerId, source: c.source });
    mediaActions.setStream(c.peerId, c.source, new MediaStream([consumer.track]));
    mediaActions.setPaused(c.peerId, c.source, c.producerPaused);
    // Attached: now let media flow (it was created paused so no keyframe was lost).
    await this.#resume(consumer, gen);
  }

  /**
   * Resumes a new consumer at the SFU. A request that got no answer (a busy server, a refused burst) is
   * sent again; a consumer that is gone meanwhile is dropped; anything else starts the join over, since
   * a consumer left paused would keep that stream silent for good.
   */
  async #resume(consumer: Consumer, gen: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (gen !== this.#generation || consumer.closed) return;
      try {
        await this.#request(gen, 'media:resumeConsumer', { consumerId: consumer.id });
        return;
      } catch (err) {
        if (err instanceof Superseded || gen !== this.#generation || consumer.closed) return;
        if (codeOf(err) === 'NOT_FOUND') return this.#dropRemote(consumer.id);
        if (!shouldRetryRequest(codeOf(err)) || attempt >= RESUME_ATTEMPTS) return this.#streamLost(gen, err);
        // A short pause so a rate-limited burst has room again.
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
  }

  /** A remote stream of this generation could not be set up: say so and join again shortly. */
  #streamLost(gen: number, err: unknown): void {
    if (gen !== this.#generation) return;
    mediaActions.set({ problem: message(err) });
    this.#rejoinLater(gen);
  }

  #dropRemote(consumerId: string): void {
    const remote = this.#remotes.get(consumerId);
    if (!remote) return;
    this.#remotes.delete(consumerId);
    remote.consumer.close();
    mediaActions.setStream(remote.peerId, remote.source, null);
  }

  /** Closes transports (and so producers and consumers); keeps local tracks and the user's choices. */
  #teardown(): void {
    this.#send?.close();
    this.#recv?.close();
    this.#send = undefined;
    this.#recv = undefined;
    this.#device = undefined;
    this.#producers.clear();
    this.#remotes.clear();
    mediaActions.clearRemote();
  }
}
