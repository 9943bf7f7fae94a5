import type { FloorChanged, MemberPresence, RoomParticipantsChanged, RoomSummary } from '@tsudoi/protocol';
import type { Socket } from 'socket.io-client';

/** A floor push unpacked, whichever event carried it. */
export interface FloorPushContent {
  rooms: RoomSummary[];
  removedRoomIds: string[];
  presence: MemberPresence[];
  /** Big rooms' participant changes (realtime/floorPushes.ts `WHOLE_ROOM_MAX`). */
  participants: RoomParticipantsChanged[];
}

/**
 * What a floor push tells a page, whichever of the four events carried it: on a busy floor the server gathers
 * room and presence changes into one `floor:changed` (realtime/floorPushes.ts), so a test that waits for a
 * person's presence or a room must look there too.
 */
export function floorPushContent(event: string, payload: unknown): FloorPushContent | undefined {
  const none: FloorPushContent = { rooms: [], removedRoomIds: [], presence: [], participants: [] };
  switch (event) {
    case 'floor:roomUpdated':
      return { ...none, rooms: [payload as RoomSummary] };
    case 'floor:roomRemoved':
      return { ...none, removedRoomIds: [(payload as { roomId: string }).roomId] };
    case 'floor:presence':
      return { ...none, presence: [payload as MemberPresence] };
    case 'floor:changed': {
      const c = payload as FloorChanged;
      return {
        rooms: c.rooms,
        removedRoomIds: c.removedRoomIds,
        presence: c.presence ?? [],
        participants: c.participants ?? [],
      };
    }
    default:
      return undefined;
  }
}

/** Calls `fn` with every floor push the socket receives from now on; returns the unsubscribe. */
export function onFloorPush(s: Socket, fn: (content: FloorPushContent) => void): () => void {
  const h = (event: string, payload: unknown) => {
    const content = floorPushContent(event, payload);
    if (content) fn(content);
  };
  s.onAny(h);
  return () => s.offAny(h);
}

function nextIn<T>(s: Socket, pick: (c: FloorPushContent) => T[], where: (x: T) => boolean): Promise<T> {
  return new Promise<T>((resolve) => {
    const off = onFloorPush(s, (content) => {
      const found = pick(content).find(where);
      if (found === undefined) return;
      off();
      resolve(found);
    });
  });
}

/** The next presence pushed to the socket that satisfies `where` (alone or gathered with other changes). */
export function nextPresence(s: Socket, where: (p: MemberPresence) => boolean = () => true) {
  return nextIn(s, (c) => c.presence, where);
}

/** The next room update pushed to the socket that satisfies `where` (alone or gathered with other changes). */
export function nextRoom(s: Socket, where: (r: RoomSummary) => boolean = () => true) {
  return nextIn(s, (c) => c.rooms, where);
}

/** The next participant change of a big room pushed to the socket that satisfies `where`. */
export function nextParticipants(s: Socket, where: (c: RoomParticipantsChanged) => boolean = () => true) {
  return nextIn(s, (c) => c.participants, where);
}
