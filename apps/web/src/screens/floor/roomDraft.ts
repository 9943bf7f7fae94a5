/** What an admin has typed into the create-room form. */
export interface RoomDraft {
  name: string;
  capacity: string;
}

export const EMPTY_ROOM_DRAFT: RoomDraft = { name: '', capacity: '' };

/**
 * The form after a room was created from `submitted`. The new room often reaches the floor (as
 * `floor:roomUpdated`) before the request's answer, so the admin may already be typing the next room:
 * a field is cleared only while it still holds what was submitted, never wiping newer typing.
 */
export function draftAfterCreate(current: RoomDraft, submitted: RoomDraft): RoomDraft {
  const unchanged = current.name === submitted.name && current.capacity === submitted.capacity;
  return unchanged ? EMPTY_ROOM_DRAFT : current;
}
