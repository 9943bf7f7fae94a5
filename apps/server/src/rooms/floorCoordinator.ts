import type { PersonRef } from '@tsudoi/protocol';
import type { Floor, JoinResult } from './floor.js';
import type { BookDeps, MeetingBooks } from './meetingBooks.js';
import type { LeaveReason, Room } from './room.js';

/**
 * Several nodes (R23): who is in which room is decided by a store every node shares (`scaling/`), and
 * each node's `Floor` mirrors it. Without a coordinator (one node) the floor decides in memory.
 */
export interface FloorCoordinator {
  /** Fills a freshly loaded floor with the shared state and keeps it in step; returns the detach. */
  attach(floor: Floor): Promise<() => void>;
  /** `Floor.join` decided atomically across nodes (capacity included); the floor shows the result. */
  join(floor: Floor, person: PersonRef, roomId: string, opts: { listenOnly?: boolean }): Promise<JoinResult>;
  /** Leaves `roomId` (or whatever room, when undefined); resolves to the room left, if any. */
  leave(
    floor: Floor,
    userId: string,
    roomId: string | undefined,
    reason: LeaveReason,
  ): Promise<Room | undefined>;
  /** A loaded floor's 1on1 invitations and knocks, shared across nodes (absent: kept in this process). */
  books?(deps: BookDeps): MeetingBooks;
}
