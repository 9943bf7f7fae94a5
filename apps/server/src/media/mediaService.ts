import type { MediaElsewhere } from '@tsudoi/protocol';
import { AppError } from '../errors.js';
import type { MediaPeer } from './mediaPeer.js';
import { RoomMedia, type RoomMediaOptions } from './roomMedia.js';
import type { RtcListenOptions } from './transports.js';
import type { MediaWorkerPool } from './workerPool.js';

/** Live media objects, for operators and tests. */
export interface MediaStats {
  rooms: number;
  peers: number;
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
  /** Media links to other nodes (a room bigger than one node). */
  links: number;
  /** Rooms held here as a satellite of another node's room. */
  satellites: number;
}

/** Opens the media link of a satellite room to its host (links/linkChannel.ts). */
export type LinkToHost = (room: RoomMedia, host: MediaElsewhere) => Promise<void>;

/** Background failures (a room that could not move its router, a fan-out that failed). */
export type MediaErrorListener = (error: Error, roomKey: string) => void;

/**
 * Every room's media in this process, keyed by `${workspaceId}:${roomId}`. A room's router exists while
 * someone is in it: it is opened by the first join and closed when the last peer leaves. Worker deaths
 * reported by the pool move the affected rooms to surviving workers.
 */
export class MediaService {
  readonly #rooms = new Map<string, RoomMedia>();
  /** Rooms whose router is being opened, so two first joiners share one router. */
  readonly #opening = new Map<string, Promise<RoomMedia>>();
  readonly #disposers: Array<() => void> = [];
  #locate: ((roomKey: string) => Promise<MediaElsewhere | undefined>) | undefined;
  #relay = false;
  #locateAfterUnreachable:
    | ((roomKey: string, nodeId: string) => Promise<MediaElsewhere | undefined>)
    | undefined;
  /** This node, and how it links a satellite room to its host (several nodes with media links). */
  #self: MediaElsewhere | undefined;
  #linkToHost: LinkToHost | undefined;
  #closed = false;

