/**
 * Pure ordering rule of the shared floor's mirror: every change carries the stream's sequence number,
 * and a room shows the newest state it has seen. A node applies its own script's result at once and may
 * read older events of other nodes after it: those must not roll the room back.
 */

/** Room id → sequence number of the state shown. */
export type RoomSeqs = Map<string, number>;

/** The rooms of an event at `seq` that are newer than what is shown; records their new number. */
export function freshRooms<R extends { id: string }>(seqs: RoomSeqs, rooms: readonly R[], seq: number): R[] {
  const fresh = rooms.filter((r) => (seqs.get(r.id) ?? 0) < seq);
  for (const r of fresh) seqs.set(r.id, seq);
  return fresh;
}
