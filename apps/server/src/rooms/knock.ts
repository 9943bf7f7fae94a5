import { randomUUID } from 'node:crypto';
import type { KnockAnswered, KnockOutcome, KnockRequest, PersonRef } from '@tsudoi/protocol';
import { Disposers, EnhancedEventEmitter } from '../enhancedEvents.js';
import type { Clock, TimerHandle, Timers } from '../timers.js';
import { FloorError } from './errors.js';
import type { Floor } from './floor.js';

export const DEFAULT_KNOCK_TTL_MS = 30_000;

export interface Knock {
  readonly id: string;
  readonly workspaceId: string;
  readonly roomId: string;
  readonly from: PersonRef;
  readonly expiresAt: Date;
  state: 'pending' | KnockOutcome;
}

export interface KnockEvents {
  /** Push `knock:requested` to `recipients` (the people inside the room). */
  requested: [knock: Readonly<Knock>, recipients: string[]];
  /** Push `knock:answered` to `recipients` (the knocker and the people inside). */
  answered: [knock: Readonly<Knock>, recipients: string[]];
}

export interface KnockDeps {
  floor: Floor;
  clock: Clock;
  timers: Timers;
  ttlMs?: number;
  newId?: () => string;
}

/**
 * Knocking (one workspace): ask the people inside a room to let you in. Any of them may admit (you are
 * moved in, even into a private 1on1) or deny. A knock nobody can answer any more — the room emptied or
 * went away, the knocker went offline or walked in anyway — is cancelled. One pending knock per person.
 */
export class Knocks extends EnhancedEventEmitter<KnockEvents> {
  readonly #deps: KnockDeps;
  readonly #pending = new Map<string, { knock: Knock; timer: TimerHandle }>();
  readonly #disposers = new Disposers();
  #closed = false;

  constructor(deps: KnockDeps) {
    super();
    this.#deps = deps;
    const { floor } = deps;
    this.#disposers.add(
      floor.subscribe('roomEmpty', (e) => this.#cancelWhere((k) => k.roomId === e.roomId)),
      floor.subscribe('roomRemoved', (_ws, roomId) => this.#cancelWhere((k) => k.roomId === roomId)),
      floor.subscribe('participantJoined', (e) =>
        this.#cancelWhere((k) => k.from.userId === e.userId && k.roomId === e.roomId),
      ),
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Knocks on a room someone is in. Knocking again on the same room returns the pending knock. */
  request(from: PersonRef, roomId: string): Knock {
    if (this.#closed) throw FloorError.floorClosed();
    const room = this.#deps.floor.room(roomId);
    if (room.archived) throw FloorError.roomArchived();
    if (room.has(from.userId)) throw FloorError.alreadyInside();
    if (room.size === 0) throw FloorError.nobodyInside();
    const mine = [...this.#pending.values()].find((p) => p.knock.from.userId === from.userId)?.knock;
    if (mine?.roomId === roomId) return mine;
    if (mine) this.#settle(mine.id, 'cancelled');
    const ttl = this.#deps.ttlMs ?? DEFAULT_KNOCK_TTL_MS;
    const knock: Knock = {
      id: (this.#deps.newId ?? randomUUID)(),
      workspaceId: this.#deps.floor.workspaceId,
      roomId,
      from,
      expiresAt: new Date(this.#deps.clock().getTime() + ttl),
      state: 'pending',
    };
    const timer = this.#deps.timers.setTimeout(() => this.#settle(knock.id, 'expired'), ttl);
    this.#pending.set(knock.id, { knock, timer });
    this.safeEmit('requested', knock, [...room.participants.keys()]);
    return knock;
  }

  /**
   * Someone inside admits or denies. Admitting moves the knocker in; if the room refuses them (say it is
   * full) the error goes to the responder and the knock stays pending.
   */
  respond(responderId: string, knockId: string, admit: boolean): Knock {
    const knock = this.#pending.get(knockId)?.knock;
    if (!knock) throw FloorError.knockNotFound();
    const room = this.#deps.floor.room(knock.roomId);
    if (!room.has(responderId)) throw FloorError.notInside();
    if (!admit) return this.#settle(knockId, 'denied')!;
    // Settled first so the knocker's arrival (participantJoined) does not cancel it instead.
    const recipients = this.#recipients(knock);
    this.#take(knockId, 'admitted');
    try {
      room.admit(knock.from.userId);
      this.#deps.floor.join(knock.from, room.id);
    } catch (err) {
      knock.state = 'pending';
      this.#pending.set(knockId, { knock, timer: this.#armTimer(knock) });
      throw err;
    }
    this.safeEmit('answered', knock, recipients);
    return knock;
  }

  /** The knocker walks away. */
  cancel(userId: string, knockId: string): Knock {
    const knock = this.#pending.get(knockId)?.knock;
    if (!knock || knock.from.userId !== userId) throw FloorError.knockNotFound();
    return this.#settle(knockId, 'cancelled')!;
  }

  /** The knocker went offline. */
  handleOffline(userId: string): void {
    this.#cancelWhere((k) => k.from.userId === userId);
  }

  /** Pending knocks on a room (to show again after a reload of someone inside). */
  pendingFor(roomId: string): Knock[] {
    return [...this.#pending.values()].map((p) => p.knock).filter((k) => k.roomId === roomId);
  }

  /** Stops timers and floor subscriptions; pending knocks are dropped silently. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#disposers.dispose();
    for (const { timer } of this.#pending.values()) this.#deps.timers.clearTimeout(timer);
    this.#pending.clear();
    this.removeAllListeners();
  }

  #armTimer(knock: Knock): TimerHandle {
    const left = Math.max(0, knock.expiresAt.getTime() - this.#deps.clock().getTime());
    return this.#deps.timers.setTimeout(() => this.#settle(knock.id, 'expired'), left);
  }

  #recipients(knock: Knock): string[] {
    return knockRecipients(this.#deps.floor, knock);
  }

  #take(knockId: string, outcome: KnockOutcome): Knock | undefined {
    const entry = this.#pending.get(knockId);
    if (!entry) return undefined;
    this.#deps.timers.clearTimeout(entry.timer);
    this.#pending.delete(knockId);
    entry.knock.state = outcome;
    return entry.knock;
  }

  #settle(knockId: string, outcome: KnockOutcome): Knock | undefined {
    const knock = this.#pending.get(knockId)?.knock;
    if (!knock) return undefined;
    const recipients = this.#recipients(knock);
    this.#take(knockId, outcome);
    this.safeEmit('answered', knock, recipients);
    return knock;
  }

  #cancelWhere(match: (k: Knock) => boolean): void {
    for (const { knock } of [...this.#pending.values()])
      if (match(knock)) this.#settle(knock.id, 'cancelled');
  }
}

/** Who hears about a knock: the knocker and the people inside its room (as this floor shows it). */
export function knockRecipients(floor: Floor, knock: Readonly<Knock>): string[] {
  let inside: string[] = [];
  try {
    inside = [...floor.room(knock.roomId).participants.keys()];
  } catch {
    // The room is gone; only the knocker needs to hear about it.
  }
  return [knock.from.userId, ...inside.filter((id) => id !== knock.from.userId)];
}

/** Wire shapes for the gateway. */
export function toKnockView(k: Readonly<Knock>): KnockRequest {
  return { knockId: k.id, roomId: k.roomId, from: k.from, expiresAt: k.expiresAt.toISOString() };
}
export function toKnockAnswer(k: Readonly<Knock>): KnockAnswered {
  return { knockId: k.id, roomId: k.roomId, outcome: k.state === 'pending' ? 'cancelled' : k.state };
}
