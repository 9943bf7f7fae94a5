import type { MemberPresence, PersonRef, PresenceStatus } from '@tsudoi/protocol';
import { EnhancedEventEmitter } from '../enhancedEvents.js';
import { type PresenceEvents, PresenceTracker } from '../presence/presenceTracker.js';
import type { Timers } from '../timers.js';
import { OFFLINE, ONLINE, STATUS } from './lua/presenceScripts.js';
import type { RedisLogger } from './redisClient.js';
import type { ScriptRunner } from './scriptRunner.js';
import type { PresenceEvent, PresenceView, SharedEvent } from './sharedEvents.js';

export interface SharedPresenceOptions {
  scripts: ScriptRunner;
  /** Applies what a script returned here at once (the stream brings it to the other nodes). */
  apply: (events: readonly SharedEvent[]) => void;
  log: RedisLogger;
  graceMs?: number;
  timers?: Timers;
}

interface Mirrored {
  /** Undefined: offline (kept so an older "online" read later does not bring them back). */
  view: PresenceView | undefined;
  seq: number;
}

const AVAILABLE: PresenceStatus = { state: 'available' };

/**
 * Presence across nodes, with the contract of `PresenceTracker`. This node's sockets are counted here
 * by a local tracker (grace period included); who is online anywhere lives in Redis, and every node
 * mirrors it from the event stream. A person is online while any node has them; a node's grace period
 * running out only takes that node away (`offline` when it was the last). Events are the shared view's:
 * `changed` and `offline` fire on every node (each pushes to its own sockets).
 */
export class SharedPresence extends EnhancedEventEmitter<PresenceEvents> {
  readonly #local: PresenceTracker;
  readonly #o: SharedPresenceOptions;
  readonly #mirror = new Map<string, Map<string, Mirrored>>();
  /** Who this node has (connected or in their grace period), to tell Redis again after it lost us. */
  readonly #here = new Map<string, PersonRef>();
  readonly #offLocal: () => void;
  #closed = false;

