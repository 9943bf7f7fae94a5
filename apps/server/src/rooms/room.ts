import type { RoomKind, RoomSummary } from '@tsudoi/protocol';
import { EnhancedEventEmitter } from '../enhancedEvents.js';
import { entryRefusal, refusalError } from './access.js';

/** Why a person left a room; the access log and the UI tell these apart. */
/** `accessEnded`: removed or disabled in the workspace, or signed out — gone at once, without grace. */
export type LeaveReason = 'left' | 'moved' | 'gracePeriodEnded' | 'accessEnded' | 'archived' | 'roomClosed';
export type RoomCloseReason = 'empty' | 'floorClosed';

export interface Participant {
  readonly userId: string;
  readonly displayName: string;
  /** Listening in: receives audio, produces none (the media layer enforces it). */
  listenOnly: boolean;
  readonly since: Date;
}

export interface RoomEvents {
  participantJoined: [participant: Readonly<Participant>];
  participantLeft: [participant: Readonly<Participant>, reason: LeaveReason];
  participantUpdated: [participant: Readonly<Participant>];
  /** The last person left: fired once per occupied → empty transition, never twice for one emptying. */
  empty: [lastUserId: string, reason: LeaveReason];
  /** Name or archived flag changed. */
  updated: [];
  close: [reason: RoomCloseReason];
}

export interface RoomInit {
  id: string;
  workspaceId: string;
  name: string;
  kind: RoomKind;
  capacity: number | null;
  archived: boolean;
  /** Makes the room private: only these people (and those admitted later) may enter. */
  guestList?: readonly string[];
}

/**
 * A room on the floor and the people in it. Owns only membership; media and chat hang off its events.
 * The `Floor` keeps each person in at most one room, so call `Floor.join`, not `add`, from handlers.
 */
export class Room extends EnhancedEventEmitter<RoomEvents> {
  readonly id: string;
  readonly workspaceId: string;
  readonly kind: RoomKind;
  readonly capacity: number | null;
  #name: string;
  #archived: boolean;
  #closed = false;
  #occupied = false;
  readonly #participants = new Map<string, Participant>();
  readonly #guestList: Set<string> | undefined;

  constructor(init: RoomInit) {
    super();
    this.id = init.id;
    this.workspaceId = init.workspaceId;
    this.kind = init.kind;
    this.capacity = init.capacity;
    this.#name = init.name;
    this.#archived = init.archived;
    this.#guestList = init.guestList && new Set(init.guestList);
  }

  get name(): string {
    return this.#name;
  }
  get archived(): boolean {
    return this.#archived;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get isPrivate(): boolean {
    return this.#guestList !== undefined;
  }
  get size(): number {
    return this.#participants.size;
  }
  get participants(): ReadonlyMap<string, Readonly<Participant>> {
    return this.#participants;
  }

  has(userId: string): boolean {
    return this.#participants.has(userId);
  }

  /** The entry policy's verdict for this person now (null: may enter). */
  refusalFor(userId: string) {
    return entryRefusal({
      closed: this.#closed,
      archived: this.#archived,
      capacity: this.capacity,
      occupancy: this.#participants.size - (this.has(userId) ? 1 : 0),
      isPrivate: this.isPrivate,
      onGuestList: this.#guestList?.has(userId) ?? true,
    });
  }

  /** Puts a person on a private room's list (an admitted knock). No effect on open rooms. */
  admit(userId: string): void {
    this.#guestList?.add(userId);
  }

  /** Adds a person; throws the policy's AppError when refused. Use `Floor.join` from handlers. */
  add(person: { userId: string; displayName: string; listenOnly: boolean }, now: Date): Participant {
    const refusal = this.refusalFor(person.userId);
    if (refusal) throw refusalError(refusal, this.capacity);
    const existing = this.#participants.get(person.userId);
    if (existing) return existing;
    const participant: Participant = { ...person, since: now };
    this.#participants.set(person.userId, participant);
    this.#occupied = true;
    this.safeEmit('participantJoined', participant);
    return participant;
  }

  /**
   * Several nodes: puts a person in as the shared floor says they are (the shared store already applied
   * the entry policy atomically), keeping when they entered. Use `Floor.applyShared`, not this.
   */
  restore(person: { userId: string; displayName: string; listenOnly: boolean }, since: Date): void {
    if (this.#closed || this.#participants.has(person.userId)) return;
    const participant: Participant = { ...person, since };
    this.#participants.set(person.userId, participant);
    this.#occupied = true;
    this.safeEmit('participantJoined', participant);
  }

  /** Removes a person; returns them, or undefined if they were not inside (or the room is closed). */
  remove(userId: string, reason: LeaveReason): Participant | undefined {
    const participant = this.#participants.get(userId);
    if (!participant) return undefined;
    this.#participants.delete(userId);
    // Decided before any listener runs, so a listener that re-enters cannot make it fire twice.
    const emptied = this.#becameEmpty();
    this.safeEmit('participantLeft', participant, reason);
    if (emptied) this.safeEmit('empty', userId, reason);
    return participant;
  }

  /** Switches listening-in on or off; true when it changed. */
  setListenOnly(userId: string, listenOnly: boolean): boolean {
    const participant = this.#participants.get(userId);
    if (!participant || participant.listenOnly === listenOnly) return false;
    participant.listenOnly = listenOnly;
    this.safeEmit('participantUpdated', participant);
    return true;
  }

  rename(name: string): void {
    if (this.#name === name) return;
    this.#name = name;
    this.safeEmit('updated');
  }

  /** Archives the room: everyone inside is moved out, and nobody may enter again. Idempotent. */
  archive(): void {
    if (this.#archived) return;
    this.#archived = true;
    this.#evictAll('archived');
    this.safeEmit('updated');
  }

  /** Closes the room for good; people still inside leave with `roomClosed`. Idempotent. */
  close(reason: RoomCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#evictAll('roomClosed');
    this.safeEmit('close', reason);
    this.removeAllListeners();
  }

  toSummary(): RoomSummary {
    return {
      id: this.id,
      name: this.#name,
      kind: this.kind,
      capacity: this.capacity,
      archived: this.#archived,
      participants: [...this.#participants.values()].map((p) => ({
        userId: p.userId,
        displayName: p.displayName,
        listenOnly: p.listenOnly,
        since: p.since.toISOString(),
      })),
    };
  }

  #becameEmpty(): boolean {
    if (this.#participants.size > 0 || !this.#occupied) return false;
    this.#occupied = false;
    return true;
  }

  #evictAll(reason: LeaveReason): void {
    // Copy first: listeners may call back into the room while we iterate.
    for (const userId of [...this.#participants.keys()]) this.remove(userId, reason);
  }
}
