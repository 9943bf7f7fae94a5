import type { AppError } from '../errors.js';
import { FloorError } from './errors.js';

/** What the entry policy needs to know about a room and a person; plain data, no clock or I/O. */
export interface EntryFacts {
  closed: boolean;
  archived: boolean;
  capacity: number | null;
  /** People inside now, not counting the one asking. */
  occupancy: number;
  /** Private rooms (1on1) admit only the people on their list (invitees and admitted knockers). */
  isPrivate: boolean;
  onGuestList: boolean;
}

export type EntryRefusal = 'closed' | 'archived' | 'private' | 'full';

/** Decides whether a person may enter; `null` means yes. Pure, so it is tested without a floor. */
export function entryRefusal(f: EntryFacts): EntryRefusal | null {
  if (f.closed) return 'closed';
  if (f.archived) return 'archived';
  if (f.isPrivate && !f.onGuestList) return 'private';
  if (f.capacity !== null && f.occupancy >= f.capacity) return 'full';
  return null;
}

/** The error a refusal becomes at the boundary. */
export function refusalError(refusal: EntryRefusal, capacity: number | null): AppError {
  switch (refusal) {
    case 'closed':
      // A closed room is gone from the floor: say so the same way as for an unknown id.
      return FloorError.roomNotFound();
    case 'archived':
      return FloorError.roomArchived();
    case 'private':
      return FloorError.roomPrivate();
    case 'full':
      return FloorError.roomFull(capacity ?? 0);
  }
}
