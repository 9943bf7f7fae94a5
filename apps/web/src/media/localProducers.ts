import { CAMERA_START_LAYER, type MediaSource } from '@tsudoi/protocol';
import type { Producer, Transport } from 'mediasoup-client/types';
import { problemKey } from '../i18n/problemKey';
import { RequestError } from '../realtime/socket';
import { mediaActions, useMediaStore } from '../state/mediaSlice';
import type { LocalTracks } from './localTracks';
import { cameraEncodingsUpTo, SCREEN_ENCODINGS, WARM_LAYER_AFTER_MS } from './mediaPolicy';
import { type MediaSignal, Superseded } from './mediaSignal';
import { trace } from './mediaTrace';

/** What producing needs from the client: its join generation, send transport and what to do on a loss. */
export interface ProduceContext {
  generation(): number;
  /** The current send transport (undefined between joins and when listening in). */
  send(): Transport | undefined;
  /** The server refused or lost a stream of generation `gen`: the client joins again shortly. */
  lost(gen: number, err: unknown): void;
  /** The camera track ended (unplugged, revoked). */
  cameraEnded(): void;
}

/**
 * This participant's streams at the SFU: one producer per source on the send transport. Mute state is
 * read at the last moment, so a rejoin never unmutes anyone (a muted microphone is produced paused).
 */
export class LocalProducers {
  readonly #producers = new Map<MediaSource, Producer>();
  /** `media:senderLayers` that came before its producer's `produce` answer (a busy page). */
  readonly #earlyLayers = new Map<string, number>();
  /** Per camera producer: the layers viewers take now, and whether its warm layer may run yet (see mediaPolicy). */
  readonly #cameraLayers = new Map<string, { top: number; warm: boolean }>();

  constructor(
    private readonly ctx: ProduceContext,
    private readonly local: LocalTracks,
    private readonly signal: MediaSignal,
  ) {}

  get(source: MediaSource): Producer | undefined {
    return this.#producers.get(source);
  }

  /** Forgets them all (their transport closed). */
  clear(): void {
    this.#producers.clear();
    this.#earlyLayers.clear();
  }

  /**
   * Camera (if on), microphone and a screen still shared, all at once. The transport negotiates them one
   * after another in this order: the camera first, as its picture takes longest to reach the others (a
   * keyframe, decoding), while audio flows within moments of its turn.
   */
  async all(gen: number): Promise<void> {
    const screen = this.local.get('screen');
    await Promise.all([
      useMediaStore.getState().cameraOn ? this.camera(gen) : undefined,
      this.mic(gen),
      screen?.readyState === 'live' ? this.produce('screen', screen, gen) : undefined,
    ]);
  }

  async mic(gen: number): Promise<void> {
    try {
      await this.produce('mic', await this.local.getOrOpen('mic'), gen);
    } catch (err) {
      if (err instanceof Superseded || gen !== this.ctx.generation()) return;
      // The server or the transport failed (not the microphone): the others would not hear me, so rejoin.
      if (err instanceof RequestError) return this.ctx.lost(gen, err);
      mediaActions.set({ problem: problemKey(err, 'problem.media') });
    }
  }

  async camera(gen: number): Promise<void> {
    try {
      const track = await this.local.getOrOpen('camera');
      track.addEventListener('ended', () => this.ctx.cameraEnded(), { once: true });
      mediaActions.set({ localCamera: new MediaStream([track]) });
      await this.produce('camera', track, gen);
    } catch (err) {
      if (err instanceof Superseded || gen !== this.ctx.generation()) return;
      if (err instanceof RequestError) return this.ctx.lost(gen, err);
      mediaActions.set({ problem: problemKey(err, 'problem.media'), cameraOn: false });
    }
  }

  async produce(source: MediaSource, track: MediaStreamTrack, gen: number): Promise<void> {
    const send = this.ctx.send();
    if (!send || gen !== this.ctx.generation() || this.#producers.has(source)) return;
    // Read the mute state at the last moment: a rejoin must never unmute someone.
    const paused = source === 'mic' && useMediaStore.getState().muted;
    const producer = await send.produce({
      track,
      stopTracks: false,
      zeroRtpOnPause: true,
      appData: { source, paused },
      ...(source === 'camera'
        ? {
            // Only the lowest layer at first: the others start when a viewer's tile needs them.
            encodings: cameraEncodingsUpTo(CAMERA_START_LAYER, false),
            codecOptions: { videoGoogleStartBitrate: 1000 },
          }
        : source === 'screen'
          ? { encodings: SCREEN_ENCODINGS }
          : { codecOptions: { opusDtx: true, opusFec: true } }),
    });
    if (paused) producer.pause();
    trace(`produced ${source}`);
    if (gen !== this.ctx.generation() || send.closed) return producer.close();
    this.#producers.set(source, producer);
    producer.on('transportclose', () => this.#producers.delete(source));
    if (source === 'camera') this.#warmLater(producer);
    const early = this.#earlyLayers.get(producer.id);
    this.#earlyLayers.delete(producer.id);
    if (early !== undefined) void this.encodeUpTo(producer.id, early);
  }

  /** The camera's warm layer starts WARM_LAYER_AFTER_MS after it was produced (see mediaPolicy). */
  #warmLater(producer: Producer): void {
    const layers = { top: CAMERA_START_LAYER, warm: false };
    this.#cameraLayers.set(producer.id, layers);
    const timer = setTimeout(() => {
      layers.warm = true;
      if (!producer.closed) void this.encodeUpTo(producer.id, layers.top);
    }, WARM_LAYER_AFTER_MS);
    producer.observer.once('close', () => {
      clearTimeout(timer);
      this.#cameraLayers.delete(producer.id);
    });
  }

  /**
   * The server's word on how many camera layers viewers take now (`media:senderLayers`): layers above
   * `spatialLayer` stop encoding, lower ones (re)start. A word for a producer not yet known is kept for it.
   */
  async encodeUpTo(producerId: string, spatialLayer: number): Promise<void> {
    const producer = [...this.#producers.values()].find((p) => p.id === producerId);
    if (!producer) {
      this.#earlyLayers.set(producerId, spatialLayer);
      return;
    }
    trace('senderLayers', `${spatialLayer}`);
    const sender = producer.rtpSender;
    if (!sender || producer.closed) return;
    // Layers 0…spatialLayer at full rate, the next one warm, the rest off (mediaPolicy.ts).
    const layers = this.#cameraLayers.get(producerId);
    if (layers) layers.top = spatialLayer;
    const want = cameraEncodingsUpTo(spatialLayer, layers?.warm ?? true);
    const params = sender.getParameters();
    params.encodings = params.encodings.map((e, i) => {
      const w = want[i];
      if (!w) return e;
      const { maxFramerate, ...rest } = e;
      return {
        ...rest,
        active: w.active ?? true,
        ...(w.maxBitrate === undefined ? {} : { maxBitrate: w.maxBitrate }),
        ...(w.maxFramerate === undefined ? { maxFramerate } : { maxFramerate: w.maxFramerate }),
      };
    });
    await sender.setParameters(params).catch(() => {});
  }

  /** Stops a source: its track, its producer and the server's. */
  async stop(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    this.#producers.delete(source);
    this.local.stop(source);
    if (!producer) return;
    producer.close();
    await this.signal.request('media:closeProducer', { producerId: producer.id }).catch(() => {});
  }
}
