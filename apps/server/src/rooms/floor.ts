import { randomUUID } from 'node:crypto';
import type { PersonRef } from '@tsudoi/protocol';
import { Disposers, EnhancedEventEmitter } from '../enhancedEvents.js';
import type { Clock } from '../timers.js';
import { refusalError } from './access.js';
import { FloorError } from './errors.js';
import { CLOSED_PRIVATE_KEPT, type PrivateRoomDefinition, privateRoomName } from './privateRoom.js';
import { type LeaveReason, Room } from './room.js';
import type { FloorEvents } from './roomEvents.js';
import type { RoomRecord, RoomRepo } from './roomRepo.js';

export interface FloorDeps {
  repo: RoomRepo;
  clock: Clock;
  newId?: () => string;
}

export interface JoinResult {
  room: Room;
  /** The room the person was moved out of, if any. */
  from: Room | undefined;
  /** False for a repeated join of the room they were already in. */
  entered: boolean;
}

/** Several nodes: one room's people as the shared floor holds them (`Floor.applyShared`). */
export interface SharedRoomState {
  id: string;
  people: ReadonlyArray<{ userId: string; displayName: string; listenOnly: boolean; since: string }>;
}

/** A floor's own events: its domain events and (several nodes) a stored room definition it changed. */
export type FloorOwnEvents = FloorEvents & {
  /** This node created, renamed or archived a stored room; other nodes learn it from the shared floor. */
  roomDefined: [record: RoomRecord];
};

/**
 * One workspace's floor: its rooms and who is in which. Each person is in at most one room; `join` moves
 * them synchronously (leave A, then enter B) so no observer ever sees them in both. Room ids are only
 * looked up in this workspace's map, so another workspace's id is simply not found.
 */
export class Floor extends EnhancedEventEmitter<FloorOwnEvents> {
  readonly workspaceId: string;
  readonly #deps: FloorDeps;
  readonly #rooms = new Map<string, { room: Room; disposers: Disposers }>();
  readonly #roomOfUser = new Map<string, Room>();
  /** Rooms touched by the operation under way (see #atomically); null between operations. */
  #pending: { rooms: Map<string, Room>; removed: Set<string> } | null = null;
  /** True while mirroring another node's change (its events carry `remote`). */
  #remote = false;
  #closed = false;
  /** Several nodes: 1on1 rooms that closed here, oldest first (bounded; ids are never reused). */
  readonly #closedPrivate = new Set<string>();

  constructor(workspaceId: string, deps: FloorDeps, records: readonly RoomRecord[] = []) {
    super();
    this.workspaceId = workspaceId;
    this.#deps = deps;
    for (const r of records) {
      if (r.workspaceId !== workspaceId) throw new TypeError(`room ${r.id} belongs to another workspace`);
      this.#adopt(new Room({ ...r, kind: 'open' }));
    }
  }

  /** Builds a floor from the workspace's stored room definitions (nobody inside yet). */
  static async load(workspaceId: string, deps: FloorDeps): Promise<Floor> {
    return new Floor(workspaceId, deps, await deps.repo.list(workspaceId));
  }

  get closed(): boolean {
    return this.#closed;
  }

