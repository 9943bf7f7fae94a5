import { EventEmitter } from 'node:events';
import type { MediaNewConsumer } from '@tsudoi/protocol';
import type { types } from 'mediasoup';
import { openPipe, type PipeLink } from './links/pipeLink.js';
import { MediaPeer, type ProducerAppData } from './mediaPeer.js';
import { routerForPeer } from './placement/placementPolicy.js';
import { RouterSpill } from './placement/routerSpill.js';
import { layerToSend, START_LAYER, type ViewerWant } from './senderLayers.js';
import type { RtcListenOptions } from './transports.js';
import type { MediaWorkerPool } from './workerPool.js';

export interface RoomMediaEvents {
  /** The last peer left; the owner decides whether to close the room. */
  empty: [];
  /** The router moved to another worker and the peers were told to renegotiate. */
  recovered: [];
  /** Something failed in the background (fan-out, recovery); the room stays usable. */
  error: [error: Error];
  close: [];
}

/** How a room spreads over this node's workers (placement/placementPolicy.ts `routerForPeer`). */
export interface RoomMediaOptions {
  /** Peers one router of a room carries before the room opens a router on another worker. Default 25. */
  peersPerRouter?: number;
}

/**
 * A room bigger than one node (docs/SCALING.md): the node placement chose **hosts** it (its active-speaker
 * observer hears every microphone) and links to each **satellite** — another node holding part of the
 * room's peers once the host was full. A satellite's producers are mirrored on the host and the host's
 * (its own and other satellites') on the satellite, through one media link each (links/pipeLink.ts).
 */
export type RoomRole = 'host' | 'satellite';

/** Default: a 25-person talk (mic + camera each) is ~1,200 consumers, about what one worker carries well. */
export const DEFAULT_PEERS_PER_ROUTER = 25;

/**
 * The media of one room: one router (on the least-loaded worker), an active-speaker observer on it, and
 * its peers. Closing the room closes its peers and its router. If the router's worker dies the room gets
 * a router on another worker and tells every peer to renegotiate.
 */
export class RoomMedia extends EventEmitter<RoomMediaEvents> {
  readonly #peers = new Map<string, MediaPeer>();
  #router: Promise<types.Router>;
  #current: types.Router | undefined;
  /** Created with the router, closed with it. */
  #observer: types.ActiveSpeakerObserver | undefined;
  /** The microphone the observer last named dominant (host only). */
  #dominant: types.Producer<ProducerAppData> | undefined;
  /** The peer the room shows as speaking: the dominant microphone's, unless it is muted. */
  #activeSpeaker: string | null = null;
  /** The top simulcast layer each camera's sender was last told to encode (absent: START_LAYER). */
  readonly #senderLayers = new Map<string, number>();
  /** Peers on the main router; the others are on the spill routers (other workers, piped). */
  readonly #mainPeers = new Set<string>();
  readonly #spill: RouterSpill;
  /** Media links to the other nodes holding part of this room (a satellite has one: to its host). */
  readonly #links = new Set<PipeLink>();
  /** Producers of peers on other nodes, mirrored on the main router, and the link each came through. */
  readonly #remote = new Map<string, { producer: types.Producer<ProducerAppData>; link: PipeLink }>();
  #closed = false;

  private constructor(
    readonly key: string,
    private readonly pool: MediaWorkerPool,
    private readonly rtc: RtcListenOptions,
    private readonly options: RoomMediaOptions = {},
    readonly role: RoomRole = 'host',
  ) {
    super();
    this.#router = this.#openRouter();
    // The room is usable right away; a failed router shows up on the first request that needs it.
    this.#router.catch(() => {});
    this.#spill = new RouterSpill(pool, () => this.#router);
  }

  /** Creates a room and waits for its router. */
  static async create(
    key: string,
    pool: MediaWorkerPool,
    rtc: RtcListenOptions,
    options: RoomMediaOptions = {},
    role: RoomRole = 'host',
  ): Promise<RoomMedia> {
    const room = new RoomMedia(key, pool, rtc, options, role);
    await room.#router;
    return room;
  }

  get closed(): boolean {
    return this.#closed;
  }
  get peers(): ReadonlyMap<string, MediaPeer> {
    return this.#peers;
  }
  /** True while the room holds a live router (false while it moves after a worker died). */
  get routerAlive(): boolean {
    return this.#current !== undefined && !this.#current.closed;
  }
  /** Routers this room holds on other workers than its main one (a room bigger than one worker). */
  get spillRouters(): number {
    return this.#spill.size;
  }
  /** Media links to other nodes holding part of this room. */
  get links(): number {
    return this.#links.size;
  }

