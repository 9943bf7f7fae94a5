import type { PersonRef } from '@tsudoi/protocol';
import { refusalError } from '../rooms/access.js';
import { FloorError } from '../rooms/errors.js';
import type { Floor, JoinResult } from '../rooms/floor.js';
import type { FloorCoordinator } from '../rooms/floorCoordinator.js';
import type { BookDeps, MeetingBooks } from '../rooms/meetingBooks.js';
import type { LeaveReason, Room } from '../rooms/room.js';
import type { Clock } from '../timers.js';
import { DEFINE, JOIN, LEAVE, LOAD } from './lua/floorScripts.js';
import type { RedisLogger } from './redisClient.js';
import type { ScriptRunner } from './scriptRunner.js';
import {
  parsePresenceView,
  parsePrivateRoom,
  parseRoomState,
  privateRoomOf,
  type SharedEvent,
} from './sharedEvents.js';
import { SharedInvitations } from './sharedInvitations.js';
import { SharedKnocks } from './sharedKnocks.js';
import type { SharedPresence } from './sharedPresence.js';
import { freshRooms, type RoomSeqs } from './staleness.js';

/** One workspace's floor as this node mirrors it. */
interface Mirror {
  floor: Floor;
  /** Per room, the sequence number of the state shown. */
  seqs: RoomSeqs;
  /** The stream position the workspace was loaded at: older events are in the load already. */
  loadedSeq: number;
  /** Events that arrived while the load was being read; null once loaded. */
  pending: SharedEvent[] | null;
}

export interface SharedFloorOptions {
  scripts: ScriptRunner;
  presence: SharedPresence;
  clock: Clock;
  log: RedisLogger;
}

/**
 * Several nodes (R23): who is in which room lives in Redis, decided by atomic scripts (the capacity
 * check and the entry are one step), and every node's `Floor` mirrors it from the event stream. The node
 * that made a change applies it as its own (access log, the purge when the room empties everywhere);
 * the others mirror it as `remote`. 1on1 rooms too: their definitions are shared (meetingScripts.ts).
 */
export class SharedFloor implements FloorCoordinator {
  readonly #o: SharedFloorOptions;
  readonly #floors = new Map<string, Mirror>();
  /** The number of the last event read from the stream (gaps mean missed events). */
  #streamSeq: number | undefined;
  #resyncing: Promise<void> | undefined;
  #resyncAgain = false;

  constructor(options: SharedFloorOptions) {
    this.#o = options;
  }

