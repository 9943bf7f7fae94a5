import type { ClientToServerEvents, MediaNewConsumer, MediaSource } from '@tsudoi/protocol';
import { Device } from 'mediasoup-client';
import type { RtpCapabilities, Transport, TransportOptions } from 'mediasoup-client/types';
import { problemKey } from '../i18n/problemKey';
import type { request } from '../realtime/socket';
import { mediaActions, useMediaStore } from '../state/mediaSlice';
import { LocalProducers } from './localProducers';
import { LocalTracks } from './localTracks';
import { canShareScreen, layerForTileHeight, rejoinDelayMs } from './mediaPolicy';
import { type MediaSignal, messageOf, Superseded, socketSignal } from './mediaSignal';
import { trace } from './mediaTrace';
import { RemoteStreams } from './remoteStreams';

/** A transport not connected this long after its first use: media does not get through (issue 14). */
const TRANSPORT_CONNECT_MS = 15_000;

/** Thrown by startScreenShare where the browser cannot share a screen (iPad). */
export class ScreenShareUnsupportedError extends Error {
  constructor() {
    super('Screen sharing is not available in this browser.');
    this.name = 'ScreenShareUnsupportedError';
  }
}

/**
 * A client's media in the room it is in, outside React: a mediasoup Device, a send and a receive
 * transport, producers for microphone / camera / screen ({@link LocalTracks}) and consumers turned into
 * per-peer tiles ({@link RemoteStreams}). Mute and camera choices live in the store and survive every
 * rejoin: `join()` after a reconnect or a room switch, and `media:renegotiate` after an SFU worker died,
 * rebuild the transports and re-produce with the same state — a muted microphone is produced paused.
 *
 * The way back after a server restart is kept short (R21: media within 10 s): `media:join` answers with
 * both transports, then `media:ready` (whose answer holds a consumer of every stream in the room, all
 * attached in one negotiation) and the producers go out at the same time.
 *
 * Every join is a generation: a request of an older generation is never sent (it could replace the newer
 * one's transports on the server), and work of an older generation stops at its next await. No failure
 * leaves a participant silently without media: a join that fails, a consumer that cannot be attached, or
 * a resume that never got through starts the join over after a short, growing delay, and a rejoin on a new
 * connection does the same at once.
 */
export class RoomMediaClient {
  #send: Transport | undefined;
  #recv: Transport | undefined;
  readonly #producers: LocalProducers;
  readonly #local: LocalTracks;
  readonly #remote: RemoteStreams;
  readonly #offs: Array<() => void> = [];
  /** Bumped by every (re)join and leave; work from an older one stops at its next await. */
  #generation = 0;
  #listenOnly = false;
  /** Whether a join is wanted (between join() and leave()): automatic rejoins only happen then. */
  #wanted = false;
  /** Failed joins in a row (for the rejoin delay); reset once media is live. */
  #failures = 0;
  #rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * The others' streams announced while this page's own streams are still being set up: attached together
   * once they are (see {@link #connect}); undefined when not holding.
   */
  #held: MediaNewConsumer[] | undefined;
  /** The last loaded Device and the router capabilities it was loaded with: reused while they match. */
  #loaded: { caps: string; device: Device } | undefined;

  constructor(
    private readonly signal: MediaSignal = socketSignal,
    private readonly devices: MediaDevices = navigator.mediaDevices,
    private readonly createDevice: () => Device = () => new Device(),
  ) {
    this.#local = new LocalTracks(devices);
    this.#producers = new LocalProducers(
      {
        generation: () => this.#generation,
        send: () => this.#send,
        lost: (gen, err) => this.#streamLost(gen, err),
        cameraEnded: () => void this.setCameraOn(false),
      },
      this.#local,
      signal,
    );
    this.#remote = new RemoteStreams({
      generation: () => this.#generation,
      request: (gen, event, payload) => this.#request(gen, event, payload),
      lost: (gen, err) => this.#streamLost(gen, err),
    });
    mediaActions.set({ screenShareSupported: canShareScreen(devices) });
    this.#offs.push(
      signal.on('media:newConsumer', (c) => {
        const recv = this.#recv;
        trace('newConsumer', `${c.peerId}/${c.source}${recv ? '' : ' dropped'}`);
        // One that arrives between joins is dropped: the next join's answer holds it again.
        if (recv) this.#attach([c], this.#generation);
      }),
      signal.on('media:consumerClosed', ({ consumerId }) => this.#remote.drop(consumerId)),
      signal.on('media:producerPaused', (p) => mediaActions.setPaused(p.peerId, p.source, true)),
      signal.on('media:producerResumed', (p) => mediaActions.setPaused(p.peerId, p.source, false)),
      signal.on('media:activeSpeaker', ({ peerId }) => mediaActions.set({ activeSpeaker: peerId })),
      signal.on('media:renegotiate', () => void this.#connect('renegotiating')),
      signal.on(
        'media:senderLayers',
        ({ producerId, spatialLayer }) => void this.#producers.encodeUpTo(producerId, spatialLayer),
      ),
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
    this.#local.stopAll();
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
      try {
        await this.signal.request('media:resumeProducer', { producerId: mic.id });
      } catch (err) {
        // Nobody hears me (the SFU still holds the microphone paused): the button must say muted again.
        mediaActions.set({ muted: true });
        throw err;
      }
      // Asked again and still unmuted: the user may have muted while the request was in flight.
      if (!useMediaStore.getState().muted) mic.resume();
    }
  }

