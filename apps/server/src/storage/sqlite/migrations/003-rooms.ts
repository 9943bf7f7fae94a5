import type { Migration } from '../migrations.js';

/** Room definitions made by admins (who is inside is live state, never stored). */
export const m003Rooms: Migration = {
  version: 3,
  name: 'rooms',
  up(db) {
    db.exec(`
      CREATE TABLE rooms (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        name TEXT NOT NULL,
        capacity INTEGER CHECK (capacity IS NULL OR capacity > 0),
        archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        created_at TEXT NOT NULL
      );
      CREATE INDEX rooms_ws_created ON rooms (workspace_id, created_at);
    `);
  },
};
