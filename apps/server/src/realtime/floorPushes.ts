import type {
  FloorChanged,
  MemberPresence,
  ParticipantView,
  RoomParticipantsChanged,
  RoomSummary,
} from '@tsudoi/protocol';
import { systemTimers, type TimerHandle, type Timers } from '../timers.js';

/**
 * How often, at most, a workspace's pages get a floor push. A change on a quiet floor goes out at once; changes
 * that follow within this interval wait for its end and go out together as one `floor:changed`. Every push is
 * one frame to every page of the workspace, so at 1,000 people 100 changes a second were 100,000 frames a
 * second (docs/BENCHMARKS.md "Issue 14"); gathered, they are at most 20 per page per second. The price is at
 * most this much delay on a busy floor (docs/FLOOR.md "Pushes").
 */
export const FLOOR_PUSH_INTERVAL_MS = 50;

/** One floor push to a workspace's pages, as the protocol names it. */
export type FloorPush =
  | { event: 'floor:roomUpdated'; payload: RoomSummary }
  | { event: 'floor:roomRemoved'; payload: { roomId: string } }
  | { event: 'floor:changed'; payload: FloorChanged }
  | { event: 'floor:presence'; payload: MemberPresence };

/**
 * A room with at most this many participants is pushed whole; a bigger one as the participants that
 * changed (`FloorChanged.participants`). A whole room of 300 is ~30 KB in every push to every page: a
 * join burst into big rooms made pages fall behind until engine.io's ping timeout dropped them
 * (docs/BENCHMARKS.md "Figure 1's second half"). Small rooms stay whole: their state is about the size
 * of a change, and whole states are the simplest thing for a page to apply.
 */
export const WHOLE_ROOM_MAX = 20;

const sameParticipant = (a: ParticipantView, b: ParticipantView) =>
  a.displayName === b.displayName && a.listenOnly === b.listenOnly && a.since === b.since;
const sameRoomInfo = (a: RoomSummary, b: RoomSummary) =>
  a.name === b.name && a.kind === b.kind && a.capacity === b.capacity && a.archived === b.archived;

/**
 * What a workspace's pages have not been sent yet (pure; `FloorPushQueue` decides when): the latest state
 * of each room and person that changed. Rooms up to `wholeRoomMax` participants go out whole. A bigger
 * room the pages already have goes out as its participant changes against the state last sent: every
 * participant who differed from it at any moment since (entered, changed, left — even entered and left
 * again) is named, with their state now or as removed. So a page whose snapshot was taken between two
 * pushes — it may hold a state the pushes never carried — still ends with the room as it is.
 */
export class PendingFloor {
  readonly #rooms = new Map<string, RoomSummary>();
  readonly #removed = new Set<string>();
  readonly #presence = new Map<string, MemberPresence>();
  /** Each room as the pages hold it after the last push (whole or through changes). */
  readonly #sent = new Map<string, RoomSummary>();
  /** Per room changed since the last push: participants that differed from `#sent` at some moment. */
  readonly #touched = new Map<string, Set<string>>();

  constructor(private readonly wholeRoomMax = WHOLE_ROOM_MAX) {}

  get empty(): boolean {
    return this.#rooms.size + this.#removed.size + this.#presence.size === 0;
  }

  add(push: FloorPush): void {
    switch (push.event) {
      case 'floor:roomUpdated':
        this.#room(push.payload);
        break;
      case 'floor:roomRemoved':
        this.#remove(push.payload.roomId);
        break;
      case 'floor:presence':
        this.#presence.set(push.payload.userId, push.payload);
        break;
      case 'floor:changed':
        for (const room of push.payload.rooms) this.#room(room);
        for (const roomId of push.payload.removedRoomIds) this.#remove(roomId);
        for (const member of push.payload.presence ?? []) this.#presence.set(member.userId, member);
        break;
    }
  }

