import type { RoomRecord, RoomRepo } from './roomRepo.js';

/** An in-memory RoomRepo for unit tests of the floor; passes the same contract as the stored engines. */
export class MemoryRoomRepo implements RoomRepo {
  readonly #rooms = new Map<string, RoomRecord>();

  async create(room: RoomRecord): Promise<void> {
    if (this.#rooms.has(room.id)) throw new Error(`room ${room.id} exists`);
    this.#rooms.set(room.id, { ...room });
  }

  async get(workspaceId: string, id: string): Promise<RoomRecord | undefined> {
    const room = this.#rooms.get(id);
    return room?.workspaceId === workspaceId ? { ...room } : undefined;
  }

  async list(workspaceId: string): Promise<RoomRecord[]> {
    return [...this.#rooms.values()]
      .filter((r) => r.workspaceId === workspaceId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((r) => ({ ...r }));
  }

  async rename(workspaceId: string, id: string, name: string): Promise<RoomRecord | undefined> {
    return this.#patch(workspaceId, id, { name });
  }

  async archive(workspaceId: string, id: string): Promise<RoomRecord | undefined> {
    return this.#patch(workspaceId, id, { archived: true });
  }

  #patch(workspaceId: string, id: string, patch: Partial<RoomRecord>): RoomRecord | undefined {
    const room = this.#rooms.get(id);
    if (room?.workspaceId !== workspaceId) return undefined;
    Object.assign(room, patch);
    return { ...room };
  }
}
