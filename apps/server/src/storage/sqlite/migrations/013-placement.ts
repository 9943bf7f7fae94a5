import type { Migration } from '../migrations.js';

/**
 * Several nodes (R23, media/placement/placementRepo.ts): the node registry (heartbeats) and which node hosts
 * each room's media. Operational state, not tenant data; times are epoch ms.
 */
export const m013Placement: Migration = {
  version: 13,
  name: 'placement',
  up(db) {
    db.exec(`
      CREATE TABLE media_nodes (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        peers INTEGER NOT NULL,
        workers INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE room_placements (
        room_key TEXT PRIMARY KEY,
        node_id TEXT NOT NULL,
        claimed_at INTEGER NOT NULL
      );
      CREATE INDEX room_placements_node ON room_placements (node_id);
    `);
  },
};