  async setCameraOn(on: boolean): Promise<void> {
    mediaActions.set({ cameraOn: on });
    if (on) return this.#producers.camera(this.#generation);
    await this.#producers.stop('camera');
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
    this.#local.set('screen', track);
    mediaActions.set({ sharingScreen: true, localScreen: stream });
    await this.#producers.produce('screen', track, this.#generation);
  }

  async stopScreenShare(): Promise<void> {
    await this.#producers.stop('screen');
    mediaActions.set({ sharingScreen: false, localScreen: null });
  }

  /** Microphone / camera: swaps the track without renegotiating. Speaker: applied by the room view. */
  async chooseDevice(kind: 'mic' | 'camera' | 'speaker', deviceId: string): Promise<void> {
    mediaActions.selectDevice(kind, deviceId);
    if (kind === 'speaker') return;
    const old = this.#local.get(kind);
    if (!old) return;
    this.#local.delete(kind);
    let track: MediaStreamTrack;
    try {
      track = await this.#local.open(kind);
    } catch (err) {
      this.#local.set(kind, old);
      throw err;
    }
    await this.#producers.get(kind)?.replaceTrack({ track });
    old.stop();
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

  /** A remote stream's receiver stats (the tile's connection quality); undefined if it is not on this page. */
  async stats(peerId: string, source: MediaSource): Promise<RTCStatsReport | undefined> {
    return this.#remote.find(peerId, source)?.getStats();
  }

  /** The room view reports a tile's height; 0 = not shown, so its video is paused at the SFU. */
  async setTileHeight(peerId: string, source: 'camera' | 'screen', heightPx: number): Promise<void> {
    const consumer = this.#remote.find(peerId, source);
    if (!consumer) return;
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
    trace('join', `${phase} gen ${gen}`);
    try {
      // One round trip for the router's capabilities and both transports; on a rejoin the Device still
      // held goes along, and the answer holds the room's streams as well.
      const held = this.#loaded?.device;
      const joined = await this.#request(
        gen,
        'media:join',
        held ? { transports: true, rtpCapabilities: held.rtpCapabilities } : { transports: true },
      );
      trace('joined', `${joined.consumers?.length ?? 'no'} consumers`);
      const device = await this.#deviceFor(joined.routerRtpCapabilities as RtpCapabilities, gen);
      // The router's capabilities changed (a server upgrade): the streams were set up for the old Device.
      if (held && device !== held) return void this.#connect(phase);
      if (!joined.transports) throw new Error('The server sent no transports.');
      const { send, recv } = joined.transports;
      // TURN (issue 14): the servers and credential minted for this join, on both transports.
      const ice = {
        iceServers: joined.iceServers ?? [],
        iceTransportPolicy: joined.iceTransportPolicy ?? 'all',
      };
      this.#recv = this.#transport(device, 'recv', { ...recv, ...ice }, gen);
      if (!this.#listenOnly && send) this.#send = this.#transport(device, 'send', { ...send, ...ice }, gen);
      // My streams first: the others wait on them, while my page's negotiations for their streams would
      // compete with mine for a busy CPU. Their streams are held meanwhile and then attached in one go.
      this.#held = this.#listenOnly ? undefined : [];
      await Promise.all([
        joined.consumers ? this.#attach(joined.consumers, gen) : this.#ready(device, gen),
        this.#listenOnly ? undefined : this.#producers.all(gen).finally(() => this.#release(gen)),
      ]);
      if (gen !== this.#generation) return;
      // Live with every stream set up so far: the next failure starts the delays from the shortest again.
      if (this.#rejoinTimer === undefined) this.#failures = 0;
      mediaActions.set({ phase: 'live' });
      trace('live');
      void this.refreshDevices().catch(() => {});
    } catch (err) {
      if (gen !== this.#generation || err instanceof Superseded) return;
      mediaActions.set({ phase: 'failed', problem: problemKey(err, 'problem.media') });
      trace('failed', messageOf(err));
      this.#rejoinLater(gen);
    }
  }

  /** Tells the server this Device's capabilities (a first join); its answer holds the room's streams. */
  async #ready(device: Device, gen: number): Promise<void> {
    const { consumers } = await this.#request(gen, 'media:ready', {
      rtpCapabilities: device.rtpCapabilities,
    });
    trace('ready', `${consumers.length} consumers`);
    this.#attach(consumers, gen);
  }

  /** The room's streams, attached together; that and their resumes handle their own failures (a rejoin). */
  #attach(consumers: MediaNewConsumer[], gen: number): void {
    if (gen !== this.#generation) return;
    if (this.#held) {
      this.#held.push(...consumers);
      return;
    }
    const recv = this.#recv;
    if (recv && consumers.length > 0) void this.#remote.consume(recv, consumers, gen);
  }

  /** My streams are set up (or failed): attach the others' streams held meanwhile, all together. */
  #release(gen: number): void {
    if (gen !== this.#generation) return;
    const held = this.#held ?? [];
    this.#held = undefined;
    trace('release', `${held.length} held`);
    this.#attach(held, gen);
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

  /** A stream of this generation could not be set up: say so and join again shortly. */
  #streamLost(gen: number, err: unknown): void {
    if (gen !== this.#generation) return;
    mediaActions.set({ problem: problemKey(err, 'problem.media') });
    this.#rejoinLater(gen);
  }

  /**
   * A request on behalf of join generation `gen`: never sent once a newer generation started (a stale
   * `media:join` or `media:produce` would replace or add to the newer one's media on the server), and its
   * answer is dropped if one started meanwhile.
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

  /** This side of a transport the server made; it connects (ICE, DTLS) with the first produce or consume. */
  #transport(device: Device, direction: 'send' | 'recv', options: unknown, gen: number): Transport {
    const t =
      direction === 'send'
        ? device.createSendTransport(options as TransportOptions)
        : device.createRecvTransport(options as TransportOptions);
    // Answered at once, not after the server's answer: the browser starts ICE and DTLS while the request
    // travels, one round trip off the way back after a restart (seconds on a busy machine). A DTLS hello
    // that reaches the SFU first is sent again by the browser. A request that fails starts the join over.
    t.on('connect', ({ dtlsParameters }, ok) => {
      ok();
      this.#request(gen, 'media:connectTransport', { transportId: t.id, dtlsParameters }).catch((err) => {
        if (!(err instanceof Superseded)) this.#streamLost(gen, err);
      });
    });
    t.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
      const { source, paused } = appData as { source: MediaSource; paused: boolean };
      this.#request(gen, 'media:produce', { transportId: t.id, kind, rtpParameters, source, paused }).then(
        ({ producerId }) => ok({ id: producerId }),
        fail,
      );
    });
    // Issue 14: ICE that never starts (a firewall; relay-only ICE with the TURN server refusing the
    // credential) leaves the transport 'new', never 'failed': say so once it is late, clear it if it connects.
    t.once('connect', () => {
      const late = setTimeout(() => {
        if (gen !== this.#generation || t.closed || t.connectionState === 'connected') return;
        trace(`${direction} unreachable`);
        mediaActions.set({ phase: 'failed', problem: 'problem.mediaUnreachable' });
      }, TRANSPORT_CONNECT_MS);
      t.on('connectionstatechange', (state) => {
        if (state !== 'connected') return;
        clearTimeout(late);
        if (gen === this.#generation && useMediaStore.getState().problem === 'problem.mediaUnreachable')
          mediaActions.set({ phase: 'live', problem: null });
      });
      t.observer.once('close', () => clearTimeout(late));
    });
    // A transport that cannot recover (network change, SFU gone) is rebuilt from scratch.
    t.on('connectionstatechange', (state) => {
      trace(`${direction} ${state}`);
      if (state === 'failed' && gen === this.#generation) void this.#connect('renegotiating');
    });
    return t;
  }

  /** Closes transports (and so producers and consumers); keeps local tracks and the user's choices. */
  #teardown(): void {
    this.#send?.close();
    this.#recv?.close();
    this.#send = undefined;
    this.#recv = undefined;
    this.#held = undefined;
    this.#producers.clear();
    this.#remote.clear();
  }
}
