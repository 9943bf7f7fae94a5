import type { MemberPresence, PersonRef, PresenceStatus } from '@tsudoi/protocol';
import { EnhancedEventEmitter } from '../enhancedEvents.js';
import { AppError } from '../errors.js';
import { systemTimers, type TimerHandle, type Timers } from '../timers.js';

/** Long enough for a page reload or a network blip, short enough that a closed laptop soon shows away. */
export const DEFAULT_GRACE_MS = 15_000;

export interface PresenceTrackerOptions {
  timers?: Timers;
  graceMs?: number;
}

export interface PresenceEvents {
  /** Came online, changed status or name: push `floor:presence`. */
  changed: [workspaceId: string, presence: MemberPresence];
  /**
   * Gone: the last connection closed and the grace period ran out (or `signOut`). The floor removes the
   * person from their room on this; `changed` with `online: false` follows.
   */
  offline: [workspaceId: string, userId: string];
}

interface Entry {
  person: PersonRef;
  sockets: Set<string>;
  status: PresenceStatus;
  grace: TimerHandle | undefined;
}

/**
 * What the floor, the gateway and the access relay use of presence: this process's tracker on one node,
 * or (several nodes) `scaling/sharedPresence.ts`, which keeps the same contract across nodes.
 */
export type Presence = Pick<
  PresenceTracker,
  | 'connect'
  | 'disconnect'
  | 'signOut'
  | 'setStatus'
  | 'isOnline'
  | 'get'
  | 'online'
  | 'close'
  | 'closed'
  | 'subscribe'
>;

const AVAILABLE: PresenceStatus = { state: 'available' };

/**
 * Presence per person, not per tab: a user is online while at least one of their sockets is connected in
 * a workspace. When the last one closes, a grace period starts; a new connection within it resumes as if
 * nothing happened (same room, same status), otherwise the user goes offline.
 */
export class PresenceTracker extends EnhancedEventEmitter<PresenceEvents> {
  readonly #timers: Timers;
  readonly #graceMs: number;
  readonly #workspaces = new Map<string, Map<string, Entry>>();
  #closed = false;

  constructor(options: PresenceTrackerOptions = {}) {
    super();
    this.#timers = options.timers ?? systemTimers;
    this.#graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Records a connection. `cameOnline` is true only for the first connection of someone who was offline;
   * a second tab, or a reconnect within the grace period, changes nothing others can see.
   */
  connect(workspaceId: string, person: PersonRef, socketId: string): { cameOnline: boolean } {
    if (this.#closed) throw new AppError('UNAVAILABLE', 'The server is shutting down.');
    const users = this.#users(workspaceId);
    let entry = users.get(person.userId);
    const cameOnline = !entry;
    if (!entry) {
      entry = { person, sockets: new Set(), status: AVAILABLE, grace: undefined };
      users.set(person.userId, entry);
    }
    this.#cancelGrace(entry);
    entry.sockets.add(socketId);
    const renamed = entry.person.displayName !== person.displayName;
    entry.person = person;
    if (cameOnline || renamed) this.safeEmit('changed', workspaceId, view(entry, true));
    return { cameOnline };
  }

  /** Forgets a connection; the last one starts the grace period. Unknown sockets are ignored. */
  disconnect(workspaceId: string, userId: string, socketId: string): void {
    const entry = this.#workspaces.get(workspaceId)?.get(userId);
    if (!entry?.sockets.delete(socketId) || entry.sockets.size > 0 || this.#closed) return;
    entry.grace = this.#timers.setTimeout(() => {
      entry.grace = undefined;
      this.#goOffline(workspaceId, userId);
    }, this.#graceMs);
  }

  /** Offline at once, without grace (signed out, removed from the workspace). */
  signOut(workspaceId: string, userId: string): void {
    const entry = this.#workspaces.get(workspaceId)?.get(userId);
    if (!entry) return;
    this.#cancelGrace(entry);
    this.#goOffline(workspaceId, userId);
  }

  /** Sets a connected person's status; it survives reloads within the grace period. */
  setStatus(workspaceId: string, userId: string, status: PresenceStatus): MemberPresence {
    const entry = this.#workspaces.get(workspaceId)?.get(userId);
    if (!entry) throw AppError.conflict('You are not connected to this workspace.');
    entry.status = status.text ? { state: status.state, text: status.text } : { state: status.state };
    const presence = view(entry, true);
    this.safeEmit('changed', workspaceId, presence);
    return presence;
  }

  /** Online means connected, or disconnected for less than the grace period. */
  isOnline(workspaceId: string, userId: string): boolean {
    return this.#workspaces.get(workspaceId)?.has(userId) ?? false;
  }

  /** The online person's presence, if online. */
  get(workspaceId: string, userId: string): MemberPresence | undefined {
    const entry = this.#workspaces.get(workspaceId)?.get(userId);
    return entry && view(entry, true);
  }

  /** Everyone online in a workspace, one entry per person however many tabs they have. */
  online(workspaceId: string): MemberPresence[] {
    return [...(this.#workspaces.get(workspaceId)?.values() ?? [])].map((e) => view(e, true));
  }

  connectionCount(workspaceId: string, userId: string): number {
    return this.#workspaces.get(workspaceId)?.get(userId)?.sockets.size ?? 0;
  }

  /** Cancels every grace timer; nobody is reported offline by a shutdown. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const users of this.#workspaces.values()) for (const e of users.values()) this.#cancelGrace(e);
    this.#workspaces.clear();
    this.removeAllListeners();
  }

  #users(workspaceId: string): Map<string, Entry> {
    let users = this.#workspaces.get(workspaceId);
    if (!users) {
      users = new Map();
      this.#workspaces.set(workspaceId, users);
    }
    return users;
  }

  #cancelGrace(entry: Entry): void {
    if (entry.grace === undefined) return;
    this.#timers.clearTimeout(entry.grace);
    entry.grace = undefined;
  }

  #goOffline(workspaceId: string, userId: string): void {
    const users = this.#workspaces.get(workspaceId);
    const entry = users?.get(userId);
    if (!users || !entry) return;
    users.delete(userId);
    if (users.size === 0) this.#workspaces.delete(workspaceId);
    this.safeEmit('offline', workspaceId, userId);
    this.safeEmit('changed', workspaceId, { ...view(entry, false), status: AVAILABLE });
  }
}

function view(entry: Entry, online: boolean): MemberPresence {
  return { userId: entry.person.userId, displayName: entry.person.displayName, online, status: entry.status };
}
