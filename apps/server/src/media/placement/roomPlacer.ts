import { chooseNode, DEFAULT_PLACEMENT, isLive, type PlacementSettings } from './placementPolicy.js';
import type { NodeLoad, NodeRecord, PlacementRepos } from './placementRepo.js';

/** Where a room's media is when it is not on this node: the client opens media signalling at `url`. */
export interface MediaElsewhere {
  nodeId: string;
  url: string;
}

/** What the placer needs from this node's media (MediaService + its worker pool). */
export interface PlacerHost {
  /** Rooms whose media is open on this node now. */
  hosts(roomKey: string): boolean;
  /** Rooms whose media is open on this node now. */
  roomKeys(): Iterable<string>;
  /** Another node holds this room's placement now: close it here and send its pages to renegotiate. */
  evict(roomKey: string): void;
  load(): NodeLoad;
}

export interface PlacerLog {
  warn(obj: object, msg: string): void;
}

export interface RoomPlacerOptions {
  repos: PlacementRepos;
  nodeId: string;
  /** This node's base URL (NODE_URL), written in its record for clients sent here. */
  url: string;
  host: PlacerHost;
  /** Epoch ms; tests move it. */
  now: () => number;
  settings?: Partial<PlacementSettings>;
  log?: PlacerLog;
}

/**
 * This node's part in placing rooms over several nodes (R23, issue 14). It heartbeats its record (URL and
 * load) into the shared store every `heartbeatMs`; `locate(roomKey)` before a room's media opens here
 * answers undefined (host it here: this node holds the placement, or just claimed it) or the node that
 * hosts it; rooms that emptied here have their placement released on the next tick. A placement whose
 * node stopped heartbeating for `ttlMs` is taken over by the next node a client of that room reaches.
 * One node (no REDIS_URL) runs no placer: every room is local, as before.
 */
export class RoomPlacer {
  readonly settings: PlacementSettings;
  readonly #o: RoomPlacerOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #locating = new Map<string, Promise<MediaElsewhere | undefined>>();
  #tick: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: RoomPlacerOptions) {
    this.#o = options;
    this.settings = { ...DEFAULT_PLACEMENT, ...options.settings };
  }

  get nodeId(): string {
    return this.#o.nodeId;
  }

  /** This node's record as of `now`. */
  record(now: number): NodeRecord {
    return {
      id: this.#o.nodeId,
      url: this.#o.url,
      load: this.#o.host.load(),
      heartbeatAt: now,
      expiresAt: now + this.settings.ttlMs,
    };
  }

  /** Writes the first heartbeat, then one every `heartbeatMs` until {@link stop}. */
  async start(): Promise<void> {
    await this.tick();
    this.#schedule();
  }

  /**
   * Undefined when the room's media belongs here (already open here, placed here, or claimed now);
   * otherwise the live node hosting it. Claims go through the store atomically: two nodes asked for one
   * new room at once agree on one.
   */
  locate(roomKey: string): Promise<MediaElsewhere | undefined> {
    if (this.#o.host.hosts(roomKey)) return Promise.resolve(undefined);
    // Pages of one room asking at once (everyone rejoining after a failover) share one look-up and claim:
    // concurrent claims of one document contend in the store's transactions.
    let pending = this.#locating.get(roomKey);
    if (!pending) {
      pending = this.#locate(roomKey).finally(() => this.#locating.delete(roomKey));
      this.#locating.set(roomKey, pending);
    }
    return pending;
  }

  async #locate(roomKey: string): Promise<MediaElsewhere | undefined> {
    const { repos, nodeId } = this.#o;
    const now = this.#o.now();
    const current = await repos.placements.get(roomKey);
    if (current?.nodeId === nodeId) return undefined;
    if (current) {
      const holder = await repos.nodes.get(current.nodeId);
      if (holder && isLive(holder, now)) return { nodeId: holder.id, url: holder.url };
    }
    const live = await repos.nodes.listLive(now);
    const target = chooseNode(live, this.record(now), this.settings);
    const placed = await repos.placements.claim(roomKey, target.id, now);
    if (placed.nodeId === nodeId) return undefined;
    const holder = live.find((n) => n.id === placed.nodeId) ?? (await repos.nodes.get(placed.nodeId));
    if (holder) return { nodeId: holder.id, url: holder.url };
    // The winner's record vanished meanwhile (it stopped): the room is free again, take it here.
    const mine = await repos.placements.claim(roomKey, nodeId, now);
    return mine.nodeId === nodeId ? undefined : this.#locate(roomKey);
  }

  /**
   * The node `locate` named could not be reached (a relay could not connect): waits until that node's
   * record expires — at most one TTL, as it stopped heartbeating if it is dead — and locates again, which
   * then takes the room over (here or on the least loaded node). A node that is alive but unreachable
   * from here keeps heartbeating, so it keeps its room and the caller is told so again (no split).
   */
  async locateAfterUnreachable(roomKey: string, nodeId: string): Promise<MediaElsewhere | undefined> {
    // Asked again every quarter heartbeat (two reads each), so the room moves as soon as the record lapses.
    const step = Math.max(50, Math.round(this.settings.heartbeatMs / 4));
    const until = this.#o.now() + this.settings.ttlMs + step;
    for (;;) {
      const where = await this.locate(roomKey);
      if (!where || where.nodeId !== nodeId || this.#o.now() >= until) return where;
      await new Promise((r) => setTimeout(r, step));
    }
  }

  /** One heartbeat, and the release of placements of rooms that are no longer open here. */
  tick(): Promise<void> {
    this.#tick = this.#tick.then(() => this.#beat()).catch(() => {});
    return this.#tick;
  }

  /** Stops heartbeating, releases this node's rooms and removes its record, so others take over at once. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#tick;
    const { repos, nodeId } = this.#o;
    try {
      for (const p of await repos.placements.listByNode(nodeId))
        await repos.placements.release(p.roomKey, nodeId);
      await repos.nodes.remove(nodeId);
    } catch (err) {
      this.#o.log?.warn({ err, nodeId }, 'placement: could not release this node’s rooms on stop');
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.tick().then(() => this.#schedule());
    }, this.settings.heartbeatMs);
    this.#timer.unref();
  }

  async #beat(): Promise<void> {
    if (this.#stopped) return;
    const { repos, nodeId, host } = this.#o;
    const now = this.#o.now();
    try {
      await repos.nodes.heartbeat(this.record(now));
      // A room claimed here but not (or no longer) open: released once it is older than a heartbeat TTL
      // (a claim is made just before the room's media opens, so a fresh one is left alone).
      const held = await repos.placements.listByNode(nodeId);
      for (const p of held) {
        if (!host.hosts(p.roomKey) && now - p.claimedAt >= this.settings.ttlMs)
          await repos.placements.release(p.roomKey, nodeId);
      }
      // A room open here that this node no longer holds (another node took it over while this one's
      // heartbeat lapsed): claimed back if free, else closed here so its pages join it where it is now.
      const mine = new Set(held.map((p) => p.roomKey));
      for (const roomKey of [...host.roomKeys()].filter((k) => !mine.has(k))) {
        const placed = await repos.placements.claim(roomKey, nodeId, now);
        if (placed.nodeId !== nodeId) host.evict(roomKey);
      }
    } catch (err) {
      this.#o.log?.warn({ err, nodeId }, 'placement: heartbeat failed');
    }
  }
}
