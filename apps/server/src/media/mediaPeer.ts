import { EventEmitter } from 'node:events';
import {
  KIND_OF_SOURCE,
  type MediaNewConsumer,
  type MediaServerToClientEvents,
  type MediaSource,
  type TransportOptions,
} from '@tsudoi/protocol';
import type { types } from 'mediasoup';
import { AppError } from '../errors.js';
import { START_LAYER, type ViewerWant } from './senderLayers.js';
import { createWebRtcTransport, type RtcListenOptions, transportOptions } from './transports.js';

/** The seed's planning figure: 2 Mbps up per participant; simulcast drops its top layer first. */
export const MAX_INCOMING_BITRATE = 2_000_000;

/** The stable refusal when a peer asks for a second transport of a direction or producer of a source. */
const mediaLimit = (message: string) => new AppError('MEDIA_LIMIT', message);

export type Direction = 'send' | 'recv';
export type PeerCloseReason = 'left' | 'replaced' | 'disconnected' | 'roomClosed';

/** What a peer tags its mediasoup objects with (typed, so nothing else hides in appData). */
export interface ProducerAppData extends types.AppData {
  peerId: string;
  source: MediaSource;
}
interface TransportAppData extends types.AppData {
  direction: Direction;
}

/** Every server → client notification, keyed like the protocol, plus the peer's own end. */
export type MediaPeerEvents = {
  [E in keyof MediaServerToClientEvents]: Parameters<MediaServerToClientEvents[E]>;
} & { close: [reason: PeerCloseReason] };

/** What a peer needs from its room: the current router (awaited while it moves) and where to listen. */
export interface PeerRoomDeps {
  router: () => Promise<types.Router>;
  rtc: RtcListenOptions;
  /** Makes another peer's producer consumable on this peer's router (piped from another worker's router). */
  reach?: (producer: types.Producer<ProducerAppData>, router: types.Router) => Promise<void>;
  /** A new producer of this peer: the room fans it out to the others. */
  onProducer: (producer: types.Producer<ProducerAppData>) => void;
  /** The peer can now consume: the room consumes everyone else's producers for it and hands them back. */
  onReady: () => Promise<MediaNewConsumer[]>;
  /** A consumer of `producerId` appeared, closed, paused, resumed or changed layers (see senderLayers.ts). */
  onViewersChanged: (producerId: string) => void;
}

export interface ProduceRequest {
  transportId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  source: MediaSource;
  paused?: boolean;
}

/**
 * One participant's media in a room: a send and a receive WebRtcTransport, its producers and its
 * consumers of the others. Owns them all; `close()` closes the transports, which closes the producers
 * (and so the others' consumers of them) and the consumers. A listen-only peer never produces.
 *
 * Bounded so no client can make the SFU allocate without limit: at most one transport per direction
 * (2) and one producer per source (3: mic, camera, screen), counting those still being created; asking
 * for another is refused with MEDIA_LIMIT (a client renegotiates by joining again, which replaces the
 * peer, or closes a producer first). Consumers are made only by the server, one per other peer's producer.
 */
export class MediaPeer extends EventEmitter<MediaPeerEvents> {
  readonly #transports = new Map<string, types.WebRtcTransport<TransportAppData>>();
  readonly #producers = new Map<string, types.Producer<ProducerAppData>>();
  readonly #consumers = new Map<string, types.Consumer>();
  /** Producers being or already consumed, so a repeated `ready` does not consume one twice. */
  readonly #consumed = new Set<string>();
  /** Transports and producers being created (their awaits run concurrently). */
  readonly #pending = new Set<Direction | MediaSource>();
  #rtpCapabilities: types.RtpCapabilities | undefined;
  #closed = false;

  constructor(
    readonly id: string,
    readonly listenOnly: boolean,
    private readonly deps: PeerRoomDeps,
  ) {
    super();
  }

  get closed(): boolean {
    return this.#closed;
  }
  get ready(): boolean {
    return this.#rtpCapabilities !== undefined;
  }
  get producers(): ReadonlyMap<string, types.Producer<ProducerAppData>> {
    return this.#producers;
  }
  /** Counts for stats(). */
  get counts(): { transports: number; producers: number; consumers: number } {
    return {
      transports: this.#transports.size,
      producers: this.#producers.size,
      consumers: this.#consumers.size,
    };
  }

  /** The room router's capabilities, for the client's Device (awaits a router that is moving). */
  async routerRtpCapabilities(): Promise<types.RtpCapabilities> {
    return (await this.deps.router()).rtpCapabilities;
  }