  async attach(floor: Floor): Promise<() => void> {
    const ws = floor.workspaceId;
    // Registered before the read: events that arrive meanwhile wait, and those newer than it follow it.
    const entry: Mirror = { floor, seqs: new Map(), loadedSeq: 0, pending: [] };
    this.#floors.set(ws, entry);
    let loaded: [string, string[], string[], string[]];
    try {
      loaded = (await this.#o.scripts.raw(LOAD, [ws])) as [string, string[], string[], string[]];
    } catch (err) {
      this.#floors.delete(ws);
      throw err;
    }
    const [seqText, rooms, presence, privateRooms] = loaded;
    entry.loadedSeq = Number(seqText);
    // 1on1 rooms first: the people in them are in `rooms`.
    for (const json of privateRooms) {
      const def = parsePrivateRoom(json);
      if (def) floor.applyPrivateDefinition(def);
    }
    const states = rooms.flatMap((json) => parseRoomState(json) ?? []);
    floor.applyShared(states, {}, true);
    this.#o.presence.load(
      ws,
      presence.flatMap((json) => parsePresenceView(json) ?? []),
      entry.loadedSeq,
    );
    const waiting = entry.pending ?? [];
    entry.pending = null;
    this.apply(waiting);
    const offDefined = floor.subscribe('roomDefined', (record) => {
      this.#o.scripts.run(DEFINE, [ws, record.id, JSON.stringify(record), record.archived ? '1' : '0']).then(
        (r) => this.apply(r.events),
        (err) => this.#o.log.warn({ err }, 'floor: a room change could not be shared'),
      );
    });
    return () => {
      offDefined();
      this.#floors.delete(ws);
      this.#o.presence.unload(ws);
    };
  }

  /** The workspace's 1on1 invitations and knocks, in Redis like its rooms' people. */
  books(deps: BookDeps): MeetingBooks {
    const options = {
      scripts: this.#o.scripts,
      apply: (events: readonly SharedEvent[]) => this.apply(events),
      log: this.#o.log,
    };
    return { invitations: new SharedInvitations(deps, options), knocks: new SharedKnocks(deps, options) };
  }

  async join(
    floor: Floor,
    person: PersonRef,
    roomId: string,
    opts: { listenOnly?: boolean },
  ): Promise<JoinResult> {
    const room = floor.room(roomId);
    // Archived, closed, not on a 1on1 room's guest list: refused here. Full: only the shared count knows.
    const refusal = room.refusalFor(person.userId);
    if (refusal && refusal !== 'full') throw refusalError(refusal, room.capacity);
    const from = floor.roomOf(person.userId);
    const participant = {
      userId: person.userId,
      displayName: person.displayName,
      listenOnly: opts.listenOnly ?? false,
      since: this.#o.clock().toISOString(),
    };
    const lo = opts.listenOnly === undefined ? '' : opts.listenOnly ? '1' : '0';
    const r = await this.#o.scripts.run(JOIN, [
      floor.workspaceId,
      roomId,
      person.userId,
      JSON.stringify(participant),
      room.capacity === null ? '' : String(room.capacity),
      lo,
      room.kind === 'oneOnOne' ? '1' : '0',
    ]);
    if (r.status === 'full') throw refusalError('full', room.capacity);
    if (r.status === 'gone') throw FloorError.roomNotFound();
    this.apply(r.events);
    if (r.status === 'same') return { room, from: undefined, entered: false };
    return { room, from: from === room ? undefined : from, entered: true };
  }

  async leave(
    floor: Floor,
    userId: string,
    roomId: string | undefined,
    reason: LeaveReason,
  ): Promise<Room | undefined> {
    // Known before the script runs: a 1on1 room closes here as its last person leaves, and this node's own
    // event may come back through the stream before the script's reply does.
    const before = roomId === undefined ? floor.roomOf(userId) : floor.rooms.find((x) => x.id === roomId);
    const r = await this.#o.scripts.run(LEAVE, [floor.workspaceId, roomId ?? '', userId, reason]);
    const left = r.status.startsWith('left:') ? r.status.slice('left:'.length) : undefined;
    const room = left === before?.id ? before : floor.rooms.find((x) => x.id === left);
    this.apply(r.events);
    if (left === undefined) {
      if (roomId !== undefined && floor.room(roomId).has(userId)) throw FloorError.notInRoom();
      return undefined;
    }
    return room;
  }

  /**
   * After Redis forgot this node (its heartbeat lapsed, or Redis restarted empty): puts this node's
   * people back into the rooms its mirror still shows them in, then reads every mirrored workspace
   * again (the sequence may have started over). Call after `SharedPresence.republish`.
   */
  resync(): Promise<void> {
    // One at a time; a request during a run makes one more run after it.
    if (this.#resyncing) {
      this.#resyncAgain = true;
      return this.#resyncing;
    }
    this.#resyncing = this.#resyncAll().finally(() => {
      this.#resyncing = undefined;
      if (this.#resyncAgain) {
        this.#resyncAgain = false;
        void this.resync();
      }
    });
    return this.#resyncing;
  }

  /**
   * An event from the stream. Every script numbers its events one by one (`floor:seq`), so a number that
   * does not follow the last one means events were missed (the stream trimmed past a node cut off for
   * long) or Redis started over (restarted empty): the mirrors are read afresh.
   */
  fromStream(e: SharedEvent): void {
    const last = this.#streamSeq;
    this.#streamSeq = e.seq;
    this.apply([e]);
    if (last !== undefined && e.seq !== last + 1) {
      this.#o.log.warn(
        { last, seq: e.seq },
        'floor: events missed or Redis started over; reading the floor again',
      );
      this.resync().catch((err) => this.#o.log.warn({ err }, 'floor: reading the floor again failed'));
    }
  }

  async #resyncAll(): Promise<void> {
    for (const [ws, mirror] of this.#floors) {
      if (mirror.pending) continue;
      for (const room of mirror.floor.rooms) {
        if (room.kind !== 'open' || room.archived) continue;
        for (const p of room.participants.values()) {
          if (!this.#o.presence.isHere(ws, p.userId)) continue;
          const participant = { ...p, since: p.since.toISOString() };
          const args = [ws, room.id, p.userId, JSON.stringify(participant), '', p.listenOnly ? '1' : '0'];
          await this.#o.scripts.run(JOIN, args);
        }
      }
      // Events that arrive while the read is under way wait for it (as in attach).
      mirror.pending = [];
      let loaded: [string, string[], string[]];
      try {
        loaded = (await this.#o.scripts.raw(LOAD, [ws])) as [string, string[], string[]];
      } catch (err) {
        const waiting = mirror.pending;
        mirror.pending = null;
        this.apply(waiting);
        throw err;
      }
      const [seqText, rooms, presence] = loaded;
      const seq = Number(seqText);
      const occupied = new Map(rooms.flatMap((json) => parseRoomState(json) ?? []).map((r) => [r.id, r]));
      mirror.loadedSeq = seq;
      mirror.seqs.clear();
      const states = mirror.floor.rooms
        .filter((r) => r.kind === 'open')
        .map((r) => occupied.get(r.id) ?? { id: r.id, people: [] });
      mirror.floor.applyShared(states, {}, true);
      this.#o.presence.reload(
        ws,
        presence.flatMap((json) => parsePresenceView(json) ?? []),
        seq,
      );
      const waiting = mirror.pending;
      mirror.pending = null;
      this.apply(waiting);
    }
  }

  /**
   * Applies events, from the stream or returned by a script this node ran (whichever comes first; the
   * other is then older than what is shown and skipped). This node's own changes keep their side effects
   * (access log, the purge when a room empties everywhere); other nodes' are mirrored as remote.
   */
  apply(events: readonly SharedEvent[]): void {
    for (const e of events) {
      const mirror = this.#floors.get(e.ws);
      if (!mirror) continue; // not loaded on this node: nobody here sees that floor
      if (mirror.pending) {
        mirror.pending.push(e);
        continue;
      }
      if (e.seq <= mirror.loadedSeq) continue; // the loaded state includes it
      const own = e.node === this.#o.scripts.nodeId;
      if (e.k === 'presence') this.#o.presence.apply(e);
      else if (e.k === 'rooms') {
        const fresh = freshRooms(mirror.seqs, e.rooms, e.seq);
        if (fresh.length > 0) mirror.floor.applyShared(fresh, e.reasons, !own);
      } else if (e.room.workspaceId === e.ws) {
        // (A definition naming another workspace is never applied.)
        const def = privateRoomOf(e.room);
        // A 1on1 room was opened by a script (an accepted invitation, an admitted knock): the node that ran
        // it shows it now too. A stored room: the node that defined it shows it already.
        if (def) mirror.floor.applyPrivateDefinition(def);
        else if (!own) mirror.floor.applyDefinition(e.room);
      }
    }
  }
}
