import type { FloorChanged, RoomKind, RoomSummary } from '@tsudoi/protocol';
import type { LeaveReason } from './room.js';

/**
 * A room's last participant left (or their grace period ended, or the room was archived/closed with
 * people inside). The messages domain deletes the room's messages on it (R6). Fired exactly once per
 * emptying: a room that fills and empties again fires again, a racing leave/close never fires twice.
 */
export interface RoomEmptyEvent {
  workspaceId: string;
  roomId: string;
  kind: RoomKind;
  lastUserId: string;
  reason: LeaveReason;
  at: Date;
  /**
   * Several nodes: another node made this change and already handled it (purge, access log); this node
   * only mirrors it. Absent on one node.
   */
  remote?: true;
}

/** Someone entered or left a room; the access log records these (R14). */
export interface RoomPresenceEvent {
  workspaceId: string;
  roomId: string;
  userId: string;
  at: Date;
  /** Several nodes: mirrored from another node, which records it in the access log. */
  remote?: true;
}

/** Domain events of a workspace's floor, and (re-emitted with the same payloads) of all floors. */
export interface FloorEvents {
  roomEmpty: [event: RoomEmptyEvent];
  /** A room appeared or changed (name, archived, people, listen-only): push `floor:roomUpdated`. */
  roomUpdated: [workspaceId: string, room: RoomSummary];
  /** A room is gone (an emptied 1on1): push `floor:roomRemoved`. */
  roomRemoved: [workspaceId: string, roomId: string];
  /**
   * What clients see: every room update/removal of one floor operation together (a move A → B is one
   * change with both rooms), after the single `roomUpdated`/`roomRemoved` events it sums up.
   */
  changed: [workspaceId: string, change: FloorChanged];
  participantJoined: [event: RoomPresenceEvent];
  participantLeft: [event: RoomPresenceEvent & { reason: LeaveReason }];
}