  async createTransport(direction: Direction): Promise<TransportOptions> {
    this.#assertOpen();
    if (direction === 'send' && this.listenOnly)
      throw AppError.forbidden('Listening in: you cannot send media.');
    const has = [...this.#transports.values()].some((t) => t.appData.direction === direction && !t.closed);
    if (has || this.#pending.has(direction))
      throw mediaLimit(
        `You already have a ${direction} transport; join the room media again to renegotiate.`,
      );
    this.#pending.add(direction);
    let transport: types.WebRtcTransport<TransportAppData>;
    try {
      const router = await this.deps.router();
      transport = (await createWebRtcTransport(
        router,
        this.deps.rtc,
      )) as types.WebRtcTransport<TransportAppData>;
    } finally {
      this.#pending.delete(direction);
    }
    transport.appData.direction = direction;
    if (this.#closed) {
      transport.close();
      throw AppError.conflict('You left the room.');
    }
    this.#transports.set(transport.id, transport);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') transport.close();
    });
    if (direction === 'send') await transport.setMaxIncomingBitrate(MAX_INCOMING_BITRATE).catch(() => {});
    return transportOptions(transport);
  }

  /** Both transports at once (only recv for a listen-only peer): what a (re)joining client needs first. */
  async openTransports(): Promise<{ send?: TransportOptions; recv: TransportOptions }> {
    const [send, recv] = await Promise.all([
      this.listenOnly ? undefined : this.createTransport('send'),
      this.createTransport('recv'),
    ]);
    return send ? { send, recv } : { recv };
  }

