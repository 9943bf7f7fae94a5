import type { Database } from 'better-sqlite3';
import type { RoomRecord, RoomRepo } from '../../rooms/roomRepo.js';

interface RoomRow {
  id: string;
  workspace_id: string;
  name: string;
  capacity: number | null;
  archived: number;
  created_at: string;
}

const toRoom = (r: RoomRow): RoomRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  capacity: r.capacity,
  archived: r.archived === 1,
  createdAt: r.created_at,
});

/** Rooms in SQLite; every statement filters by workspace_id. */
export function sqliteRooms(db: Database): RoomRepo {
  const get = (workspaceId: string, id: string) =>
    db
      .prepare<[string, string], RoomRow>('SELECT * FROM rooms WHERE workspace_id = ? AND id = ?')
      .get(workspaceId, id);
  return {
    async create(room) {
      db.prepare(
        'INSERT INTO rooms (id, workspace_id, name, capacity, archived, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(room.id, room.workspaceId, room.name, room.capacity, room.archived ? 1 : 0, room.createdAt);
    },
    async get(workspaceId, id) {
      const row = get(workspaceId, id);
      return row && toRoom(row);
    },
    async list(workspaceId) {
      return db
        .prepare<[string], RoomRow>('SELECT * FROM rooms WHERE workspace_id = ? ORDER BY created_at, id')
        .all(workspaceId)
        .map(toRoom);
    },
    async rename(workspaceId, id, name) {
      db.prepare('UPDATE rooms SET name = ? WHERE workspace_id = ? AND id = ?').run(name, workspaceId, id);
      const row = get(workspaceId, id);
      return row && toRoom(row);
    },
    async archive(workspaceId, id) {
      db.prepare('UPDATE rooms SET archived = 1 WHERE workspace_id = ? AND id = ?').run(workspaceId, id);
      const row = get(workspaceId, id);
      return row && toRoom(row);
    },
  };
}