  get rooms(): Room[] {
    return [...this.#rooms.values()].map((e) => e.room);
  }

  /** The room with this id in this workspace; NOT_FOUND otherwise (including other workspaces' ids). */
  room(roomId: string): Room {
    const entry = this.#rooms.get(roomId);
    if (!entry) throw FloorError.roomNotFound();
    return entry.room;
  }

  /** The room a person is in, if any. */
  roomOf(userId: string): Room | undefined {
    return this.#roomOfUser.get(userId);
  }

  /** Admin: a new open room, stored first so a crash never shows a room that does not exist. */
  async createRoom(input: { name: string; capacity?: number | null }): Promise<Room> {
    this.#assertOpen();
    const record: RoomRecord = {
      id: (this.#deps.newId ?? randomUUID)(),
      workspaceId: this.workspaceId,
      name: input.name,
      capacity: input.capacity ?? null,
      archived: false,
      createdAt: this.#deps.clock().toISOString(),
    };
    await this.#deps.repo.create(record);
    const room = this.#adopt(new Room({ ...record, kind: 'open' }));
    this.#roomUpdated(room);
    this.safeEmit('roomDefined', record);
    return room;
  }

  /** Admin: renames an open room. */
  async renameRoom(roomId: string, name: string): Promise<Room> {
    const room = this.#storedRoom(roomId);
    const record = await this.#deps.repo.rename(this.workspaceId, roomId, name);
    if (!record) throw FloorError.roomNotFound();
    room.rename(name);
    this.safeEmit('roomDefined', record);
    return room;
  }

  /** Admin: archives a room; the people inside are moved out (each gets `participantLeft` 'archived'). */
  async archiveRoom(roomId: string): Promise<Room> {
    const room = this.#storedRoom(roomId);
    const record = await this.#deps.repo.archive(this.workspaceId, roomId);
    if (!record) throw FloorError.roomNotFound();
    this.#atomically(() => room.archive());
    this.safeEmit('roomDefined', record);
    return room;
  }

  /**
   * Several nodes: another node created, renamed or archived a stored room. Mirrors it here (people
   * still shown inside an archived room leave with 'archived', as remote events).
   */
  applyDefinition(record: RoomRecord): void {
    if (this.#closed || record.workspaceId !== this.workspaceId) return;
    const entry = this.#rooms.get(record.id);
    if (!entry) {
      this.#roomUpdated(this.#adopt(new Room({ ...record, kind: 'open' })));
      return;
    }
    if (entry.room.kind !== 'open') return;
    this.#mirroring(() => {
      entry.room.rename(record.name);
      if (record.archived) entry.room.archive();
    });
  }

  /**
   * Several nodes: a 1on1 room opened on another node (or by a script this node ran), or its guest list
   * grown by an admitted knock. A room that already closed here stays closed (a late definition).
   */
  applyPrivateDefinition(def: PrivateRoomDefinition): void {
    if (this.#closed || def.workspaceId !== this.workspaceId || this.#closedPrivate.has(def.id)) return;
    const entry = this.#rooms.get(def.id);
    if (entry) {
      if (entry.room.kind === 'oneOnOne') for (const userId of def.guestList) entry.room.admit(userId);
      return;
    }
    const room = new Room({ ...def, kind: 'oneOnOne', capacity: null, archived: false });
    this.#roomUpdated(this.#adopt(room));
  }

  /**
   * Several nodes: sets the named rooms' people to what the shared floor holds (one `changed` for all of
   * them). Arrivals are applied before departures, so a room that stays occupied never looks empty for a
   * moment (which would purge its messages). `remote`: another node made the change and handles its
   * side effects; this node's events carry `remote`.
   */
  applyShared(
    states: readonly SharedRoomState[],
    reasons: Readonly<Record<string, LeaveReason>>,
    remote: boolean,
  ): void {
    if (this.#closed) return;
    const apply = () =>
      this.#atomically(() => {
        const known = states.flatMap((s) => {
          const room = this.#rooms.get(s.id)?.room;
          return room ? [{ room, ids: new Set(s.people.map((p) => p.userId)), state: s }] : [];
        });
        const named = new Set(known.map((k) => k.room));
        for (const { room, state } of known) {
          for (const p of state.people) {
            if (room.has(p.userId)) {
              room.setListenOnly(p.userId, p.listenOnly);
              continue;
            }
            const before = this.#roomOfUser.get(p.userId);
            room.restore(p, new Date(p.since));
            // Each person in one room here too, even if this mirror missed their earlier move.
            if (before && before !== room && !named.has(before)) before.remove(p.userId, 'moved');
          }
        }
        for (const { room, ids } of known)
          for (const userId of [...room.participants.keys()])
            if (!ids.has(userId)) room.remove(userId, reasons[userId] ?? 'left');
      });
    if (remote) this.#mirroring(apply);
    else apply();
  }

  /**
   * Drops a person into a room, leaving their current room first. Joining the room one is already in
   * succeeds without change (except an explicit listen-only switch). A refusal leaves them where they were.
   */
  join(person: PersonRef, roomId: string, opts: { listenOnly?: boolean } = {}): JoinResult {
    return this.#atomically(() => this.#join(person, roomId, opts));
  }

  #join(person: PersonRef, roomId: string, opts: { listenOnly?: boolean }): JoinResult {
    this.#assertOpen();
    const room = this.room(roomId);
    const current = this.#roomOfUser.get(person.userId);
    if (current === room) {
      if (opts.listenOnly !== undefined) room.setListenOnly(person.userId, opts.listenOnly);
      return { room, from: undefined, entered: false };
    }
    const refusal = room.refusalFor(person.userId);
    if (refusal) throw refusalError(refusal, room.capacity);
    current?.remove(person.userId, 'moved');
    room.add({ ...person, listenOnly: opts.listenOnly ?? false }, this.#deps.clock());
    return { room, from: current, entered: true };
  }

  /** Leaves the named room; CONFLICT when the person is not in it. */
  leave(userId: string, roomId: string, reason: LeaveReason = 'left'): Room {
    const room = this.room(roomId);
    if (!room.remove(userId, reason)) throw FloorError.notInRoom();
    return room;
  }

  /** Leaves whatever room the person is in (grace period over, signed out); no-op when in none. */
  leaveCurrent(userId: string, reason: LeaveReason): Room | undefined {
    const room = this.#roomOfUser.get(userId);
    room?.remove(userId, reason);
    return room;
  }

  /** Opens a private 1on1 room and moves everyone named into it; it closes once it empties. */
  openPrivateRoom(people: readonly PersonRef[]): Room {
    return this.#atomically(() => this.#openPrivateRoom(people));
  }

  #openPrivateRoom(people: readonly PersonRef[]): Room {
    this.#assertOpen();
    const name = privateRoomName(people);
    const room = this.#adopt(
      new Room({
        id: (this.#deps.newId ?? randomUUID)(),
        workspaceId: this.workspaceId,
        name,
        kind: 'oneOnOne',
        capacity: null,
        archived: false,
        guestList: people.map((p) => p.userId),
      }),
    );
    this.#roomUpdated(room);
    for (const person of people) this.join(person, room.id);
    return room;
  }

