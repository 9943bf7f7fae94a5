import type { FloorSnapshot, MemberPresence, PersonRef } from '@tsudoi/protocol';
import { Disposers, EnhancedEventEmitter } from '../enhancedEvents.js';
import type { Presence } from '../presence/presenceTracker.js';
import { type Clock, systemClock, systemTimers, type Timers } from '../timers.js';
import { FloorError } from './errors.js';
import { Floor, type JoinResult } from './floor.js';
import type { FloorCoordinator } from './floorCoordinator.js';
import { type KnockEvents, Knocks } from './knock.js';
import type { BookDeps, InvitationBook, KnockBook, MeetingBooks } from './meetingBooks.js';
import { type OneOnOneEvents, OneOnOneInvitations } from './oneOnOne.js';
import type { LeaveReason, Room } from './room.js';
import type { FloorEvents } from './roomEvents.js';
import type { RoomRepo } from './roomRepo.js';

export interface FloorsDeps {
  repo: RoomRepo;
  presence: Presence;
  clock?: Clock;
  timers?: Timers;
  inviteTtlMs?: number;
  knockTtlMs?: number;
  newId?: () => string;
  /** Several nodes: occupancy decided in the shared store (scaling/sharedFloor.ts); absent on one node. */
  coordinator?: FloorCoordinator;
}

/** A workspace's live floor with its 1on1 invitations and knocks (shared across nodes when several). */
export interface WorkspaceFloor {
  readonly floor: Floor;
  readonly invitations: InvitationBook;
  readonly knocks: KnockBook;
}

/** Every event of every workspace, in one place: the gateway, the access log and retention subscribe here. */
export type FloorsEvents = FloorEvents & {
  invited: OneOnOneEvents['invited'];
  inviteAnswered: OneOnOneEvents['answered'];
  knockRequested: KnockEvents['requested'];
  knockAnswered: KnockEvents['answered'];
};

/**
 * The floors of this process, loaded on first use per workspace. It ties presence to rooms: when a
 * person's grace period runs out they leave their room, and their invitations and knocks are cancelled.
 */
export class Floors extends EnhancedEventEmitter<FloorsEvents> {
  readonly #deps: FloorsDeps;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #loading = new Map<string, Promise<WorkspaceFloor>>();
  readonly #loaded = new Map<string, { wf: WorkspaceFloor; disposers: Disposers }>();
  readonly #disposers = new Disposers();
  #closed = false;

