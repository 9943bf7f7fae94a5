import { randomUUID } from 'node:crypto';
import type { KnockOutcome, PersonRef } from '@tsudoi/protocol';
import { z } from 'zod';
import { Disposers, EnhancedEventEmitter } from '../enhancedEvents.js';
import { refusalError } from '../rooms/access.js';
import { FloorError } from '../rooms/errors.js';
import { DEFAULT_KNOCK_TTL_MS, type Knock, type KnockEvents, knockRecipients } from '../rooms/knock.js';
import type { BookDeps, KnockBook } from '../rooms/meetingBooks.js';
import { CANCEL_KNOCKS, KNOCK, SETTLE_KNOCK } from './lua/meetingScripts.js';
import { ExpiryTimers, parsePending, readPending, type SharedBookOptions } from './pendingEntries.js';

const StoredKnock = z.object({
  id: z.string().min(1),
  workspaceId: z.string().min(1),
  roomId: z.string().min(1),
  from: z.object({ userId: z.string().min(1), displayName: z.string() }),
  exp: z.number(),
});

type Action = 'admit' | 'deny' | 'cancel' | 'offline' | 'expire';
const OUTCOME: Record<Action, KnockOutcome> = {
  admit: 'admitted',
  deny: 'denied',
  cancel: 'cancelled',
  offline: 'cancelled',
  expire: 'expired',
};

const parseKnock = (json: unknown): Knock | undefined => parsePending(StoredKnock, json);

/**
 * Several nodes: one workspace's knocks in Redis (lua/meetingScripts.ts), answered by anyone inside the
 * room on any node. Same behaviour as `Knocks`. A knock nobody can answer any more is cancelled by the node
 * that saw why first-hand (its own, not mirrored, event: the room emptied, the knocker walked in), so one
 * node announces it. The node that took a knock expires it.
 */
export class SharedKnocks extends EnhancedEventEmitter<KnockEvents> implements KnockBook {
  readonly #deps: BookDeps;
  readonly #o: SharedBookOptions;
  readonly #timers: ExpiryTimers;
  readonly #disposers = new Disposers();
  #closed = false;