  /**
   * Closes every room (people inside leave with 'roomClosed', so `roomEmpty` still fires for occupied
   * rooms: nobody is in them any more), then drops all subscriptions. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { room } of [...this.#rooms.values()]) room.close('floorClosed');
    this.removeAllListeners();
  }

  /** Several nodes: closes this node's mirror; its events carry `remote` (no purge: others still hold the floor). */
  closeMirror(): void {
    this.#mirroring(() => this.close());
  }

  #mirroring(fn: () => void): void {
    const outer = this.#remote;
    this.#remote = true;
    try {
      fn();
    } finally {
      this.#remote = outer;
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw FloorError.floorClosed();
  }

  /** Rooms admins manage are the stored ones; 1on1 rooms are not renamed or archived. */
  #storedRoom(roomId: string): Room {
    this.#assertOpen();
    const room = this.room(roomId);
    if (room.kind !== 'open') throw FloorError.roomNotFound();
    return room;
  }

  #roomUpdated(room: Room): void {
    this.safeEmit('roomUpdated', this.workspaceId, room.toSummary());
    if (this.#pending) this.#pending.rooms.set(room.id, room);
    else this.safeEmit('changed', this.workspaceId, { rooms: [room.toSummary()], removedRoomIds: [] });
  }

  #roomRemoved(roomId: string): void {
    this.safeEmit('roomRemoved', this.workspaceId, roomId);
    if (this.#pending) this.#pending.removed.add(roomId);
    else this.safeEmit('changed', this.workspaceId, { rooms: [], removedRoomIds: [roomId] });
  }

  /**
   * Runs one floor operation whose room updates and removals reach clients as ONE `changed` event (the
   * rooms' state when it ends): a move A → B never shows the person in no room, even for a moment.
   * Nested operations join the outer one.
   */
  #atomically<T>(operation: () => T): T {
    if (this.#pending) return operation();
    const pending = { rooms: new Map<string, Room>(), removed: new Set<string>() };
    this.#pending = pending;
    try {
      return operation();
    } finally {
      this.#pending = null;
      const rooms = [...pending.rooms.values()].filter((r) => !pending.removed.has(r.id));
      if (rooms.length > 0 || pending.removed.size > 0) {
        this.safeEmit('changed', this.workspaceId, {
          rooms: rooms.map((r) => r.toSummary()),
          removedRoomIds: [...pending.removed],
        });
      }
    }
  }

  /** Takes ownership of a room: mirrors its events as floor events and keeps the person → room index. */
  #adopt(room: Room): Room {
    const disposers = new Disposers();
    const workspaceId = this.workspaceId;
    const now = () => this.#deps.clock();
    disposers.add(
      room.subscribe('participantJoined', (p) => {
        this.#roomOfUser.set(p.userId, room);
        this.#roomUpdated(room);
        this.safeEmit('participantJoined', {
          workspaceId,
          roomId: room.id,
          userId: p.userId,
          at: now(),
          ...this.#remoteMark(),
        });
      }),
      room.subscribe('participantLeft', (p, reason) => {
        if (this.#roomOfUser.get(p.userId) === room) this.#roomOfUser.delete(p.userId);
        this.#roomUpdated(room);
        const event = { workspaceId, roomId: room.id, userId: p.userId, at: now(), reason };
        this.safeEmit('participantLeft', { ...event, ...this.#remoteMark() });
      }),
      room.subscribe('participantUpdated', () => this.#roomUpdated(room)),
      room.subscribe('updated', () => this.#roomUpdated(room)),
      room.subscribe('empty', (lastUserId, reason) => {
        const event = { workspaceId, roomId: room.id, kind: room.kind, lastUserId, reason, at: now() };
        this.safeEmit('roomEmpty', { ...event, ...this.#remoteMark() });
        // A 1on1 is a conversation, not a place: once everyone has left there is nothing to return to.
        if (room.kind === 'oneOnOne') room.close('empty');
      }),
      room.subscribe('close', () => {
        if (room.kind === 'oneOnOne') this.#rememberClosed(room.id);
        disposers.dispose();
        this.#rooms.delete(room.id);
        this.#roomRemoved(room.id);
      }),
    );
    this.#rooms.set(room.id, { room, disposers });
    return room;
  }

  #rememberClosed(roomId: string): void {
    this.#closedPrivate.add(roomId);
    if (this.#closedPrivate.size > CLOSED_PRIVATE_KEPT)
      this.#closedPrivate.delete(this.#closedPrivate.values().next().value as string);
  }

  #remoteMark(): { remote?: true } {
    return this.#remote ? { remote: true } : {};
  }
}
