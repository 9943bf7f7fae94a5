import type { PersonRef } from '@tsudoi/protocol';

const MAX_NAME = 60;

/** A 1on1 room's name: its people's names. */
export function privateRoomName(people: readonly PersonRef[]): string {
  return people
    .map((p) => p.displayName)
    .join(' & ')
    .slice(0, MAX_NAME);
}

/** Several nodes: a 1on1 room another node opened (or whose guest list it extended). */
export interface PrivateRoomDefinition {
  id: string;
  workspaceId: string;
  name: string;
  guestList: readonly string[];
}

/** How many closed 1on1 room ids a floor remembers, so a late definition does not bring one back. */
export const CLOSED_PRIVATE_KEPT = 10_000;