  constructor(options: SharedPresenceOptions) {
    super();
    this.#o = options;
    this.#local = new PresenceTracker({
      ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
      ...(options.timers ? { timers: options.timers } : {}),
    });
    // This node's last socket of a person closed and its grace ran out: this node no longer has them.
    this.#offLocal = this.#local.subscribe('offline', (ws, userId) => {
      this.#here.delete(hereKey(ws, userId));
      this.#write(OFFLINE, [ws, userId, 'node']);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  connect(workspaceId: string, person: PersonRef, socketId: string): { cameOnline: boolean } {
    const { cameOnline } = this.#local.connect(workspaceId, person, socketId);
    if (cameOnline) {
      this.#here.set(hereKey(workspaceId, person.userId), person);
      const users = this.#mirror.get(workspaceId);
      // Shown online in this node's snapshots at once; the stream's event (newer) replaces it.
      if (users && !users.get(person.userId)?.view)
        users.set(person.userId, { view: { ...person, status: AVAILABLE }, seq: 0 });
      this.#write(ONLINE, [workspaceId, person.userId, JSON.stringify({ ...person, status: AVAILABLE })]);
    }
    return { cameOnline };
  }

  disconnect(workspaceId: string, userId: string, socketId: string): void {
    this.#local.disconnect(workspaceId, userId, socketId);
  }

  /** Offline on every node at once (signed out, access ended), without grace. */
  signOut(workspaceId: string, userId: string): void {
    // Sent before the local tracker's own 'offline' write, so the reason stays 'accessEnded'.
    this.#write(OFFLINE, [workspaceId, userId, 'all']);
    this.#local.signOut(workspaceId, userId);
  }

  /** Sets a person's status; they must be connected to this node (as on one node). */
  setStatus(workspaceId: string, userId: string, status: PresenceStatus): MemberPresence {
    const presence = this.#local.setStatus(workspaceId, userId, status);
    this.#write(STATUS, [workspaceId, userId, JSON.stringify(presence.status)]);
    return presence;
  }

  isOnline(workspaceId: string, userId: string): boolean {
    return this.#mirror.get(workspaceId)?.get(userId)?.view !== undefined;
  }

  get(workspaceId: string, userId: string): MemberPresence | undefined {
    const view = this.#mirror.get(workspaceId)?.get(userId)?.view;
    return view && { ...view, online: true };
  }

  /** Everyone online on any node (this node mirrors workspaces whose floor it has loaded). */
  online(workspaceId: string): MemberPresence[] {
    return [...(this.#mirror.get(workspaceId)?.values() ?? [])].flatMap((m) =>
      m.view ? [{ ...m.view, online: true }] : [],
    );
  }

  /**
   * Tells Redis again about everyone this node has: after Redis lost our heartbeat (an outage longer
   * than the grace period, or a Redis restarted empty) the other nodes took them offline.
   */
  async republish(): Promise<void> {
    const writes = [...this.#here].map(([key, person]) => {
      const ws = key.slice(0, key.indexOf('|'));
      const status = this.#local.get(ws, person.userId)?.status ?? AVAILABLE;
      return this.#write(ONLINE, [ws, person.userId, JSON.stringify({ ...person, status })]);
    });
    await Promise.all(writes);
  }

  /** True while this node has the person (connected, or in this node's grace period). */
  isHere(workspaceId: string, userId: string): boolean {
    return this.#here.has(hereKey(workspaceId, userId));
  }

  /**
   * Replaces a workspace's mirror with a fresh read (after Redis lost state): pushes `changed` for
   * everyone whose being online differs from what was shown.
   */
  reload(workspaceId: string, views: readonly PresenceView[], seq: number): void {
    const before = this.#mirror.get(workspaceId);
    if (!before) return;
    const after = new Map<string, Mirrored>(views.map((view) => [view.userId, { view, seq }]));
    this.#mirror.set(workspaceId, after);
    for (const [userId, was] of before) {
      if (!was.view || after.get(userId)?.view) continue;
      this.safeEmit('offline', workspaceId, userId);
      this.safeEmit('changed', workspaceId, { ...was.view, online: false, status: AVAILABLE });
    }
    for (const [userId, now] of after)
      if (now.view && !before.get(userId)?.view)
        this.safeEmit('changed', workspaceId, { ...now.view, online: true });
  }

  /** Starts mirroring a workspace from a loaded state (`seq`: the stream position it was read at). */
  load(workspaceId: string, views: readonly PresenceView[], seq: number): void {
    const users = this.#mirror.get(workspaceId) ?? new Map<string, Mirrored>();
    for (const view of views) {
      const known = users.get(view.userId);
      if (!known || known.seq <= seq) users.set(view.userId, { view, seq });
    }
    this.#mirror.set(workspaceId, users);
  }

  /** Stops mirroring a workspace (its floor was closed here). */
  unload(workspaceId: string): void {
    this.#mirror.delete(workspaceId);
  }

  /** A presence event from the stream or from a script this node ran; older ones than known are ignored. */
  apply(e: PresenceEvent): void {
    const users = this.#mirror.get(e.ws);
    if (!users || this.#closed) return;
    const known = users.get(e.userId);
    if (known && known.seq >= e.seq) return;
    if (e.off) {
      users.set(e.userId, { view: undefined, seq: e.seq });
      if (!known?.view) return;
      this.safeEmit('offline', e.ws, e.userId);
      this.safeEmit('changed', e.ws, { ...known.view, online: false, status: AVAILABLE });
      return;
    }
    if (!e.p) return;
    users.set(e.userId, { view: e.p, seq: e.seq });
    this.safeEmit('changed', e.ws, { ...e.p, online: true });
  }

  /** Cancels this node's grace timers; the shared state is left for the other nodes. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#offLocal();
    this.#local.close();
    this.#mirror.clear();
    this.#here.clear();
    this.removeAllListeners();
  }

  /** Writes that failed (Redis unreachable), latest per person and kind; sent again by `retryFailed`. */
  readonly #failed = new Map<string, { lua: string; args: string[] }>();

  /** How many presence writes wait for Redis (0 when it is reachable). */
  get unsentWrites(): number {
    return this.#failed.size;
  }

  /** Sends again what Redis missed while unreachable (called after each heartbeat that reached it). */
  async retryFailed(): Promise<void> {
    const failed = [...this.#failed.values()];
    this.#failed.clear();
    await Promise.all(failed.map((w) => this.#write(w.lua, w.args)));
  }

  #write(lua: string, args: string[]): Promise<void> {
    // Online/offline of a person replace each other; a status is kept apart.
    const slot = `${lua === STATUS ? 'status' : 'state'}|${args[0]}|${args[1]}`;
    this.#failed.delete(slot);
    return this.#o.scripts.run(lua, args).then(
      (r) => this.#o.apply(r.events),
      (err) => {
        if (!this.#failed.has(slot)) this.#failed.set(slot, { lua, args });
        this.#o.log.warn({ err }, 'presence: the shared floor could not be updated; will retry');
      },
    );
  }
}

function hereKey(workspaceId: string, userId: string): string {
  return `${workspaceId}|${userId}`;
}