  constructor(deps: FloorsDeps) {
    super();
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#timers = deps.timers ?? systemTimers;
    this.#disposers.add(
      deps.presence.subscribe('offline', (workspaceId, userId) => {
        const wf = this.#loaded.get(workspaceId)?.wf;
        if (!wf) return;
        // Several nodes: the shared presence took them out of their room already, for every node.
        if (!deps.coordinator) wf.floor.leaveCurrent(userId, 'gracePeriodEnded');
        wf.invitations.handleOffline(userId);
        wf.knocks.handleOffline(userId);
      }),
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The workspace's floor, loading its rooms from the store once (concurrent callers share the load). */
  get(workspaceId: string): Promise<WorkspaceFloor> {
    if (this.#closed) return Promise.reject(new Error('floors are closed'));
    const loaded = this.#loaded.get(workspaceId);
    if (loaded) return Promise.resolve(loaded.wf);
    let loading = this.#loading.get(workspaceId);
    if (!loading) {
      loading = this.#load(workspaceId).finally(() => this.#loading.delete(workspaceId));
      this.#loading.set(workspaceId, loading);
    }
    return loading;
  }

  /** Drops a person into a room (across nodes when several share the floor); see `Floor.join`. */
  async join(
    floor: Floor,
    person: PersonRef,
    roomId: string,
    opts: { listenOnly?: boolean } = {},
  ): Promise<JoinResult> {
    const { coordinator } = this.#deps;
    return coordinator ? coordinator.join(floor, person, roomId, opts) : floor.join(person, roomId, opts);
  }

  /** Leaves the named room; CONFLICT when the person is not in it. */
  async leave(floor: Floor, userId: string, roomId: string): Promise<Room> {
    const { coordinator } = this.#deps;
    if (!coordinator) return floor.leave(userId, roomId);
    floor.room(roomId); // NOT_FOUND first, as on one node
    const room = await coordinator.leave(floor, userId, roomId, 'left');
    if (!room) throw FloorError.notInRoom();
    return room;
  }

  /**
   * Takes a person out of whatever room they are in (access ended). One node: at once, before this
   * returns; several nodes: once the shared floor has done it.
   */
  leaveCurrent(workspaceId: string, userId: string, reason: LeaveReason): Promise<void> {
    const wf = this.peek(workspaceId);
    const { coordinator } = this.#deps;
    if (!wf) return Promise.resolve();
    if (!coordinator) {
      wf.floor.leaveCurrent(userId, reason);
      return Promise.resolve();
    }
    return coordinator.leave(wf.floor, userId, undefined, reason).then(() => undefined);
  }

  /** The floor if already loaded (for event handlers that must not trigger a load). */
  peek(workspaceId: string): WorkspaceFloor | undefined {
    return this.#loaded.get(workspaceId)?.wf;
  }

  /**
   * What a client needs on connect: rooms with their people, and every member's presence. `members` is
   * the workspace's member list (from the accounts domain); online people not in it are still shown.
   */
  async snapshot(workspaceId: string, members: readonly PersonRef[]): Promise<FloorSnapshot> {
    const { floor } = await this.get(workspaceId);
    const online = new Map(this.#deps.presence.online(workspaceId).map((m) => [m.userId, m]));
    const offline = (m: PersonRef): MemberPresence => ({
      ...m,
      online: false,
      status: { state: 'available' },
    });
    const listed = members.map((m) => online.get(m.userId) ?? offline(m));
    const listedIds = new Set(members.map((m) => m.userId));
    const extra = [...online.values()].filter((m) => !listedIds.has(m.userId));
    return {
      workspaceId,
      rooms: floor.rooms.map((r) => r.toSummary()),
      members: [...listed, ...extra],
      serverTime: this.#clock().toISOString(),
    };
  }

  /** Closes every floor (occupied rooms fire `roomEmpty` first), then drops subscriptions. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#disposers.dispose();
    for (const { wf, disposers } of this.#loaded.values()) {
      wf.knocks.close();
      wf.invitations.close();
      // Several nodes: the people stay in their rooms for the other nodes; this node only stops mirroring.
      if (this.#deps.coordinator) wf.floor.closeMirror();
      else wf.floor.close();
      disposers.dispose();
    }
    this.#loaded.clear();
    this.removeAllListeners();
  }

  async #load(workspaceId: string): Promise<WorkspaceFloor> {
    const { repo, presence, newId } = this.#deps;
    const base = { clock: this.#clock, ...(newId ? { newId } : {}) };
    const floor = await Floor.load(workspaceId, { repo, ...base });
    const detach = await this.#deps.coordinator?.attach(floor).catch((err: unknown) => {
      floor.close();
      throw err;
    });
    if (this.#closed) {
      detach?.();
      floor.close();
      throw new Error('floors are closed');
    }
    const bookDeps: BookDeps = {
      floor,
      findOnline: (userId) => {
        const p = presence.get(workspaceId, userId);
        return p && { userId: p.userId, displayName: p.displayName };
      },
      timers: this.#timers,
      inviteTtlMs: this.#deps.inviteTtlMs,
      knockTtlMs: this.#deps.knockTtlMs,
      ...base,
    };
    const { invitations, knocks } = this.#deps.coordinator?.books?.(bookDeps) ?? localBooks(bookDeps);
    const disposers = new Disposers();
    if (detach) disposers.add(detach);
    const forward = <K extends keyof FloorEvents & string>(event: K) =>
      floor.subscribe(event, (...args) => this.safeEmit(event, ...(args as unknown as FloorsEvents[K])));
    disposers.add(
      forward('roomEmpty'),
      forward('roomUpdated'),
      forward('roomRemoved'),
      forward('changed'),
      forward('participantJoined'),
      forward('participantLeft'),
      invitations.subscribe('invited', (i) => this.safeEmit('invited', i)),
      invitations.subscribe('answered', (i) => this.safeEmit('inviteAnswered', i)),
      knocks.subscribe('requested', (k, to) => this.safeEmit('knockRequested', k, to)),
      knocks.subscribe('answered', (k, to) => this.safeEmit('knockAnswered', k, to)),
    );
    const wf: WorkspaceFloor = { floor, invitations, knocks };
    this.#loaded.set(workspaceId, { wf, disposers });
    return wf;
  }
}

/** One node: the workspace's invitations and knocks live in this process. */
function localBooks(d: BookDeps): MeetingBooks {
  const base = { floor: d.floor, clock: d.clock, timers: d.timers, ...(d.newId ? { newId: d.newId } : {}) };
  return {
    invitations: new OneOnOneInvitations({ ...base, findOnline: d.findOnline, ttlMs: d.inviteTtlMs }),
    knocks: new Knocks({ ...base, ttlMs: d.knockTtlMs }),
  };
}
