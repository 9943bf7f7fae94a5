import type { PersonRef } from '@tsudoi/protocol';
import type { EnhancedEventEmitter } from '../enhancedEvents.js';
import type { Clock, Timers } from '../timers.js';
import type { Floor } from './floor.js';
import type { Knock, KnockEvents } from './knock.js';
import type { Invitation, OneOnOneEvents } from './oneOnOne.js';

/** A result now (one node, in memory) or once the shared store answered (several nodes). */
export type Awaitable<T> = T | Promise<T>;

/**
 * A workspace's pending 1on1 invitations, as the floor handlers use them. One node keeps them in memory
 * (`OneOnOneInvitations`); several nodes keep them in Redis (`scaling/sharedInvitations.ts`), so an
 * invitation made on one node is answered on another. Events fire on the node that made the change; the
 * gateway pushes them to the people concerned on every node.
 */
export interface InvitationBook extends EnhancedEventEmitter<OneOnOneEvents> {
  invite(from: PersonRef, toUserId: string): Awaitable<Invitation>;
  respond(userId: string, inviteId: string, accept: boolean): Awaitable<Invitation>;
  cancel(userId: string, inviteId: string): Awaitable<Invitation>;
  /** Someone went offline: their pending invitations, sent or received, are cancelled. */
  handleOffline(userId: string): void;
  /** Pending invitations a person received (shown again after a reload). */
  pendingFor(userId: string): Awaitable<Invitation[]>;
  close(): void;
}

/** A workspace's pending knocks; like {@link InvitationBook}, in memory or shared. */
export interface KnockBook extends EnhancedEventEmitter<KnockEvents> {
  request(from: PersonRef, roomId: string): Awaitable<Knock>;
  respond(responderId: string, knockId: string, admit: boolean): Awaitable<Knock>;
  cancel(userId: string, knockId: string): Awaitable<Knock>;
  handleOffline(userId: string): void;
  /** Pending knocks on a room (shown again after a reload of someone inside). */
  pendingFor(roomId: string): Awaitable<Knock[]>;
  close(): void;
}

/** What a workspace's books need from its floor and the process. */
export interface BookDeps {
  floor: Floor;
  /** The online person with this id, or undefined (presence knows who is online and their name). */
  findOnline: (userId: string) => PersonRef | undefined;
  clock: Clock;
  timers: Timers;
  inviteTtlMs?: number;
  knockTtlMs?: number;
  newId?: () => string;
}

/** A workspace's 1on1 invitations and knocks. */
export interface MeetingBooks {
  invitations: InvitationBook;
  knocks: KnockBook;
}