  constructor(
    private readonly pool: MediaWorkerPool,
    private readonly rtc: RtcListenOptions,
    private readonly onError: MediaErrorListener = () => {},
    private readonly options: RoomMediaOptions = {},
  ) {
    const onWorkerDied = () => {
      for (const room of this.#rooms.values()) void room.recover();
    };
    pool.on('workerDied', onWorkerDied);
    this.#disposers.push(() => pool.off('workerDied', onWorkerDied));
  }

  /** The key of a room's media; rooms of different workspaces never share one. */
  static roomKey(workspaceId: string, roomId: string): string {
    return `${workspaceId}:${roomId}`;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Several nodes (placement/roomPlacer.ts): asked before a room's media opens here; answers the node that
   * hosts it instead, or undefined to host it here. One node: always undefined.
   */
  usePlacement(
    locate: (roomKey: string) => Promise<MediaElsewhere | undefined>,
    options: {
      relay: boolean;
      /** After the hosting node could not be reached: wait for its placement to lapse, then locate again. */
      afterUnreachable?: (roomKey: string, nodeId: string) => Promise<MediaElsewhere | undefined>;
      /** This node; with `linkToHost`, a full room's next peers may be held by the asking node, linked. */
      self?: MediaElsewhere;
      linkToHost?: LinkToHost;
    } = { relay: true },
  ): void {
    this.#locate = locate;
    this.#relay = options.relay;
    this.#locateAfterUnreachable = options.afterUnreachable;
    this.#self = options.self;
    this.#linkToHost = options.linkToHost;
  }

  /** This node as placement names it (undefined with one node). */
  get self(): MediaElsewhere | undefined {
    return this.#self;
  }

  /** Locates again once `nodeId` (unreachable) has lost its placement, if it is dead; else as `locate`. */
  locateAfterUnreachable(roomKey: string, nodeId: string): Promise<MediaElsewhere | undefined> {
    return this.#locateAfterUnreachable
      ? this.#locateAfterUnreachable(roomKey, nodeId)
      : this.locate(roomKey);
  }

  /** Sockets relay media signalling to the node hosting their room (placement/mediaRelay.ts). */
  get relaysElsewhere(): boolean {
    return this.#locate !== undefined && this.#relay;
  }

  /**
   * Undefined when the room's media is (or may be opened) here; else the node hosting it. `via`: the node
   * relaying this request — when the room is hosted here but full, that node is answered (it holds the
   * peer as a satellite, linked to this room: docs/SCALING.md "A room bigger than one node").
   */
  locate(roomKey: string, via?: MediaElsewhere): Promise<MediaElsewhere | undefined> {
    const room = this.#rooms.get(roomKey);
    if (!room) return this.#locate ? this.#locate(roomKey) : Promise.resolve(undefined);
    const spill =
      via && this.#linkToHost && room.role === 'host' && room.full && via.nodeId !== this.#self?.nodeId;
    return Promise.resolve(spill ? via : undefined);
  }

  /**
   * The room's host (another node) is full: hold it here as a satellite, linked to the host, so this
   * node's pages join it here (their next `locate` answers undefined). Shared by concurrent callers.
   */
  async holdLinked(roomKey: string, host: MediaElsewhere): Promise<void> {
    const link = this.#linkToHost;
    if (!link) throw new AppError('UNAVAILABLE', 'This node cannot hold part of a room.');
    if (this.#rooms.has(roomKey)) return;
    let opening = this.#opening.get(roomKey);
    if (!opening) {
      opening = (async () => {
        const room = await RoomMedia.create(roomKey, this.pool, this.rtc, this.options, 'satellite');
        try {
          await link(room, host);
        } catch (err) {
          room.close();
          this.onError(err as Error, roomKey);
          throw new AppError(
            'UNAVAILABLE',
            'The node hosting this room cannot be reached; try again shortly.',
          );
        }
        return this.#adopt(roomKey, room);
      })().finally(() => this.#opening.delete(roomKey));
      this.#opening.set(roomKey, opening);
    }
    await opening;
  }

  /** The room as hosted here (not a satellite), for another node's media link. */
  hostedRoom(roomKey: string): RoomMedia | undefined {
    const room = this.#rooms.get(roomKey);
    return room?.role === 'host' && !room.closed ? room : undefined;
  }

  /** Puts a participant in a room's media (replacing an older connection with the same peer id). */
  async join(roomKey: string, peerId: string, options: { listenOnly: boolean }): Promise<MediaPeer> {
    for (;;) {
      const room = await this.#room(roomKey);
      // The room may have emptied and closed while we waited for its router: open it again.
      if (!room.closed) return room.join(peerId, options);
    }
  }

  /** The room's media is hosted in this process (for placement; a satellite is its host's). */
  hosts(roomKey: string): boolean {
    return this.#rooms.get(roomKey)?.role === 'host';
  }

  /** Rooms whose media is hosted in this process (satellites not included). */
  roomKeys(): string[] {
    return [...this.#rooms].filter(([, room]) => room.role === 'host').map(([key]) => key);
  }

  /**
   * The room's media moved to another node (placement): every peer's page is told to renegotiate (it
   * joins again, now relayed to the new host), then the room closes here.
   */
  evict(roomKey: string): void {
    const room = this.#rooms.get(roomKey);
    if (!room) return;
    for (const peer of room.peers.values()) peer.notify('media:renegotiate', { reason: 'nodeLost' });
    room.close();
  }

  /** Takes a participant out of a room's media: its transports, producers and consumers close. */
  leave(roomKey: string, peerId: string): void {
    this.#rooms.get(roomKey)?.peers.get(peerId)?.close('left');
  }

  /** The participant's media in a room, if it has joined it. */
  peer(roomKey: string, peerId: string): MediaPeer | undefined {
    return this.#rooms.get(roomKey)?.peers.get(peerId);
  }

  /** Closes a room's media (the room was deleted): every peer's media and the router close. */
  closeRoom(roomKey: string): void {
    this.#rooms.get(roomKey)?.close();
  }

  stats(): MediaStats {
    const s: MediaStats = {
      rooms: 0,
      peers: 0,
      routers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
      links: 0,
      satellites: 0,
    };
    for (const room of this.#rooms.values()) {
      s.rooms++;
      s.links += room.links;
      if (room.role === 'satellite') s.satellites++;
      if (room.routerAlive) s.routers++;
      s.routers += room.spillRouters;
      for (const peer of room.peers.values()) {
        const c = peer.counts;
        s.peers++;
        s.transports += c.transports;
        s.producers += c.producers;
        s.consumers += c.consumers;
      }
    }
    return s;
  }

  /** Idempotent: closes every room. The pool belongs to the caller. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const dispose of this.#disposers.splice(0)) dispose();
    for (const room of [...this.#rooms.values()]) room.close();
  }

  #room(roomKey: string): Promise<RoomMedia> {
    if (this.#closed) return Promise.reject(new Error('media service is closed'));
    const existing = this.#rooms.get(roomKey);
    if (existing) return Promise.resolve(existing);
    let opening = this.#opening.get(roomKey);
    if (!opening) {
      opening = RoomMedia.create(roomKey, this.pool, this.rtc, this.options)
        .then((room) => this.#adopt(roomKey, room))
        .finally(() => this.#opening.delete(roomKey));
      this.#opening.set(roomKey, opening);
    }
    return opening;
  }

  #adopt(roomKey: string, room: RoomMedia): RoomMedia {
    if (this.#closed) {
      room.close();
      throw new Error('media service is closed');
    }
    // A satellite whose link already ended (host gone while linking) is not kept.
    if (room.closed) throw new AppError('UNAVAILABLE', 'The node hosting this room went away; try again.');
    this.#rooms.set(roomKey, room);
    room.on('empty', () => room.close());
    room.on('error', (err) => this.onError(err, roomKey));
    room.once('close', () => {
      if (this.#rooms.get(roomKey) === room) this.#rooms.delete(roomKey);
    });
    return room;
  }
}