  /**
   * Everything pending as one push, and forgets it: a single change keeps its own event (what a quiet floor
   * sends), several become one `floor:changed` (a room is never both updated and removed in it, nor both
   * whole and changed).
   */
  take(): FloorPush | undefined {
    const rooms: RoomSummary[] = [];
    const participants: RoomParticipantsChanged[] = [];
    for (const room of this.#rooms.values()) {
      const sent = this.#sent.get(room.id);
      const touched = this.#touched.get(room.id);
      if (room.archived) this.#sent.delete(room.id);
      else this.#sent.set(room.id, room);
      if (!sent || !sameRoomInfo(sent, room) || room.participants.length <= this.wholeRoomMax) {
        rooms.push(room);
        continue;
      }
      if (!touched?.size) continue; // the pages hold this state already
      const inside = new Set(room.participants.map((p) => p.userId));
      participants.push({
        roomId: room.id,
        upsert: room.participants.filter((p) => touched.has(p.userId)),
        remove: [...touched].filter((userId) => !inside.has(userId)),
      });
    }
    const removedRoomIds = [...this.#removed];
    const presence = [...this.#presence.values()];
    this.#rooms.clear();
    this.#touched.clear();
    this.#removed.clear();
    this.#presence.clear();
    const count = rooms.length + removedRoomIds.length + presence.length + participants.length;
    if (count === 0) return undefined;
    if (count === 1) {
      if (rooms[0]) return { event: 'floor:roomUpdated', payload: rooms[0] };
      if (removedRoomIds[0]) return { event: 'floor:roomRemoved', payload: { roomId: removedRoomIds[0] } };
      if (presence[0]) return { event: 'floor:presence', payload: presence[0] };
    }
    return {
      event: 'floor:changed',
      payload: {
        rooms,
        removedRoomIds,
        ...(presence.length ? { presence } : {}),
        ...(participants.length ? { participants } : {}),
      },
    };
  }

  #room(room: RoomSummary): void {
    this.#removed.delete(room.id);
    this.#rooms.set(room.id, room);
    const sent = this.#sent.get(room.id);
    if (!sent) return;
    const touched = this.#touched.get(room.id) ?? new Set<string>();
    this.#touched.set(room.id, touched);
    const before = new Map(sent.participants.map((p) => [p.userId, p]));
    for (const p of room.participants) {
      const was = before.get(p.userId);
      if (!was || !sameParticipant(was, p)) touched.add(p.userId);
      before.delete(p.userId);
    }
    for (const userId of before.keys()) touched.add(userId);
  }

  #remove(roomId: string): void {
    this.#rooms.delete(roomId);
    this.#touched.delete(roomId);
    this.#sent.delete(roomId);
    this.#removed.add(roomId);
  }
}

interface WorkspacePushes {
  pending: PendingFloor;
  lastSentAt: number;
  timer: TimerHandle | undefined;
}

/**
 * Paces the floor pushes of each workspace: at most one per `intervalMs`. The first change after a quiet
 * interval is sent at once; later ones gather in `PendingFloor` until the interval ends. Lifetime: one per
 * gateway; `close()` at shutdown drops what is pending (the pages reload the floor on reconnect).
 */
export class FloorPushQueue {
  readonly #workspaces = new Map<string, WorkspacePushes>();

  constructor(
    private readonly send: (workspaceId: string, push: FloorPush) => void,
    private readonly intervalMs = FLOOR_PUSH_INTERVAL_MS,
    private readonly timers: Timers = systemTimers,
    private readonly now: () => number = Date.now,
  ) {}

  push(workspaceId: string, push: FloorPush): void {
    const now = this.now();
    let w = this.#workspaces.get(workspaceId);
    if (!w) {
      w = { pending: new PendingFloor(), lastSentAt: Number.NEGATIVE_INFINITY, timer: undefined };
      this.#workspaces.set(workspaceId, w);
    }
    w.pending.add(push);
    if (w.timer === undefined && now - w.lastSentAt >= this.intervalMs) this.#flush(workspaceId);
    else
      w.timer ??= this.timers.setTimeout(
        () => this.#flush(workspaceId),
        Math.max(0, w.lastSentAt + this.intervalMs - now),
      );
  }

  close(): void {
    for (const w of this.#workspaces.values()) if (w.timer !== undefined) this.timers.clearTimeout(w.timer);
    this.#workspaces.clear();
  }

  /** Sends what is pending, in the shape `PendingFloor.take` gives it (also for a change sent at once). */
  #flush(workspaceId: string): void {
    const w = this.#workspaces.get(workspaceId);
    if (!w) return;
    w.timer = undefined;
    const push = w.pending.take();
    if (!push) return;
    w.lastSentAt = this.now();
    this.send(workspaceId, push);
  }
}
