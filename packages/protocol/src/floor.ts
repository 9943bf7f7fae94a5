import { z } from 'zod';
import type { AckCallback } from './socket.js';

/**
 * The floor (R2, R3): rooms, who is in each, who is online and their status. The server is the source of
 * truth; clients apply `floor:*` events to a store seeded by `floor:snapshot`.
 */

export const EntityId = z.uuid();
export const DisplayName = z.string().trim().min(1).max(80);
export const RoomName = z.string().trim().min(1).max(60);
/** Largest capacity an admin may set; media planning (R4) makes bigger rooms impractical anyway. */
export const MAX_ROOM_CAPACITY = 100;
export const RoomCapacity = z.number().int().min(1).max(MAX_ROOM_CAPACITY);
export const RoomKind = z.enum(['open', 'oneOnOne']);
export type RoomKind = z.infer<typeof RoomKind>;
const IsoTime = z.iso.datetime();

export const ParticipantView = z.object({
  userId: EntityId,
  displayName: DisplayName,
  /** Listening in: receives audio, produces none. */
  listenOnly: z.boolean(),
  since: IsoTime,
});
export type ParticipantView = z.infer<typeof ParticipantView>;

export const RoomSummary = z.object({
  id: EntityId,
  name: RoomName,
  kind: RoomKind,
  capacity: RoomCapacity.nullable(),
  archived: z.boolean(),
  participants: z.array(ParticipantView).max(1000),
});
export type RoomSummary = z.infer<typeof RoomSummary>;

/**
 * A person's status, shown on their face everywhere. `focused` is "do not disturb": their page plays no
 * sound and shows no desktop notification for knocks and 1on1 invitations (see the web app's attention
 * policy); `meeting`: busy in a meeting elsewhere (notifications stay silent).
 */
export const PresenceState = z.enum(['available', 'focused', 'meeting', 'away']);
export type PresenceState = z.infer<typeof PresenceState>;
export const PresenceStatus = z
  .object({
    state: PresenceState,
    text: z.string().trim().max(80).optional(),
  })
  .strict();
export type PresenceStatus = z.infer<typeof PresenceStatus>;

export const MemberPresence = z.object({
  userId: EntityId,
  displayName: DisplayName,
  online: z.boolean(),
  status: PresenceStatus,
});
export type MemberPresence = z.infer<typeof MemberPresence>;

export const FloorSnapshot = z.object({
  workspaceId: EntityId,
  rooms: z.array(RoomSummary).max(1000),
  members: z.array(MemberPresence).max(10_000),
  serverTime: IsoTime,
});
export type FloorSnapshot = z.infer<typeof FloorSnapshot>;

/* ---- client → server payloads (validated at the gateway) ---- */

export const RoomCreatePayload = z
  .object({ name: RoomName, capacity: RoomCapacity.nullable().optional() })
  .strict();
export const RoomRenamePayload = z.object({ roomId: EntityId, name: RoomName }).strict();
export const RoomArchivePayload = z.object({ roomId: EntityId }).strict();
export const RoomJoinPayload = z.object({ roomId: EntityId, listenOnly: z.boolean().optional() }).strict();
export const RoomLeavePayload = z.object({ roomId: EntityId }).strict();
export const PresenceSetPayload = PresenceStatus;
export const OneOnOneInvitePayload = z.object({ userId: EntityId }).strict();
export const OneOnOneRespondPayload = z.object({ inviteId: EntityId, accept: z.boolean() }).strict();
export const OneOnOneCancelPayload = z.object({ inviteId: EntityId }).strict();
export const KnockRequestPayload = z.object({ roomId: EntityId }).strict();
export const KnockRespondPayload = z.object({ knockId: EntityId, admit: z.boolean() }).strict();

/* ---- server → client events ---- */

export const PersonRef = z.object({ userId: EntityId, displayName: DisplayName });
export type PersonRef = z.infer<typeof PersonRef>;

export const RoomRemoved = z.object({ roomId: EntityId });
export type RoomRemoved = z.infer<typeof RoomRemoved>;

/**
 * Several rooms changed in one step — someone moved from one room to another, a 1on1 opened, a room was
 * archived with people inside: clients apply it all at once, so nobody is ever seen in no room (or two).
 *
 * It is also how a busy floor arrives: when floor changes follow each other faster than the server's push
 * interval, the server gathers them and sends one `floor:changed` with the current state of every room and
 * person that changed (`presence`), instead of one frame per change to every page (docs/FLOOR.md "Pushes").
 * Clients apply `rooms`, then `removedRoomIds`, then `presence`; a room is never in both lists.
 */
/**
 * The people who entered, changed or left one big room since the last push (a room of a few people is sent
 * whole in `rooms`; a room of hundreds would make every push to every page hundreds of entries long).
 * Applied to the room the page has: `remove` by user id, then `upsert` by user id (replacing, or appended).
 */