  /**
   * Every router of this room on this node carries `peersPerRouter` peers and no worker is left to open
   * another: a next peer would overload a worker here (`routerForPeer` degrades). The host then lets the
   * asking node take that peer as a satellite (MediaService.locate).
   */
  get full(): boolean {
    const cap = this.options.peersPerRouter ?? DEFAULT_PEERS_PER_ROUTER;
    const loads = [{ peers: this.#mainPeers.size }, ...this.#spill.loads()];
    return loads.length >= this.pool.size && loads.every((l) => l.peers >= cap);
  }

  /** A pipe transport on the main router, for a media link to another node. */
  async openPipe(): Promise<types.PipeTransport> {
    return openPipe(await this.#router, this.rtc);
  }

  /**
   * Joins a media link to this room: what this node has is offered through it (a host also forwards its
   * other links' producers: it is the hub), and what comes through is fanned out here. A satellite whose
   * link ends has lost its host: its pages are told to renegotiate (their next join finds the room's new
   * home) and it closes.
   */
  attachLink(link: PipeLink): void {
    if (this.#closed || link.closed) {
      link.close();
      return;
    }
    this.#links.add(link);
    link.on('producer', (producer) => this.#adoptRemote(link, producer));
    link.on('want', (producerId) => this.#retuneSender(producerId));
    link.on('error', (err) => this.#background(Promise.reject(err)));
    link.on('speaker', (peerId) => {
      if (this.role === 'satellite' && peerId !== this.#activeSpeaker) this.#announceSpeaker(peerId);
    });
    link.once('close', () => {
      this.#links.delete(link);
      if (this.#closed) return;
      if (this.role === 'satellite') {
        for (const peer of this.#peers.values()) peer.notify('media:renegotiate', { reason: 'nodeLost' });
        this.close();
      } else if (this.#peers.size === 0 && this.#links.size === 0) this.emit('empty');
    });
    for (const producer of this.#offerable(link)) this.#background(link.offer(producer));
    if (this.role === 'host' && this.#activeSpeaker) link.speaker(this.#activeSpeaker);
  }

  /** Adds a peer; one already there with the same id (an older connection) is replaced. */
  join(peerId: string, options: { listenOnly: boolean }): MediaPeer {
    if (this.#closed) throw new Error(`room media ${this.key} is closed`);
    // Out of the map first, so the replaced peer's close does not make the room look empty.
    const older = this.#peers.get(peerId);
    this.#peers.delete(peerId);
    older?.close('replaced');
    // The main router until it carries `peersPerRouter`, then a router on another worker (routerSpill.ts).
    const loads = [{ peers: this.#mainPeers.size }, ...this.#spill.loads()];
    const cap = this.options.peersPerRouter ?? DEFAULT_PEERS_PER_ROUTER;
    const pick = routerForPeer(loads, cap, this.pool.size);
    const router =
      pick === 0 ? () => this.#router : this.#spill.assign(peerId, pick === 'spill' ? 'new' : pick - 1);
    if (pick === 0) this.#mainPeers.add(peerId);
    const peer: MediaPeer = new MediaPeer(peerId, options.listenOnly, {
      router,
      rtc: this.rtc,
      reach: (producer, to) => this.#spill.reach(producer, to),
      onProducer: (producer) => this.#fanOut(peer, producer),
      onReady: () => this.#consumeAll(peer),
      onViewersChanged: (producerId) => this.#retuneSender(producerId),
    });
    this.#peers.set(peerId, peer);
    peer.once('close', () => {
      if (pick === 0) this.#mainPeers.delete(peerId);
      else this.#spill.unassign(peerId, router);
      if (this.#peers.get(peerId) !== peer) return;
      this.#peers.delete(peerId);
      if (this.#activeSpeaker === peerId && this.role === 'host') this.#announceSpeaker(null);
      // A host stays while satellites hang on it (it is their hub); a satellite closes when its last peer goes.
      if (this.#peers.size === 0 && !this.#closed && (this.role === 'satellite' || this.#links.size === 0))
        this.emit('empty');
    });
    return peer;
  }

  /**
   * After a worker died: if this room's router went with it, open one on another worker, reset every
   * peer's media and ask the clients to renegotiate. Does nothing for rooms on surviving workers.
   */
  async recover(): Promise<void> {
    if (this.#closed) return;
    // A spill router's worker died: its peers start over (their next join puts them on a live router).
    for (const peerId of this.#spill.dropDead()) {
      const peer = this.#peers.get(peerId);
      peer?.reset();
      peer?.notify('media:renegotiate', { reason: 'workerDied' });
    }
    if (!this.#current?.closed) return;
    this.#current = undefined;
    this.#router = this.#openRouter();
    try {
      await this.#router;
    } catch (err) {
      this.emit('error', err as Error);
      return;
    }
    if (this.#closed) return;
    this.#dominant = undefined;
    this.#activeSpeaker = null;
    for (const peer of this.#peers.values()) {
      peer.reset();
      peer.notify('media:renegotiate', { reason: 'workerDied' });
    }
    this.emit('recovered');
  }

  /** Idempotent: closes the peers (and so their transports) and the router. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of [...this.#peers.values()]) peer.close('roomClosed');
    this.#peers.clear();
    for (const link of [...this.#links]) link.close();
    this.#current?.close();
    this.#spill.close();
    // A router still being opened is closed when it arrives (see #openRouter).
    this.emit('close');
    this.removeAllListeners();
  }

  async #openRouter(): Promise<types.Router> {
    const router = await this.pool.createRouter();
    if (this.#closed) {
      router.close();
      throw new Error(`room media ${this.key} is closed`);
    }
    this.#current = router;
    // The host's observer hears the satellites' microphones too (mirrored here) and tells them who speaks.
    if (this.role === 'satellite') return router;
    const observer = await router.createActiveSpeakerObserver({ interval: 300 });
    this.#observer = observer;
    observer.on('dominantspeaker', ({ producer }) => {
      this.#dominant = producer as types.Producer<ProducerAppData>;
      this.#showSpeaker();
    });
    return router;
  }

  /**
   * Shows the observer's dominant speaker, but nobody while their microphone is muted: the observer keeps a
   * muted speaker dominant until someone else out-talks them (or for good when nobody else talks), which
   * left a muted person ringed as speaking. Unmuting shows them again at once, as the observer still names them.
   */
  #showSpeaker(): void {
    const mic = this.#dominant;
    const peerId = mic && !mic.closed && !mic.paused ? mic.appData.peerId : null;
    if (peerId !== this.#activeSpeaker) this.#announceSpeaker(peerId);
  }

  #announceSpeaker(peerId: string | null): void {
    this.#activeSpeaker = peerId;
    for (const peer of this.#peers.values()) peer.notify('media:activeSpeaker', { peerId });
    if (this.role === 'host') for (const link of this.#links) link.speaker(peerId);
  }

  /**
   * Tells a camera's sender the top layer its viewers take now (see senderLayers.ts), only when that
   * changed: encoding a layer nobody watches costs the sender CPU and upstream for nothing.
   */
  #retuneSender(producerId: string): void {
    if (this.#closed) return;
    const remote = this.#remote.get(producerId);
    if (remote) {
      this.#retuneMirror(remote.producer, remote.link);
      return;
    }
    let owner: MediaPeer | undefined;
    const viewers: ViewerWant[] = this.#linkWants(producerId);
    for (const peer of this.#peers.values()) {
      const producer = peer.producers.get(producerId);
      if (producer) {
        if (producer.closed || producer.appData.source !== 'camera') return;
        owner = peer;
      } else viewers.push(...peer.viewsOf(producerId));
    }
    if (!owner) {
      this.#senderLayers.delete(producerId);
      return;
    }
    const layer = layerToSend(viewers);
    if (layer === (this.#senderLayers.get(producerId) ?? START_LAYER)) return;
    this.#senderLayers.set(producerId, layer);
    owner.notify('media:senderLayers', { producerId, spatialLayer: layer });
  }

  /** A camera of another node: its node hears what the viewers here (and, on a host, beyond) want of it. */
  #retuneMirror(mirror: types.Producer<ProducerAppData>, from: PipeLink): void {
    if (mirror.appData.source !== 'camera') return;
    const producerId = mirror.id;
    const viewers = this.#linkWants(producerId, from);
    for (const peer of this.#peers.values()) viewers.push(...peer.viewsOf(producerId));
    const layer = layerToSend(viewers);
    if (layer === (this.#senderLayers.get(producerId) ?? START_LAYER)) return;
    this.#senderLayers.set(producerId, layer);
    from.want(producerId, layer);
  }

  /** What the other nodes' viewers want of a producer this node sends them (each link: its viewers' top). */
  #linkWants(producerId: string, except?: PipeLink): ViewerWant[] {
    const wants: ViewerWant[] = [];
    for (const link of this.#links) {
      const spatialLayer = link === except ? undefined : link.wantOf(producerId);
      if (spatialLayer !== undefined) wants.push({ paused: false, spatialLayer });
    }
    return wants;
  }

  /** What goes through `link`: this node's peers' producers, and on a host every other link's too. */
  #offerable(link: PipeLink): Array<types.Producer<ProducerAppData>> {
    const own = [...this.#peers.values()].flatMap((peer) => [...peer.producers.values()]);
    const forwarded =
      this.role === 'host'
        ? [...this.#remote.values()].filter((r) => r.link !== link).map((r) => r.producer)
        : [];
    return [...own, ...forwarded];
  }

  /** Another node's producer arrived through a link: everyone here may consume it, and a host passes it on. */
  #adoptRemote(link: PipeLink, producer: types.Producer<ProducerAppData>): void {
    if (this.#closed) return;
    this.#remote.set(producer.id, { producer, link });
    producer.observer.once('close', () => {
      if (this.#remote.get(producer.id)?.producer === producer) this.#remote.delete(producer.id);
      this.#senderLayers.delete(producer.id);
    });
    this.#fanOut(undefined, producer, link);
  }

  /**
   * A new producer reaches every other ready peer (pushed) and every link it did not come through (a
   * satellite sends only its own peers' to its host); microphones feed the active-speaker observer.
   */
  #fanOut(from: MediaPeer | undefined, producer: types.Producer<ProducerAppData>, through?: PipeLink): void {
    producer.observer.once('close', () => this.#senderLayers.delete(producer.id));
    if (producer.appData.source === 'mic') this.#observe(producer);
    for (const link of this.#links)
      if (link !== through && (this.role === 'host' || !through)) this.#background(link.offer(producer));
    for (const peer of this.#peers.values()) {
      if (peer === from || !peer.ready) continue;
      this.#background(
        peer.consume(producer).then((c) => {
          if (c) peer.notify('media:newConsumer', c);
        }),
      );
    }
  }

  /**
   * Consumers of every other peer's producers for a peer that just got ready, all created at once; the
   * peer's `media:ready` answer carries them. One that fails is reported and left out (the others still
   * come); a producer that appears meanwhile is pushed by {@link #fanOut}.
   */
  async #consumeAll(peer: MediaPeer): Promise<MediaNewConsumer[]> {
    // A client that just got ready has listeners attached: tell it who is speaking now.
    if (this.#activeSpeaker) peer.notify('media:activeSpeaker', { peerId: this.#activeSpeaker });
    const producers = [...this.#peers.values()]
      .filter((other) => other !== peer)
      .flatMap((other) => [...other.producers.values()])
      .concat([...this.#remote.values()].map((r) => r.producer).filter((p) => !p.closed));
    const made = await Promise.all(
      producers.map((producer) =>
        peer.consume(producer).catch((err: Error) => {
          this.#background(Promise.reject(err));
          return undefined;
        }),
      ),
    );
    return made.filter((c): c is MediaNewConsumer => c !== undefined);
  }

  #observe(producer: types.Producer<ProducerAppData>): void {
    const observer = this.#observer;
    if (!observer || observer.closed) return;
    const followMute = () => {
      if (producer.id === this.#dominant?.id) this.#showSpeaker();
    };
    producer.observer.on('pause', followMute);
    producer.observer.on('resume', followMute);
    // A microphone on a spill router is piped to the main router, where the observer listens.
    this.#background(
      this.#router
        .then((main) => this.#spill.reach(producer, main))
        .then(() => observer.addProducer({ producerId: producer.id })),
    );
  }

  #background(work: Promise<unknown> | undefined): void {
    work?.catch((err: Error) => {
      // A producer or transport that closed meanwhile is normal churn, not an error.
      if (!this.#closed && err.name !== 'InvalidStateError') this.emit('error', err);
    });
  }
}
