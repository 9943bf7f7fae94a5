import { randomUUID } from 'node:crypto';
import type { OneOnOneAnswered, OneOnOneInvitation, OneOnOneOutcome, PersonRef } from '@tsudoi/protocol';
import { EnhancedEventEmitter } from '../enhancedEvents.js';
import type { Clock, TimerHandle, Timers } from '../timers.js';
import { FloorError } from './errors.js';
import type { Floor } from './floor.js';

/** Long enough to notice a toast and answer, short enough that a stale invitation does not linger. */
export const DEFAULT_INVITE_TTL_MS = 30_000;

export type InvitationState = 'pending' | OneOnOneOutcome;
export type InvitationAction = 'accept' | 'decline' | 'expire' | 'cancel';

/** The state machine: only a pending invitation moves, and only once. Pure. */
export function nextInvitationState(
  state: InvitationState,
  action: InvitationAction,
): InvitationState | null {
  if (state !== 'pending') return null;
  const outcomes = {
    accept: 'accepted',
    decline: 'declined',
    expire: 'expired',
    cancel: 'cancelled',
  } as const;
  return outcomes[action];
}

export interface Invitation {
  readonly id: string;
  readonly workspaceId: string;
  readonly from: PersonRef;
  readonly to: PersonRef;
  readonly expiresAt: Date;
  state: InvitationState;
  /** The private room, once accepted. */
  roomId?: string;
}

export interface OneOnOneEvents {
  /** Push `oneOnOne:invited` to the invitee. */
  invited: [invitation: Readonly<Invitation>];
  /** Push `oneOnOne:answered` to both people; `state` is the outcome. */
  answered: [invitation: Readonly<Invitation>];
}

export interface OneOnOneDeps {
  floor: Floor;
  /** The online person with this id, or undefined (presence knows who is online and their name). */
  findOnline: (userId: string) => PersonRef | undefined;
  clock: Clock;
  timers: Timers;
  ttlMs?: number;
  newId?: () => string;
}

/** The 1on1 invitations of one workspace. Accepting opens a private room and moves both people into it. */
export class OneOnOneInvitations extends EnhancedEventEmitter<OneOnOneEvents> {
  readonly #deps: OneOnOneDeps;
  readonly #pending = new Map<string, { invitation: Invitation; timer: TimerHandle }>();
  #closed = false;

  constructor(deps: OneOnOneDeps) {
    super();
    this.#deps = deps;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Invites an online member. A repeated invitation to the same person returns the pending one. */
  invite(from: PersonRef, toUserId: string): Invitation {
    if (this.#closed) throw FloorError.floorClosed();
    if (from.userId === toUserId) throw FloorError.selfInvite();
    const to = this.#deps.findOnline(toUserId);
    if (!to) throw FloorError.memberOffline();
    for (const { invitation } of this.#pending.values())
      if (invitation.from.userId === from.userId && invitation.to.userId === toUserId) return invitation;
    const ttl = this.#deps.ttlMs ?? DEFAULT_INVITE_TTL_MS;
    const invitation: Invitation = {
      id: (this.#deps.newId ?? randomUUID)(),
      workspaceId: this.#deps.floor.workspaceId,
      from,
      to,
      expiresAt: new Date(this.#deps.clock().getTime() + ttl),
      state: 'pending',
    };
    const timer = this.#deps.timers.setTimeout(() => this.#settle(invitation.id, 'expire'), ttl);
    this.#pending.set(invitation.id, { invitation, timer });
    this.safeEmit('invited', invitation);
    return invitation;
  }

  /** The invitee accepts (both move into a new private room) or declines. */
  respond(userId: string, inviteId: string, accept: boolean): Invitation {
    const invitation = this.#pendingOf(inviteId, (i) => i.to.userId === userId);
    if (accept) {
      // Opened before settling: if the floor refuses, the invitation stays answerable.
      const room = this.#deps.floor.openPrivateRoom([invitation.from, invitation.to]);
      invitation.roomId = room.id;
    }
    return this.#settle(inviteId, accept ? 'accept' : 'decline') ?? invitation;
  }

  /** The inviter withdraws a pending invitation. */
  cancel(userId: string, inviteId: string): Invitation {
    this.#pendingOf(inviteId, (i) => i.from.userId === userId);
    return this.#settle(inviteId, 'cancel')!;
  }

  /** Someone went offline: their pending invitations, sent or received, are cancelled. */
  handleOffline(userId: string): void {
    for (const { invitation } of [...this.#pending.values()])
      if (invitation.from.userId === userId || invitation.to.userId === userId)
        this.#settle(invitation.id, 'cancel');
  }

  /** Pending invitations a person received (to show again after a reload). */
  pendingFor(userId: string): Invitation[] {
    return [...this.#pending.values()].map((p) => p.invitation).filter((i) => i.to.userId === userId);
  }

  /** Stops every expiry timer; pending invitations are dropped silently. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { timer } of this.#pending.values()) this.#deps.timers.clearTimeout(timer);
    this.#pending.clear();
    this.removeAllListeners();
  }

  /** A pending invitation the caller may act on; others' invitations read as absent. */
  #pendingOf(inviteId: string, mayAct: (i: Invitation) => boolean): Invitation {
    const invitation = this.#pending.get(inviteId)?.invitation;
    if (!invitation || !mayAct(invitation)) throw FloorError.inviteNotFound();
    return invitation;
  }

  #settle(inviteId: string, action: InvitationAction): Invitation | undefined {
    const entry = this.#pending.get(inviteId);
    if (!entry) return undefined;
    const next = nextInvitationState(entry.invitation.state, action);
    if (!next) return undefined;
    this.#deps.timers.clearTimeout(entry.timer);
    this.#pending.delete(inviteId);
    entry.invitation.state = next;
    this.safeEmit('answered', entry.invitation);
    return entry.invitation;
  }
}

/** Wire shapes for the gateway. */
export function toInvitationView(i: Readonly<Invitation>): OneOnOneInvitation {
  return { inviteId: i.id, from: i.from, to: i.to, expiresAt: i.expiresAt.toISOString() };
}
export function toAnswerView(i: Readonly<Invitation>): OneOnOneAnswered {
  const outcome = i.state === 'pending' ? 'cancelled' : i.state;
  return { inviteId: i.id, outcome, ...(i.roomId ? { roomId: i.roomId } : {}) };
}