export const RoomParticipantsChanged = z.object({
  roomId: EntityId,
  upsert: z.array(ParticipantView).max(1000),
  remove: z.array(EntityId).max(1000),
});
export type RoomParticipantsChanged = z.infer<typeof RoomParticipantsChanged>;

export const FloorChanged = z.object({
  rooms: z.array(RoomSummary).max(1000),
  removedRoomIds: z.array(EntityId).max(1000),
  /** People whose presence (online, status, name) changed since the last push. */
  presence: z.array(MemberPresence).max(10_000).optional(),
  /** Participant changes of big rooms the page already has (never of a room in `rooms` of the same push). */
  participants: z.array(RoomParticipantsChanged).max(1000).optional(),
});
export type FloorChanged = z.infer<typeof FloorChanged>;

export const OneOnOneInvitation = z.object({
  inviteId: EntityId,
  from: PersonRef,
  to: PersonRef,
  expiresAt: IsoTime,
});
export type OneOnOneInvitation = z.infer<typeof OneOnOneInvitation>;

export const OneOnOneOutcome = z.enum(['accepted', 'declined', 'expired', 'cancelled']);
export type OneOnOneOutcome = z.infer<typeof OneOnOneOutcome>;
export const OneOnOneAnswered = z.object({
  inviteId: EntityId,
  outcome: OneOnOneOutcome,
  /** The private room both were moved into, when accepted. */
  roomId: EntityId.optional(),
});
export type OneOnOneAnswered = z.infer<typeof OneOnOneAnswered>;

export const KnockRequest = z.object({
  knockId: EntityId,
  roomId: EntityId,
  from: PersonRef,
  expiresAt: IsoTime,
});
export type KnockRequest = z.infer<typeof KnockRequest>;

export const KnockOutcome = z.enum(['admitted', 'denied', 'expired', 'cancelled']);
export type KnockOutcome = z.infer<typeof KnockOutcome>;
export const KnockAnswered = z.object({ knockId: EntityId, roomId: EntityId, outcome: KnockOutcome });
export type KnockAnswered = z.infer<typeof KnockAnswered>;

/* ---- event maps, merged into socket.ts ---- */

type Empty = Record<string, never>;

/** Floor requests a client sends; room:create/rename/archive are for workspace admins only. */
export interface FloorClientToServerEvents {
  'room:create': (payload: unknown, ack: AckCallback<RoomSummary>) => void;
  'room:rename': (payload: unknown, ack: AckCallback<RoomSummary>) => void;
  'room:archive': (payload: unknown, ack: AckCallback<RoomSummary>) => void;
  /** Drops in (moving out of any other room first); answers the room entered. */
  'room:join': (payload: unknown, ack: AckCallback<RoomSummary>) => void;
  'room:leave': (payload: unknown, ack: AckCallback<Empty>) => void;
  'presence:set': (payload: unknown, ack: AckCallback<MemberPresence>) => void;
  'oneOnOne:invite': (payload: unknown, ack: AckCallback<OneOnOneInvitation>) => void;
  'oneOnOne:respond': (payload: unknown, ack: AckCallback<OneOnOneAnswered>) => void;
  'oneOnOne:cancel': (payload: unknown, ack: AckCallback<OneOnOneAnswered>) => void;
  'knock:request': (payload: unknown, ack: AckCallback<KnockRequest>) => void;
  'knock:respond': (payload: unknown, ack: AckCallback<KnockAnswered>) => void;
}

/** Floor events the server pushes to every open client of the workspace (or to the people concerned). */
export interface FloorServerToClientEvents {
  'floor:snapshot': (snapshot: FloorSnapshot) => void;
  'floor:roomUpdated': (room: RoomSummary) => void;
  'floor:roomRemoved': (removed: RoomRemoved) => void;
  /** Several rooms at once (a move is ONE event: never a moment in no room). */
  'floor:changed': (change: FloorChanged) => void;
  'floor:presence': (member: MemberPresence) => void;
  'oneOnOne:invited': (invitation: OneOnOneInvitation) => void;
  'oneOnOne:answered': (answer: OneOnOneAnswered) => void;
  'knock:requested': (knock: KnockRequest) => void;
  'knock:answered': (answer: KnockAnswered) => void;
}

/** Schemas for the floor's client payloads, keyed by event name. */
export const FloorClientPayloads = {
  'room:create': RoomCreatePayload,
  'room:rename': RoomRenamePayload,
  'room:archive': RoomArchivePayload,
  'room:join': RoomJoinPayload,
  'room:leave': RoomLeavePayload,
  'presence:set': PresenceSetPayload,
  'oneOnOne:invite': OneOnOneInvitePayload,
  'oneOnOne:respond': OneOnOneRespondPayload,
  'oneOnOne:cancel': OneOnOneCancelPayload,
  'knock:request': KnockRequestPayload,
  'knock:respond': KnockRespondPayload,
} satisfies Record<keyof FloorClientToServerEvents, z.ZodType>;