  async connectTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.#transport(transportId).connect({ dtlsParameters });
  }

  /**
   * The client's device capabilities: answers with consumers of everyone else's producers now, and from
   * then on each new producer of the others is pushed as `media:newConsumer`.
   */
  setReady(rtpCapabilities: types.RtpCapabilities): Promise<MediaNewConsumer[]> {
    this.#assertOpen();
    this.#rtpCapabilities = rtpCapabilities;
    return this.deps.onReady();
  }

  async produce(req: ProduceRequest): Promise<types.Producer<ProducerAppData>> {
    this.#assertOpen();
    if (this.listenOnly) throw AppError.forbidden('Listening in: you cannot send media.');
    if (KIND_OF_SOURCE[req.source] !== req.kind)
      throw AppError.badRequest(`A ${req.source} must be ${KIND_OF_SOURCE[req.source]}.`);
    const transport = this.#transport(req.transportId);
    if (transport.appData.direction !== 'send') throw AppError.badRequest('Produce on the send transport.');
    const has = [...this.#producers.values()].some((p) => p.appData.source === req.source && !p.closed);
    if (has || this.#pending.has(req.source))
      throw mediaLimit(`You already send a ${req.source}; close it first.`);
    this.#pending.add(req.source);
    let producer: types.Producer<ProducerAppData>;
    try {
      producer = await transport.produce<ProducerAppData>({
        kind: req.kind,
        rtpParameters: req.rtpParameters,
        paused: req.paused ?? false,
        appData: { peerId: this.id, source: req.source },
      });
    } finally {
      this.#pending.delete(req.source);
    }
    if (this.#closed || transport.closed) {
      producer.close();
      throw AppError.conflict('The transport closed.');
    }
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => this.#producers.delete(producer.id));
    this.deps.onProducer(producer);
    return producer;
  }

  closeProducer(producerId: string): void {
    this.#producer(producerId).close();
  }

  /** Mute: the SFU stops forwarding, so the others receive no audio packets at all. */
  async pauseProducer(producerId: string): Promise<void> {
    await this.#producer(producerId).pause();
  }
  async resumeProducer(producerId: string): Promise<void> {
    await this.#producer(producerId).resume();
  }

  /**
   * Consumes another peer's producer, paused until the client has attached it (no lost keyframe), and
   * returns what the client needs to attach it; undefined if it cannot (or already does) consume it. The
   * caller tells the client (the `media:ready` answer, or a `media:newConsumer` push).
   */
  async consume(producer: types.Producer<ProducerAppData>): Promise<MediaNewConsumer | undefined> {
    const caps = this.#rtpCapabilities;
    const transport = [...this.#transports.values()].find((t) => t.appData.direction === 'recv');
    if (this.#closed || !caps || !transport || producer.closed || this.#consumed.has(producer.id)) return;
    this.#consumed.add(producer.id);
    const router = await this.deps.router();
    await this.deps.reach?.(producer, router);
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
      this.#consumed.delete(producer.id);
      return;
    }
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: caps,
      paused: true,
      // The sender starts with its lowest layer only; the tile asks for more once it has a size.
      ...(producer.kind === 'video' ? { preferredLayers: { spatialLayer: START_LAYER } } : {}),
    });
    if (this.#closed || transport.closed) {
      consumer.close();
      return;
    }
    consumer.observer.once('close', () => this.#consumed.delete(producer.id));
    const { peerId, source } = producer.appData;
    this.#consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => {
      this.#consumers.delete(consumer.id);
      this.deps.onViewersChanged(producer.id);
    });
    const state = { consumerId: consumer.id, producerId: producer.id, peerId, source };
    consumer.on('producerclose', () => {
      this.#consumers.delete(consumer.id);
      this.#notify('media:consumerClosed', { consumerId: consumer.id, peerId });
    });
    consumer.on('producerpause', () => this.#notify('media:producerPaused', state));
    consumer.on('producerresume', () => this.#notify('media:producerResumed', state));
    return {
      ...state,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    };
  }

  /** The client shows (resume) or hides (pause) a tile; hidden tiles cost no downlink. */
  async pauseConsumer(consumerId: string): Promise<void> {
    const consumer = this.#consumer(consumerId);
    await consumer.pause();
    this.deps.onViewersChanged(consumer.producerId);
  }
  /**
   * Resuming a video consumer also asks its sender for a keyframe: the picture starts at once instead of at
   * the encoder's next periodic keyframe (after a restart every page waits on exactly that).
   */
  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.#consumer(consumerId);
    await consumer.resume();
    this.deps.onViewersChanged(consumer.producerId);
    if (consumer.kind === 'video' && !consumer.closed) await consumer.requestKeyFrame().catch(() => {});
  }
  /** Picks the simulcast layer a tile needs (small tile → low layer). */
  async setConsumerLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    const consumer = this.#consumer(consumerId);
    if (consumer.kind !== 'video') throw AppError.badRequest('Only video has layers.');
    await consumer.setPreferredLayers({
      spatialLayer,
      ...(temporalLayer === undefined ? {} : { temporalLayer }),
    });
    this.deps.onViewersChanged(consumer.producerId);
  }

  /** What each of this peer's consumers of `producerId` wants from its sender (normally one). */
  viewsOf(producerId: string): ViewerWant[] {
    const out: ViewerWant[] = [];
    for (const c of this.#consumers.values())
      if (c.producerId === producerId && !c.closed)
        out.push({ paused: c.paused, spatialLayer: c.preferredLayers?.spatialLayer });
    return out;
  }

  /** Forgets all media after the router moved: the client recreates transports and producers. */
  reset(): void {
    this.#rtpCapabilities = undefined;
    for (const t of [...this.#transports.values()]) t.close();
    this.#consumed.clear();
  }

  /** Sends a notification to this peer's client (for room-wide events such as the active speaker). */
  notify<E extends keyof MediaServerToClientEvents>(event: E, ...args: MediaPeerEvents[E]): void {
    this.#notify(event, ...args);
  }

  /** Idempotent. Closing the transports closes this peer's producers and consumers. */
  close(reason: PeerCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.reset();
    this.#safeEmit('close', reason);
    this.removeAllListeners();
  }

  #notify<E extends keyof MediaServerToClientEvents>(event: E, ...args: MediaPeerEvents[E]): void {
    if (!this.#closed) this.#safeEmit(event, ...args);
  }

  // A throwing listener (a broken socket) must not break the media objects' bookkeeping.
  #safeEmit<E extends keyof MediaPeerEvents>(event: E, ...args: MediaPeerEvents[E]): void {
    try {
      (this.emit as (e: E, ...a: MediaPeerEvents[E]) => boolean)(event, ...args);
    } catch {
      // Listener errors are the listener's problem.
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw AppError.conflict('You left the room.');
  }
  #transport(id: string): types.WebRtcTransport<TransportAppData> {
    this.#assertOpen();
    const t = this.#transports.get(id);
    if (!t) throw AppError.notFound('No such transport.');
    return t;
  }
  #producer(id: string): types.Producer<ProducerAppData> {
    this.#assertOpen();
    const p = this.#producers.get(id);
    if (!p) throw AppError.notFound('No such producer.');
    return p;
  }
  #consumer(id: string): types.Consumer {
    this.#assertOpen();
    const c = this.#consumers.get(id);
    if (!c) throw AppError.notFound('No such consumer.');
    return c;
  }
}
