import { randomUUID } from 'node:crypto';
import type { PersonRef } from '@tsudoi/protocol';
import { z } from 'zod';
import { EnhancedEventEmitter } from '../enhancedEvents.js';
import { FloorError } from '../rooms/errors.js';
import type { BookDeps, InvitationBook } from '../rooms/meetingBooks.js';
import { DEFAULT_INVITE_TTL_MS, type Invitation, type OneOnOneEvents } from '../rooms/oneOnOne.js';
import { privateRoomName } from '../rooms/privateRoom.js';
import { INVITE, SETTLE_INVITE } from './lua/meetingScripts.js';
import { ExpiryTimers, parsePending, readPending, type SharedBookOptions } from './pendingEntries.js';
import type { DefEvent } from './sharedEvents.js';

const Person = z.object({ userId: z.string().min(1), displayName: z.string() });
/** A pending invitation as stored in Redis (`exp`: its expiry in ms, for the scripts). */
const StoredInvitation = z.object({
  id: z.string().min(1),
  workspaceId: z.string().min(1),
  from: Person,
  to: Person,
  exp: z.number(),
});

type Action = 'accept' | 'decline' | 'cancel' | 'offline' | 'expire';
const OUTCOME = {
  accept: 'accepted',
  decline: 'declined',
  cancel: 'cancelled',
  offline: 'cancelled',
  expire: 'expired',
} as const;

/** A 1on1 room's definition as SETTLE_INVITE stores it and announces it (a `def` event's room). */
type PrivateRoomRecord = DefEvent['room'];

const parseInvitation = (json: unknown): Invitation | undefined => parsePending(StoredInvitation, json);

/**
 * Several nodes: one workspace's 1on1 invitations in Redis (lua/meetingScripts.ts), so the invitee answers
 * on whichever node they are connected to. Same behaviour as `OneOnOneInvitations`; its events fire on the
 * node that made the change (the gateway reaches the people on every node). The node that sent an
 * invitation expires it; if that node is gone, the invitation lapses silently at its expiry.
 */
export class SharedInvitations extends EnhancedEventEmitter<OneOnOneEvents> implements InvitationBook {
  readonly #deps: BookDeps;
  readonly #o: SharedBookOptions;
  readonly #timers: ExpiryTimers;
  #closed = false;

  constructor(deps: BookDeps, options: SharedBookOptions) {
    super();
    this.#deps = deps;
    this.#o = options;
    this.#timers = new ExpiryTimers(deps.timers, deps.clock);
  }

  get #ws(): string {
    return this.#deps.floor.workspaceId;
  }

  async invite(from: PersonRef, toUserId: string): Promise<Invitation> {
    if (this.#closed) throw FloorError.floorClosed();
    if (from.userId === toUserId) throw FloorError.selfInvite();
    const to = this.#deps.findOnline(toUserId);
    if (!to) throw FloorError.memberOffline();
    const now = this.#deps.clock().getTime();
    const stored = {
      id: (this.#deps.newId ?? randomUUID)(),
      workspaceId: this.#ws,
      from: { userId: from.userId, displayName: from.displayName },
      to: { userId: to.userId, displayName: to.displayName },
      exp: now + (this.#deps.inviteTtlMs ?? DEFAULT_INVITE_TTL_MS),
    };
    const r = await this.#o.scripts.run(INVITE, [
      this.#ws,
      from.userId,
      toUserId,
      JSON.stringify(stored),
      now,
    ]);
    const invitation = parseInvitation(r.values[0]);
    if (!invitation) throw new Error('invitation: the shared store returned no invitation');
    if (r.status === 'existing') return invitation;
    this.#arm(invitation);
    this.safeEmit('invited', invitation);
    return invitation;
  }

  async respond(userId: string, inviteId: string, accept: boolean): Promise<Invitation> {
    let room: PrivateRoomRecord | undefined;
    if (accept) {
      // The room's definition needs the two people: read the invitation (it never changes while pending).
      const [pending] = await this.#pending(inviteId);
      if (!pending || pending.to.userId !== userId) throw FloorError.inviteNotFound();
      room = {
        id: (this.#deps.newId ?? randomUUID)(),
        workspaceId: this.#ws,
        name: privateRoomName([pending.from, pending.to]),
        capacity: null,
        archived: false,
        createdAt: this.#deps.clock().toISOString(),
        kind: 'oneOnOne',
        guestList: [pending.from.userId, pending.to.userId],
      };
    }
    const settled = await this.#settle(inviteId, userId, accept ? 'accept' : 'decline', room);
    if (!settled) throw FloorError.inviteNotFound();
    return settled;
  }

  async cancel(userId: string, inviteId: string): Promise<Invitation> {
    const settled = await this.#settle(inviteId, userId, 'cancel');
    if (!settled) throw FloorError.inviteNotFound();
    return settled;
  }

  /** Every node hears that someone went offline; the first to settle an invitation announces it. */
  handleOffline(userId: string): void {
    if (this.#closed) return;
    this.#pending()
      .then((all) =>
        Promise.all(
          all
            .filter((i) => i.from.userId === userId || i.to.userId === userId)
            .map((i) => this.#settle(i.id, userId, 'offline')),
        ),
      )
      .catch((err) => this.#o.log.warn({ err }, 'invitations: cancelling an offline person’s failed'));
  }

  async pendingFor(userId: string): Promise<Invitation[]> {
    const now = this.#deps.clock().getTime();
    return (await this.#pending()).filter((i) => i.to.userId === userId && i.expiresAt.getTime() > now);
  }

  /** Stops this node's expiry timers; the invitations stay in Redis for the other nodes. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timers.clearAll();
    this.removeAllListeners();
  }

  /** Every pending invitation of the workspace, or only the one with `id`. */
  #pending(id?: string): Promise<Invitation[]> {
    return readPending(this.#o.scripts, this.#ws, 'invites', parseInvitation, id);
  }

  #arm(invitation: Invitation): void {
    this.#timers.arm(invitation.id, invitation.expiresAt, () => {
      this.#settle(invitation.id, '', 'expire').catch((err) =>
        this.#o.log.warn({ err }, 'invitations: expiring one failed'),
      );
    });
  }

  /** Runs the settling script; the settled invitation (announced), or undefined when there was none to settle. */
  async #settle(
    inviteId: string,
    actor: string,
    action: Action,
    room?: PrivateRoomRecord,
  ): Promise<Invitation | undefined> {
    const now = this.#deps.clock();
    const r = await this.#o.scripts.run(SETTLE_INVITE, [
      this.#ws,
      inviteId,
      actor,
      action,
      now.getTime(),
      now.toISOString(),
      room ? JSON.stringify(room) : '',
    ]);
    if (r.status !== 'settled') return undefined;
    this.#o.apply(r.events);
    const invitation = parseInvitation(r.values[0]);
    if (!invitation) return undefined;
    this.#timers.clear(inviteId);
    invitation.state = OUTCOME[action];
    if (room) invitation.roomId = room.id;
    if (!this.#closed) this.safeEmit('answered', invitation);
    return invitation;
  }
}