  constructor(deps: BookDeps, options: SharedBookOptions) {
    super();
    this.#deps = deps;
    this.#o = options;
    this.#timers = new ExpiryTimers(deps.timers, deps.clock);
    const { floor } = deps;
    this.#disposers.add(
      floor.subscribe('roomEmpty', (e) => {
        if (!e.remote) this.#cancelWhere(e.roomId, '');
      }),
      floor.subscribe('participantJoined', (e) => {
        if (!e.remote) this.#cancelWhere(e.roomId, e.userId);
      }),
    );
  }

  get #ws(): string {
    return this.#deps.floor.workspaceId;
  }

  async request(from: PersonRef, roomId: string): Promise<Knock> {
    if (this.#closed) throw FloorError.floorClosed();
    const room = this.#deps.floor.room(roomId);
    if (room.archived) throw FloorError.roomArchived();
    if (room.has(from.userId)) throw FloorError.alreadyInside();
    const now = this.#deps.clock().getTime();
    const stored = {
      id: (this.#deps.newId ?? randomUUID)(),
      workspaceId: this.#ws,
      roomId,
      from: { userId: from.userId, displayName: from.displayName },
      exp: now + (this.#deps.knockTtlMs ?? DEFAULT_KNOCK_TTL_MS),
    };
    const r = await this.#o.scripts.run(KNOCK, [this.#ws, roomId, from.userId, JSON.stringify(stored), now]);
    if (r.status === 'inside') throw FloorError.alreadyInside();
    if (r.status === 'nobody') throw FloorError.nobodyInside();
    const knock = parseKnock(r.values[0]);
    if (!knock) throw new Error('knock: the shared store returned no knock');
    if (r.status === 'existing') return knock;
    const replaced = parseKnock(r.values[1]);
    if (replaced) this.#announce(replaced, 'cancel');
    this.#arm(knock);
    this.safeEmit('requested', knock, [...room.participants.keys()]);
    return knock;
  }

  /** Someone inside admits (the knocker is moved in) or denies; a full room leaves the knock pending. */
  async respond(responderId: string, knockId: string, admit: boolean): Promise<Knock> {
    const [knock] = await this.#pending(knockId);
    if (!knock) throw FloorError.knockNotFound();
    const room = this.#deps.floor.room(knock.roomId);
    const r = await this.#run(knockId, responderId, admit ? 'admit' : 'deny', room.capacity);
    if (r.status === 'notInside') throw FloorError.notInside();
    if (r.status === 'full') throw refusalError('full', room.capacity);
    if (r.status !== 'settled') throw FloorError.knockNotFound();
    // The people to tell are those inside before the knocker entered.
    const recipients = this.#recipients(knock);
    this.#o.apply(r.events);
    return this.#announce(knock, admit ? 'admit' : 'deny', recipients);
  }

  async cancel(userId: string, knockId: string): Promise<Knock> {
    const r = await this.#run(knockId, userId, 'cancel', null);
    const knock = parseKnock(r.values[0]);
    if (r.status !== 'settled' || !knock) throw FloorError.knockNotFound();
    return this.#announce(knock, 'cancel');
  }

  handleOffline(userId: string): void {
    if (this.#closed) return;
    this.#pending()
      .then((all) =>
        Promise.all(
          all
            .filter((k) => k.from.userId === userId)
            .map(async (k) => {
              const r = await this.#run(k.id, userId, 'offline', null);
              if (r.status === 'settled') this.#announce(k, 'offline');
            }),
        ),
      )
      .catch((err) => this.#o.log.warn({ err }, 'knocks: cancelling an offline person’s failed'));
  }

  async pendingFor(roomId: string): Promise<Knock[]> {
    const now = this.#deps.clock().getTime();
    return (await this.#pending()).filter((k) => k.roomId === roomId && k.expiresAt.getTime() > now);
  }

  /** Stops this node's timers and floor subscriptions; the knocks stay in Redis for the others. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#disposers.dispose();
    this.#timers.clearAll();
    this.removeAllListeners();
  }

  /** Every pending knock of the workspace, or only the one with `id`. */
  #pending(id?: string): Promise<Knock[]> {
    return readPending(this.#o.scripts, this.#ws, 'knocks', parseKnock, id);
  }

  #run(knockId: string, actor: string, action: Action, capacity: number | null) {
    const now = this.#deps.clock();
    return this.#o.scripts.run(SETTLE_KNOCK, [
      this.#ws,
      knockId,
      actor,
      action,
      now.getTime(),
      now.toISOString(),
      capacity === null ? '' : String(capacity),
    ]);
  }

  #arm(knock: Knock): void {
    this.#timers.arm(knock.id, knock.expiresAt, () => {
      this.#run(knock.id, '', 'expire', null).then(
        (r) => {
          if (r.status === 'settled') this.#announce(knock, 'expire');
        },
        (err) => this.#o.log.warn({ err }, 'knocks: expiring one failed'),
      );
    });
  }

  #cancelWhere(roomId: string, userId: string): void {
    if (this.#closed) return;
    this.#o.scripts.run(CANCEL_KNOCKS, [this.#ws, roomId, userId]).then(
      (r) => {
        for (const json of (r.values[0] as unknown[]) ?? []) {
          const knock = parseKnock(json);
          if (knock) this.#announce(knock, 'cancel');
        }
      },
      (err) => this.#o.log.warn({ err }, 'knocks: cancelling those nobody can answer failed'),
    );
  }

  #recipients(knock: Knock): string[] {
    return knockRecipients(this.#deps.floor, knock);
  }

  /** Marks the knock settled, stops its timer and tells the people concerned. */
  #announce(knock: Knock, action: Action, recipients = this.#recipients(knock)): Knock {
    this.#timers.clear(knock.id);
    knock.state = OUTCOME[action];
    if (!this.#closed) this.safeEmit('answered', knock, recipients);
    return knock;
  }
}
