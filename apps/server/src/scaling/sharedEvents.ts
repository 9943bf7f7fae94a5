import { PresenceStatus } from '@tsudoi/protocol';
import { z } from 'zod';
import type { PrivateRoomDefinition } from '../rooms/privateRoom.js';

/**
 * What the floor scripts append to the stream `floor:events` (and return to the node that ran them):
 * a room's people, a person's presence, a stored room's definition. Parsed at the boundary: a malformed
 * entry (another version, a hand edit) is skipped, never applied.
 */

/** Lua's cjson writes an empty table as `{}`; lists come back as arrays only when they have items. */
const list = <T extends z.ZodType>(item: T) =>
  z.union([
    z.array(item),
    z
      .object({})
      .strict()
      .transform(() => [] as z.infer<T>[]),
  ]);

const Participant = z.object({
  userId: z.string().min(1),
  displayName: z.string(),
  listenOnly: z.boolean(),
  since: z.string(),
});

const LeaveReason = z.enum(['left', 'moved', 'gracePeriodEnded', 'accessEnded', 'archived', 'roomClosed']);

const Base = { ws: z.string().min(1), seq: z.number().int().positive(), node: z.string() };

const RoomState = z.object({ id: z.string().min(1), people: list(Participant) });

export const RoomsEvent = z.object({
  ...Base,
  k: z.literal('rooms'),
  rooms: list(RoomState),
  reasons: z.record(z.string(), LeaveReason),
});

export const PresenceView = z.object({
  userId: z.string().min(1),
  displayName: z.string(),
  status: PresenceStatus,
});
export type PresenceView = z.infer<typeof PresenceView>;

export const PresenceEvent = z.object({
  ...Base,
  k: z.literal('presence'),
  userId: z.string().min(1),
  p: PresenceView.optional(),
  off: z.literal(true).optional(),
});

export const DefEvent = z.object({
  ...Base,
  k: z.literal('def'),
  room: z.object({
    id: z.string().min(1),
    workspaceId: z.string().min(1),
    name: z.string(),
    capacity: z.number().int().nullable(),
    archived: z.boolean(),
    createdAt: z.string(),
    /** A 1on1 room (meetingScripts.ts): who may enter; absent for stored rooms. */
    kind: z.literal('oneOnOne').optional(),
    guestList: list(z.string().min(1)).optional(),
  }),
});

export const SharedEvent = z.discriminatedUnion('k', [RoomsEvent, PresenceEvent, DefEvent]);
export type SharedEvent = z.infer<typeof SharedEvent>;
export type RoomsEvent = z.infer<typeof RoomsEvent>;
export type PresenceEvent = z.infer<typeof PresenceEvent>;
export type DefEvent = z.infer<typeof DefEvent>;

/** The event in `json`, or undefined when it is not one this version understands. */
export function parseSharedEvent(json: string): SharedEvent | undefined {
  try {
    const r = SharedEvent.safeParse(JSON.parse(json));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** One room's people as the LOAD script returns them; undefined when malformed. */
export function parseRoomState(json: string): z.infer<typeof RoomState> | undefined {
  try {
    const r = RoomState.safeParse(JSON.parse(json));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** One person's presence as the LOAD script returns it; undefined when malformed. */
export function parsePresenceView(json: string): PresenceView | undefined {
  try {
    const r = PresenceView.safeParse(JSON.parse(json));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** The 1on1 room a definition describes (its guest list filled in), or undefined for a stored room. */
export function privateRoomOf(room: DefEvent['room']): PrivateRoomDefinition | undefined {
  return room.kind === 'oneOnOne' ? { ...room, guestList: room.guestList ?? [] } : undefined;
}

/** A 1on1 room's definition as the LOAD script returns it; undefined when malformed or not a 1on1 room. */
export function parsePrivateRoom(json: string): PrivateRoomDefinition | undefined {
  try {
    const r = DefEvent.shape.room.safeParse(JSON.parse(json));
    return r.success ? privateRoomOf(r.data) : undefined;
  } catch {
    return undefined;
  }
}
